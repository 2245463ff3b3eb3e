"""Top versus bottom datasets: standardized trait differences by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsanalysis.stats.profile import top_bottom_profile


def test_standardized_difference_by_hand():
    ranking = pd.DataFrame({"dataset": ["a", "b", "c", "d"], "estimate": [0.9, 0.8, 0.6, 0.5]})
    traits = pd.DataFrame({"dataset": list("abcd") * 2, "trait": ["size"] * 4 + ["flat"] * 4,
                           "value": [10.0, 8.0, 4.0, 2.0, 1, 1, 1, 1]})
    out = top_bottom_profile(traits, ranking).set_index("trait")
    size = out.loc["size"]
    assert size["top_datasets"] == "a, b" and size["bottom_datasets"] == "c, d"
    assert size["difference"] == pytest.approx(6.0)
    assert size["standardized_difference"] == pytest.approx(6.0 / np.std([10, 8, 4, 2], ddof=1))
    assert np.isnan(out.loc["flat", "standardized_difference"]) and "constant" in out.loc["flat", "note"]
    assert "descriptive contrast, not evidence" in size["note"]


def test_two_datasets_give_one_top_one_bottom():
    ranking = pd.DataFrame({"dataset": ["x", "y"], "estimate": [0.7, 0.9]})
    traits = pd.DataFrame({"dataset": ["x", "y"], "trait": "t", "value": [1.0, 3.0]})
    row = top_bottom_profile(traits, ranking).iloc[0]
    assert row["top_datasets"] == "y" and row["bottom_datasets"] == "x" and row["difference"] == 2.0
