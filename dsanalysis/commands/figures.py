"""Regenerate the publication figures from the store.

Writes each figure the store has data for (cross-dataset heatmaps, ranking with intervals,
critical difference diagram, trait-versus-score panel, UMAP map, subgroup chart) as vector
PDF/SVG and 300 dpi PNG. Same store, same bytes: SVG and PDF carry no dates and fixed ids.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ORDER = 75
HELP = "regenerate the publication figures (PDF, SVG, PNG) from the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", default="pdf,svg,png", help="comma-separated formats (default: pdf,svg,png)")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: reports/<store name>/figures, beside the store's report)")
    parser.add_argument("--style", metavar="FILE", help="TOML figure style: column_width_in, font_family, font_size, png_dpi")


def run(args: argparse.Namespace) -> int:
    from dsanalysis.errors import UserError
    from dsanalysis.figures.export import FIGURE_FORMATS, safe_stem, save_figure
    from dsanalysis.figures.study import study_figures
    from dsanalysis.figures.style import load_style
    from dsanalysis.store import open_store

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown or not formats:
        raise UserError(f"--format {args.format!r}: use a comma-separated list of {', '.join(FIGURE_FORMATS)}")
    from dsanalysis.output import check_output_path, default_out_dir

    check_output_path(args.out, args.store)
    style = load_style(args.style)
    with open_store(args.store, read_only=True) as store:
        figures = study_figures(store, style)
    if not figures:
        raise UserError(f"store {args.store} holds no results to draw yet: run `train` and `evaluate` first")
    out = Path(args.out) if args.out else default_out_dir(args.store) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    written = [path for stem, figure in figures.items() for path in save_figure(figure, out / safe_stem(stem), formats, style)]
    print(f"wrote {len(written)} files for {len(figures)} figures to {out}: {', '.join(figures)}")
    return 0
