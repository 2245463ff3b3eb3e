"""Skin tone (ITA) against the formula on patches of known CIE L*a*b* colour."""

from __future__ import annotations

import math

import numpy as np
import pytest
from skimage.color import lab2rgb, rgb2lab

from dsanalysis.traits import skin
from dsanalysis.traits.faces import Face
from dsanalysis.traits.values import Missing


def _face(size: int = 200) -> Face:
    s = size
    return Face((0.2 * s, 0.15 * s, 0.6 * s, 0.7 * s), 0.99, (0.35 * s, 0.4 * s), (0.65 * s, 0.4 * s),
                (0.5 * s, 0.55 * s), (0.38 * s, 0.7 * s), (0.62 * s, 0.7 * s))


def _lab_image(lab: tuple[float, float, float], size: int = 200) -> np.ndarray:
    rgb = lab2rgb(np.array(lab, dtype=np.float64).reshape(1, 1, 3))
    return np.tile(np.rint(rgb * 255).astype(np.uint8), (size, size, 1))


@pytest.mark.parametrize("lab", [(70.0, 10.0, 18.0), (45.0, 14.0, 22.0), (60.0, 12.0, 25.0)])
def test_ita_of_a_known_lab_patch_matches_the_formula(lab):
    image = _lab_image(lab)
    traits = skin.skin_traits(image, [_face()])
    # the image holds the colour after 8-bit rounding: take L* and b* of that colour
    actual_l, actual_a, actual_b = rgb2lab(image[:1, :1] / 255.0)[0, 0]
    expected = math.degrees(math.atan((actual_l - 50.0) / actual_b))
    assert traits["ita_deg"] == pytest.approx(expected, abs=1e-6)
    assert traits["ita_deg"] == pytest.approx(math.degrees(math.atan((lab[0] - 50) / lab[2])), abs=1.0)
    assert traits["skin_lightness"] == pytest.approx(actual_l, abs=1e-6)
    assert traits["skin_hue_deg"] == pytest.approx(math.degrees(math.atan2(actual_b, actual_a)), abs=1e-6)
    assert traits["ita_category"] == skin.ita_category(traits["ita_deg"])
    assert traits["skin_pixels"] >= skin.MIN_SKIN_PIXELS


@pytest.mark.parametrize(("ita", "category"), [
    (60, "very_light"), (55.01, "very_light"), (55, "light"), (41.5, "light"), (41, "intermediate"),
    (30, "intermediate"), (28, "tan"), (10.5, "tan"), (10, "brown"), (-29.9, "brown"), (-30, "dark"), (-60, "dark"),
])
def test_ita_category_bins(ita, category):
    assert skin.ita_category(ita) == category


def test_no_face_gives_missing_skin_tone_never_a_guess():
    traits = skin.skin_traits(_lab_image((65.0, 12.0, 20.0)), [])
    assert all(isinstance(v, Missing) and v.reason == "no face found" for v in traits.values())


def test_non_skin_colour_gives_missing_with_reason():
    blue = np.zeros((200, 200, 3), np.uint8)
    blue[...] = (30, 60, 200)
    traits = skin.skin_traits(blue, [_face()])
    assert isinstance(traits["ita_deg"], Missing)
    assert "skin pixels" in traits["ita_deg"].reason
    assert traits["skin_pixels"] == 0.0


def test_tiny_face_gives_missing():
    face = Face((10, 10, 12, 12), 0.9, (13, 14), (19, 14), (16, 17), (14, 20), (18, 20))
    traits = skin.skin_traits(_lab_image((65.0, 12.0, 20.0)), [face])
    assert isinstance(traits["ita_deg"], Missing) and "smaller than" in traits["ita_deg"].reason


def test_ita_undefined_for_non_positive_b():
    assert isinstance(skin.ita_degrees(60.0, 0.0), Missing)
    assert skin.ita_degrees(50.0, 10.0) == 0.0
    assert skin.ita_degrees(60.0, 10.0) == pytest.approx(45.0)
