"""Dataset ingest: find a dataset's files, check each one, and index them in the store.

The names below are imported when first used, so that the light modules of this package (the
layouts' vocabulary in :mod:`dsanalysis.ingest.layout`, which ``--help`` needs) import fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsanalysis.ingest.crops import CropSettings
    from dsanalysis.ingest.ingest import IngestSummary, dataset_targets, ingest_dataset
    from dsanalysis.ingest.layout import LAYOUTS

_OWNERS = {"CropSettings": "crops", "IngestSummary": "ingest", "dataset_targets": "ingest", "ingest_dataset": "ingest",
           "LAYOUTS": "layout"}
__all__ = ["LAYOUTS", "CropSettings", "IngestSummary", "dataset_targets", "ingest_dataset"]


def __getattr__(name: str) -> Any:
    if name not in _OWNERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_OWNERS[name]}"), name)
