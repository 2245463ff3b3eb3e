"""List registered datasets with their image counts (the named query 'datasets')."""

from __future__ import annotations

import argparse

ORDER = 20
HELP = "list registered datasets with image counts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")


def run(args: argparse.Namespace) -> int:
    from dsanalysis.output import write_frame
    from dsanalysis.store import open_store

    with open_store(args.store, read_only=True) as store:
        frame = store.query("datasets")
    if frame.empty:
        print("no datasets registered; add one with `python -m dsanalysis ingest NAME PATH`")
        return 0
    write_frame(frame, args.format, None)
    return 0
