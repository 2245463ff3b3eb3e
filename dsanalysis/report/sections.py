"""Report structure: what each section shows, read from the store and shaped for its template.

Each ``_section_*`` function returns the section's template context, or None when the store holds
no data for it (the section is then left out). Figures are drawn by ``dsanalysis.figures`` and
embedded as ``data:`` URIs, so the page works offline as a single file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import UserError
from dsanalysis.figures.style import FigureStyle
from dsanalysis.provenance import library_versions, now
from dsanalysis.store import Store


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    template: str


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with NaN/NA turned into None, so templates see one kind of missing value."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _section_summary(store: Store, style: FigureStyle) -> dict[str, Any]:
    datasets = store.query("datasets")
    if datasets.empty:
        raise UserError(
            f"store {store.path} has no datasets yet: run `python -m dsanalysis ingest NAME PATH` first "
            "(or `python -m dsanalysis report --demo` for the built-in demo)"
        )
    runs = store.query("report_runs_overview")
    problems = store.query("ingest_problems")
    problems = problems[problems["status"] == "rejected"]
    n_complete = int(runs["complete_runs"].sum()) if not runs.empty else 0
    names = ", ".join(datasets["dataset"].astype(str))
    reading = (
        f"This study covers {len(datasets)} dataset(s) ({names}) with {int(datasets['usable'].sum()):,} usable images"
        + (f" and {n_complete} trained model(s)." if n_complete else "; no model has been trained yet, "
           "so only dataset descriptions can be shown (run `python -m dsanalysis train`).")
    )
    return {
        "title": names,
        "store_path": str(store.path),
        "generated_at": now().isoformat(sep=" "),
        "package_version": __version__,
        "versions": library_versions(),
        "datasets": _records(datasets),
        "problems": _records(problems),
        "runs": _records(runs),
        "reading": reading,
    }


def _section_matrix(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.export import svg_data_uri
    from dsanalysis.figures.study import matrix_figures

    cells = store.query("cross_dataset_summary")
    if cells.empty:
        return None
    figures = [{"name": name, "uri": svg_data_uri(figure, style)} for name, figure in matrix_figures(store, style).items()]
    off = cells[~cells["in_domain"]]
    on = cells[cells["in_domain"]]
    reading = "Each row is a model trained on one dataset; each column the dataset it was tested on. "
    if not on.empty:
        reading += f"Tested on their own data, models reach accuracy {on['accuracy'].min():.2f} to {on['accuracy'].max():.2f}. "
    if not off.empty:
        worst = off.loc[off["accuracy"].idxmin()]
        best = off.loc[off["accuracy"].idxmax()]
        reading += (
            f"Across datasets, accuracy ranges from {worst['accuracy']:.2f} (trained on {worst['train_dataset']}, "
            f"tested on {worst['test_dataset']}) to {best['accuracy']:.2f} (trained on {best['train_dataset']}, "
            f"tested on {best['test_dataset']}); 0.5 is chance on a balanced test set."
        )
    return {"figures": figures, "cells": _records(cells), "reading": reading}


#: (section, builder) in page order; builders return None when the store holds nothing for them.
SECTIONS: list[tuple[Section, Any]] = [
    (Section("summary", "Study summary", "summary.html"), _section_summary),
    (Section("matrix", "Cross-dataset matrix", "matrix.html"), _section_matrix),
]


def build_report_context(store: Store, style: FigureStyle | None = None) -> dict[str, Any]:
    """Everything the report template needs, section by section, read from ``store``."""
    style = style or FigureStyle()
    context: dict[str, Any] = {"sections": []}
    for section, builder in SECTIONS:
        data = builder(store, style)
        if data is None:
            continue
        context[section.id] = data
        context["sections"].append(section)
    return context


def default_out_dir(store_path: Path) -> Path:
    return Path("reports") / store_path.stem
