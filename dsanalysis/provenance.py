"""What every stored result carries: deterministic keys, library versions, timestamps."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

#: Libraries whose versions can change a number this package stores.
RESULT_LIBRARIES = ("dsanalysis", "numpy", "pandas", "scipy", "scikit-learn", "scikit-image", "statsmodels",
                    "tensorflow", "keras", "pillow", "duckdb", "umap-learn", "deepface", "mtcnn")


def stable_key(*parts: Any, length: int = 16) -> str:
    """A short deterministic id for a unit of work from its defining settings.

    The same settings always give the same key (JSON with sorted keys, SHA-256), so re-running a
    request finds the stored result instead of computing it twice.
    """
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def library_versions(names: tuple[str, ...] = RESULT_LIBRARIES) -> dict[str, str]:
    """Installed versions of ``names`` (without importing them); absent libraries are left out."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def library_versions_json(names: tuple[str, ...] = RESULT_LIBRARIES) -> str:
    return json.dumps(library_versions(names), sort_keys=True)


def now() -> dt.datetime:
    """Local wall-clock time without time zone, as the store's TIMESTAMP columns hold it."""
    return dt.datetime.now().replace(microsecond=0)
