"""Straight-line fits with confidence bands, for drawing a trait against a score.

The report draws these bands as stored; computing them here keeps every number in ``stats``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.stats import tables

#: traits drawn against the generalization score when no correlation can rank them (n < 3)
KEY_TRAITS = ("descriptor_vendi_score", "ita_category.entropy", "near_duplicate_rate", "jpeg_quality.mean")
#: the score of a detector that guesses: accuracy and AUC on a balanced test set
CHANCE = 0.5


def chance_level_note(scores: pd.DataFrame, chance: float = CHANCE) -> str:
    """Why no line may be fitted through the scores, or '' when one may.

    A fitted trend over scores that are all indistinguishable from chance (every interval holds
    ``chance``) would draw a relation between noise and a trait, so none is drawn.

    Parameters
    ----------
    scores : DataFrame
        dataset, score, ci_low, ci_high (without the interval columns nothing can be said: '').

    Returns
    -------
    str
        the note, naming the range of the scores; empty when some score's interval excludes chance.
    """
    if scores.empty or not {"ci_low", "ci_high"} <= set(scores.columns):
        return ""
    bounded = scores.dropna(subset=["ci_low", "ci_high"])
    if bounded.empty or len(bounded) < len(scores):
        return ""
    if not ((bounded["ci_low"] <= chance) & (chance <= bounded["ci_high"])).all():
        return ""
    return (f"every generalization score ({bounded['score'].min():.2f} to {bounded['score'].max():.2f}) is "
            f"indistinguishable from chance ({chance:g}): each one's interval holds {chance:g}; no trait-versus-score line "
            "is fitted through them")


def linear_fit_band(frame: pd.DataFrame, x: str, y: str, *, confidence: float = 0.95, n_points: int = 25) -> pd.DataFrame:
    """Ordinary least-squares line of ``y`` on ``x`` with the confidence band of the mean.

    The band at x0 is fit(x0) +/- t_{n-2} s sqrt(1/n + (x0 - mean x)^2 / Sxx).

    Returns
    -------
    DataFrame
        x, fit, ci_low, ci_high on ``n_points`` evenly spaced x over the observed range; empty when
        fewer than 3 points with both values or x is constant (no interval can be estimated).
    """
    import statsmodels.api as sm

    for name in (x, y):
        if name not in frame.columns:
            raise ValueError(f"fit frame has no column {name!r}")
    data = frame[[x, y]].astype(float).dropna()
    if len(data) < 3 or data[x].nunique() < 2:
        return pd.DataFrame(columns=tables.TRAIT_FITS.without("trait"))
    model = sm.OLS(data[y].to_numpy(), sm.add_constant(data[x].to_numpy())).fit()
    grid = np.linspace(data[x].min(), data[x].max(), n_points)
    prediction = model.get_prediction(sm.add_constant(grid)).summary_frame(alpha=1 - confidence)
    return pd.DataFrame({"x": grid, "fit": prediction["mean"].to_numpy(), "ci_low": prediction["mean_ci_lower"].to_numpy(),
                         "ci_high": prediction["mean_ci_upper"].to_numpy()})


def trait_scatter(traits: pd.DataFrame, scores: pd.DataFrame, correlations: pd.DataFrame | None, *, leading: int = 4,
                  confidence: float = 0.95, chance: float = CHANCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points and fitted bands of the leading traits against the generalization score.

    Leading traits are those with the smallest permutation p-value (then the largest |r|) of the
    Pearson screen; with too few datasets for any p-value, the :data:`KEY_TRAITS` that were measured.

    Parameters
    ----------
    traits : DataFrame with columns dataset, trait, value
    scores : DataFrame with columns dataset, score and, optionally, ci_low, ci_high
        with the intervals, no line is fitted when every score is indistinguishable from ``chance``
        (:func:`chance_level_note`).
    correlations : output of :func:`dsanalysis.stats.correlation.trait_correlations`, or None

    Returns
    -------
    (points, fits)
        points: trait, dataset, trait_value, score. fits: trait, x, fit, ci_low, ci_high (traits with
        at least 3 datasets and a non-constant value only; none over chance-level scores).
    """
    merged = traits.merge(scores[["dataset", "score"]], on="dataset", how="inner").dropna(subset=["value", "score"])
    chosen: list[str] = []
    if correlations is not None and not correlations.empty:
        pearson = correlations[(correlations["method"] == "pearson") & correlations["p_permutation"].notna()]
        ordered = pearson.assign(abs_r=pearson["r"].abs()).sort_values(["p_permutation", "abs_r"], ascending=[True, False])
        chosen = list(dict.fromkeys(ordered["trait"]))[:leading]
    if not chosen:
        chosen = [t for t in KEY_TRAITS if t in set(merged["trait"])][:leading]
    points = merged[merged["trait"].isin(chosen)].rename(columns={"value": "trait_value"})
    points = points.assign(order=points["trait"].map({t: i for i, t in enumerate(chosen)})).sort_values(["order", "dataset"])
    points = points[tables.TRAIT_POINTS.names].reset_index(drop=True)
    at_chance = chance_level_note(scores, chance) != ""
    fits = [] if at_chance else [linear_fit_band(part, "trait_value", "score", confidence=confidence).assign(trait=trait)
                                 for trait, part in points.groupby("trait", sort=False)]
    fits = [f for f in fits if not f.empty]
    fit_frame = pd.concat(fits, ignore_index=True)[tables.TRAIT_FITS.names] if fits else \
        pd.DataFrame(columns=tables.TRAIT_FITS.names)
    return points, fit_frame
