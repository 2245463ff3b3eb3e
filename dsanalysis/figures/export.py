"""Saving figures reproducibly: same store, same bytes (no dates, fixed SVG ids)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from dsanalysis.figures.style import FigureStyle

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FIGURE_FORMATS = ("pdf", "svg", "png")
_NO_DATES = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}


def _save(figure: Figure, target: Path | io.BytesIO, fmt: str, style: FigureStyle, dpi: int | None = None) -> None:
    import matplotlib

    # font embedding, SVG id salt and dpi are read at save time, so the style must be active here
    with matplotlib.rc_context(style.rc()):
        if figure.get_layout_engine() is not None:
            # Constrained layout iterates from the current positions, so each save would move the
            # axes a little: lay out once, then freeze, and every format gets the same geometry.
            figure.draw_without_rendering()
            figure.set_layout_engine("none")
        figure.savefig(target, format=fmt, metadata=_NO_DATES[fmt], **({"dpi": dpi} if dpi else {}))


def safe_stem(name: str) -> str:
    """A file name stem from a figure name made of data (dataset or column names): only letters, digits, '.', '-'
    and '_' kept, the rest '_', no leading dot, so it can neither leave the output folder nor hide."""
    import re

    stem = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return stem or "figure"


def save_figure(figure: Figure, stem: Path, formats: tuple[str, ...], style: FigureStyle) -> list[Path]:
    """Write ``figure`` as ``stem.<format>`` for each format; returns the written paths."""
    written = []
    for fmt in formats:
        if fmt not in FIGURE_FORMATS:
            raise ValueError(f"unknown figure format {fmt!r}; use {', '.join(FIGURE_FORMATS)}")
        path = stem.with_suffix(f".{fmt}")
        _save(figure, path, fmt, style)
        written.append(path)
    return written


_SVG_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_SVG_INDENT = re.compile(rb"\n[ \t]+")
_SVG_COORDINATES = re.compile(rb' (?:d|x|y|width|height)="[^"]*"')
_LONG_DECIMAL = re.compile(rb"(\d\.\d{2})\d+")


def compact_svg(svg: bytes) -> bytes:
    """The same drawing in fewer bytes, for embedding: no comments or indentation, and coordinates (path data,
    positions, sizes; never transforms, which scale glyphs) to 1/100 of a point instead of 1/1000000."""
    svg = _SVG_INDENT.sub(b"\n", _SVG_COMMENT.sub(b"", svg))
    return _SVG_COORDINATES.sub(lambda m: _LONG_DECIMAL.sub(rb"\1", m.group(0)), svg)


def svg_data_uri(figure: Figure, style: FigureStyle) -> str:
    """The figure as a compacted SVG ``data:`` URI (see :func:`compact_svg`) for an ``<img>`` in a
    self-contained HTML page."""
    buffer = io.BytesIO()
    _save(figure, buffer, "svg", style)
    return "data:image/svg+xml;base64," + base64.b64encode(compact_svg(buffer.getvalue())).decode("ascii")


def png_data_uri(figure: Figure, style: FigureStyle, dpi: int = 110) -> str:
    """The figure as a PNG ``data:`` URI (for raster-heavy plots such as thumbnails and big scatters)."""
    buffer = io.BytesIO()
    _save(figure, buffer, "png", style, dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
