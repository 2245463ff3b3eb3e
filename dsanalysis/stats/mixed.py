"""Linear mixed model of a score on training dataset with crossed random effects (statsmodels MixedLM).

Crossed random effects (evaluated dataset, seed) are fitted as variance components of a single
all-covering group, the statsmodels idiom for crossed designs. A factor with fewer than 3 levels
cannot give a variance estimate worth the name; it enters as a fixed effect instead, and the output
says so.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from dsanalysis.stats import tables

COLUMNS = tables.MIXED_MODEL.without("metric")  # the stored table leads with the metric
#: fewest levels a crossed factor needs to be fitted as a random effect
MIN_RANDOM_LEVELS = 3


_SUSPICIOUS = ("singular", "divide by zero", "invalid value", "converge")


def fit_reml(model) -> tuple[object, list[str]]:
    """Fit a statsmodels MixedLM by REML, guarding against optimizer failures.

    L-BFGS first; if it warns of a singular covariance, numerical trouble or non-convergence,
    Powell and Nelder-Mead are tried too and the fit with the highest restricted log-likelihood
    wins (L-BFGS can stop at a spurious interior point when a variance is truly zero).

    Returns
    -------
    tuple
        (the chosen result, notes on what happened: empty when the first fit was clean)
    """
    from threadpoolctl import threadpool_limits

    fits = []
    for method in ("lbfgs", "powell", "nm"):
        # one BLAS thread: the fit is thousands of small solves, which a thread pool slows down
        # (measured 5-7x on 2 cores for 10,000 observations)
        with warnings.catch_warnings(record=True) as caught, threadpool_limits(1, user_api="blas"):
            warnings.simplefilter("always")
            try:
                result = model.fit(reml=True, method=method)
            except (np.linalg.LinAlgError, ValueError):
                continue
        messages = [str(w.message).splitlines()[0] for w in caught]
        troubled = any(k in m.lower() for m in messages for k in _SUSPICIOUS) or not getattr(result, "converged", True)
        if np.isfinite(result.llf):
            fits.append((result, method, troubled))
        if fits and not troubled:
            break
    if not fits:
        raise ValueError("no optimizer could fit the mixed model")
    best, method, troubled = max(fits, key=lambda f: f[0].llf)
    notes = []
    if len(fits) > 1:
        notes.append(f"L-BFGS ran into numerical trouble; kept the {method} fit (highest REML likelihood)")
    if troubled:
        notes.append("every optimizer reported trouble: treat the estimates with caution")
    return best, notes


def interval_within(low: float, high: float, bounds: tuple[float, float] | None) -> tuple[float, float, str]:
    """A normal interval cut at the range its quantity cannot leave.

    The true value lies in ``bounds``, so the cut interval covers it exactly as often as the uncut one:
    the cut drops only values that cannot be true. (A score mean near 1 gets a normal interval past 1
    when the residual variance is pooled with datasets near chance.)

    Returns
    -------
    tuple
        (low, high, note): the cut ends and what was cut ('' when nothing was, or without bounds).
    """
    if bounds is None:
        return low, high, ""
    cuts = []
    if low < bounds[0]:
        cuts.append(f"cut at {bounds[0]:g} (the score cannot fall below it)")
    if high > bounds[1]:
        cuts.append(f"cut at {bounds[1]:g} (the score cannot exceed it)")
    note = ("normal interval " + " and ".join(cuts)) if cuts else ""
    return float(np.clip(low, *bounds)), float(np.clip(high, *bounds)), note


def crossed_mixed_model(
    data: pd.DataFrame,
    value: str,
    fixed: str,
    random: list[str],
    *,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Fit ``value ~ fixed + (1 | random[0]) + (1 | random[1]) + ...`` by REML.

    Parameters
    ----------
    data : DataFrame
        one row per observation.
    value : str
        numeric response column.
    fixed : str
        categorical fixed factor (the training dataset).
    random : list of str
        crossed grouping factors (evaluated dataset, seed, configuration).
    bounds : (low, high), optional
        the range ``value`` cannot leave (0 and 1 for accuracy and AUC): the means' normal intervals
        are cut at it (see :func:`interval_within`), and their note says so.

    Returns
    -------
    DataFrame
        term, kind, estimate, std_error, ci_low, ci_high, p_value, n_levels, note. kind is
        'mean' (model-based mean score of one level of ``fixed``; its interval cut at ``bounds``), 'difference' (level minus the
        reference level, the effect size in score units), 'test' (joint Wald chi-square test that
        all levels of ``fixed`` are equal; estimate = chi-square, n_levels = levels), 'variance'
        (a random effect's variance, 'residual' last; std_error = standard deviation = sqrt of the
        variance; ci_low and ci_high are empty because REML gives no interval here; share = the
        variance's share of the total), or 'fixed_nuisance' (a factor with too few levels to be
        random, fitted as fixed; one row per factor, estimate empty).
    """
    import statsmodels.formula.api as smf

    for column in [value, fixed, *random]:
        if column not in data.columns:
            raise ValueError(f"column {column!r} is not in the data")
    if bounds is not None and not bounds[0] < bounds[1]:
        raise ValueError(f"bounds must be (low, high) with low < high, not {bounds!r}")
    frame = data[[value, fixed, *random]].copy()
    frame = frame.dropna(subset=[value])
    frame.columns = ["y", "f", *[f"r{i}" for i in range(len(random))]]
    frame["f"] = frame["f"].astype(str)
    levels = sorted(frame["f"].unique())
    rows: list[dict] = []
    if len(levels) < 2 or len(frame) < len(levels) + 2:
        return pd.DataFrame([{**dict.fromkeys(COLUMNS, np.nan), "term": fixed, "kind": "test", "n_levels": len(levels),
                              "note": f"needs at least 2 levels of {fixed} and more observations than parameters "
                                      f"(have {len(levels)} levels, {len(frame)} observations)"}], columns=COLUMNS)
    def not_fitted(why: str) -> pd.DataFrame:
        return pd.DataFrame([{**dict.fromkeys(COLUMNS, np.nan), "term": fixed, "kind": "test", "n_levels": len(levels),
                              "note": why}], columns=COLUMNS)

    if np.ptp(frame["y"].to_numpy(float)) == 0:
        return not_fitted(f"every observation has the same {value} ({frame['y'].iloc[0]:.4g}): nothing for a model "
                          "to explain, no mixed model")
    random_used, nuisance = [], []
    for i, name in enumerate(random):
        count = frame[f"r{i}"].nunique()
        if count >= MIN_RANDOM_LEVELS:
            random_used.append((f"r{i}", name, count))
        elif count >= 2:
            nuisance.append((f"r{i}", name, count))
            frame[f"r{i}"] = frame[f"r{i}"].astype(str)
            rows.append({"term": name, "kind": "fixed_nuisance", "n_levels": count,
                         "note": f"{count} levels: too few for a variance estimate; fitted as a fixed effect"})
        else:
            rows.append({"term": name, "kind": "fixed_nuisance", "n_levels": count,
                         "note": "a single level: nothing to estimate, left out"})
    formula = "y ~ C(f)" + "".join(f" + C({code})" for code, _, _ in nuisance)
    z = stats.norm.ppf(0.5 + confidence / 2)
    fit_notes: list[str] = []
    if random_used:
        frame["_all"] = 1
        vc = {code: f"0 + C({code})" for code, _, _ in random_used}
        model = smf.mixedlm(formula, frame, groups="_all", vc_formula=vc, re_formula="0")
        try:
            result, fit_notes = fit_reml(model)
        except ValueError as error:  # every optimizer failed: say so, the other tables stand
            return pd.DataFrame([*rows, not_fitted(f"{error} (singular or degenerate data)").iloc[0].to_dict()],
                                columns=COLUMNS)
    else:
        fit_notes.append("no factor has enough levels for a random effect: ordinary least squares")
        result = smf.ols(formula, frame).fit()
    if random_used and np.any(np.asarray(result.vcomp, dtype=float) <= 1e-6 * max(float(result.scale), 1e-300)):
        fit_notes.append("a variance component is estimated at zero (boundary of the parameter space)")
    fit_note = "; ".join(dict.fromkeys(fit_notes))
    names = list(result.model.exog_names)
    beta = np.asarray(result.params[: len(names)], dtype=float)
    cov = np.asarray(result.cov_params(), dtype=float)[: len(names), : len(names)]
    # a level's mean: intercept + its coefficient, nuisance factors at their average level
    base = np.zeros(len(names))
    base[names.index("Intercept")] = 1.0
    for code, _, _ in nuisance:
        share = frame[code].value_counts(normalize=True)
        for level, fraction in share.items():
            if f"C({code})[T.{level}]" in names:
                base[names.index(f"C({code})[T.{level}]")] = float(fraction)
    for level in levels:
        contrast = base.copy()
        if f"C(f)[T.{level}]" in names:
            contrast[names.index(f"C(f)[T.{level}]")] = 1.0
        est, se = float(contrast @ beta), float(np.sqrt(contrast @ cov @ contrast))
        low, high, cut = interval_within(est - z * se, est + z * se, bounds)
        rows.append({"term": level, "kind": "mean", "estimate": est, "std_error": se, "ci_low": low,
                     "ci_high": high, "p_value": np.nan, "n_levels": int((frame["f"] == level).sum()),
                     "note": "; ".join(n for n in (fit_note, cut) if n)})
    diff_index = [names.index(f"C(f)[T.{level}]") for level in levels[1:]]
    for level, j in zip(levels[1:], diff_index):
        est, se = float(beta[j]), float(np.sqrt(cov[j, j]))
        rows.append({"term": f"{level} - {levels[0]}", "kind": "difference", "estimate": est, "std_error": se,
                     "ci_low": est - z * se, "ci_high": est + z * se,
                     "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan,
                     "n_levels": 2, "note": fit_note})
    sub_beta, sub_cov = beta[diff_index], cov[np.ix_(diff_index, diff_index)]
    try:
        chi2 = float(sub_beta @ np.linalg.solve(sub_cov, sub_beta))
        p_joint = float(stats.chi2.sf(chi2, len(diff_index)))
        test_note = fit_note
    except np.linalg.LinAlgError:
        chi2, p_joint, test_note = np.nan, np.nan, "singular covariance of the effects: no joint test"
    rows.append({"term": fixed, "kind": "test", "estimate": chi2, "std_error": np.nan, "ci_low": np.nan,
                 "ci_high": np.nan, "p_value": p_joint, "n_levels": len(levels),
                 "note": test_note or f"Wald chi-square with {len(diff_index)} df"})
    variances = []
    if random_used:
        for (code, name, count), variance in zip(random_used, np.asarray(result.vcomp, dtype=float)):
            variances.append((name, variance, count))
        variances.append(("residual", float(result.scale), len(frame)))
    else:
        variances.append(("residual", float(result.scale), len(frame)))
    total = sum(v for _, v, _ in variances)
    for name, variance, count in variances:
        rows.append({"term": name, "kind": "variance", "estimate": variance, "std_error": float(np.sqrt(max(variance, 0.0))),
                     "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                     "share": variance / total if total > 0 else np.nan, "n_levels": count,
                     "note": "REML point estimate (no interval, no test)"
                     + (f"; {fit_note}" if fit_note else "")})
    return pd.DataFrame(rows, columns=COLUMNS)
