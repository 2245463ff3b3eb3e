"""A new figure in the publication style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsanalysis.figures.style import FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def new_figure(style: FigureStyle, height_ratio: float = 0.75, width_columns: float = 1.0, **subplots: object) -> tuple[Figure, object]:
    """A figure ``width_columns`` columns wide and ``height_ratio`` x that tall, with subplots.

    Uses the object-oriented API (no pyplot state), so figures can be made in any thread and are
    freed when dropped.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(style.rc()):
        width = style.column_width_in * width_columns
        figure = Figure(figsize=(width, width * height_ratio), layout="constrained")
        axes = figure.subplots(**subplots)
    return figure, axes
