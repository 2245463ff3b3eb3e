"""Synthetic datasets with planted traits, written as class folders ready for ``ingest``.

Every image is drawn from its own seed ``(dataset seed, index, class)``, so the files do not depend
on how many processes drew them or in which order.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from dsanalysis.progress import progress
from dsanalysis.synthetic.faces import SIZE, draw_face, random_face_params
from dsanalysis.synthetic.fakes import face_swap

LABELS = ("real", "fake")
#: Bumped whenever a change to the generator changes the images drawn for the same spec and seed.
GENERATOR_VERSION = 3
#: Below this many images a process pool costs more (interpreter start, imports) than it saves.
POOL_MIN_IMAGES = 64


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
    upsampling_artifacts: float = 0.05              # fake generator's 2-pixel fingerprint (amplitude)
    colour_mismatch: float = 0.5
    boundary_strength: float = 0.5
    # fakes stored at a JPEG quality below this are seamless swaps (no downsampling, fingerprint, colour mismatch
    # or seam): the generator's artifacts show only in the better-kept images (0: in every fake)
    artifact_min_jpeg_quality: int = 0

    def describe(self) -> dict[str, object]:
        return asdict(self)


def _finish(image: np.ndarray, rng: np.random.Generator, spec: SyntheticDatasetSpec, quality: int | None = None) -> bytes:
    """Sensor noise, resolution and JPEG compression (at ``quality``, or drawn from ``spec.jpeg_quality``): the
    camera and the distribution channel."""
    noisy = image + np.float32(spec.noise_sigma) * rng.standard_normal(image.shape, dtype=np.float32)
    picture = Image.fromarray(np.rint(np.clip(noisy, 0, 1) * 255).astype(np.uint8), "RGB")
    if spec.resolution != SIZE:
        picture = picture.resize((spec.resolution, spec.resolution), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    drawn = int(rng.integers(spec.jpeg_quality[0], spec.jpeg_quality[1] + 1))
    picture.save(buffer, "JPEG", quality=drawn if quality is None else quality)
    return buffer.getvalue()


def image_path(root: Path, spec: SyntheticDatasetSpec, index: int, label: str) -> Path:
    return root / label / f"{spec.name}_{label}_{index:05d}.jpg"


def draw_image(spec: SyntheticDatasetSpec, seed: int, index: int, label: str) -> bytes:
    """The JPEG bytes of image ``index`` of class ``label``; a function of its arguments only.

    A real image is a new identity; a fake swaps a fresh donor's inner face onto a fresh target,
    so no identity is shared between the classes.
    """
    rng = np.random.default_rng([seed, index, LABELS.index(label)])
    quality = None
    if spec.artifact_min_jpeg_quality:  # the quality is drawn first, from a stream of its own (other specs unchanged)
        quality = int(np.random.default_rng([seed, index, LABELS.index(label), 1]).integers(
            spec.jpeg_quality[0], spec.jpeg_quality[1] + 1))
    if label == "real":
        image, _ = draw_face(random_face_params(rng, spec.ita_range, spec.pose_spread))
    else:
        target = random_face_params(rng, spec.ita_range, spec.pose_spread)
        donor = random_face_params(rng, spec.ita_range, spec.pose_spread)
        if quality is not None and quality < spec.artifact_min_jpeg_quality:  # seamless: nothing of the generator shows
            image = face_swap(target, donor, rng, codec_factor=1.0, upsampling_artifacts=0.0, colour_mismatch=0.0,
                              boundary_strength=0.0)
        else:
            image = face_swap(target, donor, rng, codec_factor=spec.codec_factor,
                              upsampling_artifacts=spec.upsampling_artifacts, colour_mismatch=spec.colour_mismatch,
                              boundary_strength=spec.boundary_strength)
    return _finish(image, rng, spec, quality)


def _write_one(task: tuple[SyntheticDatasetSpec, Path, int, int, str]) -> None:
    spec, root, seed, index, label = task
    image_path(root, spec, index, label).write_bytes(draw_image(spec, seed, index, label))


def default_jobs() -> int:
    """Processes for drawing images: the CPUs this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def write_synthetic_dataset(spec: SyntheticDatasetSpec, root: Path, seed: int, jobs: int | None = None) -> Path:
    """Write ``root/real/*.jpg`` and ``root/fake/*.jpg`` for ``spec``; the same seed gives the same bytes.

    ``jobs`` processes draw the images (default: one per CPU); the output does not depend on it.
    """
    return write_synthetic_datasets([(spec, Path(root), seed)], jobs)[0]


def write_synthetic_datasets(datasets: Sequence[tuple[SyntheticDatasetSpec, Path, int]],
                             jobs: int | None = None) -> list[Path]:
    """:func:`write_synthetic_dataset` for several (spec, root, seed) at once, sharing one process pool."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    tasks = []
    for spec, root, seed in datasets:
        if spec.images_per_class < 1:
            raise ValueError(f"images_per_class of {spec.name!r} must be at least 1, not {spec.images_per_class}")
        for label in LABELS:
            (Path(root) / label).mkdir(parents=True, exist_ok=True)
        tasks += [(spec, Path(root), seed, index, label) for index in range(spec.images_per_class) for label in LABELS]
    bar = f"drawing {', '.join(spec.name for spec, _, _ in datasets)}"
    if jobs == 1 or len(tasks) < POOL_MIN_IMAGES:
        for task in progress(tasks, total=len(tasks), desc=bar, unit="image"):
            _write_one(task)
    else:
        # spawn, not fork: the caller may already hold TensorFlow's threads
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            for _ in progress(pool.map(_write_one, tasks, chunksize=8), total=len(tasks), desc=bar, unit="image"):
                pass
    return [Path(root) for _, root, _ in datasets]
