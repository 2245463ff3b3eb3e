"""Fitted line and confidence band against the textbook formula; leading-trait choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dsanalysis.stats.fit_band import linear_fit_band, trait_scatter


def test_band_matches_the_textbook_formula():
    x = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    y = np.array([0.55, 0.61, 0.60, 0.72, 0.80])
    band = linear_fit_band(pd.DataFrame({"x": x, "y": y}), "x", "y", n_points=5)
    n, mx = len(x), x.mean()
    sxx = ((x - mx) ** 2).sum()
    slope = ((x - mx) * (y - y.mean())).sum() / sxx
    intercept = y.mean() - slope * mx
    s = np.sqrt(((y - intercept - slope * x) ** 2).sum() / (n - 2))
    grid = np.linspace(1, 6, 5)
    half = stats.t.ppf(0.975, n - 2) * s * np.sqrt(1 / n + (grid - mx) ** 2 / sxx)
    np.testing.assert_allclose(band["fit"], intercept + slope * grid, rtol=1e-10)
    np.testing.assert_allclose(band["ci_high"] - band["fit"], half, rtol=1e-8)
    np.testing.assert_allclose(band["fit"] - band["ci_low"], half, rtol=1e-8)


@pytest.mark.parametrize("values", [[1.0, 2.0], [3.0, 3.0, 3.0]])
def test_no_band_from_two_points_or_a_constant_trait(values):
    frame = pd.DataFrame({"x": values, "y": np.arange(len(values), dtype=float)})
    assert linear_fit_band(frame, "x", "y").empty


def test_leading_traits_follow_the_permutation_p_value_and_fall_back_to_key_traits():
    traits = pd.DataFrame({"dataset": list("abcd") * 3, "trait": ["t1"] * 4 + ["t2"] * 4 + ["descriptor_vendi_score"] * 4,
                           "value": [1, 2, 3, 4, 4, 1, 3, 2, 5, 6, 7, 9.0]})
    scores = pd.DataFrame({"dataset": list("abcd"), "score": [0.5, 0.6, 0.7, 0.8]})
    correlations = pd.DataFrame({"trait": ["t1", "t2"], "method": ["pearson"] * 2, "r": [1.0, -0.2],
                                 "p_permutation": [0.04, 0.8]})
    points, fits = trait_scatter(traits, scores, correlations, leading=1)
    assert set(points["trait"]) == {"t1"} and set(fits["trait"]) == {"t1"}
    points, fits = trait_scatter(traits[traits["dataset"].isin(["a", "b"])], scores, None)
    assert set(points["trait"]) == {"descriptor_vendi_score"} and fits.empty  # two datasets: points, no band


def _chance_scores(high: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"dataset": list("abcd"), "score": [0.49, 0.50, 0.51, 0.52],
                         "ci_low": [0.46, 0.47, 0.48, 0.49], "ci_high": high})


def test_no_fitted_line_over_scores_indistinguishable_from_chance():
    traits = pd.DataFrame({"dataset": list("abcd"), "trait": "t1", "value": [1.0, 2.0, 3.0, 4.0]})
    correlations = pd.DataFrame({"trait": ["t1"], "method": ["pearson"], "r": [1.0], "p_permutation": [0.04]})
    scores = _chance_scores([0.52, 0.53, 0.54, 0.55])  # every interval holds 0.5
    points, fits = trait_scatter(traits, scores, correlations)
    assert len(points) == 4 and fits.empty  # the points are shown, no line or band through them
    from dsanalysis.stats.fit_band import chance_level_note

    assert "indistinguishable from chance (0.5)" in chance_level_note(scores)
    # one dataset clearly above chance: the fit is drawn
    above = _chance_scores([0.52, 0.53, 0.54, 0.55]).assign(score=[0.49, 0.50, 0.51, 0.60], ci_low=[0.46, 0.47, 0.48, 0.56],
                                                             ci_high=[0.52, 0.53, 0.54, 0.64])
    points, fits = trait_scatter(traits, above, correlations)
    assert not fits.empty and chance_level_note(above) == ""
