"""Per-dataset summaries of per-image descriptors: distributions, category diversity, real-vs-fake differences.

Bootstrap confidence intervals are percentile intervals over resampled images (seeded); for the
real-vs-fake difference the two classes are resampled separately.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.traits.diversity import shannon_entropy, simpson_index

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
CI_LEVEL = 0.95


def bootstrap_mean_ci(values: np.ndarray, resamples: int, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean."""
    n = len(values)
    if n < 2 or resamples < 1:
        return float("nan"), float("nan")
    means = values[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    alpha = (1.0 - CI_LEVEL) / 2.0
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1.0 - alpha))


def standardized_mean_difference(fake: np.ndarray, real: np.ndarray) -> float:
    """Cohen's d of fake minus real with the pooled standard deviation; NaN when it is 0 or undefined."""
    if len(fake) < 2 or len(real) < 2:
        return float("nan")
    pooled = np.sqrt(((len(fake) - 1) * fake.var(ddof=1) + (len(real) - 1) * real.var(ddof=1)) / (len(fake) + len(real) - 2))
    if not pooled > 0:
        return float("nan")
    return float((fake.mean() - real.mean()) / pooled)


def smd_missing_reason(fake: np.ndarray, real: np.ndarray) -> str | None:
    """Why :func:`standardized_mean_difference` of ``fake`` and ``real`` is undefined, or None when it is defined."""
    if len(fake) < 2 or len(real) < 2:
        return "fewer than 2 images with a value in a class"
    if np.all(fake == fake[0]) and np.all(real == real[0]):
        return (f"no spread within either class (every fake {fake[0]:g}, every real {real[0]:g}): the standardized "
                "difference is undefined; the shortcut audit (query analysis_shortcuts) gives its separating AUC")
    return None


def bootstrap_smd_ci(fake: np.ndarray, real: np.ndarray, resamples: int, rng: np.random.Generator) -> tuple[float, float]:
    if len(fake) < 2 or len(real) < 2 or resamples < 1:
        return float("nan"), float("nan")
    f = fake[rng.integers(0, len(fake), size=(resamples, len(fake)))]
    r = real[rng.integers(0, len(real), size=(resamples, len(real)))]
    pooled = np.sqrt(((len(fake) - 1) * f.var(axis=1, ddof=1) + (len(real) - 1) * r.var(axis=1, ddof=1))
                     / (len(fake) + len(real) - 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (f.mean(axis=1) - r.mean(axis=1)) / pooled
    d = d[np.isfinite(d)]
    if len(d) == 0:
        return float("nan"), float("nan")
    alpha = (1.0 - CI_LEVEL) / 2.0
    return float(np.quantile(d, alpha)), float(np.quantile(d, 1.0 - alpha))


def _row(trait: str, klass: str, value: float, n: int, ci: tuple[float, float] = (np.nan, np.nan)) -> dict:
    return {"trait": trait, "class": klass, "value": value, "ci_low": ci[0], "ci_high": ci[1], "n": int(n)}


def numeric_summaries(frame: pd.DataFrame, columns: list[str], resamples: int, seed: int) -> pd.DataFrame:
    """Distribution summaries of each numeric column per class, and the real-vs-fake SMD.

    Returns
    -------
    DataFrame
        trait ('<descriptor>.mean', '.sd', '.q05' ... '.q95', '.smd'), class ('all', 'real', 'fake'),
        value, ci_low, ci_high (mean and smd only), n (images with a value), missing_reason (why an
        smd is undefined, e.g. no spread within either class; else None).
    """
    rng = np.random.default_rng(seed)
    rows = []
    classes = {"all": frame, "real": frame[frame["label"] == "real"], "fake": frame[frame["label"] == "fake"]}
    for column in columns:
        for klass, part in classes.items():
            values = pd.to_numeric(part[column], errors="coerce").dropna().to_numpy(dtype=np.float64)
            n = len(values)
            if n == 0:
                rows.append(_row(f"{column}.mean", klass, np.nan, 0))
                continue
            rows.append(_row(f"{column}.mean", klass, float(values.mean()), n, bootstrap_mean_ci(values, resamples, rng)))
            rows.append(_row(f"{column}.sd", klass, float(values.std(ddof=1)) if n > 1 else np.nan, n))
            for q, v in zip(QUANTILES, np.quantile(values, QUANTILES), strict=True):
                rows.append(_row(f"{column}.q{round(q * 100):02d}", klass, float(v), n))
        fake = pd.to_numeric(classes["fake"][column], errors="coerce").dropna().to_numpy(dtype=np.float64)
        real = pd.to_numeric(classes["real"][column], errors="coerce").dropna().to_numpy(dtype=np.float64)
        rows.append({**_row(f"{column}.smd", "all", standardized_mean_difference(fake, real), len(fake) + len(real),
                            bootstrap_smd_ci(fake, real, resamples, rng)), "missing_reason": smd_missing_reason(fake, real)})
    return pd.DataFrame(rows)


def category_summaries(frame: pd.DataFrame, column: str, resamples: int, seed: int) -> pd.DataFrame:
    """Share of each category, Shannon entropy and Simpson index of one categorical column, per class.

    Returns
    -------
    DataFrame
        trait ('<column>.share.<category>', '<column>.entropy', '<column>.simpson'), class, value,
        ci_low, ci_high (bootstrap, entropy and Simpson), n (images with a category).
    """
    rng = np.random.default_rng(seed)
    rows = []
    classes = {"all": frame, "real": frame[frame["label"] == "real"], "fake": frame[frame["label"] == "fake"]}
    for klass, part in classes.items():
        values = part[column].dropna()
        n = len(values)
        if n == 0:
            continue
        counts = values.value_counts().sort_index()
        for category, count in counts.items():
            rows.append(_row(f"{column}.share.{category}", klass, count / n, n))
        p = counts.to_numpy() / n
        draws = rng.multinomial(n, p, size=resamples) if resamples > 0 else np.empty((0, len(p)))
        alpha = (1.0 - CI_LEVEL) / 2.0
        for name, fn in (("entropy", shannon_entropy), ("simpson", simpson_index)):
            boot = np.array([fn(d) for d in draws])
            ci = (float(np.quantile(boot, alpha)), float(np.quantile(boot, 1 - alpha))) if len(boot) else (np.nan, np.nan)
            rows.append(_row(f"{column}.{name}", klass, fn(counts.to_numpy()), n, ci))
    return pd.DataFrame(rows)


def size_summaries(frame: pd.DataFrame) -> pd.DataFrame:
    """Images per class, real:fake ratio, groups and images per group (where groups are known).

    Returns
    -------
    DataFrame
        trait ('images', 'real_fake_ratio', 'groups', 'images_per_group'), class, value, n.
    """
    rows = []
    real = int((frame["label"] == "real").sum())
    fake = int((frame["label"] == "fake").sum())
    for klass, count in (("all", len(frame)), ("real", real), ("fake", fake)):
        rows.append(_row("images", klass, float(count), count))
    rows.append(_row("real_fake_ratio", "all", real / fake if fake else np.nan, len(frame)))
    grouped = frame[frame["group_id"].notna()]
    if len(grouped):
        for klass, part in (("all", grouped), ("real", grouped[grouped["label"] == "real"]),
                            ("fake", grouped[grouped["label"] == "fake"])):
            if len(part) == 0:
                continue
            groups = part["group_id"].nunique()
            rows.append(_row("groups", klass, float(groups), len(part)))
            rows.append(_row("images_per_group", klass, len(part) / groups, len(part)))
    return pd.DataFrame(rows)
