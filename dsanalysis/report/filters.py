"""Jinja2 filters: every number in the report is formatted here."""

from __future__ import annotations

import math
from typing import Any


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 3) -> str:
    """A number with ``digits`` significant decimals; '–' when missing."""
    if _missing(value):
        return "–"
    if isinstance(value, int | bool) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1000):
        return f"{int(value):,}"
    return f"{value:.{digits}f}"


def pct(value: Any, digits: int = 1) -> str:
    """A share as a percentage."""
    return "–" if _missing(value) else f"{100 * value:.{digits}f}%"


def pval(value: Any) -> str:
    """A p-value: three decimals, or '< 0.001'."""
    if _missing(value):
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def ci(low: Any, high: Any, digits: int = 3) -> str:
    """A confidence interval as '[low, high]'."""
    if _missing(low) or _missing(high):
        return "–"
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def level(confidence: Any, noun: str = "CI") -> str:
    """An interval's name after its stored confidence level as a percentage ('CI' after 0.9 reads as ninety
    percent CI); the bare ``noun`` when no level is stored (never a level the results were not computed at)."""
    return noun if _missing(confidence) else f"{100 * float(confidence):g}% {noun}"


def span(low: Any, high: Any, digits: int = 3) -> str:
    """A range as 'low–high', or one number when both ends print alike (the wording rule of
    :func:`dsanalysis.stats.headlines.value_range`); '–' when an end is missing."""
    from dsanalysis.stats.headlines import value_range

    if _missing(low) or _missing(high):
        return "–"
    return value_range(low, high, digits, separator="–")


def count(value: Any) -> str:
    """A count (stored as a float in long-form tables) as an integer with thousands separators."""
    return "–" if _missing(value) else f"{int(round(float(value))):,}"


FILTERS = {"num": num, "pct": pct, "pval": pval, "ci": ci, "level": level, "span": span, "count": count}
