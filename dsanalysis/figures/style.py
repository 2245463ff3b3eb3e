"""The publication style: single-column width, embedded fonts, colour-blind-safe colours.

A style file (TOML) lets users match a journal::

    column_width_in = 3.5   # single-column width in inches
    font_family = "DejaVu Sans"
    font_size = 8           # points
    png_dpi = 300
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from dsanalysis.errors import UserError

#: Okabe & Ito (2008) colour-blind-safe qualitative palette.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
#: Perceptually uniform, colour-blind-safe sequential map for heatmaps.
SEQUENTIAL_CMAP = "cividis"


@dataclass(frozen=True)
class FigureStyle:
    column_width_in: float = 3.5
    font_family: str = "DejaVu Sans"  # ships with matplotlib, so output is the same on every machine
    font_size: float = 8.0
    png_dpi: int = 300

    def rc(self) -> dict[str, object]:
        """matplotlib rcParams for this style (fonts embedded as TrueType/paths, fixed SVG ids)."""
        return {
            "font.family": [self.font_family],
            "font.size": self.font_size,
            "axes.titlesize": self.font_size,
            "axes.labelsize": self.font_size,
            "xtick.labelsize": self.font_size - 1,
            "ytick.labelsize": self.font_size - 1,
            "legend.fontsize": self.font_size - 1,
            "axes.prop_cycle": __import__("cycler").cycler(color=list(OKABE_ITO)),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 100,
            "savefig.dpi": self.png_dpi,
            "savefig.bbox": "tight",
            "pdf.fonttype": 42,        # embed TrueType fonts in PDF
            "svg.fonttype": "path",    # glyphs as paths: the SVG needs no installed font
            "svg.hashsalt": "dsanalysis",  # stable element ids: byte-identical SVG on re-render
            "path.simplify": True,
            # every label is plain text: a dataset named '$\\badcmd{x}$' must not reach the mathtext parser
            "text.parse_math": False,
        }


def load_style(path: str | Path | None) -> FigureStyle:
    """The default style, overridden by the keys of a TOML style file."""
    style = FigureStyle()
    if path is None:
        return style
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"style file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"style file {path} is not valid TOML: {error}") from None
    known = {f.name: f.type for f in fields(FigureStyle)}
    for key, value in data.items():
        if key not in known:
            raise UserError(f"style file {path}: unknown key {key!r} (known: {', '.join(known)})")
        expected = {"float": (int, float), "int": int, "str": str}[str(known[key])]
        if isinstance(value, bool) or not isinstance(value, expected):
            raise UserError(f"style file {path}: {key} must be {known[key]}, not {value!r}")
        if str(known[key]) != "str" and value <= 0:
            raise UserError(f"style file {path}: {key} must be positive")
    return replace(style, **data)
