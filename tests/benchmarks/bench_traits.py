"""Per-image trait throughput on the shared MesoNet folder (1600 JPEGs): quality, faces and skin.

Measures, as medians over --repeats runs, each in a fresh copy of an ingested store:
  * first run of all offline per-image descriptors (MTCNN face detection included), images/second,
    with --jobs 1 and --jobs 2 side by side (worker start-up, TensorFlow load included);
  * a second run over the unchanged images (whole command: per-dataset traits and the UMAP map
    included), seconds;
and, in one process on 128 decoded images, the per-image cost of each step, so the choice to
detect faces on a reduced copy is visible next to detection at full size.

    .venv/bin/python tests/benchmarks/bench_traits.py [--repeats 3] [--dataset ../shared/datasets/mesonet]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def first_run(clean: Path, work: Path, jobs: int) -> tuple[float, float, int]:
    """(images per wall-clock second, images per CPU-second of the workers, images)."""
    import resource

    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import run_traits

    shutil.copy(clean, work)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open_store(work) as store:
        summary = run_traits(store, ["bench"], jobs=jobs, embed=False, resamples=200)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)   # the pool's workers, joined at its shutdown
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    images = max(summary.measured.values())
    return images / summary.extract_seconds, images / cpu, images


def second_run_seconds(store_path: Path, jobs: int) -> float:
    from dsanalysis.cli import main

    started = time.perf_counter()
    code = main(["--store", str(store_path), "traits", "bench", "--jobs", str(jobs)])
    if code != 0:
        raise SystemExit(f"traits failed with {code}")
    return time.perf_counter() - started


def step_costs(paths: list[Path]) -> dict[str, float]:
    """Milliseconds per image of each step, one process, one thread for TensorFlow."""
    import numpy as np

    from dsanalysis.imaging import read_rgb
    from dsanalysis.traits import faces, quality, skin
    from dsanalysis.traits.duplicates import phash

    detector = faces.MtcnnDetector(threads=1)
    images = [read_rgb(p) for p in paths]
    detector.detect(images[:4])
    costs = {}

    def timed(name, fn):
        started = time.perf_counter()
        result = fn()
        costs[name] = 1000 * (time.perf_counter() - started) / len(paths)
        return result

    timed("decode (read_rgb)", lambda: [read_rgb(p) for p in paths])
    timed("quality descriptors (perceptual hash included)",
          lambda: [quality.quality_traits(im, p, "JPEG") for im, p in zip(images, paths, strict=True)])
    timed("  of which perceptual hash", lambda: [phash(quality.luma(im)) for im in images])
    found = timed(f"MTCNN on {faces.DETECT_SIDE}px copies, batches of 64",
                  lambda: [f for b in range(0, len(images), 64) for f in detector.detect(images[b:b + 64])])
    timed("skin tone", lambda: [skin.skin_traits(im, f) for im, f in zip(images, found, strict=True)])
    side = faces.DETECT_SIDE
    faces.DETECT_SIDE = max(max(im.shape[:2]) for im in images)   # no reduction: full-size crops
    try:
        subset = images[:32]
        started = time.perf_counter()
        for image in subset:
            detector.detect([image])
        costs["MTCNN at full size, one image per call (for comparison)"] = 1000 * (time.perf_counter() - started) / len(subset)
    finally:
        faces.DETECT_SIDE = side
    costs["faces found (share)"] = float(np.mean([len(f) > 0 for f in found]))
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=REPO.parent / "shared" / "datasets" / "mesonet")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "traits.json")
    args = parser.parse_args()
    if not args.dataset.is_dir():
        print(f"{args.dataset} is absent: this benchmark needs the shared MesoNet sample", file=sys.stderr)
        return 1
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.duckdb"
        with open_store(clean) as store:
            ingest_dataset(store, "bench", args.dataset)
        rates: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
        cpu_rates: dict[int, list[float]] = {jobs: [] for jobs in args.jobs}
        loads = []
        images = 0
        for _ in range(args.repeats):
            for jobs in args.jobs:   # side by side within each repeat
                rate, cpu_rate, images = first_run(clean, Path(tmp) / f"run{jobs}.duckdb", jobs)
                rates[jobs].append(rate)
                cpu_rates[jobs].append(cpu_rate)
                loads.append(os.getloadavg()[0])
        measured = Path(tmp) / f"run{args.jobs[-1]}.duckdb"
        second_run_seconds(measured, args.jobs[-1])   # computes the UMAP map once
        again = [second_run_seconds(measured, args.jobs[-1]) for _ in range(args.repeats)]
    sample = sorted(args.dataset.rglob("*.jpg"))[::max(1, images // 128)][:128]
    costs = step_costs(sample)
    results = {
        "dataset": str(args.dataset), "images": images, "repeats": args.repeats, "cpu_count": os.cpu_count(),
        "first_run_images_per_second": {str(j): statistics.median(r) for j, r in rates.items()},
        "first_run_all_runs": {str(j): r for j, r in rates.items()},
        "first_run_images_per_worker_cpu_second": {str(j): statistics.median(r) for j, r in cpu_rates.items()},
        "load_average_1min_after_each_run": loads,
        "second_run_unchanged_seconds": statistics.median(again),
        "step_ms_per_image": costs,
    }
    print(f"{'measure':58s} {'value':>10s}")
    for jobs, rate in results["first_run_images_per_second"].items():
        print(f"{f'first run, quality+faces+skin, --jobs {jobs} (images/s)':58s} {rate:10.1f}")
    for jobs, rate in results["first_run_images_per_worker_cpu_second"].items():
        print(f"{f'  same, images per worker CPU-second, --jobs {jobs}':58s} {rate:10.1f}")
    print(f"{'  load average (1 min) after the runs':58s} {statistics.median(loads):10.1f}")
    print(f"{'second run, unchanged images, whole command (s)':58s} {results['second_run_unchanged_seconds']:10.1f}")
    for name, value in costs.items():
        unit = "" if "share" in name else " (ms/img)"
        print(f"{'  step: ' + name + unit:58s} {value:10.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
