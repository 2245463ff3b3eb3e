"""Ingest throughput on the shared MesoNet folder (1600 JPEGs), pinned to one CPU core.

Measures, as medians over --repeats runs, each in a fresh store:
  * first ingest (hash + header + 1/8-scale integrity decode + store write), images/second;
  * re-ingest of the unchanged folder (stat only), images/second;
and, side by side on the same bytes in memory, the per-image cost of each probe step, so the
choice of integrity check is visible: header only, draft (1/8-scale) decode, full decode.

    .venv/bin/python tests/benchmarks/bench_ingest.py [--dataset ../shared/datasets/mesonet]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from measure import median_seconds

from dsanalysis.imaging import probe_image
from dsanalysis.ingest import ingest_dataset
from dsanalysis.store import open_store

REPO = Path(__file__).resolve().parents[2]


def timed_ingest(dataset: Path, store_path: Path) -> tuple[float, int]:
    with open_store(store_path) as store:
        started = time.perf_counter()
        summary = ingest_dataset(store, "bench", dataset)
        return time.perf_counter() - started, summary.files


def probe_costs(datas: list[bytes], repeats: int) -> dict[str, float]:
    def header(data: bytes) -> None:
        Image.open(io.BytesIO(data)).size  # noqa: B018

    def full(data: bytes) -> None:
        Image.open(io.BytesIO(data)).load()

    steps = {
        "sha256": lambda d: hashlib.sha256(d).hexdigest(),
        "header only": header,
        "probe_image (draft decode)": probe_image,
        "full decode": full,
    }
    results = {}
    for name, step in steps.items():
        results[name] = len(datas) / median_seconds(lambda: [step(data) for data in datas], repeats)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=REPO.parent / "shared" / "datasets" / "mesonet")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "ingest.json")
    args = parser.parse_args()
    if not args.dataset.is_dir():
        print(f"{args.dataset} is absent: this benchmark needs the shared MesoNet sample", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    first, again = [], []
    files = 0
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            store_path = Path(tmp) / "bench.duckdb"
            seconds, files = timed_ingest(args.dataset, store_path)
            first.append(files / seconds)
            seconds, _ = timed_ingest(args.dataset, store_path)
            again.append(files / seconds)
    datas = [p.read_bytes() for p in sorted(args.dataset.rglob("*.jpg"))]
    costs = probe_costs(datas, args.repeats)
    results = {
        "dataset": str(args.dataset), "files": files, "repeats": args.repeats, "cores": 1,
        "first_ingest_images_per_second": statistics.median(first),
        "reingest_images_per_second": statistics.median(again),
        "probe_step_images_per_second": costs,
    }
    print(f"{'measure':40s} {'images/s':>10s}")
    print(f"{'first ingest (fresh store)':40s} {results['first_ingest_images_per_second']:10.0f}")
    print(f"{'re-ingest, nothing changed':40s} {results['reingest_images_per_second']:10.0f}")
    for name, rate in costs.items():
        print(f"{'  step: ' + name:40s} {rate:10.0f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
