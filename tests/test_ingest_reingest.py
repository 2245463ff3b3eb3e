"""Re-ingesting a changed dataset leaves nothing that refers to a gone image, and says what to rerun."""

from __future__ import annotations

import json

import duckdb

from fixtures import jpeg_bytes, write_good

ORPHANS = """SELECT (SELECT count(*) FROM split_members WHERE image_id NOT IN (SELECT image_id FROM images))
                  + (SELECT count(*) FROM predictions WHERE image_id NOT IN (SELECT image_id FROM images)) AS n"""


def test_removed_and_changed_images_make_splits_runs_and_evaluations_stale(cli, tmp_path, store_path):
    root = tmp_path / "d"
    write_good(root / "real", 20, 0)
    write_good(root / "fake", 20, 100)
    assert cli("ingest", "d", root).code == 0
    trained = cli("train", "d", "--epochs", "1", "--batch-size", "8", "--deterministic", "--validation-fraction", "0.2")
    assert trained.code == 0, trained.err
    assert cli("evaluate", "--all", "--bootstrap", "0").code == 0
    con = duckdb.connect(str(store_path))  # a traits summary and an analysis computed from these images
    con.execute("INSERT INTO dataset_traits VALUES ('d', 'images', 'all', 40, NULL, NULL, 40, '{}', now()::TIMESTAMP)")
    con.execute("""INSERT INTO analyses VALUES ('a1', 'ranking', '{}', 0, '{"datasets": ["d"]}', 'test', NULL,
                   now()::TIMESTAMP)""")
    con.close()
    for name in ("img000.jpg", "img001.jpg"):
        (root / "real" / name).unlink()
    (root / "fake" / "img005.jpg").write_bytes(jpeg_bytes(999))
    again = cli("ingest", "d", root)
    assert again.code == 0, again.err
    assert "1 split(s) held images that were removed, changed or relabelled: dropped, with d's test partition" in again.out
    assert "1 run(s) trained on those splits are now 'stale'" in again.out
    assert "1 evaluation(s) that scored those images or were made by stale runs were dropped" in again.out
    assert "the dataset traits of d were dropped: run `traits` again" in again.out
    assert "1 analysis(es) that included d were dropped: run `analyze` again" in again.out
    assert cli("sql", ORPHANS, "--format", "csv").out == "n\n0\n"
    assert cli("sql", "SELECT (SELECT count(*) FROM analyses) + (SELECT count(*) FROM dataset_traits) AS n",
               "--format", "csv").out == "n\n0\n"
    runs = json.loads(cli("sql", "--query", "runs", "--format", "json").out)
    assert [r["status"] for r in runs] == ["stale"] and runs[0]["error"].startswith("stale: 3 image(s) of d")
    assert "no complete trained runs" in cli("evaluate", "--all").err  # nothing 'already stored' from old images
    retrained = cli("train", "d", "--epochs", "1", "--batch-size", "8", "--deterministic", "--validation-fraction", "0.2")
    assert retrained.code == 0 and "already stored" not in retrained.out
    members = cli("sql", "SELECT count(*) AS n FROM split_members", "--format", "csv").out
    assert members == "n\n38\n"  # the new split covers the 38 current images


def test_an_unchanged_reingest_keeps_everything(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 4, 0)
    write_good(root / "fake", 4, 100)
    assert cli("ingest", "d", root).code == 0
    again = cli("ingest", "d", root)
    assert again.code == 0 and "stale" not in again.out and "dropped" not in again.out
