"""How a per-image descriptor value is represented before it is stored: a number, a category or a missing value with its reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Missing:
    """A descriptor that is undefined for an image, with the reason (stored in image_traits.missing_reason)."""

    reason: str


#: A descriptor value: a number, a category (text) or :class:`Missing`.
Value = float | str | Missing


def missing(reason: str) -> Missing:
    return Missing(reason)


def is_missing(value: object) -> bool:
    return isinstance(value, Missing)
