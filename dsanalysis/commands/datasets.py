"""List registered datasets with their image counts (the named query 'datasets')."""

from __future__ import annotations

import argparse

from dsanalysis.output import FORMATS

ORDER = 20
HELP = "list registered datasets with image counts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the terminal")


def run(args: argparse.Namespace) -> int:
    from dsanalysis.output import check_output_path, write_frame
    from dsanalysis.store import open_store

    check_output_path(args.output, args.store)
    with open_store(args.store, read_only=True) as store:
        frame = store.query("datasets")
    if frame.empty:
        print("no datasets registered; add one with `python -m dsanalysis ingest NAME PATH`")
        return 0
    write_frame(frame, args.format, args.output)
    return 0
