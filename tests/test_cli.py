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
