"""Scale of the store and the report: a synthetic big study at two sizes (:mod:`synthetic_store`).

For each size (test images per dataset; default 250 and 1,000, i.e. 2.5 and 10 million prediction
rows with 20 datasets x 5 configurations x 5 seeds, traits for 400,000 images at both sizes) the
store is built once, then each command runs ``--repeats`` times as a subprocess from the shell's
point of view (``python -m dsanalysis --store S ...``), in this order:
  * ``analyze ranking`` (default settings: 1,000 bootstrap replicates over trials and test images);
  * ``sql --query cross_dataset_matrix --format csv --output FILE``;
  * ``report --out DIR`` (after ranking, so the page has its ranking section).
Per run: wall seconds, CPU seconds (user + system, less sensitive to other processes than wall
time on a shared machine) and peak resident set size (``ru_maxrss`` of that child, from ``wait4``;
Linux starts a forked child's peak at its parent's resident size, so the stores are built in child
processes too and this process stays small: its own peak is recorded as ``parent_peak_rss_mb``).
The table shows medians, and how each cost grows from the small to the big store against the
growth in prediction rows. Targets: ranking and matrix under 2 s, report under 15 s, peak memory
under 2 GB on the 10-million-row store.

    .venv/bin/python tests/benchmarks/bench_store.py [--sizes 250,1000] [--repeats 3] [--workdir DIR]
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
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_measured  # noqa: E402
from synthetic_store import Shape  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
TARGETS = {"ranking": 2.0, "matrix": 2.0, "report": 15.0}
PEAK_TARGET_MB = 2048


def measure_size(workdir: Path, shape: Shape, repeats: int, n_boot: int) -> dict:
    store = workdir / f"study_{shape.test_images}.duckdb"
    if store.exists():
        store.unlink()
    # built in a child: a forked child's peak RSS (ru_maxrss) starts at its parent's, so this process
    # must stay small for the commands' peaks below to be their own
    build = run_measured([sys.executable, str(Path(__file__).with_name("synthetic_store.py")), str(store),
                          *[f"--{k.replace('_', '-')}={v}" for k, v in asdict(shape).items()]], workdir)
    python = [sys.executable, "-m", "dsanalysis", "--store", str(store)]
    commands = {
        "ranking": [*python, "analyze", "ranking", "--n-boot", str(n_boot)],
        "matrix": [*python, "sql", "--query", "cross_dataset_matrix", "--format", "csv",
                   "--output", str(workdir / "matrix.csv")],
        "report": [*python, "report", "--out", str(workdir / f"report_{shape.test_images}")],
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            runs[name].append(run_measured(argv, workdir))
    medians = {name: {key: statistics.median(r[key] for r in measured) for key in measured[0]}
               for name, measured in runs.items()}
    return {"shape": {**shape.__dict__, "runs": shape.runs, "prediction_rows": shape.prediction_rows},
            "store_mb": store.stat().st_size / 1024**2, "build": build, "median": medians, "runs": runs,
            # floor under every peak_rss_mb above: this process's own peak when it forked them
            "parent_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="250,1000", help="test images per dataset, small then big (default 250,1000)")
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--configs", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--images-per-dataset", type=int, default=20000, help="images with traits per dataset")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command per size (median reported)")
    parser.add_argument("--n-boot", type=int, default=1000,
                        help="bootstrap replicates of analyze ranking (default 1000, the command's default; at least 100)")
    parser.add_argument("--workdir", type=Path, help="where the stores go (default: a temporary folder, removed)")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "store.json")
    args = parser.parse_args()

    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_store_"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"n_boot": args.n_boot, "repeats": args.repeats, "cpu_count": os.cpu_count(), "sizes": []}
    try:
        for test_images in sizes:
            shape = Shape(datasets=args.datasets, configs=args.configs, seeds=args.seeds, test_images=test_images,
                          images_per_dataset=args.images_per_dataset)
            print(f"building and measuring {shape.prediction_rows:,} prediction rows ...", file=sys.stderr, flush=True)
            results["sizes"].append(measure_size(workdir, shape, args.repeats, args.n_boot))
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(results, indent=2))  # kept if a bigger size is interrupted
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"{'command':9s} {'predictions':>12s} {'wall s':>8s} {'CPU s':>8s} {'peak MB':>8s} {'target':>14s}")
    for size in results["sizes"]:
        rows = size["shape"]["prediction_rows"]
        for name, m in size["median"].items():
            met = m["wall_s"] < TARGETS[name] and m["peak_rss_mb"] < PEAK_TARGET_MB
            target = f"<{TARGETS[name]:g} s {'met' if met else 'MISSED'}"
            print(f"{name:9s} {rows:12,d} {m['wall_s']:8.2f} {m['cpu_s']:8.2f} {m['peak_rss_mb']:8.0f} {target:>14s}")
    if len(results["sizes"]) >= 2:
        small, big = results["sizes"][0], results["sizes"][-1]
        row_ratio = big["shape"]["prediction_rows"] / small["shape"]["prediction_rows"]
        growth = {name: {key: big["median"][name][key] / small["median"][name][key] for key in ("wall_s", "cpu_s", "peak_rss_mb")}
                  for name in small["median"]}
        results["growth"] = {"prediction_rows": row_ratio, **growth}
        print(f"growth from the small to the big store: prediction rows x{row_ratio:.1f}; "
              + "; ".join(f"{name} CPU x{g['cpu_s']:.2f}, memory x{g['peak_rss_mb']:.2f}" for name, g in growth.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
