"""Shortcut audit: how well each image descriptor, on its own, separates fake from real images of a dataset.

A detector can score well by learning any property that differs between the classes, whether or
not it is the manipulation: a JPEG quality, a quantization table, a size or a file format that
only the fakes have. For every descriptor of every dataset this module gives the AUC of the
descriptor used alone as a score, with an interval, and warns when it separates the classes strongly.

* Numeric descriptors: the rank AUC of the value (fake = positive; ties count one half), which is
  defined whatever the spread, also when each class is constant. The direction is stated, and the
  separation is max(AUC, 1 - AUC).
* Categorical descriptors (file format, quantization-table hash, chroma subsampling, image size,
  ...; a missing value is a category of its own): the AUC of the share of fakes in the image's
  category, cross-fitted over stratified folds (each image scored by the shares of the other
  folds), so that an identifier that is unique per image does not look like a perfect separator.
* Interval: Newcombe's (2006) score-type interval for the AUC (his method 5: the Hanley-McNeil
  variance with both sample sizes replaced by their mean), which stays in [0, 1] and is not
  degenerate at AUC 0 or 1. For a numeric descriptor it is the interval of the AUC in the stated
  direction (the direction itself is chosen on the data, so a separation near 0.5 is biased up).
* Warning: separation >= :data:`SHORTCUT_AUC` and an interval whose lower end is above 0.5. The
  threshold is stored in every row of the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import CHANCE_AUC, is_fake, weighted_auc
from dsanalysis.stats.notes import note_table
from dsanalysis.stats import tables

#: separation (AUC of one descriptor as a score) from which a shortcut warning is given
SHORTCUT_AUC = 0.8
CONFIDENCE = 0.95
#: stratified folds for the cross-fitted AUC of a categorical descriptor
FOLDS = 5
#: categories listed per descriptor and dataset in the 'categories' table; the rest are '(other)'
TOP_CATEGORIES = 10
MISSING_CATEGORY = "(missing)"
INTERVAL_METHOD = "Newcombe (2006) method 5: score interval with the Hanley-McNeil variance at N* = (n_fake + n_real) / 2"
INPUT_COLUMNS = ("dataset", "label", "descriptor", "kind", "value", "category")
KINDS = ("numeric", "categorical")

#: descriptors that are properties of the file (container, encoder), never of the manipulation itself
FILE_DESCRIPTORS = frozenset({"width", "height", "aspect_ratio", "file_format", "jpeg_quality", "jpeg_qtable",
                              "chroma_subsampling", "jpeg_coding", "image_size"})
#: readable names used in warnings (others are shown as they are stored)
DESCRIPTOR_NAMES = {
    "jpeg_quality": "JPEG quality", "jpeg_qtable": "JPEG quantization table", "chroma_subsampling": "chroma subsampling",
    "jpeg_coding": "JPEG coding (baseline/progressive)", "image_size": "image size", "file_format": "file format",
    "width": "image width", "height": "image height", "aspect_ratio": "aspect ratio",
    "high_frequency_share": "high-frequency energy", "noise_sigma": "noise level", "ita_deg": "skin tone (ITA)",
    "ita_category": "skin-tone category",
}
SEPARATION_COLUMNS = tables.SEPARATION.names


def auc_interval(auc: float, n_fake: int, n_real: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Newcombe's (2006, method 5) score-type confidence interval for an AUC.

    The interval is every theta with (auc - theta)^2 <= z^2 V(theta), where V is the Hanley-McNeil
    (1982) variance with both sample sizes replaced by N* = (n_fake + n_real) / 2:
    V = theta (1 - theta) [1 + (N* - 1) ((1 - theta) / (2 - theta) + theta / (1 + theta))] / (n_fake n_real).

    Parameters
    ----------
    auc : float
        the estimate, in [0, 1].
    n_fake, n_real : int
        images of each class the estimate rests on.
    confidence : float
        two-sided level, in (0, 1).

    Returns
    -------
    tuple of float
        (low, high), inside [0, 1]; (NaN, NaN) when a class is empty or ``auc`` is NaN.
    """
    from scipy.optimize import brentq
    from scipy.stats import norm

    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), not {confidence}")
    if n_fake < 1 or n_real < 1 or np.isnan(auc):
        return float("nan"), float("nan")
    if not 0.0 <= auc <= 1.0:
        raise ValueError(f"auc must be in [0, 1], not {auc}")
    z = float(norm.ppf(0.5 + confidence / 2.0))
    star = (n_fake + n_real) / 2.0

    def inside(theta: float | np.ndarray) -> float | np.ndarray:
        """Positive inside the interval, negative outside."""
        spread = 1.0 + (star - 1.0) * ((1.0 - theta) / (2.0 - theta) + theta / (1.0 + theta))
        variance = theta * (1.0 - theta) * spread / (n_fake * n_real)
        return z * z * variance - (auc - theta) ** 2

    def bound(end: float) -> float:
        """The interval's end between ``auc`` and ``end`` (0 or 1): the first sign change walking outwards."""
        span = abs(end - auc)
        if span == 0.0:
            return end
        steps = auc + np.sign(end - auc) * span * np.logspace(-12, 0, 241)
        values = inside(steps)
        outside = np.flatnonzero(values < 0)
        if len(outside) == 0:
            return end
        k = outside[0]
        previous = auc if k == 0 else steps[k - 1]
        return float(brentq(inside, min(previous, steps[k]), max(previous, steps[k]), xtol=1e-14))

    return bound(0.0), bound(1.0)


def _check_input(data: pd.DataFrame) -> None:
    missing = [c for c in INPUT_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks columns {missing}; expected {list(INPUT_COLUMNS)}")
    is_fake(data["label"].to_numpy())  # raises for a label other than real/fake
    bad = ~data["kind"].isin(KINDS)
    if bad.any():
        raise ValueError(f"kind holds {data.loc[bad, 'kind'].iloc[0]!r}; expected one of {KINDS}")


def _origin(descriptor: str) -> str:
    if descriptor in FILE_DESCRIPTORS:
        return "file"
    return "user" if descriptor.startswith("attr.") else "image"


def _stratified_folds(fake: np.ndarray, folds: int, rng: np.random.Generator) -> np.ndarray:
    """A fold number per image, each class spread evenly over the folds in a random order."""
    out = np.empty(len(fake), dtype=np.int64)
    for members in (np.flatnonzero(fake), np.flatnonzero(~fake)):
        out[members[rng.permutation(len(members))]] = np.arange(len(members)) % folds
    return out


def cross_fitted_shares(categories: np.ndarray, fake: np.ndarray, folds: int, rng: np.random.Generator) -> np.ndarray:
    """Each image's out-of-fold share of fakes in its category.

    Shares are shrunk by one pseudo-image towards the training folds' share of fakes, which is also
    the score of a category the training folds do not hold.

    Returns
    -------
    numpy.ndarray
        float score per image (higher = more fake-like).
    """
    fold = _stratified_folds(fake, folds, rng)
    scores = np.empty(len(fake))
    for k in range(folds):
        held = fold == k
        train = pd.DataFrame({"category": categories[~held], "fake": fake[~held]})
        prior = float(train["fake"].mean())
        counts = train.groupby("category")["fake"].agg(["sum", "count"])
        shares = (counts["sum"] + prior) / (counts["count"] + 1.0)
        scores[held] = pd.Series(categories[held]).map(shares).fillna(prior).to_numpy(dtype=float)
    return scores


def _top(categories: pd.Series) -> tuple[str | None, float]:
    if categories.empty:
        return None, float("nan")
    counts = categories.value_counts()
    best = counts[counts == counts.max()].sort_index()
    return str(best.index[0]), float(best.iloc[0] / len(categories))


def _numeric_row(values: np.ndarray, fake: np.ndarray, confidence: float) -> dict:
    present = ~np.isnan(values)
    n_fake, n_real = int((present & fake).sum()), int((present & ~fake).sum())
    row = {"method": "rank AUC of the value", "n_real": n_real, "n_fake": n_fake,
           "missing_real": int((~present & ~fake).sum()), "missing_fake": int((~present & fake).sum()),
           "median_real": float(np.median(values[present & ~fake])) if n_real else np.nan,
           "median_fake": float(np.median(values[present & fake])) if n_fake else np.nan}
    if n_fake == 0 or n_real == 0:
        empty = "fake" if n_fake == 0 else "real"
        return {**row, "auc": np.nan, "direction": None, "separation": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "note": f"no {empty} image has a value: separation undefined (see the missing counts and the "
                        "file format and other categorical fingerprints)"}
    auc = float(weighted_auc(-values[present], fake[present]))  # P(fake value > real value) + ties / 2
    direction = "higher in fakes" if auc > CHANCE_AUC else "lower in fakes" if auc < CHANCE_AUC else "none"
    separation = max(auc, 1.0 - auc)
    low, high = auc_interval(separation, n_fake, n_real, confidence)
    return {**row, "auc": auc, "direction": direction, "separation": separation, "ci_low": low, "ci_high": high,
            "note": None}


def _categorical_row(categories: pd.Series, fake: np.ndarray, confidence: float, folds: int,
                     rng: np.random.Generator) -> dict:
    absent = categories.isna().to_numpy()
    filled = categories.astype(object).where(~absent, MISSING_CATEGORY).astype(str)
    n_fake, n_real = int(fake.sum()), int((~fake).sum())
    top_real, share_real = _top(filled[~fake])
    top_fake, share_fake = _top(filled[fake])
    k = min(folds, n_fake, n_real)
    row = {"method": f"cross-fitted AUC of the category's share of fakes ({k} folds)", "n_real": n_real,
           "n_fake": n_fake, "missing_real": int((absent & ~fake).sum()), "missing_fake": int((absent & fake).sum()),
           "top_real": top_real, "top_real_share": share_real, "top_fake": top_fake, "top_fake_share": share_fake,
           "direction": "by category"}
    if k < 2:
        return {**row, "auc": np.nan, "separation": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "note": "fewer than 2 images in a class: the category shares cannot be cross-fitted"}
    scores = cross_fitted_shares(filled.to_numpy(), fake, k, rng)
    auc = float(weighted_auc(-scores, fake))
    low, high = auc_interval(auc, n_fake, n_real, confidence)
    return {**row, "auc": auc, "separation": auc, "ci_low": low, "ci_high": high, "note": None}


def _message(row: pd.Series, confidence: float) -> str:
    """One sentence naming the descriptor, its separating AUC and interval, and how the classes differ."""
    level = f"{round(confidence * 100):d}%"
    head = (f"{row['dataset']}: {row['name']} alone separates fakes from reals (AUC {row['separation']:.3f}, "
            f"{level} CI {row['ci_low']:.3f}-{row['ci_high']:.3f}")
    if row["kind"] == "numeric":
        detail = f"; {row['direction']}: median {row['median_fake']:g} in fakes, {row['median_real']:g} in reals"
    else:
        detail = (f"; most reals {row['top_real']} ({row['top_real_share']:.0%}), most fakes {row['top_fake']} "
                  f"({row['top_fake_share']:.0%})")
    return head + detail + ")"


def descriptor_separation(data: pd.DataFrame, *, threshold: float = SHORTCUT_AUC, confidence: float = CONFIDENCE,
                          folds: int = FOLDS, seed: int = 0) -> pd.DataFrame:
    """How well each descriptor alone separates fake from real images, per dataset, with a warning flag.

    Parameters
    ----------
    data : DataFrame
        one row per (image, descriptor): dataset, label ('real'/'fake'), descriptor, kind ('numeric' or
        'categorical'), value (numeric descriptors; NaN = missing), category (categorical ones; None =
        missing, which counts as a category of its own).
    threshold : float
        separation from which a warning is given, in (0.5, 1].
    confidence : float
        level of the intervals.
    folds : int
        stratified folds for cross-fitting categorical descriptors (fewer when a class is smaller).
    seed : int
        seed of the fold assignment.

    Returns
    -------
    DataFrame
        one row per dataset and descriptor with both classes present: dataset, descriptor, name
        (readable), origin ('file': a property of the file or encoder; 'image': of the pixels; 'user':
        a manifest attribute), kind, method, n_real, n_fake (images the AUC rests on), missing_real,
        missing_fake (images without a value), auc (fake = positive), direction ('higher in fakes',
        'lower in fakes', 'none', or 'by category'), separation (numeric: max(auc, 1 - auc);
        categorical: the cross-fitted auc), ci_low, ci_high (interval of the separation), median_real,
        median_fake (numeric), top_real, top_real_share, top_fake, top_fake_share (categorical: the most
        common category per class), threshold, warning (separation >= threshold and ci_low > 0.5),
        note (why the separation is undefined, else None), message (the warning's sentence, else '').
        Sorted by dataset, then warnings first, then by separation, highest first.
    """
    _check_input(data)
    if not 0.5 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0.5, 1], not {threshold}")
    if folds < 2:
        raise ValueError(f"folds must be at least 2, not {folds}")
    rows = []
    for (dataset, descriptor), part in data.groupby(["dataset", "descriptor"], sort=True):
        fake = is_fake(part["label"].to_numpy())
        if fake.all() or not fake.any():
            continue  # a dataset with one class is reported once, in the notes of shortcut_audit
        kinds = part["kind"].unique()
        if len(kinds) > 1:
            raise ValueError(f"descriptor {descriptor!r} of {dataset!r} is both numeric and categorical")
        base = {"dataset": dataset, "descriptor": descriptor, "name": DESCRIPTOR_NAMES.get(descriptor, descriptor),
                "origin": _origin(descriptor), "kind": kinds[0]}
        if kinds[0] == "numeric":
            measured = _numeric_row(pd.to_numeric(part["value"], errors="coerce").to_numpy(dtype=float), fake, confidence)
        else:
            rng = np.random.default_rng([seed, len(rows)])
            measured = _categorical_row(part["category"].reset_index(drop=True), fake, confidence, folds, rng)
        rows.append({**base, **measured})
    out = pd.DataFrame(rows).reindex(columns=SEPARATION_COLUMNS)
    if out.empty:
        return out.astype({"warning": bool})
    out["threshold"] = float(threshold)
    out["warning"] = (out["separation"] >= threshold) & (out["ci_low"] > CHANCE_AUC)
    out["message"] = [_message(row, confidence) if row["warning"] else "" for _, row in out.iterrows()]
    out = out.sort_values(["dataset", "warning", "separation", "descriptor"], ascending=[True, False, False, True],
                          na_position="last", kind="mergesort")
    return out.reset_index(drop=True)


def category_shares(data: pd.DataFrame, *, top: int = TOP_CATEGORIES) -> pd.DataFrame:
    """Images per class in each category of each categorical descriptor (the fingerprints per class).

    Parameters
    ----------
    data : DataFrame
        as for :func:`descriptor_separation`; only rows of kind 'categorical' are used.
    top : int
        categories listed per dataset and descriptor (the most common overall); the rest are summed
        as '(other)'.

    Returns
    -------
    DataFrame
        dataset, descriptor, category ('(missing)' for no value), n_real, n_fake, share_real,
        share_fake (of the class's images). Sorted by dataset, descriptor and images, most first.
    """
    _check_input(data)
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top}")
    columns = tables.CATEGORIES.names
    part = data[data["kind"] == "categorical"]
    if part.empty:
        return pd.DataFrame(columns=columns)
    part = part.assign(category=part["category"].astype(object).where(part["category"].notna(), MISSING_CATEGORY)
                       .astype(str))
    counts = pd.crosstab([part["dataset"], part["descriptor"], part["category"]], part["label"])
    counts = counts.reindex(columns=["real", "fake"], fill_value=0).reset_index()
    counts["total"] = counts["real"] + counts["fake"]
    counts = counts.sort_values(["dataset", "descriptor", "total", "category"], ascending=[True, True, False, True])
    rank = counts.groupby(["dataset", "descriptor"]).cumcount()
    counts.loc[rank >= top, "category"] = "(other)"
    counts = counts.groupby(["dataset", "descriptor", "category"], sort=False, as_index=False)[["real", "fake"]].sum()
    totals = counts.groupby(["dataset", "descriptor"])[["real", "fake"]].transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        counts["share_real"] = counts["real"] / totals["real"].replace(0, np.nan)
        counts["share_fake"] = counts["fake"] / totals["fake"].replace(0, np.nan)
    counts = counts.rename(columns={"real": "n_real", "fake": "n_fake"})
    return counts[columns].reset_index(drop=True)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def shortcut_headlines(separation: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One sentence per dataset with at least one warning, for the top of a study summary.

    Parameters
    ----------
    separation : DataFrame
        the output of :func:`descriptor_separation`.
    confidence : float
        the level its intervals were computed at (named in the sentence).

    Returns
    -------
    DataFrame
        dataset, n_warnings, n_descriptors (with a separation), threshold, max_separation, message.
    """
    columns = tables.WARNINGS.names
    rows = []
    for dataset, part in separation.groupby("dataset", sort=True):
        warned = part[part["warning"].astype(bool)].sort_values("separation", ascending=False, kind="mergesort")
        if warned.empty:
            continue
        threshold = float(part["threshold"].iloc[0])
        level = f"{round(confidence * 100):d}% CI"
        listed = _and([f"{r.name} (AUC {r.separation:.3f}, {level} {r.ci_low:.3f}-{r.ci_high:.3f})"
                       for r in warned.itertuples()])
        file_names = warned.loc[warned["origin"] == "file", "name"].tolist()
        verb = "separates" if len(warned) == 1 else "separate"
        message = (f"Shortcut warning for {dataset}: {len(warned)} of {int(part['separation'].notna().sum())} "
                   f"descriptors alone {verb} its fakes from its reals (AUC >= {threshold:g}, interval above 0.5): "
                   f"{listed}. A detector can score this well without looking at a face")
        message += (f"; {_and(file_names)} {'is a property' if len(file_names) == 1 else 'are properties'} of "
                    "the file, not of the manipulation." if file_names else ".")
        rows.append({"dataset": dataset, "n_warnings": len(warned), "n_descriptors": int(part["separation"].notna().sum()),
                     "threshold": threshold, "max_separation": float(warned["separation"].max()), "message": message})
    return pd.DataFrame(rows, columns=columns)


def shortcut_audit(data: pd.DataFrame, *, threshold: float = SHORTCUT_AUC, confidence: float = CONFIDENCE,
                   folds: int = FOLDS, seed: int = 0, datasets: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """The whole audit: separation per descriptor, category counts per class, headlines and notes.

    Parameters are those of :func:`descriptor_separation`, and ``datasets``: datasets that were meant to be
    audited (those without any row in ``data`` get a note saying so).

    Returns
    -------
    dict of DataFrame
        'separation' (:func:`descriptor_separation`), 'categories' (:func:`category_shares`),
        'warnings' (:func:`shortcut_headlines`), 'notes' (section, subject, kind, message: datasets with
        one class, descriptors whose separation is undefined and why).
    """
    separation = descriptor_separation(data, threshold=threshold, confidence=confidence, folds=folds, seed=seed)
    notes = [("shortcuts", dataset, "not_estimable", "no image descriptors stored: run `python -m dsanalysis traits` to audit it")
             for dataset in sorted(set(datasets) - set(data["dataset"]))]
    for dataset, part in data.groupby("dataset", sort=True):
        labels = set(part["label"])
        if labels != {"real", "fake"}:
            missing = "fake" if "fake" not in labels else "real"
            notes.append(("shortcuts", dataset, "not_estimable", f"no {missing} images: nothing to separate, no shortcut audit"))
    for row in separation[separation["note"].notna()].itertuples() if not separation.empty else []:
        notes.append(("shortcuts", f"{row.dataset}: {row.descriptor}", "not_estimable", row.note))
    return {"separation": separation, "categories": category_shares(data),
            "warnings": shortcut_headlines(separation, confidence),
            "notes": note_table(notes)}
