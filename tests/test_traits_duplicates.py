"""The near-duplicate detector: copies are found, different faces in the same pose are not, memory is linear."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dsanalysis.imaging import read_rgb
from dsanalysis.study.demo import demo_spec
from dsanalysis.synthetic.datasets import draw_image
from dsanalysis.traits import duplicates


def _jpeg(pixels: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _resized(pixels: np.ndarray, factor: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    return np.asarray(Image.fromarray(pixels).resize((round(width * factor), round(height * factor)), Image.BILINEAR))


def _cropped(pixels: np.ndarray, left: float, top: float, right: float, bottom: float) -> np.ndarray:
    height, width = pixels.shape[:2]
    return pixels[round(top * height):height - round(bottom * height), round(left * width):width - round(right * width)]


COPIES = {
    "re-encoded": lambda p: _jpeg(p, 60),
    "smaller": lambda p: _resized(p, 0.5),
    "larger": lambda p: _resized(p, 1.4),
    "cropped": lambda p: _cropped(p, 0.06, 0.02, 0.01, 0.07),
    "cropped, resized and re-encoded": lambda p: _jpeg(_resized(_cropped(p, 0.04, 0.05, 0.03, 0.0), 0.7), 75),
}


def _found(originals: list[np.ndarray], tmp_path: Path) -> tuple[set[tuple[int, int]], dict[int, tuple[int, str]]]:
    """Write the originals and a copy of each kind of each, run the detector over all of them.

    Returns the confirmed pairs (sorted positions) and, for each copy's position, (its original's position, kind).
    """
    files, copy_of = [], {}
    for k, pixels in enumerate(originals):
        files.append(tmp_path / f"original{k:03d}.png")
        Image.fromarray(pixels).save(files[-1])
    for k, pixels in enumerate(originals):
        for kind, make in COPIES.items():
            copy_of[len(files)] = (k, kind)
            files.append(tmp_path / f"copy{len(files):04d}.png")
            Image.fromarray(make(pixels)).save(files[-1])
    thumbs = duplicates.thumbnails(files)
    aspect = np.array([Image.open(f).size[0] / Image.open(f).size[1] for f in files])
    everyone = np.arange(len(files))
    found = duplicates.near_duplicate_matches(thumbs, everyone, everyone, aspect=aspect)
    return {tuple(sorted(p)) for p in zip(found["query"], found["match"])}, copy_of


def _check(pairs: set[tuple[int, int]], copy_of: dict[int, tuple[int, str]]) -> None:
    def family(position: int) -> int:
        return copy_of[position][0] if position in copy_of else position

    wrong = [p for p in pairs if family(p[0]) != family(p[1])]
    assert wrong == []  # no pair of different faces
    missed = [(original, kind) for position, (original, kind) in copy_of.items()
              if tuple(sorted((original, position))) not in pairs]
    assert missed == []  # every copy is found beside its original


def test_copies_of_synthetic_faces_are_found_and_different_faces_in_the_same_pose_are_not(tmp_path):
    # the demo's light_frontal faces: light skin, frontal, each image a new identity; a 64-bit pHash of the grey
    # face calls many of them near-duplicates
    spec, seed = demo_spec("light_frontal", 12)
    faces = [np.asarray(Image.open(io.BytesIO(draw_image(spec, seed, i, label))).convert("RGB"))
             for i in range(12) for label in ("real", "fake")]
    pairs, copy_of = _found(faces, tmp_path)
    _check(pairs, copy_of)


@pytest.mark.slow
def test_copies_of_real_faces_are_found_and_different_people_are_not(tmp_path, lfw_dir, mesonet_dir):
    lfw = sorted((lfw_dir / "real").glob("*.jpg"))[::50]          # 10 photos of (mostly) different people
    meso = sorted((mesonet_dir / "validation" / "real").glob("*.jpg"))[::60]  # 5 frames of different videos
    pairs, copy_of = _found([read_rgb(p) for p in lfw + meso], tmp_path)
    _check(pairs, copy_of)


def test_a_different_aspect_ratio_is_undone_when_a_copy_is_cropped_on_one_side(tmp_path):
    spec, seed = demo_spec("diverse", 2)
    face = np.asarray(Image.open(io.BytesIO(draw_image(spec, seed, 0, "real"))).convert("RGB"))
    copy = _cropped(face, 0.0, 0.0, 0.12, 0.0)  # 12% off the right side only: 0.88 wide
    measured = duplicates.compare(duplicates.thumbnail(face), duplicates.thumbnail(copy), 1.0, 0.88)
    assert measured["duplicate"] == 1.0 and measured["mad"] < 4


def test_candidate_search_memory_grows_linearly_not_with_all_pairs():
    rng = np.random.default_rng(0)
    peaks = {}
    for n in (3_000, 6_000):
        vectors = rng.normal(128, 15, (n, duplicates.GRID * duplicates.GRID * 3)).astype(np.float32)  # all near
        tracemalloc.start()
        found = duplicates.candidate_pairs(vectors, np.arange(n), np.arange(n))
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert found["query"].value_counts().max() == duplicates.NEIGHBOURS  # itself excluded
    dense = 6_000 * 6_000 * 8  # one float64 distance per pair: 288 MB
    assert peaks[6_000] < dense / 4
    assert peaks[6_000] < 2.5 * peaks[3_000]
