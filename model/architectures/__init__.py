"""Registered network architectures, by name; adding one is adding one module that calls :func:`register`.

Each architecture module defines a ``build() -> keras.Model`` (input 256x256x3 in [0, 1], one
sigmoid output = P(real), made by a last ``Dense`` layer) and registers it with ``@register("name")``.
Modules import Keras inside ``build`` only, so listing the names stays cheap.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsanalysis.errors import UserError

#: Side of the square RGB input every registered architecture takes.
INPUT_SIZE = 256


@dataclass(frozen=True)
class Architecture:
    name: str
    build: Callable[[], Any]
    description: str


_REGISTRY: dict[str, Architecture] = {}


def register(name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Decorator registering a ``build()`` function under ``name``."""

    def decorate(build: Callable[[], Any]) -> Callable[[], Any]:
        if name in _REGISTRY and _REGISTRY[name].build is not build:
            raise ValueError(f"architecture {name!r} is registered twice")
        doc = (build.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = Architecture(name, build, doc[0] if doc else "")
        return build

    return decorate


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def architecture_names() -> list[str]:
    """Names of every registered architecture, sorted."""
    _load_all()
    return sorted(_REGISTRY)


def get_architecture(name: str) -> Architecture:
    """The architecture registered as ``name``; a :class:`UserError` lists the known ones."""
    _load_all()
    if name not in _REGISTRY:
        raise UserError(f"unknown architecture {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]
