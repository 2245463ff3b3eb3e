"""The built-in demo: synthetic datasets with planted traits, studied end to end.

Five datasets of procedural faces differ in one planted trait each against a common baseline, so the
report shows a real cross-dataset pattern whose causes are known:

============== ====================================================================
diverse        baseline: skin tones from dark to very light, varied pose, JPEG 70-95
light_frontal  only light skin (ITA 45-70 degrees) and frontal faces
compressed     heavy JPEG compression (quality 25-45) on reals and fakes alike
subtle         subtle fakes: little downsampling, colour mismatch and seam
low_res        stored at 128 px instead of 256 px
============== ====================================================================
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dsanalysis.study.config import DatasetEntry, SplitEntry, StudyConfig, TrainingEntry
from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset

DEMO_SEED = 2018  # the year of MesoNet
IMAGES_PER_CLASS = 120

_BASE = SyntheticDatasetSpec("diverse", images_per_class=IMAGES_PER_CLASS, ita_range=(-50.0, 70.0), pose_spread=1.0,
                             jpeg_quality=(70, 95), codec_factor=3.0, colour_mismatch=0.5, boundary_strength=0.5)
DEMO_DATASETS: tuple[SyntheticDatasetSpec, ...] = (
    _BASE,
    replace(_BASE, name="light_frontal", ita_range=(45.0, 70.0), pose_spread=0.1),
    replace(_BASE, name="compressed", jpeg_quality=(25, 45)),
    replace(_BASE, name="subtle", codec_factor=1.6, colour_mismatch=0.15, boundary_strength=0.15),
    replace(_BASE, name="low_res", resolution=128),
)


def write_demo_datasets(folder: Path, images_per_class: int = IMAGES_PER_CLASS) -> dict[str, Path]:
    """Write every demo dataset under ``folder`` (skipping those already complete); name -> root."""
    roots = {}
    for index, spec in enumerate(DEMO_DATASETS):
        spec = replace(spec, images_per_class=images_per_class)
        root = folder / spec.name
        marker = root / ".complete"
        if not marker.exists() or marker.read_text() != repr(spec):
            write_synthetic_dataset(spec, root, seed=DEMO_SEED + index)
            marker.write_text(repr(spec))
        roots[spec.name] = root
    return roots


def demo_study(folder: Path, images_per_class: int = IMAGES_PER_CLASS, epochs: int = 6,
               seeds: tuple[int, ...] = (0, 1)) -> StudyConfig:
    """The demo study over the datasets in ``folder`` (written there first if absent)."""
    roots = write_demo_datasets(folder / "data", images_per_class)
    return StudyConfig(
        name="demo",
        source=None,
        datasets=tuple(DatasetEntry(name, root) for name, root in roots.items()),
        split=SplitEntry(strategy="random", test_fraction=0.3, validation_fraction=0.1, seed=0),
        training=TrainingEntry(architectures=("meso4",), base="default", seeds=seeds, grid=({"epochs": epochs},)),
        extractors=("quality", "faces", "skin"),
        trait_jobs=2,
        analyses=("ranking", "traits", "subgroups"),
        bootstrap_resamples=500,
        report_out=folder,
    )
