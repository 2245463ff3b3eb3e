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


def test_a_manifest_line_too_long_names_duckdbs_cause(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 2, 0)
    (root / "m.csv").write_text("path,label\n" + "x" * (2 * 1024 * 1024) + ",real\n", encoding="utf-8")
    line = _one_line(cli("ingest", "d", root, "--manifest", root / "m.csv"))
    assert "Maximum line size of 2000000 bytes exceeded" in line and "xxxx" not in line


def test_a_store_that_cannot_be_written_is_one_line_and_stores_nothing(store_path):
    import pytest

    from dsanalysis.errors import UserError
    from dsanalysis.store import open_store

    with open_store(store_path) as store:
        with pytest.raises(UserError, match=r"could not write to store .*: IO Error: No space left on device \(a full "
                                            r"disk or a read-only folder\?\); nothing of this step was stored"):
            with store.transaction() as con:
                con.execute("INSERT INTO datasets BY NAME SELECT 'd' AS dataset, '/x' AS root, 'folders' AS layout, now()::TIMESTAMP AS ingested_at, '0' AS package_version")
                raise duckdb.IOException("IO Error: No space left on device")
        assert store.con.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0


def test_a_file_name_with_a_newline_stays_on_one_line(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 3, 0)
    write_good(root / "fake", 3, 10)
    (root / "fake" / "bad\nname.jpg").write_bytes(b"not an image")  # a real newline in the name
    result = cli("ingest", "d", root)
    assert result.code == 0
    assert "    fake/bad\\nname.jpg: not a recognised image file" in result.out.splitlines()
