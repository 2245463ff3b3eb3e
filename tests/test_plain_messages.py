"""User mistakes get one plain line naming the problem, never a raw exception name, and lose nothing."""

from __future__ import annotations

import duckdb
from fixtures import write_good


def _one_line(result) -> str:
    lines = result.err.strip().splitlines()
    assert result.code != 0 and len(lines) == 1, result.err
    assert not any(raw in lines[0] for raw in ("UnicodeDecodeError", "FileNotFoundError", "ValueError", "Exception")), lines[0]
    return lines[0]


def test_a_binary_study_file(cli, tmp_path):
    study = tmp_path / "bin.toml"
    study.write_bytes(b"\x00\xff\xfe binary")
    line = _one_line(cli("study", "plan", study))
    assert line == f"error: study file {study} is not UTF-8 text (is it a TOML file?)"


def test_a_report_folder_that_cannot_be_written(cli, tmp_path, store_path):
    write_good(tmp_path / "d" / "real", 3, 0)
    write_good(tmp_path / "d" / "fake", 3, 10)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    line = _one_line(cli("report", "--out", "/proc/dsanalysis-report"))
    assert line.startswith("error: cannot write the report to /proc/dsanalysis-report:")


def test_a_store_with_an_unreadable_schema_version(cli, tmp_path, store_path):
    write_good(tmp_path / "d" / "real", 3, 0)
    write_good(tmp_path / "d" / "fake", 3, 10)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    con = duckdb.connect(str(store_path))
    con.execute("UPDATE store_info SET value = 'abc' WHERE key = 'schema_version'")
    con.close()
    line = _one_line(cli("sql", "SELECT 1"))
    assert line == f"error: store {store_path} has an unreadable schema version 'abc': it is damaged, or not a dsanalysis store"


def test_a_failed_first_ingest_leaves_no_store_behind(cli, tmp_path, store_path):
    result = cli("ingest", "x", tmp_path / "nowhere")
    assert result.code != 0 and not store_path.exists()
    assert not (tmp_path / "results_files").exists()
    write_good(tmp_path / "d" / "real", 3, 0)
    write_good(tmp_path / "d" / "fake", 3, 10)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    assert cli("ingest", "y", tmp_path / "nowhere").code != 0 and store_path.exists()  # a store with data is kept


def test_the_same_bytes_under_both_labels_is_a_label_conflict(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 3, 0)
    write_good(root / "fake", 3, 10)
    (root / "fake" / "copy.jpg").write_bytes((root / "real" / "img001.jpg").read_bytes())
    result = cli("ingest", "d", root)
    assert result.code == 0
    assert "label conflicts: 1 file pairs hold the same bytes under both labels, e.g. fake/copy.jpg (fake) = " \
        "real/img001.jpg (real)" in result.out
