"""The built-in demo: synthetic datasets with planted traits, studied end to end.

Five datasets of procedural faces differ in one planted trait each against a common baseline, so the
report shows a real cross-dataset pattern whose causes are known:

============== ====================================================================================
diverse        baseline: skin tones from dark to very light (ITA -50..70), varied pose, JPEG 75-95;
               fakes downsampled 3x by the generator, its 2-pixel fingerprint (amplitude 0.05),
               colour mismatch and seam 0.5
light_frontal  only light skin (ITA 45..70 degrees) and near-frontal faces
compressed     heavy JPEG compression (quality 25-45) on reals and fakes alike: erases pore texture
               and the generator's fingerprint
subtle         subtle fakes: 1.6x downsampling, fingerprint 0.025, colour mismatch and seam 0.15
low_res        stored at 128 px instead of 256 px (the fingerprint does not survive)
mixed_quality  JPEG quality 20-95, twice the images; fakes stored below quality 58 are seamless swaps
               (no downsampling, fingerprint, colour mismatch or seam): the planted trait of the
               demo's controlled-subset experiment (:data:`INTERVENTIONS`)
============== ====================================================================================

The study trains Meso-4 once per dataset (:data:`TRAINING_BASE`, :data:`TRAINING_OVERRIDES`), tests
every model on every test split, measures quality, face and skin-tone traits, runs every analysis and
writes the report: a few minutes on a 2-core CPU.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from dsanalysis.interventions.settings import build_interventions
from dsanalysis.model.splits import SplitSettings
from dsanalysis.study.config import DatasetEntry, StudyConfig, TrainingEntry
from dsanalysis.synthetic.datasets import GENERATOR_VERSION, SyntheticDatasetSpec, default_jobs, write_synthetic_datasets

DEMO_SEED = 2018  # the year of MesoNet
DEMO_STORE_NAME = "demo.duckdb"
IMAGES_PER_CLASS = 80
#: Training recipe: MesoNet's defaults except binary cross-entropy, which learns the planted fakes in a
#: few epochs where mean squared error needs many more, and batches of 16 for more steps per epoch.
TRAINING_BASE = "bce"
TRAINING_OVERRIDES: dict[str, int] = {"epochs": 5, "batch_size": 16}
SEEDS = (0,)
#: 20% of the training part for validation: 11 images per class, enough for the learning check's verdict
#: (model/learning.py needs 10 of each; the usual 10% would leave 6 and every run 'unknown')
SPLIT = SplitSettings(strategy="random", test_fraction=0.3, validation_fraction=0.2, seed=0)

_BASE = SyntheticDatasetSpec("diverse", images_per_class=IMAGES_PER_CLASS, ita_range=(-50.0, 70.0), pose_spread=1.0,
                             jpeg_quality=(75, 95), codec_factor=3.0, upsampling_artifacts=0.05, colour_mismatch=0.5,
                             boundary_strength=0.5)
DEMO_DATASETS: tuple[SyntheticDatasetSpec, ...] = (
    _BASE,
    replace(_BASE, name="light_frontal", ita_range=(45.0, 70.0), pose_spread=0.1),
    replace(_BASE, name="compressed", jpeg_quality=(25, 45)),
    replace(_BASE, name="subtle", codec_factor=1.6, upsampling_artifacts=0.025, colour_mismatch=0.15,
            boundary_strength=0.15),
    replace(_BASE, name="low_res", resolution=128),
    # twice the images, for the intervention's half-size arms
    replace(_BASE, name="mixed_quality", images_per_class=2 * IMAGES_PER_CLASS, jpeg_quality=(20, 95),
            artifact_min_jpeg_quality=58),
)
#: The controlled-subset experiment: models trained on the better-kept half of mixed_quality's images (by the
#: measured JPEG quality) see the generator's artifacts; those trained on the other half see seamless fakes
#: and cannot learn them. Five seeds, so the planted effect's interval over seeds can exclude 0.
INTERVENTIONS = build_interventions(traits=("quality.jpeg_quality",), datasets=("mixed_quality",), seeds=(0, 1, 2, 3, 4),
                                    where="demo")


def demo_spec(name: str, images_per_class: int = IMAGES_PER_CLASS) -> tuple[SyntheticDatasetSpec, int]:
    """The demo dataset ``name`` at ``images_per_class`` (scaled for a dataset the demo draws larger), and the seed
    it is drawn with."""
    for index, spec in enumerate(DEMO_DATASETS):
        if spec.name == name:
            scaled = spec.images_per_class * images_per_class // IMAGES_PER_CLASS
            return replace(spec, images_per_class=scaled), DEMO_SEED + index
    raise ValueError(f"no demo dataset {name!r}; known: {', '.join(s.name for s in DEMO_DATASETS)}")


def _marker_text(spec: SyntheticDatasetSpec) -> str:
    return f"generator {GENERATOR_VERSION}: {spec!r}"


def write_demo_datasets(folder: Path, images_per_class: int = IMAGES_PER_CLASS) -> dict[str, Path]:
    """Write every demo dataset under ``folder`` (skipping those already complete); name -> root."""
    roots, todo = {}, []
    for spec in DEMO_DATASETS:
        spec, seed = demo_spec(spec.name, images_per_class)
        root = folder / spec.name
        marker = root / ".complete"
        if not marker.exists() or marker.read_text() != _marker_text(spec):
            if root.exists():
                shutil.rmtree(root)  # a different size or version would leave stale images behind
            todo.append((spec, root, seed))
        roots[spec.name] = root
    write_synthetic_datasets(todo)
    for spec, root, _ in todo:
        (root / ".complete").write_text(_marker_text(spec))
    return roots


def demo_study(folder: Path, images_per_class: int = IMAGES_PER_CLASS, seeds: tuple[int, ...] = SEEDS) -> StudyConfig:
    """The demo study over the datasets in ``folder / "data"`` (written there first if absent)."""
    roots = write_demo_datasets(folder / "data", images_per_class)
    return StudyConfig(
        name="demo",
        source=None,
        datasets=tuple(DatasetEntry(name, root) for name, root in roots.items()),
        split=SPLIT,
        training=TrainingEntry(architectures=("meso4",), base=TRAINING_BASE, seeds=seeds, grid=(TRAINING_OVERRIDES,)),
        extractors=("quality", "faces", "skin"),
        trait_jobs=min(4, default_jobs()),
        analyses=("ranking", "traits", "subgroups"),
        bootstrap_resamples=500,
        report_out=folder,
        interventions=INTERVENTIONS,
    )


def run_demo(folder: Path, report_out: Path | None = None, report: Callable[[str], None] = print) -> Path:
    """Run (or resume) the demo study in ``folder`` and write its report; returns the report's path.

    The store is ``folder/demo.duckdb``; the report goes to ``report_out`` (default ``folder``).
    """
    from dsanalysis.store import open_store
    from dsanalysis.study.runner import run_study

    folder.mkdir(parents=True, exist_ok=True)
    sizes = ", ".join(f"{s.name} {2 * s.images_per_class}" for s in DEMO_DATASETS)
    report(f"demo: synthetic datasets in {folder / 'data'} (images: {sizes}; "
           "drawn once, reused afterwards)")
    study = replace(demo_study(folder), report_out=report_out or folder)
    with open_store(folder / DEMO_STORE_NAME) as store:
        run_study(store, study, report)
    return (report_out or folder) / "index.html"
