"""predict: score videos and images with published weights or a stored run; broken files are reported per file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from videos import truncate, write_video

from dsanalysis.store import open_store


@pytest.fixture
def test_videos(tmp_path: Path, published_weights: Path) -> dict[str, Path]:
    """Videos whose frames are the published MesoNet test images (2 df, 2 real), each shown 3 times."""
    images = published_weights / "test_images"
    return {label: write_video(tmp_path / f"{label}.avi", sorted((images / label).glob("*.jpg")), repeat=3)
            for label in ("df", "real")}


def test_published_model_calls_the_df_video_fake_and_the_real_video_real(cli, tmp_path, test_videos, published_weights):
    weights = published_weights / "weights" / "Meso4_DF.h5"
    broken = truncate(write_video(tmp_path / "cut.mp4", sorted((published_weights / "test_images/df").glob("*.jpg")),
                                  fourcc="mp4v"))
    image = published_weights / "test_images/real/real00240.jpg"
    result = cli("predict", test_videos["df"], test_videos["real"], image, broken, tmp_path / "absent.mp4",
                 "--weights", weights, "--format", "json")
    assert result.code == 0, result.err
    rows = {Path(r["file"]).name: r for r in json.loads(result.out)}
    df, real = rows["df.avi"], rows["real.avi"]
    assert df["kind"] == "video" and df["verdict"] == "fake" and df["score_real"] < 0.5
    assert real["verdict"] == "real" and real["score_real"] > 0.5
    assert df["frames"] == 6 and df["faces"] == 6 and df["error"] is None  # all 6 frames sampled, a face in each
    assert rows["real00240.jpg"]["kind"] == "image" and rows["real00240.jpg"]["verdict"] == "real"
    assert rows["real00240.jpg"]["frames"] is None
    assert rows["cut.mp4"]["score_real"] is None and "cannot open video" in rows["cut.mp4"]["error"]
    assert rows["absent.mp4"]["error"] == "no such file"

    few = cli("predict", test_videos["df"], "--weights", weights, "--frames", "2", "--format", "csv")
    assert few.code == 0 and few.out.splitlines()[0] == "file,kind,score_real,verdict,frames,faces,error"
    assert few.out.splitlines()[1].split(",")[3:6] == ["fake", "2", "2"]


def test_no_file_scored_exits_1_and_a_stored_run_scores_like_its_weights(cli, store_path, tmp_path, test_videos,
                                                                         published_weights):
    weights = published_weights / "weights" / "Meso4_DF.h5"
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    nothing = cli("predict", empty, "--weights", weights)
    assert nothing.code == 1 and "empty file (0 bytes)" in nothing.out
    assert nothing.err.startswith("error: none of the 1 files could be scored (empty file (0 bytes))")

    from dsanalysis.model.evaluation import imported_run

    with open_store(store_path) as store:
        run_id = imported_run(store, str(weights))
    by_run = cli("predict", test_videos["df"], "--run", run_id, "--format", "json")
    by_weights = cli("predict", test_videos["df"], "--weights", weights, "--format", "json")
    assert by_run.code == 0, by_run.err
    assert json.loads(by_run.out)[0]["score_real"] == pytest.approx(json.loads(by_weights.out)[0]["score_real"], abs=1e-6)
    unknown = cli("predict", test_videos["df"], "--run", "nope")
    assert unknown.code == 1 and unknown.err.startswith("error: no run 'nope'")
    assert cli("predict", test_videos["df"], "--run", run_id, "--arch", "meso4").code == 1


def test_a_file_that_is_no_image_is_kind_other_and_missing_values_read_null(cli, tmp_path, published_weights):
    from fixtures import write_good

    write_good(tmp_path / "img", 1, 0)
    image = next((tmp_path / "img").glob("*.jpg"))
    readme = tmp_path / "README.md"
    readme.write_text("# not a face\n")
    result = cli("predict", readme, image, "--weights", published_weights / "weights" / "Meso4_DF.h5")
    assert result.code == 0, result.err
    header, text_row, image_row = result.out.splitlines()[:3]
    assert text_row.split()[1:] == ["other", "NULL", "NULL", "NULL", "NULL", "not", "an", "image", "or", "video", "file"]
    assert image_row.split()[1] == "image" and image_row.split()[-3:] == ["NULL", "NULL", "NULL"]
    assert "None" not in result.out and "<NA>" not in result.out and "NaN" not in result.out


def test_positive_fake_gives_deepfakebench_scores_with_the_same_verdicts(cli, tmp_path, published_weights):
    from fixtures import write_good

    write_good(tmp_path / "img", 2, 0)
    images = sorted((tmp_path / "img").glob("*.jpg"))
    weights = published_weights / "weights" / "Meso4_DF.h5"
    real = json.loads(cli("predict", *images, "--weights", weights, "--format", "json").out)
    fake = json.loads(cli("predict", *images, "--weights", weights, "--format", "json", "--positive", "fake").out)
    assert [r["score_fake"] for r in fake] == pytest.approx([1 - r["score_real"] for r in real], abs=1e-6)
    assert [r["verdict"] for r in fake] == [r["verdict"] for r in real]
    assert all("score_real" not in r for r in fake)
