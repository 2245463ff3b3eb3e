"""Video ingest: FaceForensics++ and Celeb-DF folders as downloaded, broken videos, face crops, video-level metrics.

The videos are built from the shared LFW face-swap photos (real faces, real face swaps), so the
face detector has real faces to find.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from PIL import Image
from videos import truncate, write_video

from dsanalysis.store import open_store


def _faces(lfw_dir: Path, label: str, start: int, n: int) -> list[Path]:
    return sorted((lfw_dir / label).glob("*.jpg"))[start:start + n]


def _rows(store_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(store_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _faceforensics(root: Path, lfw_dir: Path) -> Path:
    videos = "c23/videos"
    for i, target in enumerate(("000", "001")):
        write_video(root / f"original_sequences/youtube/{videos}/{target}.mp4", _faces(lfw_dir, "real", 3 * i, 3),
                    repeat=3, fourcc="mp4v")
        other = "001" if target == "000" else "000"
        for k, method in enumerate(("Deepfakes", "Face2Face")):
            write_video(root / f"manipulated_sequences/{method}/{videos}/{target}_{other}.mp4",
                        _faces(lfw_dir, "fake", 6 * k + 3 * i, 3), repeat=3, fourcc="mp4v")
    (root / f"original_sequences/youtube/{videos}/002.mp4").write_bytes(b"")  # a download that never started
    masks = root / "manipulated_sequences/Deepfakes/masks/videos"  # FF++ masks are not videos to study
    masks.mkdir(parents=True)
    (masks / "000_001.mp4").write_bytes(b"")
    return root


def test_faceforensics_per_method_datasets_share_the_originals(cli, store_path, tmp_path, lfw_dir, published_weights):
    root = _faceforensics(tmp_path / "FaceForensics++", lfw_dir)
    result = cli("ingest", "ff", root, "--frames", "4", "--per-method")
    assert result.code == 0, result.err
    assert "ff-Deepfakes: 16 files indexed (faceforensics layout)" in result.out
    assert "ff-Face2Face: 16 files indexed (faceforensics layout)" in result.out
    assert "original_sequences/youtube/c23/videos/002.mp4 (rejected): empty file (0 bytes)" in result.out
    assert _rows(store_path, "SELECT dataset, layout FROM datasets ORDER BY dataset") == [
        ("ff-Deepfakes", "faceforensics"), ("ff-Face2Face", "faceforensics")]
    for method in ("Deepfakes", "Face2Face"):
        sources = _rows(store_path, "SELECT rel_path, label, group_id, status, reason, frame_count, frames_sampled, "
                        "frames_read, faces_cropped FROM sources WHERE dataset = ? ORDER BY rel_path", [f"ff-{method}"])
        assert [s[0] for s in sources] == [
            f"manipulated_sequences/{method}/c23/videos/000_001.mp4", f"manipulated_sequences/{method}/c23/videos/001_000.mp4",
            "original_sequences/youtube/c23/videos/000.mp4", "original_sequences/youtube/c23/videos/001.mp4",
            "original_sequences/youtube/c23/videos/002.mp4"]
        assert [(s[1], s[2]) for s in sources] == [("fake", "000"), ("fake", "001"), ("real", "000"), ("real", "001"),
                                                   ("real", "002")]
        assert [s[3:] for s in sources[:4]] == [("ok", None, 9, 4, 4, 4)] * 4
        assert sources[4][3:5] == ("rejected", "empty file (0 bytes)")
        frames = _rows(store_path, "SELECT source_path, frame_index, rel_path, status, width, height, format, crop_path, "
                       "group_id FROM images WHERE dataset = ? ORDER BY rel_path", [f"ff-{method}"])
        assert len(frames) == 16 and {f[3] for f in frames} == {"ok"}
        assert [f[1] for f in frames[:4]] == [0, 3, 5, 8]  # 4 of 9 frames, evenly spaced from first to last
        assert frames[0][2] == f"{frames[0][0]}#frame=000000"
        assert {(f[4], f[5], f[6]) for f in frames} == {(256, 256, "PNG")}
        with Image.open(frames[0][7]) as crop:
            assert crop.size == (256, 256) and crop.mode == "RGB"
        attributes = _rows(store_path, "SELECT DISTINCT a.name, a.value FROM image_attributes a JOIN images i USING (image_id) "
                           "WHERE i.dataset = ? AND i.label = 'fake'", [f"ff-{method}"])
        assert set(attributes) == {("method", method), ("compression", "c23")}
    # the originals were cropped once, for both datasets
    shared = _rows(store_path, "SELECT count(DISTINCT crop_path), count(*) FROM images WHERE label = 'real'")
    assert shared == [(8, 16)]
    settings = _rows(store_path, "SELECT settings FROM crop_settings")
    assert len(settings) == 1 and json.loads(settings[0][0])["frames"] == 4 and json.loads(settings[0][0])["margin"] == 1.3

    # one dataset of every method: the per-method registration is offered; nothing is decoded again
    together = cli("ingest", "ffall", root, "--frames", "4")
    assert together.code == 0, together.err
    assert "add --per-method to register NAME-METHOD for each" in together.out and "7 sources reused from the crop cache" in together.out
    again = cli("ingest", "ff", root, "--frames", "4", "--per-method")
    assert again.code == 0 and "ff-Deepfakes: nothing changed" in again.out and "ff-Face2Face: nothing changed" in again.out
    # video-level metrics: the published MesoNet model on one method's frames
    weights = published_weights / "weights" / "Meso4_DF.h5"
    assert cli("evaluate", "--weights", weights, "--on", "ff-Face2Face", "--part", "all", "--bootstrap", "0").code == 0
    levels = dict(_rows(store_path, "SELECT level, value FROM metrics WHERE dataset = 'ff-Face2Face' AND metric = 'n_images'"))
    assert levels == {"image": 16, "video": 4, "video_median": 4, "group": 4}  # groups: target videos 000 and 001 per class


def test_reingest_with_the_same_videos_skips_them_and_new_settings_recrop(cli, store_path, tmp_path, lfw_dir):
    root = tmp_path / "videos"
    write_video(root / "real/a.mp4", _faces(lfw_dir, "real", 20, 2), repeat=2, fourcc="mp4v")
    write_video(root / "fake/b.avi", _faces(lfw_dir, "fake", 20, 2), repeat=2)
    first = cli("ingest", "mine", root, "--every", "2")
    assert first.code == 0, first.err
    assert "videos: 2 (2 ok)" in first.out and "frames sampled: 4, decoded: 4, face crops: 4" in first.out
    assert _rows(store_path, "SELECT DISTINCT group_id FROM images ORDER BY 1") == [("fake/b.avi",), ("real/a.mp4",)]
    ids = _rows(store_path, "SELECT image_id FROM images ORDER BY image_id")
    same = cli("ingest", "mine", root, "--every", "2")
    assert "nothing changed" in same.out and "2 sources reused" in same.out
    assert _rows(store_path, "SELECT image_id FROM images ORDER BY image_id") == ids
    aligned = cli("ingest", "mine", root, "--every", "2", "--align-faces", "--crop-format", "jpeg")
    assert aligned.code == 0 and "0 sources reused" in aligned.out and "4 changed" in aligned.out
    assert _rows(store_path, "SELECT DISTINCT format FROM images") == [("JPEG",)]
    assert len(_rows(store_path, "SELECT * FROM crop_settings")) == 2


@pytest.mark.slow
def test_celebdf_layout_broken_videos_and_two_jobs(cli, store_path, tmp_path, lfw_dir):
    root = tmp_path / "Celeb-DF-v2"
    write_video(root / "Celeb-real/id0_0000.mp4", _faces(lfw_dir, "real", 12, 3), repeat=2, fourcc="mp4v")
    write_video(root / "Celeb-real/id1_0000.mp4", _faces(lfw_dir, "real", 15, 3), repeat=2, fourcc="mp4v")
    write_video(root / "YouTube-real/00000.mp4", _faces(lfw_dir, "real", 18, 3), repeat=2, fourcc="mp4v")
    write_video(root / "YouTube-real/00001.mp4", [np.full((120, 160, 3), 128, np.uint8)] * 6, fourcc="mp4v")  # no face
    write_video(root / "YouTube-real/00002.mp4", _faces(lfw_dir, "real", 21, 3), fourcc="mp4v")  # 3 frames, fewer than 4
    write_video(root / "Celeb-synthesis/id0_id1_0000.mp4", _faces(lfw_dir, "fake", 12, 3), repeat=2, fourcc="mp4v")
    write_video(root / "Celeb-synthesis/id1_id0_0000.mp4", _faces(lfw_dir, "fake", 15, 3), repeat=2, fourcc="mp4v")
    truncate(write_video(root / "Celeb-synthesis/id1_id0_0001.avi", _faces(lfw_dir, "fake", 18, 3), repeat=4))
    truncate(write_video(root / "Celeb-synthesis/id0_id1_0001.mp4", _faces(lfw_dir, "fake", 18, 3), repeat=2, fourcc="mp4v"))
    (root / "Celeb-real/id2_0000.mp4").write_bytes(np.random.default_rng(0).bytes(5000))  # not a video at all
    (root / "List_of_testing_videos.txt").write_text("1 Celeb-real/id1_0000.mp4\n0 Celeb-synthesis/id1_id0_0000.mp4\n")

    result = cli("ingest", "celeb", root, "--frames", "4", "--jobs", "2")
    assert result.code == 0, result.err
    assert "(celebdf layout)" in result.out and "List_of_testing_videos.txt: 2 test videos" in result.out
    sources = {r[0]: r[1:] for r in _rows(store_path, "SELECT rel_path, status, reason, group_id, source_split, faces_cropped "
                                                       "FROM sources")}
    assert sources["Celeb-real/id0_0000.mp4"] == ("ok", None, "id0", "train", 4)
    assert sources["Celeb-real/id1_0000.mp4"][3] == "test" and sources["Celeb-synthesis/id1_id0_0000.mp4"][3] == "test"
    assert sources["Celeb-synthesis/id0_id1_0000.mp4"][2] == "id0"  # a swap into id0's video stays with id0
    assert sources["YouTube-real/00000.mp4"][2] == "YouTube-real/00000"
    assert sources["YouTube-real/00001.mp4"][:2] == ("rejected", "no face found in any of the 4 decoded frames")
    assert sources["YouTube-real/00002.mp4"][:2] == ("partial", "video has 3 frames, fewer than the 4 requested (all used)")
    status, reason = sources["Celeb-synthesis/id1_id0_0001.avi"][:2]
    assert status == "partial" and "sampled frames cannot be decoded (truncated or corrupt video)" in reason
    for broken in ("Celeb-synthesis/id0_id1_0001.mp4", "Celeb-real/id2_0000.mp4"):
        assert sources[broken][:2] == ("rejected", "cannot open video: unknown container or codec, or truncated file")
        assert f"{broken} (rejected): cannot open video" in result.out
    problems = cli("sql", "--query", "ingest_problems", "--param", "dataset=celeb", "--format", "json")
    listed = {(p["rel_path"], p["kind"]) for p in json.loads(problems.out)}
    assert ("YouTube-real/00001.mp4", "video source") in listed and ("YouTube-real/00001.mp4#frame=000000", "file") in listed
    counts = dict(_rows(store_path, "SELECT status, count(*) FROM images GROUP BY status"))
    assert counts["ok"] == 4 * 5 + 3 + sources["Celeb-synthesis/id1_id0_0001.avi"][4]


def test_crop_faces_on_uncropped_photos(cli, store_path, tmp_path, lfw_dir):
    root = tmp_path / "photos"
    for label in ("real", "fake"):
        (root / label).mkdir(parents=True)
        for path in _faces(lfw_dir, label, 30, 3):
            (root / label / path.name).write_bytes(path.read_bytes())
    Image.new("RGB", (200, 200), (90, 120, 150)).save(root / "real" / "wall.png")
    (root / "fake" / "empty.jpg").write_bytes(b"")
    result = cli("ingest", "photos", root, "--crop-faces", "--crop-size", "128")
    assert result.code == 0, result.err
    assert "photos cropped: 8 (6 ok, 2 rejected)" in result.out
    rows = {r[0]: r[1:] for r in _rows(store_path, "SELECT rel_path, status, reason, width, crop_path, source_path FROM images")}
    assert rows["real/wall.png"][:2] == ("rejected", "no face found")
    assert rows["fake/empty.jpg"][:2] == ("rejected", "empty file (0 bytes)")
    kept = [r for r in rows.values() if r[0] == "ok"]
    assert len(kept) == 6 and {r[2] for r in kept} == {128}
    with open_store(store_path) as store:
        usable = store.query("usable_images", dataset="photos")
    assert all(p.endswith(".png") and "_files/crops/" in p for p in usable["path"])
    with Image.open(usable["path"].iloc[0]) as crop:
        assert crop.size == (128, 128)


def test_store_of_schema_version_1_migrates(store_path):
    with open_store(store_path) as store:  # make a version-1 store: the tables and columns versions 2 to 8 added removed
        store.con.execute("DROP TABLE sources; DROP TABLE crop_settings; DROP TABLE partitions; DROP TABLE face_descriptors; "
                          "DROP TABLE split_leaks; DROP TABLE split_leakage; DROP TABLE arms; DROP TABLE arm_members; "
                          "DROP TABLE arm_problems")
        for column in ("max_images_per_class", "cap_seed"):
            store.con.execute(f"ALTER TABLE datasets DROP COLUMN {column}")
        for column in ("source_path", "frame_index", "crop_path"):
            store.con.execute(f"ALTER TABLE images DROP COLUMN {column}")
        for column in ("learned", "learned_auc", "learned_ci_low", "learned_ci_high", "learned_reason", "claimed_by", "arm_id"):
            store.con.execute(f"ALTER TABLE runs DROP COLUMN {column}")
        store.con.execute("UPDATE store_info SET value = '1' WHERE key = 'schema_version'")
        store.con.execute("DELETE FROM schema_migrations WHERE version >= 2")
        store.con.execute("INSERT INTO datasets VALUES ('old', '/x', 'folders', NULL, NULL, NULL, now()::TIMESTAMP, '0')")
    with open_store(store_path) as store:
        assert store.schema_version() == 8
        assert store.query("usable_images", dataset="old").empty  # the cap columns exist (NULL: no cap)
        assert store.query("arms").empty and store.query("runs").columns[-1] == "arm_id"  # version 7
        assert store.query("stats_arm_problems").empty  # version 8
        assert store.query("sources").empty and store.query("partitions").empty and store.query("datasets")["dataset"].tolist() == ["old"]
        columns = set(store.con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'images'").df()["column_name"])
        assert {"source_path", "frame_index", "crop_path"} <= columns


@pytest.mark.slow
def test_video_level_results_reach_the_matrix_ranking_and_report(cli, store_path, tmp_path, lfw_dir):
    root = _faceforensics(tmp_path / "FaceForensics++", lfw_dir)
    assert cli("ingest", "ff", root, "--frames", "4", "--per-method").code == 0
    for method in ("Deepfakes", "Face2Face"):
        trained = cli("train", f"ff-{method}", "--epochs", "1", "--batch-size", "8", "--test-fraction", "0.5",
                      "--validation-fraction", "0.5")
        assert trained.code == 0, trained.err
    assert cli("evaluate", "--all", "--bootstrap", "50").code == 0
    video = cli("sql", "--query", "cross_dataset_video_summary", "--format", "json")
    cells = json.loads(video.out)
    assert {(c["train_dataset"], c["test_dataset"]) for c in cells} == {
        (a, b) for a in ("ff-Deepfakes", "ff-Face2Face") for b in ("ff-Deepfakes", "ff-Face2Face")}
    assert all(c["n_videos"] >= 2 and 0 <= c["video_accuracy"] <= 1 for c in cells)
    assert cli("analyze", "ranking").code == 0
    scores = json.loads(cli("sql", "--query", "analysis_scores", "--format", "json").out)
    assert {"video_accuracy", "video_auc", "accuracy"} <= {s["metric"] for s in scores}
    assert cli("report", "--out", tmp_path / "report").code == 0
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "<h3>Video level</h3>" in page and "video_accuracy" in page
