"""Probing and decoding image files: every bad kind gets the right status, conversions are exact."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fixtures import BAD_FILES, jpeg_bytes, noise_image, write_bad
from PIL import Image

from dsanalysis.imaging import probe_image, read_rgb


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_status_and_reason(tmp_path, name):
    write_bad(tmp_path)
    status, words = BAD_FILES[name]
    probe = probe_image((tmp_path / name).read_bytes())
    assert probe.status == status
    assert words in probe.reason


def test_good_jpeg_reports_header():
    probe = probe_image(jpeg_bytes(1, size=(80, 48)))
    assert (probe.status, probe.reason, probe.format, probe.mode) == ("ok", None, "JPEG", "RGB")
    assert (probe.width, probe.height, probe.channels) == (80, 48, 3)


def test_pixel_limit_guards_against_decompression_bombs():
    probe = probe_image(jpeg_bytes(2, size=(64, 64)), max_pixels=64 * 64 - 1)
    assert probe.status == "rejected"
    assert "decompression bomb" in probe.reason


def test_exif_rotation_swaps_reported_sides():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    noise_image(3, size=(80, 40)).save(buffer, "JPEG", exif=exif)
    probe = probe_image(buffer.getvalue())
    assert (probe.width, probe.height) == (40, 80)


def test_read_rgb_scales_16_bit_to_8_bit(tmp_path):
    values = np.array([[0, 257, 65535, 257 * 100]], dtype=np.uint16).repeat(4, axis=0)
    Image.fromarray(values).save(tmp_path / "g16.png")
    rgb = read_rgb(tmp_path / "g16.png")
    assert rgb.dtype == np.uint8 and rgb.shape == (4, 4, 3)
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 1, 255, 100])
    np.testing.assert_array_equal(rgb[..., 0], rgb[..., 2])


def test_read_rgb_drops_alpha_and_expands_palette(tmp_path):
    rgba = np.zeros((8, 8, 4), dtype=np.uint8)
    rgba[..., 0], rgba[..., 3] = 200, 0  # fully transparent red: the colour survives, alpha goes
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    np.testing.assert_array_equal(read_rgb(tmp_path / "a.png")[0, 0], [200, 0, 0])
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 10, 20, 30] + [0] * 762)
    palette.save(tmp_path / "p.png")
    np.testing.assert_array_equal(read_rgb(tmp_path / "p.png")[3, 3], [10, 20, 30])


def test_read_rgb_applies_exif_orientation(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    noise_image(4, size=(80, 40)).save(tmp_path / "r.jpg", "JPEG", exif=exif)
    assert read_rgb(tmp_path / "r.jpg").shape == (80, 40, 3)
