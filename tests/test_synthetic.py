"""The synthetic face generator: deterministic whatever the number of processes, planted skin tone exact,
fakes only touch the face and erase its texture in proportion to the generator's downsampling."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from skimage import color

from dsanalysis.synthetic.datasets import POOL_MIN_IMAGES, SyntheticDatasetSpec, draw_image, write_synthetic_dataset
from dsanalysis.synthetic.faces import draw_face, random_face_params, skin_rgb
from dsanalysis.synthetic.fakes import face_swap, upsampling_pattern


def _detail(image: np.ndarray, mask: np.ndarray) -> float:
    """Mean absolute 4-neighbour Laplacian of the luminance inside ``mask``: pore-scale detail."""
    gray = image.mean(axis=2)
    laplacian = 4 * gray[1:-1, 1:-1] - gray[:-2, 1:-1] - gray[2:, 1:-1] - gray[1:-1, :-2] - gray[1:-1, 2:]
    return float(np.abs(laplacian)[mask[1:-1, 1:-1]].mean())


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


def test_output_does_not_depend_on_the_number_of_processes(tmp_path):
    spec = SyntheticDatasetSpec("p", images_per_class=POOL_MIN_IMAGES // 2)  # just enough for the pool
    serial = write_synthetic_dataset(spec, tmp_path / "serial", seed=5, jobs=1)
    pooled = write_synthetic_dataset(spec, tmp_path / "pooled", seed=5, jobs=2)
    files = sorted(p.relative_to(serial) for p in serial.rglob("*.jpg"))
    assert len(files) == 2 * spec.images_per_class
    assert sorted(p.relative_to(pooled) for p in pooled.rglob("*.jpg")) == files
    assert all((serial / f).read_bytes() == (pooled / f).read_bytes() for f in files)


def test_face_swap_erases_skin_texture_more_with_stronger_downsampling():
    rng = np.random.default_rng(2)
    target = random_face_params(rng, (0.0, 40.0), 0.0)
    donor = random_face_params(rng, (0.0, 40.0), 0.0)
    original, layout = draw_face(target)
    # the cheeks: inside the swapped region, away from eyes, nose and mouth
    skin = np.zeros(original.shape[:2], dtype=bool)
    for eye in (layout.left_eye, layout.right_eye):
        skin[int(eye[1]) + 12:int(eye[1]) + 28, int(eye[0]) - 8:int(eye[0]) + 8] = True
    assert layout.inner_face_mask()[skin].all()
    detail = [_detail(face_swap(target, donor, np.random.default_rng(0), codec_factor=f, upsampling_artifacts=0.0,
                                colour_mismatch=0.0, boundary_strength=0.0), skin) for f in (1.0, 1.6, 3.0)]
    assert detail[0] == pytest.approx(_detail(original, skin), rel=0.25)  # no downsampling: a donor's own pores
    assert detail[0] > 1.5 * detail[1] > 1.5 * 1.5 * detail[2]


def _fingerprint(spec: SyntheticDatasetSpec, label: str) -> float:
    """Mean correlation of the stored luminance with the generator's 2-pixel pattern inside the face."""
    from PIL import Image

    pattern = upsampling_pattern()[80:176, 96:160]
    values = []
    for index in range(4):
        image = Image.open(io.BytesIO(draw_image(spec, 0, index, label))).convert("L")
        gray = np.asarray(image.resize((256, 256), Image.Resampling.NEAREST), dtype=np.float32)
        values.append(float((gray[80:176, 96:160] * pattern).mean()))
    return float(np.mean(values))


def test_generator_fingerprint_survives_mild_compression_but_not_strong_compression_or_downscaling():
    mild = _fingerprint(SyntheticDatasetSpec("mild", jpeg_quality=(75, 75)), "fake")
    assert mild > 0.5 > 10 * abs(_fingerprint(SyntheticDatasetSpec("mild", jpeg_quality=(75, 75)), "real"))
    assert abs(_fingerprint(SyntheticDatasetSpec("strong", jpeg_quality=(40, 40)), "fake")) < mild / 5
    assert abs(_fingerprint(SyntheticDatasetSpec("small", resolution=128), "fake")) < mild / 5


def test_face_swap_rejects_strengths_outside_zero_to_one():
    rng = np.random.default_rng(0)
    params = random_face_params(rng, (0.0, 40.0), 0.5)
    with pytest.raises(ValueError, match="colour_mismatch"):
        face_swap(params, params, rng, colour_mismatch=1.5)


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
