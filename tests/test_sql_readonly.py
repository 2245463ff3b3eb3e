"""`sql` is read-only in the engine, and no command writes its output over the store."""

from __future__ import annotations

import pytest
from fixtures import write_good


@pytest.fixture
def store_with_data(cli, tmp_path, store_path):
    write_good(tmp_path / "d" / "real", 3, 0)
    write_good(tmp_path / "d" / "fake", 3, 10)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    return store_path


def test_explain_analyze_cannot_write_another_file(cli, store_with_data, tmp_path):
    other = tmp_path / "other.duckdb"
    other.write_bytes(b"precious")
    result = cli("sql", f"EXPLAIN ANALYZE COPY (SELECT 'x') TO '{other}' (FORMAT csv)")
    assert result.code != 0 and "EXPLAIN ANALYZE" in result.err
    assert other.read_bytes() == b"precious"
    commented = cli("sql", f"/* hi */ explain  analyse COPY (SELECT 1) TO '{other}' (FORMAT csv)")
    assert commented.code != 0 and other.read_bytes() == b"precious"


@pytest.mark.parametrize("statement", [
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_csv('/etc/passwd')",
])
def test_no_file_but_the_store_can_be_read(cli, store_with_data, statement):
    result = cli("sql", statement)
    assert result.code != 0
    assert result.err.startswith("error: query failed: Permission Error") and len(result.err.strip().splitlines()) == 1


def test_settings_cannot_change_and_plain_selects_still_work(cli, store_with_data):
    assert cli("sql", "EXPLAIN ANALYZE SET threads = 1").code != 0
    assert cli("sql", "SET threads = 1").code != 0
    ok = cli("sql", "SELECT count(*) AS n FROM images", "--format", "csv")
    assert ok.code == 0 and ok.out == "n\n6\n"
    assert cli("sql", "EXPLAIN SELECT count(*) FROM images").code == 0
    assert cli("sql", "--query", "datasets").code == 0


def test_outputs_never_overwrite_the_store(cli, store_with_data, tmp_path):
    before = store_with_data.read_bytes()
    for args in (("sql", "SELECT 1 AS x", "--format", "csv", "--output", store_with_data),
                 ("sql", "SELECT 1 AS x", "--format", "parquet", "--output", str(store_with_data) + ".wal"),
                 ("sql", "SELECT 1 AS x", "--format", "csv", "--output", tmp_path / "results_files" / "x.csv"),
                 ("report", "--out", tmp_path / "results_files"),
                 ("figures", "--out", tmp_path / "results_files" / "figs")):
        result = cli(*args)
        assert result.code != 0 and "would overwrite the results store" in result.err, args
    assert store_with_data.read_bytes() == before
    assert not (tmp_path / "results_files" / "x.csv").exists()
