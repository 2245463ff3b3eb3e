"""Controlled-subset experiments (interventions): paired arm effects and learning curves.

Inside one dataset, Meso-4 is trained on subsets ("arms") of the training part that differ in one
thing and match in size and class balance: a trait's low against its high end (``trait``), a
concentrated against a balanced categorical attribute (``categorical``), narrow, random and diverse
subsets (``diversity``), or growing fractions of the training part (``size``). Every arm is trained
with the same training seeds, so arms are **paired by seed**, and every trained model is evaluated on
every dataset's test part.

The unit of replication is the training seed: with a handful of seeds the honest interval of an arm
difference is the t interval of the per-seed paired differences on n_seeds - 1 degrees of freedom
(:func:`intervention_effects`). Size arms give a learning curve, score against log2 of the training
images per class, fitted by ordinary least squares over the seed-level points
(:func:`learning_curves`). Runs whose own validation check says they did not learn are kept (a trait
that makes training fail is a real effect) but counted, and the note says so.

Pure functions of tidy tables: nothing here reads the store or trains anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import SCORE_RANGE

from dsanalysis.stats.multiple import holm

#: kinds of intervention; ``size`` arms make learning curves, the others paired comparisons
KINDS = ("size", "trait", "categorical", "diversity")
#: the comparisons of each kind as (arm_a, arm_b); the difference is arm_b - arm_a
COMPARISONS: dict[str, tuple[tuple[str, str], ...]] = {
    "trait": (("low", "high"),),
    "categorical": (("concentrated", "balanced"),),
    "diversity": (("narrow", "diverse"), ("random", "diverse")),
}
#: the two scores of a trained model: its own dataset's test part, and the mean over the other datasets
SCORES = ("in_domain", "generalization")
SCORE_INPUT_COLUMNS = ["intervention", "kind", "dataset", "arm", "n_per_class", "seed", "eval_dataset", "metric",
                       "value", "learned"]
CONTRAST_INPUT_COLUMNS = ["intervention", "dataset", "arm", "trait_mean", "trait_sd", "parent_sd"]
EFFECT_COLUMNS = ["intervention", "kind", "dataset", "trait", "arm_a", "arm_b", "score", "metric", "n_seeds", "mean_a",
                  "mean_b", "difference", "ci_low", "ci_high", "p_value", "p_holm", "standardized_contrast",
                  "not_learned", "note"]
_TEXT_COLUMNS = {"intervention", "kind", "dataset", "trait", "arm_a", "arm_b", "score", "metric", "note"}
_INT_COLUMNS = {"n_seeds", "not_learned", "n_points"}
#: the columns a comparison computes before contrasts, trait and Holm are added
_COMPARISON_COLUMNS = ["intervention", "kind", "dataset", "arm_a", "arm_b", "score", "metric", "n_seeds", "mean_a",
                       "mean_b", "difference", "ci_low", "ci_high", "p_value", "not_learned", "note"]
CURVE_COLUMNS = ["intervention", "dataset", "score", "metric", "n_per_class", "n_points", "observed_mean", "fitted",
                 "ci_low", "ci_high", "extrapolated", "slope_per_doubling", "slope_ci_low", "slope_ci_high", "note"]
#: distinct training sizes a learning curve needs (two sizes fix a line but leave no check of it)
MIN_SIZES = 3
_LEARNED = {"true": "true", "false": "false", "unknown": "unknown", "1": "true", "0": "false", "nan": "unknown",
            "none": "unknown", "": "unknown"}
_UNIT = ["intervention", "dataset"]
#: a standard deviation of the per-seed differences at or below this is read as zero (floating-point noise)
_NO_SPREAD = 1e-12


def _check_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} has no column {missing[0]!r} (needs {', '.join(columns)}; "
                         f"has {', '.join(map(str, frame.columns))})")


def _empty(columns: list[str]) -> pd.DataFrame:
    """A result table without rows, its columns typed as they are when it has rows."""
    def dtype(column: str) -> str:
        if column in _TEXT_COLUMNS:
            return "object"
        return "int64" if column in _INT_COLUMNS else "bool" if column == "extrapolated" else "float64"
    return pd.DataFrame({c: pd.Series(dtype=dtype(c)) for c in columns})


def _check_confidence(confidence: float) -> None:
    if not isinstance(confidence, (int, float)) or not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be a number between 0 and 1 (exclusive), not {confidence!r}")


def _numeric(frame: pd.DataFrame, column: str, what: str, *, allow_nan: bool) -> pd.Series:
    try:
        values = pd.to_numeric(frame[column], errors="raise").astype(float)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{what} column {column!r} holds a value that is not a number ({error})") from None
    if not allow_nan and values.isna().any():
        raise ValueError(f"{what} column {column!r} has missing values")
    return values


def _prepare_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Checked copy of the score table: text keys, float values, learned as 'true'/'false'/'unknown'."""
    what = "scores"
    _check_columns(scores, SCORE_INPUT_COLUMNS, what)
    data = scores[SCORE_INPUT_COLUMNS].copy()
    for column in ("intervention", "kind", "dataset", "arm", "eval_dataset", "metric"):
        if data[column].isna().any():
            raise ValueError(f"{what} column {column!r} has missing values")
        data[column] = data[column].astype(str)
    bad_kinds = sorted(set(data["kind"]) - set(KINDS))
    if bad_kinds:
        raise ValueError(f"{what} column 'kind' holds {bad_kinds[0]!r}; kinds are {', '.join(KINDS)}")
    kinds_per = data.groupby("intervention")["kind"].nunique()
    if (kinds_per > 1).any():
        raise ValueError(f"intervention {kinds_per[kinds_per > 1].index[0]!r} has more than one kind")
    data["value"] = _numeric(data, "value", what, allow_nan=True)
    data["seed"] = _numeric(data, "seed", what, allow_nan=False)
    data["n_per_class"] = _numeric(data, "n_per_class", what, allow_nan=False)
    if (data["n_per_class"] <= 0).any():
        raise ValueError(f"{what} column 'n_per_class' must be positive")
    learned = data["learned"].map(lambda v: "unknown" if v is None or (isinstance(v, float) and np.isnan(v))
                                  else str(v).strip().lower())
    mapped = learned.map(_LEARNED)
    if mapped.isna().any():
        raise ValueError(f"{what} column 'learned' holds {data['learned'][mapped.isna()].iloc[0]!r}; "
                         "expected 'true', 'false' or 'unknown'")
    data["learned"] = mapped
    key = ["intervention", "dataset", "arm", "seed", "eval_dataset", "metric"]
    duplicated = data.duplicated(key)
    if duplicated.any():
        row = data.loc[duplicated, key].iloc[0]
        shown = ", ".join(f"{k}={row[k]!r}" if isinstance(row[k], str) else f"{k}={row[k]:g}" for k in key)
        raise ValueError(f"{what} holds more than one row for ({shown})")
    data["score"] = np.where(data["eval_dataset"] == data["dataset"], "in_domain", "generalization")
    return data


def _prepare_contrasts(contrasts: pd.DataFrame | None) -> pd.DataFrame:
    """Contrast table indexed by (intervention, dataset, arm) with float trait_mean and parent_sd."""
    index = pd.MultiIndex.from_tuples([], names=["intervention", "dataset", "arm"])
    if contrasts is None:
        return pd.DataFrame({"trait_mean": pd.Series(dtype=float), "parent_sd": pd.Series(dtype=float)}, index=index)
    what = "contrasts"
    _check_columns(contrasts, CONTRAST_INPUT_COLUMNS, what)
    data = contrasts[CONTRAST_INPUT_COLUMNS].copy()
    for column in ("intervention", "dataset", "arm"):
        if data[column].isna().any():
            raise ValueError(f"{what} column {column!r} has missing values")
        data[column] = data[column].astype(str)
    for column in ("trait_mean", "trait_sd", "parent_sd"):
        data[column] = _numeric(data, column, what, allow_nan=True)
    duplicated = data.duplicated(["intervention", "dataset", "arm"])
    if duplicated.any():
        row = data[duplicated].iloc[0]
        raise ValueError(f"{what} holds more than one row for (intervention={row['intervention']!r}, "
                         f"dataset={row['dataset']!r}, arm={row['arm']!r})")
    return data.set_index(["intervention", "dataset", "arm"])[["trait_mean", "parent_sd"]]


def _t_quantile(confidence: float, df: np.ndarray) -> np.ndarray:
    from scipy import stats

    df = np.asarray(df, dtype=float)
    out = np.full(df.shape, np.nan)
    ok = df >= 1
    out[ok] = stats.t.ppf(0.5 + confidence / 2.0, df[ok])
    return out


def _paired_comparison(data: pd.DataFrame, arm_a: str, arm_b: str, confidence: float) -> pd.DataFrame:
    """One comparison (arm_b - arm_a) for every (intervention, dataset) holding both arms: one row per score, metric."""
    from scipy import stats

    arms = data[data["arm"].isin([arm_a, arm_b])]
    present = arms.groupby(_UNIT)["arm"].nunique()
    both = present[present == 2].index
    arms = arms.set_index(_UNIT).loc[both].reset_index() if len(both) else arms.iloc[:0]
    if arms.empty:
        return pd.DataFrame()
    group = [*_UNIT, "score", "metric"]

    # runs (arm x seed) of each (intervention, dataset): did any of its rows say it did not learn
    runs = arms.assign(failed=arms["learned"] == "false").groupby([*_UNIT, "arm", "seed"])["failed"].max()
    run_counts = runs.groupby(_UNIT).agg(not_learned="sum", n_runs="size")
    # training size of each arm (the arms should match)
    sizes = arms.groupby([*_UNIT, "arm"])["n_per_class"].agg(["min", "max"]).unstack("arm")
    sizes = pd.DataFrame({"size_a_min": sizes[("min", arm_a)], "size_a_max": sizes[("max", arm_a)],
                          "size_b_min": sizes[("min", arm_b)], "size_b_max": sizes[("max", arm_b)]})

    # values of the two arms side by side; only cells where both arms have a value count (paired by seed and
    # evaluated dataset, so both arms' generalization scores average over the same datasets)
    wide = arms.pivot(index=[*group, "seed", "eval_dataset"], columns="arm", values="value")
    wide = wide.reindex(columns=[arm_a, arm_b])
    value_a, value_b = wide[arm_a], wide[arm_b]
    paired = value_a.notna() & value_b.notna()
    per_seed = pd.DataFrame({"a": value_a.where(paired), "b": value_b.where(paired),
                             "any": value_a.notna() | value_b.notna()}).groupby([*group, "seed"])
    seeds = per_seed[["a", "b"]].mean()
    seeds["any"] = per_seed["any"].max()
    seeds["d"] = seeds["b"] - seeds["a"]
    seeds["used"] = seeds["d"].notna()
    seeds["unpaired"] = seeds["any"] & ~seeds["used"]
    for column in ("a", "b"):
        seeds[column] = seeds[column].where(seeds["used"])

    by_group = seeds.groupby(group)
    table = pd.DataFrame({
        "n_seeds": by_group["used"].sum().astype(int),
        "mean_a": by_group["a"].mean(),
        "mean_b": by_group["b"].mean(),
        "difference": by_group["d"].mean(),
        "sd": by_group["d"].std(ddof=1),
        "unpaired": by_group["unpaired"].sum().astype(int),
    })
    cells = arms.groupby(group)["value"].agg(n_values="size", n_present="count")
    table = table.join(cells).reset_index()
    table = table.join(run_counts, on=_UNIT)
    table = table.join(sizes, on=_UNIT)

    n = table["n_seeds"].to_numpy(dtype=float)
    sd = table["sd"].to_numpy(dtype=float)
    estimate = table["difference"].to_numpy(dtype=float)
    spread = (n >= 2) & (sd > _NO_SPREAD)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(n)
        half = _t_quantile(confidence, n - 1) * se
        t_value = estimate / se
    table["ci_low"] = np.where(spread, estimate - half, np.nan)
    table["ci_high"] = np.where(spread, estimate + half, np.nan)
    p_value = np.full(len(table), np.nan)
    p_value[spread] = 2.0 * stats.t.sf(np.abs(t_value[spread]), n[spread] - 1)
    table["p_value"] = p_value

    notes = []
    for row in table.itertuples(index=False):
        parts = []
        if row.n_seeds == 0:
            parts.append("all values NaN" if row.n_present == 0 else "no seed has a score in both arms")
        elif row.n_seeds == 1:
            parts.append("single seed: no interval")
        elif not row.sd > _NO_SPREAD:
            parts.append(f"every one of the {row.n_seeds} seeds gives the same difference: no spread, "
                         "no interval or test")
        if row.unpaired > 0 and row.n_present > 0:
            parts.append(f"{row.unpaired} seed(s) with a score in one arm only left out (arms are paired by seed)")
        if 0 < row.n_present < row.n_values:
            parts.append(f"{row.n_values - row.n_present} of {row.n_values} values are NaN and left out")
        size_a, size_b = (row.size_a_min, row.size_a_max), (row.size_b_min, row.size_b_max)
        if len({*size_a, *size_b}) > 1:
            parts.append(f"the arms differ in training size (n_per_class {_size_text(size_a)} in {arm_a!r}, "
                         f"{_size_text(size_b)} in {arm_b!r}): the difference may reflect size")
        if row.not_learned > 0:
            parts.append(f"{row.not_learned} of {row.n_runs} runs did not learn: the difference may reflect "
                         "failed training")
        notes.append("; ".join(parts))
    table["note"] = notes
    table["not_learned"] = table["not_learned"].astype(int)
    table["arm_a"], table["arm_b"] = arm_a, arm_b
    return table


def _size_text(size: tuple[float, float]) -> str:
    low, high = size
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"


def intervention_effects(scores: pd.DataFrame, contrasts: pd.DataFrame | None = None,
                         confidence: float = 0.95) -> pd.DataFrame:
    """Paired arm differences of controlled-subset experiments, with t intervals over training seeds.

    Comparisons (the difference is arm_b - arm_a): ``trait``: high - low; ``categorical``: balanced -
    concentrated; ``diversity``: diverse - narrow and diverse - random. A comparison whose arms are not
    both present for an (intervention, dataset) is skipped; ``size`` rows are left to
    :func:`learning_curves`.

    For each (intervention, dataset, comparison, score, metric), each seed gives one paired
    difference: the arm's score is the value on the dataset's own test part (``in_domain``) or the
    mean over the other evaluated datasets (``generalization``; absent when no other dataset was
    evaluated). Only cells where both arms have a value count, so both arms of a seed average over the
    same evaluated datasets; a seed with a score in one arm only is left out (the note says so). The
    estimate is the mean difference over seeds; the interval is the t interval on n_seeds - 1 degrees
    of freedom and the p-value the two-sided one-sample t-test of the differences (identical to
    ``scipy.stats.ttest_rel`` of arm_b against arm_a). The training seed is the unit of replication:
    test images are not resampled, and evaluated datasets only enter through the seed's mean.

    Runs whose validation check says they did not learn (``learned == 'false'``) are kept, counted
    in ``not_learned`` and named in the note.

    Parameters
    ----------
    scores : DataFrame
        One row per (intervention, dataset, arm, seed, eval_dataset, metric) with columns
        intervention, kind (``size``, ``trait``, ``categorical``, ``diversity``), dataset (the
        training dataset the arms are drawn from), arm, n_per_class (training images per class), seed,
        eval_dataset, metric, value (may be NaN) and learned (``'true'``, ``'false'``, ``'unknown'``;
        booleans and missing values are read as such). An optional column trait names the trait
        the arms were drawn on (used for the output's trait where not missing).
    contrasts : DataFrame, optional
        One row per (intervention, dataset, arm) with columns intervention, dataset, arm, trait_mean
        (the trait's mean in the arm's images; for diversity the arm's mean pairwise descriptor
        distance), trait_sd and parent_sd (the trait's SD over the whole training part). Without it,
        or without a row for an arm, ``standardized_contrast`` is NaN.
    confidence : float
        Level of the intervals, in (0, 1).

    Returns
    -------
    DataFrame
        One row per (intervention, dataset, comparison, score, metric), with columns

        * intervention, kind, dataset
        * trait: the input's trait where given, else the part of ``intervention`` after its first
          ':' (the trait or attribute varied), else the intervention itself
        * arm_a, arm_b: the compared arms; every difference is arm_b - arm_a
        * score: ``in_domain`` or ``generalization``; metric
        * n_seeds: seeds with a score in both arms (the paired differences)
        * mean_a, mean_b: the arms' mean scores over those seeds
        * difference: mean of the per-seed differences (= mean_b - mean_a)
        * ci_low, ci_high: t interval of the mean difference at ``confidence`` on n_seeds - 1
          degrees of freedom; **not adjusted** for the number of comparisons. NaN with fewer than 2
          seeds or when every seed gives the same difference
        * p_value: two-sided one-sample t-test that the mean difference is 0
        * p_holm: Holm-adjusted p_value over all rows of the same score and metric (family-wise
          error over interventions, datasets and comparisons; NaN p-values do not count)
        * standardized_contrast: (trait_mean of arm_b - trait_mean of arm_a) / parent_sd, how far
          apart the arms are in SDs of the trait over the whole training part (parent_sd of arm_a,
          else arm_b); NaN without contrasts or with parent_sd 0
        * not_learned: runs (arm x seed) of either arm whose validation check said they did not learn
        * note: why a value is missing ('single seed: no interval', 'all values NaN', ...), values
          or seeds left out, arms of different training size, and 'k of n runs did not learn: the
          difference may reflect failed training'; empty when there is nothing to say

    Raises
    ------
    ValueError
        A missing column (named), an unknown kind, a non-numeric value, a duplicated row, an
        unreadable learned value, or a confidence outside (0, 1).
    """
    _check_confidence(confidence)
    data = _prepare_scores(scores)
    contrast_table = _prepare_contrasts(contrasts)
    data = data[data["kind"] != "size"]
    parts = []
    for order, (kind, arm_a, arm_b) in enumerate((k, a, b) for k, pairs in COMPARISONS.items() for a, b in pairs):
        part = _paired_comparison(data[data["kind"] == kind], arm_a, arm_b, confidence)
        if not part.empty:
            parts.append(part.assign(kind=kind, _order=order))
    if not parts:
        return _empty(EFFECT_COLUMNS)
    table = pd.concat([p[[*_COMPARISON_COLUMNS, "_order"]] for p in parts], ignore_index=True)

    def contrast_of(arm_column: str) -> pd.DataFrame:
        keys = pd.MultiIndex.from_arrays([table["intervention"], table["dataset"], table[arm_column]])
        return contrast_table.reindex(keys).reset_index(drop=True)

    contrast_a, contrast_b = contrast_of("arm_a"), contrast_of("arm_b")
    parent_sd = contrast_a["parent_sd"].combine_first(contrast_b["parent_sd"])
    standardized = (contrast_b["trait_mean"] - contrast_a["trait_mean"]) / parent_sd.where(parent_sd > 0)
    table["standardized_contrast"] = standardized.to_numpy(dtype=float)
    if contrasts is not None:
        missing = (contrast_a["trait_mean"].isna() | contrast_b["trait_mean"].isna()).to_numpy()
        no_sd = ~missing & ~(parent_sd > 0).to_numpy()
        extra = np.where(missing, "no contrast (trait_mean) for both arms: standardized_contrast unknown",
                         np.where(no_sd, "parent_sd is 0 or missing: standardized_contrast unknown", ""))
        table["note"] = [("; ".join(x for x in (note, add) if x)) for note, add in zip(table["note"], extra, strict=True)]

    table["trait"] = table["intervention"].str.split(":", n=1).str[-1]
    if "trait" in scores.columns:  # the trait the arms were drawn on, where the input names one
        named = scores[["intervention", "trait"]].dropna().astype(str).drop_duplicates("intervention")
        table["trait"] = table["intervention"].map(named.set_index("intervention")["trait"]).fillna(table["trait"])
    table["p_holm"] = np.nan
    for _, rows in table.groupby(["score", "metric"], sort=False).groups.items():
        table.loc[rows, "p_holm"] = holm(table.loc[rows, "p_value"].to_numpy(dtype=float))
    table["_score_order"] = table["score"].map({s: i for i, s in enumerate(SCORES)})
    table = table.sort_values(["intervention", "dataset", "_order", "_score_order", "metric"], kind="stable")
    return table[EFFECT_COLUMNS].reset_index(drop=True)


def learning_curves(scores: pd.DataFrame, confidence: float = 0.95,
                    extrapolate_to: float | None = None) -> pd.DataFrame:
    """Learning curves of ``size`` interventions: score against log2 of the training images per class.

    For each (intervention, dataset, score, metric) of kind ``size``, each trained model (arm x seed)
    gives one point: its score (``in_domain``: the value on its own dataset's test part;
    ``generalization``: the mean over the other evaluated datasets, NaN values left out) at its
    n_per_class. The curve is ``value = a + b log2(n_per_class)``, fitted by ordinary least squares
    over the seed-level points (statsmodels OLS); ``b`` is the change per doubling of the training
    set. Bands are the confidence interval of the mean curve (not of a single run). The points are
    treated as independent: with the same seeds at every size, an effect a seed shares across sizes
    cancels from the slope but stays in the residual variance, so it widens the slope's interval
    rather than narrowing it. Points of runs that did not learn are kept and counted in the note.

    Parameters
    ----------
    scores : DataFrame
        As for :func:`intervention_effects`; only rows of kind ``size`` are used.
    confidence : float
        Level of the intervals, in (0, 1).
    extrapolate_to : float, optional
        A factor above 1: adds one row at (largest observed n_per_class) x factor, marked
        ``extrapolated``, read off the fitted line (only where there is a curve).

    Returns
    -------
    DataFrame
        One row per (intervention, dataset, score, metric, observed n_per_class), plus the
        extrapolated row, with columns

        * intervention, dataset, score (``in_domain`` or ``generalization``), metric
        * n_per_class: training images per class (float: the extrapolated size need not be whole)
        * n_points: seed-level points at this size (0 for the extrapolated row)
        * observed_mean: mean of those points (NaN for the extrapolated row)
        * fitted, ci_low, ci_high: the fitted mean curve at this size and its confidence interval
          at ``confidence`` (t on n_points_total - 2 degrees of freedom); NaN without a curve
        * extrapolated: True for the row beyond the largest observed size
        * slope_per_doubling, slope_ci_low, slope_ci_high: b and its interval (the same on every row
          of a curve)
        * note: why there is no curve ('fewer than 3 distinct sizes: no curve'), NaN points left
          out, runs that did not learn, and, on the extrapolated row, that it assumes the
          log-linear trend goes on

    Raises
    ------
    ValueError
        Bad input as for :func:`intervention_effects`, a confidence outside (0, 1) or an
        extrapolate_to that is not a number above 1.
    """
    _check_confidence(confidence)
    if extrapolate_to is not None and (isinstance(extrapolate_to, bool) or not isinstance(extrapolate_to, (int, float))
                                       or not np.isfinite(extrapolate_to) or extrapolate_to <= 1):
        raise ValueError(f"extrapolate_to must be a factor above 1 (e.g. 2.0), not {extrapolate_to!r}")
    data = _prepare_scores(scores)
    data = data[data["kind"] == "size"]
    if data.empty:
        return _empty(CURVE_COLUMNS)
    curve_key = [*_UNIT, "score", "metric"]
    points = (data.assign(failed=data["learned"] == "false")
              .groupby([*curve_key, "arm", "seed", "n_per_class"])
              .agg(value=("value", "mean"), n_values=("value", "size"), n_present=("value", "count"),
                   failed=("failed", "max"))
              .reset_index())
    rows = []
    for key, curve in points.groupby(curve_key, sort=True):
        rows.extend(_curve_rows(dict(zip(curve_key, key, strict=True)), curve, confidence, extrapolate_to))
    table = pd.DataFrame(rows, columns=CURVE_COLUMNS)
    table["_score_order"] = table["score"].map({s: i for i, s in enumerate(SCORES)})
    table = table.sort_values(["intervention", "dataset", "_score_order", "metric", "extrapolated", "n_per_class"],
                              kind="stable")
    return table[CURVE_COLUMNS].reset_index(drop=True)


def _curve_rows(key: dict, curve: pd.DataFrame, confidence: float, extrapolate_to: float | None) -> list[dict]:
    """The rows of one learning curve (one intervention, dataset, score and metric)."""
    import statsmodels.api as sm

    notes = []
    n_values, n_present = int(curve["n_values"].sum()), int(curve["n_present"].sum())
    if n_present < n_values:
        notes.append(f"{n_values - n_present} of {n_values} values are NaN and left out")
    not_learned = int(curve["failed"].sum())
    if not_learned:
        notes.append(f"{not_learned} of {len(curve)} runs did not learn: the curve may reflect failed training")
    used = curve.dropna(subset=["value"])
    by_size = used.groupby("n_per_class")["value"].agg(["size", "mean"])
    sizes = curve["n_per_class"].drop_duplicates().sort_values().to_numpy(dtype=float)
    has_curve = len(by_size) >= MIN_SIZES
    if not has_curve:
        notes.insert(0, f"fewer than {MIN_SIZES} distinct sizes with a value ({len(by_size)}): no curve")
    fitted = np.full(len(sizes), np.nan)
    low = np.full(len(sizes), np.nan)
    high = np.full(len(sizes), np.nan)
    slope = slope_low = slope_high = np.nan
    extra_size = sizes.max() * extrapolate_to if extrapolate_to is not None else None
    alpha = 1.0 - confidence
    if has_curve:
        x = np.log2(used["n_per_class"].to_numpy(dtype=float))
        model = sm.OLS(used["value"].to_numpy(dtype=float), np.column_stack([np.ones_like(x), x])).fit()
        grid = sizes if extra_size is None else np.append(sizes, extra_size)
        prediction = model.get_prediction(np.column_stack([np.ones(len(grid)), np.log2(grid)]))
        bands = prediction.conf_int(alpha=alpha)
        raw = np.column_stack([prediction.predicted_mean, bands[:, 0], bands[:, 1]])
        # a straight line in log2(size) leaves the score range sooner or later: the curve and its band stop at it
        clipped = np.clip(raw, *SCORE_RANGE)
        if (clipped != raw).any():
            notes.append(f"the fitted line leaves the score range {list(SCORE_RANGE)} (at "
                         + ", ".join(f"{g:g}" for g in grid[(clipped != raw).any(axis=1)])
                         + " images per class): curve and band are cut there")
        fitted_all, low_all, high_all = clipped[:, 0], clipped[:, 1], clipped[:, 2]
        fitted, low, high = fitted_all[:len(sizes)], low_all[:len(sizes)], high_all[:len(sizes)]
        slope = float(model.params[1])
        slope_low, slope_high = (float(v) for v in model.conf_int(alpha=alpha)[1])
    note = "; ".join(notes)
    rows = []
    for i, size in enumerate(sizes):
        n_points = int(by_size["size"].get(size, 0))
        rows.append({**key, "n_per_class": float(size), "n_points": n_points,
                     "observed_mean": float(by_size["mean"].get(size, np.nan)), "fitted": fitted[i], "ci_low": low[i],
                     "ci_high": high[i], "extrapolated": False, "slope_per_doubling": slope, "slope_ci_low": slope_low,
                     "slope_ci_high": slope_high, "note": note})
    if has_curve and extra_size is not None:
        extra_note = (f"extrapolated to {extrapolate_to:g} x the largest size trained: assumes the log-linear "
                      "trend goes on")
        rows.append({**key, "n_per_class": float(extra_size), "n_points": 0, "observed_mean": np.nan,
                     "fitted": float(fitted_all[-1]), "ci_low": float(low_all[-1]), "ci_high": float(high_all[-1]),
                     "extrapolated": True, "slope_per_doubling": slope, "slope_ci_low": slope_low,
                     "slope_ci_high": slope_high, "note": "; ".join(x for x in (extra_note, note) if x)})
    return rows
