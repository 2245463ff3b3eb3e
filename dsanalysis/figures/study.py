"""The study's figures, read from the store: one function per figure family, shared by the
``figures`` command and the HTML report so both always show the same picture."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsanalysis.figures.style import FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from dsanalysis.store import Store


def matrix_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """Cross-dataset heatmaps, ``matrix_<metric>`` (with ``_<arch>`` when several architectures)."""
    from dsanalysis.figures.matrix import matrix_heatmap

    cells = store.query("cross_dataset_summary")
    figures: dict[str, Figure] = {}
    archs = sorted(cells["arch"].unique()) if not cells.empty else []
    for arch in archs:
        part = cells[cells["arch"] == arch]
        suffix = "" if len(archs) == 1 else f"_{arch}"
        for metric, label in (("accuracy", "accuracy"), ("auc", "AUC")):
            figures[f"matrix_{metric}{suffix}"] = matrix_heatmap(
                part, style, row="train_dataset", column="test_dataset", value=metric, value_label=label
            )
    return figures


#: every figure family, in the order the figures command writes them
FIGURE_FAMILIES = (matrix_figures,)


def study_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """Every figure the store has data for, by file stem."""
    figures: dict[str, Figure] = {}
    for family in FIGURE_FAMILIES:
        figures.update(family(store, style))
    return figures
