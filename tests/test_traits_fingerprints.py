"""File fingerprints read from the file's header: JPEG quantization tables, chroma subsampling, coding, size."""

from __future__ import annotations

import numpy as np
from PIL import Image

from dsanalysis.traits.extraction import TRAITS, extract_chunk
from dsanalysis.traits.fingerprints import FINGERPRINT_TRAITS, file_fingerprints
from dsanalysis.traits.values import Missing
from fixtures import noise_image


def _save(path, seed: int, **options) -> str:
    noise_image(seed, size=(64, 48)).save(path, **options)
    return str(path)


def test_jpeg_fingerprints_tell_encoder_settings_apart(tmp_path):
    q90 = file_fingerprints(_save(tmp_path / "a.jpg", 1, format="JPEG", quality=90))
    q90_other = file_fingerprints(_save(tmp_path / "b.jpg", 2, format="JPEG", quality=90))
    q95 = file_fingerprints(_save(tmp_path / "c.jpg", 3, format="JPEG", quality=95, subsampling=0, progressive=True))
    q422 = file_fingerprints(_save(tmp_path / "d.jpg", 4, format="JPEG", quality=90, subsampling=1))
    assert set(q90) == set(FINGERPRINT_TRAITS)
    assert q90["jpeg_qtable"] == q90_other["jpeg_qtable"] != q95["jpeg_qtable"]  # same settings, other content
    assert len(q90["jpeg_qtable"]) == 12
    assert (q90["chroma_subsampling"], q95["chroma_subsampling"], q422["chroma_subsampling"]) == ("4:2:0", "4:4:4", "4:2:2")
    assert (q90["jpeg_coding"], q95["jpeg_coding"]) == ("baseline", "progressive")
    assert q90["image_size"] == "64x48"


def test_grayscale_jpeg_and_png(tmp_path):
    gray = tmp_path / "g.jpg"
    Image.fromarray(np.full((40, 50), 128, np.uint8)).save(gray, "JPEG")
    assert file_fingerprints(gray)["chroma_subsampling"] == "grayscale"
    png = file_fingerprints(_save(tmp_path / "p.png", 5, format="PNG"))
    assert png["image_size"] == "64x48"
    for trait in ("jpeg_qtable", "chroma_subsampling", "jpeg_coding"):
        assert isinstance(png[trait], Missing) and "not a JPEG file (PNG)" in png[trait].reason


def test_an_unreadable_file_gets_a_reason(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image at all")
    values = file_fingerprints(broken)
    assert all(isinstance(v, Missing) and "cannot read" in v.reason for v in values.values())


def test_the_quality_extractor_stores_the_fingerprints_as_categories(tmp_path):
    path = _save(tmp_path / "a.jpg", 1, format="JPEG", quality=90)
    assert set(FINGERPRINT_TRAITS) <= set(TRAITS["quality"])
    rows = {r[2]: r for r in extract_chunk([("h", path, "JPEG", ("quality",))])}
    assert rows["chroma_subsampling"][4] == "4:2:0" and rows["chroma_subsampling"][3] is None
    assert rows["image_size"][4] == "64x48" and rows["jpeg_coding"][4] == "baseline"
    assert rows["jpeg_qtable"][4] == file_fingerprints(path)["jpeg_qtable"]
    assert rows["jpeg_quality"][3] == 90.0
