"""Register a dataset and index its images in the store.

PATH is a folder with class folders (real/ plus df/, fake/, forged/, deepfake/, manipulated/ or
fake_*/), optionally under split folders (train/, validation/, test/, ...), or a CSV/Parquet
manifest with columns path,label[,group,split,...]. Re-running is incremental: unchanged files
are not read again, changed and removed files are updated.
"""

from __future__ import annotations

import argparse

ORDER = 10
HELP = "register a dataset folder or manifest and index its images in the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="dataset name used everywhere in the store")
    parser.add_argument("path", help="dataset folder, or a manifest file (.csv, .parquet)")
    parser.add_argument("--layout", choices=["auto", "folders", "manifest"], default="auto",
                        help="how to read PATH (default: auto)")
    parser.add_argument("--manifest", metavar="FILE", help="manifest whose paths are relative to PATH")
    parser.add_argument("--numeric-label-one", choices=["fake", "real"], default="fake",
                        help="what label 1 means in a manifest with 1/0 labels (default: fake, as detection benchmarks use)")
    parser.add_argument("--group-pattern", metavar="REGEX",
                        help="regular expression with one capture group drawing a group id (video, identity) "
                        "from each relative path, e.g. '/(\\d+)_\\d+\\.jpg$'")
    parser.add_argument("--min-side", type=int, default=None, help="reject images whose shorter side is below this (default: 32 px)")


def run(args: argparse.Namespace) -> int:
    from dsanalysis.imaging import MIN_SIDE
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.store import open_store

    with open_store(args.store) as store:
        summary = ingest_dataset(
            store, args.name, args.path, layout=args.layout, manifest=args.manifest,
            numeric_label_one=args.numeric_label_one, group_pattern=args.group_pattern,
            min_side=MIN_SIDE if args.min_side is None else args.min_side,
        )
    for line in summary.lines():
        print(line)
    print(f"  {summary.files} files in {summary.seconds:.1f} s ({summary.files / max(summary.seconds, 1e-9):.0f} files/s)")
    return 0
