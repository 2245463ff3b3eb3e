"""The levels stored results were computed at, read back for whatever shows them (the report, the figures).

An analysis stores its settings as ``analyses.params`` (JSON): every interval of it is at ``confidence``
and every test at ``alpha`` = 1 - confidence (as :mod:`dsanalysis.stats.analyses` computes them). An
evaluation stores its decision threshold in ``evaluations.params``; its bootstrap intervals are at the
level of :func:`dsanalysis.model.metrics.bootstrap_intervals` unless the params name one. Nothing
that shows a result restates these numbers: it reads them here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dsanalysis.store import Store


@dataclass(frozen=True)
class Levels:
    """The confidence level of a result's intervals and the significance level of its tests (None: not stored)."""

    confidence: float | None = None
    alpha: float | None = None


def params_levels(params: dict[str, Any] | str | None) -> Levels:
    """The levels in an analysis' stored params (a dict or its JSON): confidence, and alpha as stored or
    1 - confidence."""
    data = json.loads(params) if isinstance(params, str) and params else (params or {})
    confidence = data.get("confidence")
    alpha = data.get("alpha", None if confidence is None else 1 - float(confidence))
    return Levels(None if confidence is None else float(confidence), None if alpha is None else float(alpha))


def analysis_params(store: Store, name: str) -> dict[str, Any] | None:
    """The params of the newest stored analysis ``name`` (the one :func:`dsanalysis.stats.results.load_result`
    reads), or None when there is none."""
    latest = store.query("analysis_latest", analysis_name=name)
    if latest.empty:
        return None
    text = latest["params"].iloc[0]
    return json.loads(text) if isinstance(text, str) and text else {}


def analysis_levels(store: Store, name: str) -> Levels:
    """The levels of the newest stored analysis ``name`` (both None without one)."""
    return params_levels(analysis_params(store, name))


def _evaluation_params(store: Store) -> list[dict[str, Any]]:
    return [json.loads(p) if isinstance(p, str) and p else {} for p in store.query("report_evaluation_settings")["params"]]


def evaluation_levels(store: Store) -> Levels:
    """The confidence level of the stored evaluations' bootstrap intervals: the one their params name, else the
    level evaluate used (the default of :func:`dsanalysis.model.metrics.bootstrap_intervals`); None when the
    stored evaluations name different levels."""
    import inspect

    from dsanalysis.model.metrics import bootstrap_intervals

    default = inspect.signature(bootstrap_intervals).parameters["level"].default
    found = {float(p.get("bootstrap_level", default)) for p in _evaluation_params(store)} or {float(default)}
    confidence = found.pop() if len(found) == 1 else None
    return Levels(confidence, None if confidence is None else 1 - confidence)


def evaluation_thresholds(store: Store) -> list[float]:
    """The decision thresholds (score_real at or above: called real) of the stored evaluations, as stored."""
    return sorted({float(p["threshold"]) for p in _evaluation_params(store) if p.get("threshold") is not None})


def learning_levels() -> Levels:
    """The confidence level of every run's validation AUC interval (the learning check,
    :data:`dsanalysis.model.learning.CONFIDENCE`)."""
    from dsanalysis.model.learning import CONFIDENCE

    return Levels(CONFIDENCE, 1 - CONFIDENCE)
