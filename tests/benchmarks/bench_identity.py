"""Throughput of the identity extractor (dlib landmarks and face descriptors) on top of stored face boxes.

On the shared MesoNet and LFW face-swap folders (2,600 images), ingested into a fresh store whose
``faces`` traits are measured first (not timed):
  * first run of ``traits --extractors faces,identity`` with --jobs J (faces reused, so only the
    identity extractor measures), images/second of wall-clock time and per worker CPU-second, and
    the whole command's seconds (per-dataset identity clustering included);
  * a second run over the unchanged images, whole command, seconds;
and, in one process on 64 faces, the cost of each step per image.

    .venv/bin/python tests/benchmarks/bench_identity.py [--jobs 2] [--repeats 1]

The target is 20 images/s with --jobs 2 on two free cores: the descriptor network costs about
80 ms of CPU per face in the dlib-bin wheel (no BLAS), so the wall-clock rate is the CPU rate
times the cores the machine really gives; the load average after each run is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "datasets"


def timed_traits(store_path: Path, jobs: int) -> tuple[float, float, int, float]:
    """(images/s of extraction, images per worker CPU-second, images measured, whole command seconds)."""
    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import run_traits

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open_store(store_path) as store:
        summary = run_traits(store, None, extractors=("faces", "identity"), jobs=jobs, embed=False, resamples=200)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    images = summary.measured.get("identity", 0)
    rate = images / summary.extract_seconds if images else float("nan")
    return rate, (images / cpu if images and cpu > 0 else float("nan")), images, seconds


def step_costs(store_path: Path, count: int = 64) -> dict[str, float]:
    """Milliseconds per image of each step of the extractor, one process."""
    import numpy as np

    from dsanalysis.imaging import read_rgb
    from dsanalysis.store import open_store
    from dsanalysis.traits.identity import DlibModels
    from dsanalysis.traits.landmarks import landmark_traits

    with open_store(store_path, read_only=True) as store:
        images = store.query("usable_images", dataset="mesonet").head(count)
        boxes = store.query("traits_face_boxes", inputs={"traits_hashes": images[["content_hash"]]}).set_index("content_hash")
    items = [(path, tuple(boxes.loc[h])) for path, h in zip(images["path"], images["content_hash"], strict=True)
             if h in boxes.index and boxes.loc[h].notna().all()]
    started = time.perf_counter()
    models = DlibModels()
    costs = {"load the three models, once per worker (s)": time.perf_counter() - started}

    def timed(name, fn):
        began = time.perf_counter()
        result = fn()
        costs[name] = 1000 * (time.perf_counter() - began) / len(items)
        return result

    decoded = timed("decode (read_rgb)", lambda: [read_rgb(p) for p, _ in items])
    points = timed("68 landmarks", lambda: [models.landmarks(im, b) for im, (_, b) in zip(decoded, items, strict=True)])
    timed("attributes from the landmarks (head pose: solvePnP)",
          lambda: [landmark_traits(p, im.shape[1], im.shape[0]) for p, im in zip(points, decoded, strict=True)])
    timed("5-point alignment + 128-d descriptor",
          lambda: [models.descriptor(im, b) for im, (_, b) in zip(decoded, items, strict=True)])
    costs["faces timed"] = float(len(items))
    costs["total per image (ms)"] = float(np.sum([v for k, v in costs.items() if k not in (
        "load the three models, once per worker (s)", "faces timed")]))
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=Path, nargs="+", default=[SHARED / "mesonet", SHARED / "lfw_faceswap"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "identity.json")
    args = parser.parse_args()
    missing = [p for p in args.datasets if not p.is_dir()]
    if missing:
        print(f"{missing[0]} is absent: this benchmark needs the shared datasets", file=sys.stderr)
        return 1
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import run_traits

    with tempfile.TemporaryDirectory() as tmp:
        boxes = Path(tmp) / "boxes.duckdb"
        with open_store(boxes) as store:
            for path in args.datasets:
                ingest_dataset(store, "mesonet" if path.name == "mesonet" else path.name.split("_")[0], path)
            run_traits(store, None, extractors=("faces",), jobs=args.jobs, embed=False, resamples=0)
        runs, loads = [], []
        for k in range(args.repeats):
            work = Path(tmp) / f"run{k}.duckdb"
            shutil.copy(boxes, work)
            runs.append(timed_traits(work, args.jobs))
            loads.append(os.getloadavg()[0])
        again = [timed_traits(work, args.jobs)[3] for _ in range(max(1, args.repeats))]
        costs = step_costs(work)
    rates = [r[0] for r in runs]
    results = {
        "datasets": [str(p) for p in args.datasets], "images": runs[0][2], "jobs": args.jobs, "repeats": args.repeats,
        "cpu_count": os.cpu_count(), "first_run_images_per_second": statistics.median(rates), "first_run_all": rates,
        "first_run_images_per_worker_cpu_second": statistics.median(r[1] for r in runs),
        "first_run_whole_command_seconds": statistics.median(r[3] for r in runs),
        "load_average_1min_after_each_run": loads,
        "second_run_unchanged_seconds": statistics.median(again),
        "step_ms_per_image": costs,
    }
    print(f"{'measure':62s} {'value':>10s}")
    print(f"{f'first run, identity on stored face boxes, --jobs {args.jobs} (images/s)':62s} {results['first_run_images_per_second']:10.1f}")
    print(f"{'  same, images per worker CPU-second':62s} {results['first_run_images_per_worker_cpu_second']:10.1f}")
    print(f"{'  whole command (s)':62s} {results['first_run_whole_command_seconds']:10.1f}")
    print(f"{'  load average (1 min) after the runs':62s} {statistics.median(loads):10.1f}")
    print(f"{'second run, unchanged images, whole command (s)':62s} {results['second_run_unchanged_seconds']:10.1f}")
    for name, value in costs.items():
        unit = "" if "(s)" in name or "(ms)" in name or name == "faces timed" else " (ms/img)"
        print(f"{'  step: ' + name + unit:62s} {value:10.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
