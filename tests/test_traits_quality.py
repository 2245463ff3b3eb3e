"""Image-quality descriptors against constructed images with known answers and independent computations."""

from __future__ import annotations

import colorsys

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from dsanalysis.traits import quality
from dsanalysis.traits.values import Missing


def _grey(value: int = 128, size: int = 64) -> np.ndarray:
    return np.full((size, size, 3), value, dtype=np.uint8)


def test_uniform_grey_image_has_zero_sharpness_colourfulness_and_noise():
    traits = quality.quality_traits(_grey(), None, "PNG")
    assert traits["sharpness"] == 0.0
    assert traits["colourfulness"] == 0.0
    assert traits["noise_sigma"] == pytest.approx(0.0, abs=1e-9)
    assert traits["contrast"] == 0.0
    assert traits["saturation"] == 0.0
    assert traits["brightness"] == pytest.approx(128.0)
    assert isinstance(traits["high_frequency_share"], Missing)
    assert "uniform" in traits["high_frequency_share"].reason


@pytest.mark.parametrize("saved_quality", [40, 75, 90])
def test_jpeg_quality_estimate_matches_the_quality_the_file_was_saved_at(tmp_path, saved_quality):
    rng = np.random.default_rng(saved_quality)
    path = tmp_path / "q.jpg"
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(path, "JPEG", quality=saved_quality)
    assert quality.file_jpeg_quality(path) == pytest.approx(saved_quality, abs=1)


def test_jpeg_quality_is_missing_for_png(tmp_path):
    path = tmp_path / "x.png"
    Image.fromarray(_grey()).save(path)
    value = quality.file_jpeg_quality(path)
    assert isinstance(value, Missing) and "not a JPEG" in value.reason


def test_sharpness_equals_scipy_laplacian_variance():
    rng = np.random.default_rng(1)
    gray = rng.normal(100, 20, (50, 70))
    reference = ndimage.laplace(gray)[1:-1, 1:-1].var()  # interior, where both agree on the stencil
    assert quality.laplacian_variance(gray) == pytest.approx(reference, rel=1e-12)


def test_colourfulness_of_a_two_colour_image_matches_hand_computation():
    image = np.zeros((10, 10, 3), np.uint8)
    image[:, :5] = (200, 50, 50)
    image[:, 5:] = (50, 50, 200)
    # rg: 150 and 0 -> mean 75, sd 75; yb: 0.5*250-50 = 75 and 50-200 = -150 -> mean -37.5, sd 112.5
    expected = np.hypot(75.0, 112.5) + 0.3 * np.hypot(75.0, -37.5)
    assert quality.colourfulness(image) == pytest.approx(expected)


def test_saturation_matches_colorsys_hsv():
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (8, 9, 3), dtype=np.uint8)
    expected = np.mean([colorsys.rgb_to_hsv(*(image[y, x] / 255.0))[1] for y in range(8) for x in range(9)])
    assert quality.mean_saturation(image) == pytest.approx(expected, rel=1e-6)


def test_high_frequency_share_is_one_for_a_checkerboard_and_zero_for_a_slow_wave():
    y, x = np.mgrid[0:64, 0:64]
    checker = ((x + y) % 2) * 255.0
    assert quality.high_frequency_share(checker) == pytest.approx(1.0)
    slow = 128 + 100 * np.sin(2 * np.pi * x / 32.0)  # 1/32 cycles per pixel
    assert quality.high_frequency_share(slow) == pytest.approx(0.0, abs=1e-9)


def test_noise_sigma_recovers_planted_gaussian_noise():
    rng = np.random.default_rng(3)
    gray = np.clip(128 + rng.normal(0, 10, (256, 256)), 0, 255)
    assert quality.wavelet_noise_sigma(gray) == pytest.approx(10.0, rel=0.05)


def test_size_and_format_traits(tmp_path):
    image = np.zeros((40, 80, 3), np.uint8)
    image[::2] = 255
    path = tmp_path / "wide.jpg"
    Image.fromarray(image).save(path, "JPEG", quality=60)
    traits = quality.quality_traits(image, path, "JPEG")
    assert (traits["width"], traits["height"], traits["aspect_ratio"]) == (80.0, 40.0, 2.0)
    assert traits["file_format"] == "JPEG"
    assert traits["jpeg_quality"] == pytest.approx(60, abs=1)


def test_brightness_is_bt601_luma_of_a_known_colour():
    image = np.zeros((16, 16, 3), np.uint8)
    image[...] = (255, 0, 0)
    assert quality.quality_traits(image)["brightness"] == pytest.approx(0.299 * 255)
