"""The cross-dataset heatmap labels its cells while they are legible, and only then."""

from __future__ import annotations

import pandas as pd
import pytest

from dsanalysis.figures.matrix import MAX_ANNOTATED_COLUMNS, matrix_heatmap
from dsanalysis.figures.style import FigureStyle


def _matrix(n: int) -> pd.DataFrame:
    names = [f"d{i:02d}" for i in range(n)]
    return pd.DataFrame([(r, c, 0.9 if r == c else 0.6) for r in names for c in names],
                        columns=["train_dataset", "eval_dataset", "value"])


@pytest.mark.parametrize("n", [3, MAX_ANNOTATED_COLUMNS])
def test_small_matrix_has_a_value_label_per_cell(n):
    figure = matrix_heatmap(_matrix(n), FigureStyle())
    ax = figure.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(["0.90"] * n + ["0.60"] * (n * n - n))
    assert len(ax.patches) == n  # in-domain outlines


def test_large_matrix_drops_value_labels_but_keeps_outlines():
    n = MAX_ANNOTATED_COLUMNS + 1
    ax = matrix_heatmap(_matrix(n), FigureStyle()).axes[0]
    assert len(ax.texts) == 0
    assert len(ax.patches) == n
