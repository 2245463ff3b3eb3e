"""The synthetic face generator: deterministic, planted skin tone exact, fakes only touch the face."""

from __future__ import annotations

import math

import numpy as np
import pytest
from skimage import color

from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset
from dsanalysis.synthetic.faces import draw_face, random_face_params, skin_rgb
from dsanalysis.synthetic.fakes import face_swap


@pytest.mark.parametrize("ita", [-45.0, -10.0, 20.0, 40.0, 60.0])
def test_skin_colour_has_the_requested_individual_typology_angle(ita):
    lab = color.rgb2lab(skin_rgb(ita, 16.0, 10.0)[None, None, :])[0, 0]
    measured = math.degrees(math.atan2(lab[0] - 50.0, lab[2]))  # ITA = arctan((L* - 50) / b*)
    assert measured == pytest.approx(ita, abs=1.0)


def test_same_seed_same_bytes_and_different_seed_different_images(tmp_path):
    spec = SyntheticDatasetSpec("t", images_per_class=2)
    a = write_synthetic_dataset(spec, tmp_path / "a", seed=3)
    b = write_synthetic_dataset(spec, tmp_path / "b", seed=3)
    c = write_synthetic_dataset(spec, tmp_path / "c", seed=4)
    files = sorted(p.relative_to(a) for p in a.rglob("*.jpg"))
    assert len(files) == 4
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert all((a / f).read_bytes() != (c / f).read_bytes() for f in files)


def test_face_swap_changes_the_inner_face_and_leaves_the_background():
    rng = np.random.default_rng(0)
    target = random_face_params(rng, (-20.0, 40.0), 0.5)
    donor = random_face_params(rng, (-20.0, 40.0), 0.5)
    original, layout = draw_face(target)
    fake = face_swap(target, donor, np.random.default_rng(1), codec_factor=4.0, colour_mismatch=0.8)
    inner = layout.inner_face_mask()
    far_outside = np.ones_like(inner)
    far_outside[32:224, 32:224] = False
    assert np.abs(fake - original)[inner].mean() > 0.01
    np.testing.assert_allclose(fake[far_outside], original[far_outside], atol=1e-9)


def test_resolution_and_compression_are_planted(tmp_path):
    from PIL import Image

    spec = SyntheticDatasetSpec("low", images_per_class=1, resolution=96, jpeg_quality=(30, 30))
    root = write_synthetic_dataset(spec, tmp_path, seed=0)
    image = Image.open(root / "real" / "low_real_00000.jpg")
    assert image.size == (96, 96)
    # IJG quality 30 scales the standard luminance table by 5000/30 %: its first entry 16 -> 27
    assert image.quantization[0][0] == 27
