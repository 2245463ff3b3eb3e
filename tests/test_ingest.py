"""Dataset ingest: layouts, bad input, idempotence, changes, errors that leave the store unchanged."""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import pytest
from fixtures import BAD_FILES, jpeg_bytes, write_bad, write_good


def rows(store_path, sql, params=None):
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_folder_with_every_bad_kind_ingests_the_good_ones_and_lists_the_bad(cli, store_path, tmp_path):
    root = tmp_path / "mixed"
    write_good(root / "real", 6, start_seed=0)
    write_good(root / "fake", 5, start_seed=100)
    write_bad(root / "fake")
    result = cli("ingest", "mixed", root)
    assert result.code == 0, result.err
    rejected = [n for n, (s, _) in BAD_FILES.items() if s == "rejected"]
    converted = [n for n, (s, _) in BAD_FILES.items() if s == "converted"]
    assert f"usable images: {11 + len(converted)} ({5 + len(converted)} fake, 6 real)" in result.out
    assert f"converted to RGB: {len(converted)}; rejected: {len(rejected)}" in result.out
    for name, (status, words) in BAD_FILES.items():
        line = next(line for line in result.out.splitlines() if line.strip().startswith(f"fake/{name}:"))
        assert words in line
    stored = dict(rows(store_path, "SELECT rel_path, status FROM images WHERE dataset = 'mixed'"))
    assert len(stored) == 11 + len(BAD_FILES)
    assert {stored[f"fake/{n}"] for n in rejected} == {"rejected"}
    assert {stored[f"fake/{n}"] for n in converted} == {"converted"}


def test_nested_split_folders_are_recorded(cli, store_path, tmp_path):
    root = tmp_path / "nested"
    write_good(root / "Train" / "real", 3, 0)
    write_good(root / "Train" / "DF", 3, 10)
    write_good(root / "validation" / "real", 2, 20)
    write_good(root / "validation" / "fake_faceswap", 2, 30)
    write_good(root / "train:test" / "real", 1, 40)
    write_good(root / "train:test" / "manipulated", 1, 50)
    assert cli("ingest", "nested", root).code == 0
    counts = rows(store_path, "SELECT source_split, label, count(*) FROM images GROUP BY ALL ORDER BY ALL")
    assert counts == [("train", "fake", 3), ("train", "real", 3), ("train:test", "fake", 1), ("train:test", "real", 1),
                      ("validation", "fake", 2), ("validation", "real", 2)]


def test_subfolders_of_class_folders_become_groups_and_patterns_override(cli, store_path, tmp_path):
    root = tmp_path / "videos"
    write_good(root / "real" / "vid_a", 2, 0)
    write_good(root / "real" / "vid_b", 2, 10)
    write_good(root / "fake", 2, 20, prefix="clip7_")
    assert cli("ingest", "videos", root).code == 0
    groups = rows(store_path, "SELECT rel_path, group_id FROM images ORDER BY rel_path")
    assert groups[0] == ("fake/clip7_000.jpg", None)
    assert ("real/vid_b/img001.jpg", "vid_b") in groups
    assert cli("ingest", "videos", root, "--group-pattern", r"(clip\d+|vid_\w)").code == 0
    assert set(rows(store_path, "SELECT DISTINCT group_id FROM images")) == {("clip7",), ("vid_a",), ("vid_b",)}


def test_reingest_is_idempotent_and_says_so(cli, store_path, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 3, 0)
    write_good(root / "fake", 3, 10)
    assert cli("ingest", "d", root).code == 0
    before = rows(store_path, "SELECT * EXCLUDE (ingested_at) FROM images ORDER BY image_id")
    again = cli("ingest", "d", root)
    assert again.code == 0
    assert "nothing changed" in again.out
    assert rows(store_path, "SELECT * EXCLUDE (ingested_at) FROM images ORDER BY image_id") == before


def test_changed_and_removed_files_are_updated(cli, store_path, tmp_path):
    root = tmp_path / "d"
    real = write_good(root / "real", 3, 0)
    fake = write_good(root / "fake", 3, 10)
    cli("ingest", "d", root)
    old_id = rows(store_path, "SELECT image_id FROM images WHERE rel_path = 'real/img000.jpg'")[0][0]
    kept_id = rows(store_path, "SELECT image_id FROM images WHERE rel_path = 'real/img001.jpg'")[0][0]
    real[0].write_bytes(jpeg_bytes(500))
    fake[2].unlink()
    os.utime(real[1], ns=(1, 1))  # touched, same content: not a change
    result = cli("ingest", "d", root)
    assert "1 new" not in result.out and "0 new, 1 changed, 1 removed, 4 unchanged" in result.out
    new_id, new_hash = rows(store_path, "SELECT image_id, content_hash FROM images WHERE rel_path = 'real/img000.jpg'")[0]
    assert new_id != old_id
    assert rows(store_path, "SELECT image_id, mtime_ns FROM images WHERE rel_path = 'real/img001.jpg'")[0] == (kept_id, 1)
    assert rows(store_path, "SELECT count(*) FROM images WHERE rel_path = 'fake/img002.jpg'")[0][0] == 0


def test_manifest_with_missing_paths_numeric_labels_groups_and_attributes(cli, store_path, tmp_path):
    root = tmp_path / "m"
    write_good(root / "imgs", 4, 0)
    manifest = pd.DataFrame({
        "path": ["imgs/img000.jpg", "imgs/img001.jpg", "imgs/img002.jpg", "imgs/img003.jpg", "imgs/missing.jpg"],
        "label": [0, 1, 1, 0, 1],
        "group": ["v1", "v1", "v2", "v2", "v3"],
        "split": ["train", "train", "test", "test", "test"],
        "age": ["30", "41", "", "25", "50"],
        "camera": ["a", "b", "a", "b", "c"],
    })
    manifest.to_csv(root / "list.csv", index=False)
    result = cli("ingest", "m", root, "--manifest", root / "list.csv")
    assert result.code == 0, result.err
    assert "imgs/missing.jpg: file not found" in result.out
    stored = rows(store_path, "SELECT rel_path, label, group_id, source_split, status FROM images ORDER BY rel_path")
    assert stored[0] == ("imgs/img000.jpg", "real", "v1", "train", "ok")
    assert stored[1][1] == "fake"
    assert stored[4] == ("imgs/missing.jpg", "fake", "v3", "test", "rejected")
    attributes = rows(store_path, "SELECT i.rel_path, a.name, a.value FROM image_attributes a JOIN images i USING (image_id) "
                                  "WHERE i.rel_path = 'imgs/img002.jpg' ORDER BY a.name")
    assert attributes == [("imgs/img002.jpg", "camera", "a")]  # the empty age is absent, not ''


def test_parquet_manifest_given_as_path_with_labels_meaning_real(cli, store_path, tmp_path):
    root = tmp_path / "pq"
    write_good(root, 4, 0)
    frame = pd.DataFrame({"path": [f"img{i:03d}.jpg" for i in range(4)], "label": [1, 1, 0, 0]})
    con = duckdb.connect()
    con.from_df(frame).write_parquet(str(root / "manifest.parquet"))
    result = cli("ingest", "pq", root / "manifest.parquet", "--numeric-label-one", "real")
    assert result.code == 0, result.err
    assert rows(store_path, "SELECT label, count(*) FROM images GROUP BY label ORDER BY label") == [("fake", 2), ("real", 2)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("file,label\na.jpg,real\n", "no column 'path'"),
        ("path,label\na.jpg,maybe\n", "row 2: label 'maybe' is not real, fake, 1 or 0"),
        ("path,label\na.jpg,real\na.jpg,fake\n", "row 3: path a.jpg is listed twice"),
    ],
)
def test_bad_manifests_fail_with_one_line_naming_the_problem(cli, store_path, tmp_path, content, message):
    (tmp_path / "bad.csv").write_text(content)
    result = cli("ingest", "bad", tmp_path / "bad.csv")
    assert result.code == 1
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_unusable_datasets_are_refused_and_leave_the_store_unchanged(cli, store_path, tmp_path):
    good = tmp_path / "good"
    write_good(good / "real", 2, 0)
    write_good(good / "fake", 2, 10)
    assert cli("ingest", "good", good).code == 0
    before = rows(store_path, "SELECT count(*), max(image_id) FROM images")
    one_class = tmp_path / "one"
    write_good(one_class / "real", 3, 20)
    (one_class / "fake").mkdir()
    (one_class / "fake" / "broken.jpg").write_bytes(b"")
    empty = tmp_path / "empty"
    (empty / "real").mkdir(parents=True)
    (empty / "df").mkdir()
    cases = [
        (("ingest", "one", one_class), "no usable fake images"),
        (("ingest", "empty", empty), "no files found"),
        (("ingest", "gone", tmp_path / "does-not-exist"), "does not exist"),
        (("ingest", "flat", tmp_path / "good" / "real"), "no class folders found"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.code == 1 and message in result.err, (args, result.err)
    assert rows(store_path, "SELECT count(*), max(image_id) FROM images") == before
    assert rows(store_path, "SELECT dataset FROM datasets") == [("good",)]


def test_interrupted_write_leaves_no_rows(cli, store_path, tmp_path, monkeypatch):
    from dsanalysis.store.connection import Store

    root = tmp_path / "d"
    write_good(root / "real", 2, 0)
    write_good(root / "fake", 2, 10)
    original = Store.execute

    def interrupted(self, name, **params):
        if name == "ingest_insert_images":
            raise KeyboardInterrupt
        return original(self, name, **params)

    monkeypatch.setattr(Store, "execute", interrupted)
    assert cli("ingest", "d", root).code == 130
    monkeypatch.undo()
    assert not store_path.exists()  # the store this first ingest created holds nothing: not left behind
    assert cli("ingest", "d", root).code == 0
    assert rows(store_path, "SELECT count(*) FROM images") == [(4,)]
    monkeypatch.setattr(Store, "execute", interrupted)
    assert cli("ingest", "e", root).code == 130  # into an existing store: it keeps what it had, no rows of e
    monkeypatch.undo()
    assert rows(store_path, "SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM datasets)") == [(4, 1)]


def test_exact_duplicates_within_and_across_datasets_are_reported(cli, store_path, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_good(a / "real", 2, 0)
    write_good(a / "fake", 2, 10)
    (a / "fake" / "copy.jpg").write_bytes((a / "fake" / "img000.jpg").read_bytes())
    write_good(b / "real", 2, 0)  # same seeds: same bytes as a/real
    write_good(b / "fake", 1, 50)
    first = cli("ingest", "a", a)
    assert "exact duplicates within a: 1 file pairs" in first.out
    second = cli("ingest", "b", b)
    assert "exact duplicates in other datasets (a): 2 files" in second.out
    listed = cli("sql", "--query", "duplicate_images", "--format", "csv")
    assert listed.out.count("\n") == 1 + 3  # header + three groups of identical content


def test_shared_real_datasets_register_with_their_splits_and_labels(cli, store_path, mesonet_dir, lfw_dir):
    first = cli("ingest", "mesonet", mesonet_dir)
    assert first.code == 0, first.err
    assert "usable images: 1600 (800 fake, 800 real)" in first.out
    assert "dataset's own splits: train 1000, validation 600" in first.out
    assert cli("ingest", "lfw", lfw_dir).code == 0
    assert "nothing changed" in cli("ingest", "mesonet", mesonet_dir).out
    assert "nothing changed" in cli("ingest", "lfw", lfw_dir).out
    count = cli("sql", "SELECT count(*) AS n FROM images", "--format", "csv")
    assert count.out.splitlines() == ["n", "2600"]
    counts = rows(store_path, "SELECT dataset, source_split, label, count(*) FROM images WHERE status = 'ok' GROUP BY ALL ORDER BY ALL")
    assert counts == [("lfw", None, "fake", 500), ("lfw", None, "real", 500),
                      ("mesonet", "train", "fake", 500), ("mesonet", "train", "real", 500),
                      ("mesonet", "validation", "fake", 300), ("mesonet", "validation", "real", 300)]


def test_auto_layout_reads_path_manifest_csv_when_there_are_no_class_folders(cli, store_path, tmp_path):
    root = tmp_path / "m"
    write_good(root / "imgs", 2, 0)
    pd.DataFrame({"path": ["imgs/img000.jpg", "imgs/img001.jpg"], "label": ["real", "fake"]}).to_csv(
        root / "manifest.csv", index=False)
    result = cli("ingest", "m", root)
    assert result.code == 0, result.err
    assert "(manifest layout)" in result.out
    assert rows(store_path, "SELECT rel_path, label FROM images ORDER BY rel_path") == [
        ("imgs/img000.jpg", "real"), ("imgs/img001.jpg", "fake")]
    (root / "manifest.csv").unlink()
    missing = cli("ingest", "n", root)
    assert missing.code == 1 and "no class folders found" in missing.err


def test_a_cap_on_images_per_class_is_seeded_nested_recorded_and_invalidates_what_it_leaves_out(cli, store_path, tmp_path):
    """--max-images-per-class: every file stays indexed, each class is capped (whole groups together), a larger
    cap keeps every image a smaller one chose, and changing the cap drops splits holding images it leaves out."""
    from dsanalysis.store import open_store

    root = tmp_path / "d"
    write_good(root / "real", 30, 0)
    write_good(root / "fake", 24, 100)
    capped = cli("ingest", "d", root, "--max-images-per-class", "10", "--cap-seed", "3")
    assert capped.code == 0, capped.err
    assert "a study uses at most 10 images per class (seed 3): 20 (10 fake, 10 real)" in capped.out

    def used() -> set:
        with open_store(store_path, read_only=True) as store:
            return set(store.query("usable_images", dataset="d")["rel_path"])

    ten = used()
    assert len(ten) == 20 and len(rows(store_path, "SELECT * FROM images WHERE dataset = 'd'")) == 54
    assert rows(store_path, "SELECT max_images_per_class, cap_seed FROM datasets") == [(10, 3)]
    assert cli("train", "d", "--epochs", "1", "--batch-size", "8", "--validation-fraction", "0.3").code == 0
    assert cli("ingest", "d", root, "--max-images-per-class", "12", "--cap-seed", "3").code == 0
    assert ten <= used() and len(used()) == 24  # nested: the larger cap keeps the smaller one's choice
    assert rows(store_path, "SELECT status FROM runs") == [("complete",)]  # no image left out: the run stands
    other_seed = cli("ingest", "d", root, "--max-images-per-class", "12", "--cap-seed", "4")
    assert "the cap changed from 12 images per class (seed 3) to 12 images per class (seed 4)" in other_seed.out
    assert "split(s) held images that were left out by the new image cap: dropped" in other_seed.out
    assert rows(store_path, "SELECT status FROM runs") == [("stale",)]
    assert cli("ingest", "d", root).code == 0 and len(used()) == 54  # no cap: every usable image
    too_small = cli("ingest", "d", root, "--max-images-per-class", "3")
    assert too_small.code == 1 and "--max-images-per-class must be at least 10" in too_small.err
