"""Run the whole benchmark suite, one benchmark after the other, and print one summary table.

    .venv/bin/python tests/benchmarks/run_all.py                    # every benchmark, default settings (hours on 2 cores)
    .venv/bin/python tests/benchmarks/run_all.py --only store,study   # some of them
    .venv/bin/python tests/benchmarks/run_all.py --summary            # only the table, from the last JSON files

Each benchmark is a script ``bench_<name>.py`` in this folder (run alone for its own options); each
writes a JSON file under ``reports/benchmarks/`` and prints its own table. The summary is written to
``reports/benchmarks/summary.json``. Not part of ``pytest`` (which collects ``test_*.py`` only).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "reports" / "benchmarks"
BENCHMARKS = ("ingest", "training", "study", "traits", "stats", "store")
#: the JSON file each benchmark writes under reports/benchmarks/
JSON_FILES = {name: f"{name}.json" for name in BENCHMARKS} | {"stats": "bench_stats.json"}


def _get(data: dict, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def summary_rows(results: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(benchmark, measure, value) rows of the headline figures found in the JSON files."""
    rows: list[tuple[str, str, str]] = []

    def add(name: str, label: str, value: object, fmt: str = "{:.2f}") -> None:
        if value is not None:
            rows.append((name, label, fmt.format(value)))

    ingest, training, study = results.get("ingest", {}), results.get("training", {}), results.get("study", {})
    traits, stats, store = results.get("traits", {}), results.get("stats", {}), results.get("store", {})
    add("ingest", "first ingest, images/s", ingest.get("first_ingest_images_per_second"), "{:.0f}")
    add("ingest", "re-ingest unchanged, images/s", ingest.get("reingest_images_per_second"), "{:.0f}")
    for key, label in (("jpeg_folder", "(a) package"), ("seed_way", "(b) seed's way"), ("in_memory", "(c) in-memory")):
        add("training", f"{label}, images/s", _get(training, "training", "images_per_second", key), "{:.1f}")
    add("training", "a/b (target >= 1.0)", _get(training, "training", "ratio_package_to_seed_way"), "{:.3f}")
    add("training", "a/c (target >= 0.95)", _get(training, "training", "ratio_package_to_in_memory"), "{:.3f}")
    add("study", "study run, wall s", _get(study, "median", "package", "wall_s"), "{:.0f}")
    add("study", "seed's procedure, wall s", _get(study, "median", "seed_way", "wall_s"), "{:.0f}")
    add("study", "speedup (target >= 2)", study.get("speedup_wall"))
    for jobs in ("1", "2"):
        add("traits", f"--jobs {jobs}, images/s", _get(traits, "first_run_images_per_second", jobs), "{:.1f}")
    add("traits", "second run over unchanged images, s", traits.get("second_run_unchanged_seconds"))
    for size in store.get("sizes", []):
        rows_n = size["shape"]["prediction_rows"]
        for name, m in size["median"].items():
            add("store", f"{name}, {rows_n / 1e6:g}M predictions: wall s / CPU s / peak MB",
                f"{m['wall_s']:.1f} / {m['cpu_s']:.1f} / {m['peak_rss_mb']:.0f}", "{}")
    for row in stats.get("results", []):
        add("stats", f"{row['task']} ({row['variant']}), s", row["seconds"], "{:.3f}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--summary", action="store_true", help="run nothing; summarize the existing JSON files")
    args = parser.parse_args()
    chosen = BENCHMARKS if not args.only else tuple(args.only.split(","))
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    failed = []
    if not args.summary:
        for name in chosen:
            print(f"=== bench_{name}.py", flush=True)
            if subprocess.run([sys.executable, str(HERE / f"bench_{name}.py")], cwd=REPO).returncode != 0:
                failed.append(name)
    results = {name: json.loads((OUT / JSON_FILES[name]).read_text()) for name in BENCHMARKS
               if (OUT / JSON_FILES[name]).is_file()}
    rows = summary_rows(results)
    width = max((len(r[1]) for r in rows), default=10)
    print(f"\n{'benchmark':10s} {'measure':{width}s} value")
    for name, label, value in rows:
        print(f"{name:10s} {label:{width}s} {value}")
    machine = {"platform": platform.platform(), "python": platform.python_version(), "processor": platform.processor(),
               "cpus": os.cpu_count()}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "summary.json").write_text(json.dumps({"machine": machine, "rows": rows, "failed": failed}, indent=2))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
