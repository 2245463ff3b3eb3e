"""Saving figures reproducibly: same store, same bytes (no dates, fixed SVG ids)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FIGURE_FORMATS = ("pdf", "svg", "png")
_NO_DATES = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}


def save_figure(figure: Figure, stem: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write ``figure`` as ``stem.<format>`` for each format; returns the written paths."""
    written = []
    for fmt in formats:
        if fmt not in FIGURE_FORMATS:
            raise ValueError(f"unknown figure format {fmt!r}; use {', '.join(FIGURE_FORMATS)}")
        path = stem.with_suffix(f".{fmt}")
        figure.savefig(path, format=fmt, metadata=_NO_DATES[fmt])
        written.append(path)
    return written


def svg_data_uri(figure: Figure) -> str:
    """The figure as an SVG ``data:`` URI for an ``<img>`` in a self-contained HTML page."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata=_NO_DATES["svg"])
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def png_data_uri(figure: Figure, dpi: int = 110) -> str:
    """The figure as a PNG ``data:`` URI (for raster-heavy plots such as thumbnails and big scatters)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata=_NO_DATES["png"])
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
