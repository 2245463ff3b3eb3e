"""The command line: exit codes, one-line errors, --debug, read-only sql, light imports."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest
from fixtures import write_good

from dsanalysis.cli import command_modules


@pytest.fixture
def small_store(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 3, 0)
    write_good(root / "fake", 2, 10)
    assert cli("ingest", "small", root).code == 0
    return root


def test_every_command_has_help(cli):
    assert cli("--help").code == 0
    for name in command_modules():
        result = cli(name, "--help")
        assert result.code == 0 and "usage:" in result.out


def test_usage_errors_exit_2(cli):
    assert cli("no-such-command").code == 2
    assert cli("ingest").code == 2


def test_user_errors_are_one_line_and_debug_shows_the_traceback(cli, tmp_path):
    plain = cli("ingest", "x", tmp_path / "missing")
    assert plain.code == 1
    assert plain.err.strip().splitlines() == [f"error: dataset path {tmp_path / 'missing'} does not exist"]
    debug = cli("--debug", "ingest", "x", tmp_path / "missing")
    assert debug.code == 1 and "Traceback" in debug.err


def test_store_can_come_from_the_environment(tmp_path, monkeypatch):
    from dsanalysis.cli import main

    monkeypatch.setenv("DSANALYSIS_STORE", str(tmp_path / "env.duckdb"))
    write_good(tmp_path / "d" / "real", 2, 0)
    write_good(tmp_path / "d" / "fake", 2, 5)
    assert main(["ingest", "d", str(tmp_path / "d")]) == 0
    assert (tmp_path / "env.duckdb").exists()


def test_sql_runs_selects_and_refuses_writes(cli, small_store, store_path):
    assert cli("sql", "SELECT count(*) AS n FROM images", "--format", "csv").out == "n\n5\n"
    for statement in ["DELETE FROM images", "DROP TABLE images", "COPY images TO 'x.csv'", "ATTACH 'other.duckdb'"]:
        result = cli("sql", statement)
        assert result.code == 1 and "refused" in result.err, statement
    assert cli("sql", "SELECT 1; SELECT 2").code == 1
    broken = cli("sql", "SELEC nonsense")
    assert broken.code == 1 and broken.err.startswith("error: SQL does not parse")
    con = duckdb.connect(str(store_path), read_only=True)  # nothing was written
    assert con.execute("SELECT count(*) FROM images").fetchone()[0] == 5


def test_sql_named_queries_with_parameters_and_output_formats(cli, small_store, tmp_path):
    listed = cli("sql", "--list")
    assert "ingest_problems" in listed.out and "--param dataset=<VARCHAR>" in listed.out
    assert "ingest_upsert_dataset" not in listed.out  # internal SQL is not listed
    counts = cli("sql", "--query", "image_counts", "--format", "json")
    assert json.loads(counts.out) == [{"dataset": "small", "source_split": "", "label": "fake", "images": 2},
                                      {"dataset": "small", "source_split": "", "label": "real", "images": 3}]
    problems = cli("sql", "--query", "ingest_problems", "--param", "dataset=other")
    assert problems.code == 0 and "(no rows)" in problems.out
    assert "no named query 'nope'" in cli("sql", "--query", "nope").err
    assert "no parameter 'x'" in cli("sql", "--query", "datasets", "--param", "x=1").err
    out = tmp_path / "counts.parquet"
    assert cli("sql", "--query", "image_counts", "--format", "parquet", "--output", out).code == 0
    assert duckdb.connect().execute("SELECT sum(images) FROM read_parquet(?)", [str(out)]).fetchone()[0] == 5
    assert "needs --output" in cli("sql", "--query", "image_counts", "--format", "parquet").err


def test_datasets_lists_counts(cli, small_store):
    result = cli("datasets", "--format", "csv")
    header, row = result.out.splitlines()
    record = dict(zip(header.split(","), row.split(","), strict=False))
    assert (record["dataset"], record["files"], record["real"], record["fake"]) == ("small", "5", "3", "2")


def test_light_commands_do_not_import_tensorflow_or_deepface(tmp_path, small_store, store_path):
    code = (
        "import sys\nfrom dsanalysis.cli import main\n"
        f"main(['--store', {str(store_path)!r}, 'sql', 'SELECT 1'])\n"
        f"main(['--store', {str(store_path)!r}, 'datasets'])\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'deepface', 'torch') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    # run outside the checkout: `python -c` puts the working directory first on sys.path, which would
    # shadow the installed package with the source folder
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert "HEAVY []" in out


def test_analyze_without_a_choice_explains_the_choices(cli, small_store):
    result = cli("analyze")
    assert result.code == 1
    assert result.err.count("\n") == 1
    for choice in ("analyze ranking", "analyze traits", "analyze subgroups", "analyze all"):
        assert choice in result.err


def test_one_vocabulary_for_resamples_with_the_old_spellings_unlisted(cli, small_store):
    help_text = cli("analyze", "--help").out
    assert "--bootstrap" in help_text and "--permutations" in help_text and "--n-boot" not in help_text
    assert "--bootstrap 50 is too few" in cli("analyze", "ranking", "--bootstrap", "50").err
    assert "--bootstrap 60 is too few" in cli("analyze", "ranking", "--n-boot", "60").err  # the old spelling works
    assert "--seed" in cli("evaluate", "--help").out and "--bootstrap-seed" not in cli("evaluate", "--help").out


def test_a_closed_pipe_is_a_normal_end_of_output(tmp_path, small_store, store_path):
    shell = f"{sys.executable} -m dsanalysis --store {store_path} sql --list | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout.strip() == "analyses"


def test_run_ids_accept_unique_prefixes_and_name_the_ambiguous_ones(cli, small_store, store_path):
    from dsanalysis.model.evaluation import full_run_id
    from dsanalysis.store import open_store

    with duckdb.connect(str(store_path)) as con:
        for run_id in ("3f2a9c0d1e4b5a6f", "3f2b000000000000"):
            con.execute("INSERT INTO runs (run_id, kind, arch, train_dataset, config_name, config, seed, status, "
                        "package_version) VALUES (?, 'trained', 'meso4', 'small', 'default', '{}', 0, 'complete', 't')",
                        [run_id])
    with open_store(store_path, read_only=True) as store:
        assert full_run_id(store, "3f2a") == "3f2a9c0d1e4b5a6f"
        assert full_run_id(store, "3f2b000000000000") == "3f2b000000000000"
    ambiguous = cli("evaluate", "3f2")
    assert ambiguous.code == 1
    assert "run id prefix '3f2' is ambiguous: it starts 3f2a9c0d1e4b5a6f, 3f2b000000000000" in ambiguous.err
    assert "no run 'ffff'" in cli("evaluate", "ffff").err


def test_datasets_writes_files_and_tables_leave_json_columns_out(cli, small_store, tmp_path):
    out = tmp_path / "datasets.json"
    assert cli("datasets", "--format", "json", "--output", out).code == 0
    assert json.loads(out.read_text())[0]["dataset"] == "small" and "source_splits" in json.loads(out.read_text())[0]
    table = cli("datasets").out
    assert "source_splits" not in table.splitlines()[0]
    assert "(not shown here: source_splits, JSON; --format json or csv shows them)" in table


def test_analyze_on_one_dataset_says_once_what_cannot_be_estimated(cli, tmp_path):
    from study_store import add_traits, build_study_store

    store = build_study_store(tmp_path, ["alpha"])
    add_traits(store)
    out = cli("analyze", "traits", "--bootstrap", "200", "--permutations", "199", store=store).out
    assert "-- profile: nothing could be estimated" in out
    reasons = [line for line in out.splitlines() if "measured only for datasets without a generalization score" in line]
    assert len(reasons) == 1 and "and 8 more" in reasons[0]
