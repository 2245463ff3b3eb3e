"""The headline sentences of the report, and the rules that decide what they may claim.

The report only renders; what a sentence may say is a statistical decision and is made here:

* a training dataset is called the one whose models generalize best only when its interval lies
  wholly above chance (:data:`CHANCE`) and wholly above every other dataset's interval, its interval
  has some width (a zero-width interval estimated no uncertainty at all), and some of its runs learned
  (the validation check of :mod:`dsanalysis.model.learning`; a dataset none of whose checked runs
  learned is not named best whatever its test score);
* otherwise the sentence says why no dataset is named: too few datasets, no interval, a best score
  at chance, or intervals that overlap (and with which datasets);
* a range whose ends print alike is printed once ('0.52', never '0.52 to 0.52').
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from dsanalysis.stats.notes import of_kind

#: the score of a detector that guesses (accuracy on a balanced test set, AUC)
CHANCE = 0.5
#: significance level of the Friedman verdict when none is given (the report passes the analysis' stored one)
ALPHA = 0.05


def value_range(low: float, high: float, digits: int = 2, separator: str = " to ") -> str:
    """'0.52 to 0.61', or '0.52' when both ends print alike at ``digits`` decimals.

    Returns
    -------
    str
    """
    if math.isnan(low) or math.isnan(high):
        raise ValueError("a range needs two numbers, not NaN")
    low_text, high_text = f"{low:.{digits}f}", f"{high:.{digits}f}"
    return low_text if low_text == high_text else f"{low_text}{separator}{high_text}"


def estimate_with_interval(estimate: float, low: float, high: float, *, confidence: float = 0.95, digits: int = 3) -> str:
    """'0.812 (95% CI 0.790 to 0.830)'; '(no interval)' when an end is missing; '(95% CI 0.500, zero width)' when
    both ends print alike.

    Returns
    -------
    str
    """
    level = f"{100 * confidence:g}% CI"
    if pd.isna(low) or pd.isna(high):
        return f"{estimate:.{digits}f} (no interval)"
    interval = value_range(low, high, digits)
    width = ", zero width" if " to " not in interval else ""
    return f"{estimate:.{digits}f} ({level} {interval}{width})"


def _is_degenerate(row: pd.Series) -> bool:
    return pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]) or row["ci_high"] <= row["ci_low"]


def _none_learned(row: pd.Series) -> bool:
    """Every run with a learning verdict failed it (runs without a verdict do not count)."""
    learned = row.get("n_learned", float("nan"))
    not_learned = row.get("n_not_learned", float("nan"))
    return not pd.isna(learned) and not pd.isna(not_learned) and learned == 0 and not_learned > 0


def best_dataset(scores: pd.DataFrame, *, chance: float = CHANCE) -> tuple[str | None, str]:
    """The training dataset whose score is supported as the best, or None and why none is.

    Parameters
    ----------
    scores : DataFrame
        one metric and scope of :func:`dsanalysis.stats.ranking.dataset_scores`: train_dataset, estimate,
        ci_low, ci_high, optionally n_learned and n_not_learned.

    Returns
    -------
    tuple
        (the best dataset's name or None; the reason code: 'best', 'empty', 'single', 'no_interval',
        'at_chance', 'not_learned' or 'overlap').
    """
    for column in ("train_dataset", "estimate", "ci_low", "ci_high"):
        if column not in scores.columns:
            raise ValueError(f"column {column!r} is not in the scores")
    ranked = scores.dropna(subset=["estimate"]).sort_values(["estimate", "train_dataset"], ascending=[False, True])
    if ranked.empty:
        return None, "empty"
    top, others = ranked.iloc[0], ranked.iloc[1:]
    if others.empty:
        return None, "single"
    if _is_degenerate(top):
        return None, "no_interval"
    if top["ci_low"] <= chance:
        return None, "at_chance"
    if _none_learned(top):
        return None, "not_learned"
    if (others["ci_high"].isna() | (others["ci_high"] >= top["ci_low"])).any():
        return None, "overlap"
    return top["train_dataset"], "best"


def ranking_headline(scores: pd.DataFrame, *, metric: str = "accuracy", scope: str = "generalization",
                     confidence: float = 0.95, chance: float = CHANCE) -> str:
    """The sentence on which training dataset generalizes best, or why none is named.

    Parameters
    ----------
    scores : DataFrame
        :func:`dsanalysis.stats.ranking.dataset_scores` (all metrics and scopes), optionally with
        n_learned and n_not_learned.

    Returns
    -------
    str
        one sentence, or '' when ``scores`` hold no row for ``metric`` and ``scope``.
    """
    part = scores[(scores["metric"] == metric) & (scores["scope"] == scope)]
    part = part.dropna(subset=["estimate"]).sort_values(["estimate", "train_dataset"], ascending=[False, True])
    winner, reason = best_dataset(part, chance=chance)
    if reason == "empty":
        return ""
    top = part.iloc[0]
    phrase = f"{metric} {estimate_with_interval(top['estimate'], top['ci_low'], top['ci_high'], confidence=confidence)}"
    if reason == "single":
        return f"Models trained on {top['train_dataset']} reach {phrase}; with one training dataset there is nothing to rank. "
    if reason == "best":
        runner = part.iloc[1]
        runner_phrase = estimate_with_interval(runner["estimate"], runner["ci_low"], runner["ci_high"], confidence=confidence)
        return (f"Models trained on {winner} generalize best: {phrase}, an interval above chance ({chance:g}) and above "
                f"every other dataset's (next, {runner['train_dataset']}: {runner_phrase}). ")
    return f"No training dataset is named best: {_highest(part)}, {phrase}, {_why_no_winner(part, reason, confidence, chance)}. "


def _highest(ranked: pd.DataFrame) -> str:
    """'a scores highest', or 'a ties with b for the highest score' when their estimates print alike."""
    top = ranked.iloc[0]
    others = ranked.iloc[1:]
    tied = others[others["estimate"].map("{:.3f}".format) == f"{top['estimate']:.3f}"]
    if tied.empty:
        return f"{top['train_dataset']} scores highest"
    return f"{top['train_dataset']} ties with {', '.join(tied['train_dataset'])} for the highest score"


def _why_no_winner(ranked: pd.DataFrame, reason: str, confidence: float, chance: float) -> str:
    """The clause saying why the highest-scoring dataset of ``ranked`` (sorted, best first) is not named best."""
    top = ranked.iloc[0]
    if reason == "no_interval":
        return ("but its interval could not be estimated (missing, or of zero width: no per-image predictions to "
                "resample and runs that scored alike)")
    if reason == "at_chance":
        where = "lies below" if top["ci_high"] < chance else "includes"
        every = ((ranked["ci_low"] <= chance) & (ranked["ci_high"] >= chance)).all()
        return f"yet its interval {where} chance ({chance:g})" + ("; every dataset's interval includes chance" if every else "")
    if reason == "not_learned":
        return (f"but none of its {int(top['n_not_learned'])} checked runs learned (validation check), so its score is "
                "not evidence about its data")
    if reason != "overlap":
        raise ValueError(f"no wording for reason {reason!r}")
    others = ranked.iloc[1:]
    overlapping = others[others["ci_high"].isna() | (others["ci_high"] >= top["ci_low"])]
    names = "; ".join(f"{r.train_dataset}, {estimate_with_interval(r.estimate, r.ci_low, r.ci_high, confidence=confidence)}"
                      for r in overlapping.itertuples())
    return f"but its interval overlaps {'that' if len(overlapping) == 1 else 'those'} of {names}"


def friedman_sentence(friedman: pd.DataFrame, *, metric: str = "accuracy", alpha: float = ALPHA) -> str:
    """The Friedman test's result and what it means for the ranking.

    Parameters
    ----------
    friedman : DataFrame
        metric, n_blocks, p_value, kendall_w (:mod:`dsanalysis.stats.friedman`, stacked by metric).

    Returns
    -------
    str
        one sentence, or '' without a test for ``metric``.
    """
    if friedman.empty:
        return ""
    rows = friedman[friedman["metric"] == metric]
    if rows.empty or pd.isna(rows["p_value"].iloc[0]):
        return ""
    row = rows.iloc[0]
    verdict = "the ranking is unlikely to be chance" if row["p_value"] < alpha else \
        "the data do not show that the datasets differ: the ranking may be chance"
    return (f"Friedman test over {int(row['n_blocks'])} blocks: p = {row['p_value']:.3g}, Kendall's W = "
            f"{row['kendall_w']:.2f}; {verdict}.")


def learned_sentence(scores: pd.DataFrame) -> str:
    """How many runs of each training dataset learned, by the validation check (at its level,
    :data:`dsanalysis.model.learning.CONFIDENCE`).

    Returns
    -------
    str
        one sentence, or '' when ``scores`` carry no n_learned column.
    """
    from dsanalysis.model.learning import CONFIDENCE

    if "n_learned" not in scores.columns or scores.empty:
        return ""
    per_dataset = scores.drop_duplicates("train_dataset").sort_values("train_dataset")

    def share(r: Any) -> str:
        unknown = int(r.n_runs - r.n_learned - r.n_not_learned)
        return f"{r.train_dataset} {int(r.n_learned)} of {int(r.n_runs)}" + (f" ({unknown} unknown)" if unknown else "")

    shares = ", ".join(share(r) for r in per_dataset.itertuples())
    return (f" Runs that learned (their validation AUC's {100 * CONFIDENCE:g}% interval above {CHANCE:g}): {shares}; "
            "every run counts in the ranking (a dataset on which training fails is worse to train on).")


def ranking_reading(scores: pd.DataFrame, friedman: pd.DataFrame, notes: pd.DataFrame, *,
                    confidence: float = 0.95) -> str:
    """The paragraph above the ranking: the headline, the Friedman verdict, the learned runs and the sensitivity line.

    Parameters
    ----------
    scores, friedman, notes : DataFrame
        the ranking analysis' stored results of those names.
    confidence : float
        the analysis' stored confidence level: its intervals' level, and 1 - confidence the significance level
        of the Friedman verdict (as of every test of the analysis).

    Returns
    -------
    str
    """
    reading = ("Datasets are ranked by their generalization score: the mean accuracy of models trained on them, tested "
               "on the other datasets. ")
    reading += ranking_headline(scores, confidence=confidence)
    reading += friedman_sentence(friedman, alpha=1 - confidence)
    reading += learned_sentence(scores)
    sensitivity = of_kind(notes, "sensitivity")["message"].tolist()
    if sensitivity:
        reading += " Sensitivity: " + "; ".join(sensitivity) + "."
    return reading


def matrix_reading(cells: pd.DataFrame, *, chance: float = CHANCE) -> str:
    """The paragraph above the cross-dataset matrix: in-domain and cross-dataset accuracy, and runs that did not learn.

    Parameters
    ----------
    cells : DataFrame
        the ``cross_dataset_summary`` query: kind, train_dataset, test_dataset, in_domain, accuracy,
        runs_not_learned.

    Returns
    -------
    str
    """
    trained = cells[cells["kind"] == "trained"].dropna(subset=["accuracy"])
    on, off = trained[trained["in_domain"].astype(bool)], trained[~trained["in_domain"].astype(bool)]
    reading = "Each row is a model trained on one dataset; each column the dataset it was tested on. "
    if (cells["kind"] == "imported").any():
        reading += "Rows marked 'imported' are weights evaluated as they are (e.g. published ones), for reference. "
    if not on.empty:
        reading += f"Tested on their own data, models reach accuracy {value_range(on['accuracy'].min(), on['accuracy'].max())}. "
    if not off.empty:
        reading += _cross_dataset_sentence(off, chance)
    if "runs_not_learned" in on.columns and on["runs_not_learned"].sum() > 0:
        reading += (f" {int(on['runs_not_learned'].sum())} of {int(on['runs'].sum())} trained runs did not learn by "
                    "their validation check: their cells show a model at chance, not what its training data teach.")
    return reading


def _cross_dataset_sentence(off: pd.DataFrame, chance: float) -> str:
    worst, best = off.loc[off["accuracy"].idxmin()], off.loc[off["accuracy"].idxmax()]
    tail = f"; {chance:g} is chance on a balanced test set."
    if len(off) == 1:
        return (f"Across datasets (trained on {best['train_dataset']}, tested on {best['test_dataset']}), accuracy is "
                f"{best['accuracy']:.2f}" + tail)
    spread = value_range(worst["accuracy"], best["accuracy"])
    if " to " not in spread:
        return f"Across datasets, accuracy is {spread} in every cell" + tail
    return (f"Across datasets, accuracy ranges from {worst['accuracy']:.2f} (trained on {worst['train_dataset']}, "
            f"tested on {worst['test_dataset']}) to {best['accuracy']:.2f} (trained on {best['train_dataset']}, "
            f"tested on {best['test_dataset']})" + tail)
