"""Synthetic datasets with planted traits, written as class folders ready for ``ingest``."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from dsanalysis.synthetic.faces import SIZE, draw_face, random_face_params
from dsanalysis.synthetic.fakes import face_swap


@dataclass(frozen=True)
class SyntheticDatasetSpec:
    """The planted traits of one synthetic dataset."""

    name: str
    images_per_class: int = 150
    ita_range: tuple[float, float] = (-50.0, 70.0)  # skin-tone diversity
    pose_spread: float = 1.0                        # 0 = all frontal
    jpeg_quality: tuple[int, int] = (75, 95)        # compression, drawn per image
    resolution: int = SIZE                          # stored side length in pixels
    noise_sigma: float = 0.01                       # sensor noise, share of full scale
    codec_factor: float = 3.0                       # fake generator's downsampling
    colour_mismatch: float = 0.5
    boundary_strength: float = 0.5

    def describe(self) -> dict[str, object]:
        return asdict(self)


def _finish(image: np.ndarray, rng: np.random.Generator, spec: SyntheticDatasetSpec) -> bytes:
    """Sensor noise, resolution and JPEG compression: the camera and the distribution channel."""
    noisy = np.clip(image + rng.normal(0.0, spec.noise_sigma, image.shape), 0, 1)
    picture = Image.fromarray(np.rint(noisy * 255).astype(np.uint8), "RGB")
    if spec.resolution != SIZE:
        picture = picture.resize((spec.resolution, spec.resolution), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=int(rng.integers(spec.jpeg_quality[0], spec.jpeg_quality[1] + 1)))
    return buffer.getvalue()


def write_synthetic_dataset(spec: SyntheticDatasetSpec, root: Path, seed: int) -> Path:
    """Write ``root/real/*.jpg`` and ``root/fake/*.jpg`` for ``spec``; the same seed gives the same bytes.

    Every real image is a new identity; every fake swaps a fresh donor's inner face onto a fresh
    target, so no identity is shared between the classes.
    """
    root = Path(root)
    (root / "real").mkdir(parents=True, exist_ok=True)
    (root / "fake").mkdir(parents=True, exist_ok=True)
    for index in range(spec.images_per_class):
        rng = np.random.default_rng([seed, index, 0])
        real, _ = draw_face(random_face_params(rng, spec.ita_range, spec.pose_spread))
        (root / "real" / f"{spec.name}_real_{index:05d}.jpg").write_bytes(_finish(real, rng, spec))
        rng = np.random.default_rng([seed, index, 1])
        target = random_face_params(rng, spec.ita_range, spec.pose_spread)
        donor = random_face_params(rng, spec.ita_range, spec.pose_spread)
        fake = face_swap(target, donor, rng, codec_factor=spec.codec_factor,
                         colour_mismatch=spec.colour_mismatch, boundary_strength=spec.boundary_strength)
        (root / "fake" / f"{spec.name}_fake_{index:05d}.jpg").write_bytes(_finish(fake, rng, spec))
    return root
