"""Training subsets ("arms") that differ in one thing and match in the rest: the pure selection rules.

Every function takes the training part of one split (``image_id`` and ``label`` columns; other
columns as named) and returns the arms as a long frame of ``arm, image_id``. Choices are seeded and
do not depend on the row order (images are taken in ``image_id`` order before the seeded shuffle), and
every rule works within each class, so the arms of one intervention hold the same number of real
and of fake images:

* :func:`size_arms`: nested prefixes of one seeded order per class (fraction 0.25 is inside 0.5),
  keeping the class ratio, plus an optional ``matched`` arm of the same number of images per class
  in every dataset (the size-matched ranking);
* :func:`trait_arms`: the lower and the upper half of a numeric trait within each class
  (``low``/``high``, disjoint, equal in size; ties broken at random);
* :func:`categorical_arms`: a ``concentrated`` arm from the class's most common category against a
  ``balanced`` one spread evenly over the categories (disjoint, equal in size);
* :func:`diversity_arms`: ``diverse`` (greedy k-center on descriptor vectors), ``narrow`` (the
  nearest neighbours of one seeded image) and ``random``, equal in size.

The achieved contrast of each arm is measured by :func:`arm_measures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dsanalysis.traits.diversity import mean_pairwise_distance, shannon_entropy

LABELS = ("fake", "real")
#: Fewest images of each class an arm must hold to be trained on (as the split's rule for its parts).
MIN_PER_CLASS = 2
#: A trait must be known for at least this share of each class's training images.
MIN_PRESENT_SHARE = 0.5


class ArmError(ValueError):
    """The arms cannot be built from this training part (too few images, a trait missing, ...)."""


def _check(train: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in ("image_id", "label", *columns) if c not in train.columns]
    if missing:
        raise ValueError(f"training part lacks column(s) {', '.join(missing)}")
    bad = sorted(set(train["label"]) - set(LABELS))
    if bad:
        raise ValueError(f"label must be 'real' or 'fake', not {bad[0]!r}")


def _shuffled(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``frame`` in image_id order, then in one seeded random order."""
    frame = frame.sort_values("image_id", kind="stable").reset_index(drop=True)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def _classes(train: pd.DataFrame):  # noqa: ANN202
    for label in LABELS:
        yield label, train[train["label"] == label]


def _arms_frame(rows: list[tuple[str, np.ndarray]]) -> pd.DataFrame:
    parts = [pd.DataFrame({"arm": arm, "image_id": np.asarray(ids, dtype=np.int64)}) for arm, ids in rows]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"arm": [], "image_id": []})
    return frame.sort_values(["arm", "image_id"], kind="stable").reset_index(drop=True)


def _known(members: pd.DataFrame, trait: str, label: str) -> pd.DataFrame:
    """The class's images whose ``trait`` is known; :class:`ArmError` when that is under :data:`MIN_PRESENT_SHARE`."""
    present = members[members[trait].notna()]
    if len(members) and len(present) < MIN_PRESENT_SHARE * len(members):
        raise ArmError(f"{trait} is known for only {len(present)} of {len(members)} {label} training images")
    return present


def fraction_name(fraction: float) -> str:
    """The arm name of a size fraction: 'fraction 0.25'."""
    return f"fraction {fraction:g}"


def size_arms(train: pd.DataFrame, fractions: Sequence[float], seed: int,
              matched_per_class: int | None = None) -> pd.DataFrame:
    """Nested, class-stratified fractions of the training part, and optionally a ``matched`` arm.

    Parameters
    ----------
    train : DataFrame
        image_id, label.
    fractions : fractions in (0, 1); a class of ``n`` images contributes ``round(fraction * n)`` (at
        least one). Fraction 1 is the whole training part, which needs no arm.
    seed : seed of the one order per class that every fraction is a prefix of.
    matched_per_class : if given, an arm ``matched`` with this many images of each class (a prefix of
        the same order, so it nests with the fractions).

    Returns
    -------
    DataFrame
        arm ('fraction 0.25', ..., 'matched'), image_id.
    """
    _check(train, ())
    for fraction in fractions:
        if not 0 < fraction < 1:
            raise ValueError(f"a size fraction must lie strictly between 0 and 1, not {fraction}")
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, np.ndarray]] = []
    for label, members in _classes(train):
        order = _shuffled(members, rng)["image_id"].to_numpy()
        for fraction in fractions:
            rows.append((fraction_name(fraction), order[:max(1, int(round(fraction * len(order))))]))
        if matched_per_class is not None:
            if matched_per_class > len(order):
                raise ArmError(f"a matched arm of {matched_per_class} {label} images needs more than the "
                               f"{len(order)} the training part holds")
            rows.append(("matched", order[:matched_per_class]))
    return _arms_frame(rows)


def trait_arms(train: pd.DataFrame, trait: str, seed: int) -> pd.DataFrame:
    """The ``low`` and ``high`` halves of a numeric trait within each class (disjoint, equal in size).

    Images whose ``trait`` is missing are left out of both arms; a class with the trait known for
    fewer than :data:`MIN_PRESENT_SHARE` of its images raises :class:`ArmError`.

    Returns
    -------
    DataFrame
        arm ('low', 'high'), image_id.
    """
    _check(train, (trait,))
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, np.ndarray]] = []
    for label, members in _classes(train):
        ordered = _shuffled(_known(members, trait, label), rng)  # random tie order, then a stable sort by value
        ordered = ordered.iloc[np.argsort(ordered[trait].to_numpy(dtype=float), kind="stable")]
        half = len(ordered) // 2
        if half < MIN_PER_CLASS:
            raise ArmError(f"{label}: {len(ordered)} training images with {trait} give arms of {half}, fewer than "
                           f"{MIN_PER_CLASS}")
        ids = ordered["image_id"].to_numpy()
        rows += [("low", ids[:half]), ("high", ids[len(ids) - half:])]
    return _arms_frame(rows)


def categorical_arms(train: pd.DataFrame, trait: str, seed: int) -> pd.DataFrame:
    """A ``concentrated`` arm (the class's most common category) against a ``balanced`` one (disjoint, equal size).

    Within each class the concentrated arm is ``k`` images of the most common category and the balanced
    arm ``k`` of the remaining images taken round-robin over the categories (seeded). ``k`` is the
    largest size at which the balanced arm is exactly uniform over the categories, unless that is less
    than half of ``min(count of the most common category, known images // 2)``: then that larger size,
    with the balanced arm as even as the class allows.

    Returns
    -------
    DataFrame
        arm ('concentrated', 'balanced'), image_id.
    """
    _check(train, (trait,))
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, np.ndarray]] = []
    for label, members in _classes(train):
        present = _shuffled(_known(members, trait, label), rng)
        counts = present[trait].value_counts()
        if len(counts) < 2:
            raise ArmError(f"{label} training images have a single {trait} category; nothing to balance")
        top = sorted(counts[counts == counts.max()].index.astype(str))[0]
        k = _balanced_size(counts.astype(int).to_numpy(), int(counts.max()), len(present) // 2)
        if k < MIN_PER_CLASS:
            raise ArmError(f"{label}: arms of {k} images, fewer than {MIN_PER_CLASS}")
        concentrated = present.loc[present[trait].astype(str) == top, "image_id"].to_numpy()[:k]
        rest = present[~present["image_id"].isin(concentrated)].copy()
        rest["turn"] = rest.groupby(trait, sort=False).cumcount()  # 0 for each category's first image, ...
        balanced = rest.sort_values(["turn", trait], kind="stable")["image_id"].to_numpy()[:k]
        rows += [("concentrated", concentrated), ("balanced", balanced)]
    return _arms_frame(rows)


def _balanced_size(counts: np.ndarray, top: int, most: int) -> int:
    """The arm size ``k`` of :func:`categorical_arms` for category ``counts`` (``top`` the largest count)."""
    largest = min(top, most)
    m = len(counts)
    others = np.sort(counts)[:-1].min() if m > 1 else 0
    uniform = 0
    for k in range(largest, 0, -1):  # each category gives ceil(k / m); the top one only what the concentrated arm left
        if -(-k // m) <= min(others, top - k):
            uniform = k
            break
    return uniform if uniform >= largest / 2 else largest


def k_center(vectors: np.ndarray, k: int, start: int) -> np.ndarray:
    """Greedy k-center (farthest-point) selection: row indices of ``k`` points, the first ``start``."""
    if not 0 < k <= len(vectors):
        raise ValueError(f"k must lie in 1..{len(vectors)}, not {k}")
    chosen = [start]
    nearest = np.linalg.norm(vectors - vectors[start], axis=1)
    for _ in range(k - 1):
        nxt = int(np.argmax(nearest))
        chosen.append(nxt)
        nearest = np.minimum(nearest, np.linalg.norm(vectors - vectors[nxt], axis=1))
    return np.asarray(chosen)


def diversity_arms(train: pd.DataFrame, vectors: np.ndarray, seed: int, share: float = 0.5) -> pd.DataFrame:
    """Equal-size ``diverse``, ``narrow`` and ``random`` subsets of each class.

    Parameters
    ----------
    train : DataFrame
        image_id, label; row i has descriptor vector ``vectors[i]``.
    vectors : standardized descriptor vectors (:mod:`dsanalysis.traits.vectors`), one row per image.
    share : each arm holds ``floor(share * n)`` images of a class of ``n``.

    Returns
    -------
    DataFrame
        arm ('diverse', 'narrow', 'random'), image_id.
    """
    _check(train, ())
    if len(vectors) != len(train):
        raise ValueError(f"{len(vectors)} descriptor vectors for {len(train)} training images")
    if not 0 < share < 1:
        raise ValueError(f"share must lie strictly between 0 and 1, not {share}")
    rng = np.random.default_rng(seed)
    frame = train[["image_id", "label"]].reset_index(drop=True).assign(row=np.arange(len(train)))
    rows: list[tuple[str, np.ndarray]] = []
    for label, members in _classes(frame):
        ordered = _shuffled(members, rng)
        k = int(np.floor(share * len(ordered)))
        if k < MIN_PER_CLASS:
            raise ArmError(f"{label}: arms of {k} images, fewer than {MIN_PER_CLASS}")
        x = np.asarray(vectors, dtype=float)[ordered["row"].to_numpy()]
        ids = ordered["image_id"].to_numpy()
        rows.append(("diverse", ids[k_center(x, k, start=0)]))  # position 0 is a seeded random image
        centre = x[int(rng.integers(len(x)))]
        rows.append(("narrow", ids[np.argsort(np.linalg.norm(x - centre, axis=1), kind="stable")[:k]]))
        rows.append(("random", ids[:k]))
    return _arms_frame(rows)


def arm_measures(arms: pd.DataFrame, train: pd.DataFrame, measure: str, *, values: str | None = None,
                 vectors: np.ndarray | None = None) -> pd.DataFrame:
    """The achieved contrast: the measure in each arm and over the whole training part.

    ``measure`` 'value' summarises the numeric column ``values`` (mean and SD); 'entropy' the Shannon
    entropy in nats of the categorical column ``values`` (parent_sd is the natural log of the number of
    categories, the largest entropy possible, so a standardized contrast is a share of it);
    'distance' the mean pairwise Euclidean distance of the rows of ``vectors`` (aligned with
    ``train``; parent_sd is the training part's value, so a contrast is relative); 'none' only counts.

    Returns
    -------
    DataFrame
        arm, n_real, n_fake, measure_mean, measure_sd, parent_mean, parent_sd (NaN where not defined).
    """
    labels = train.set_index("image_id")["label"]
    frame = train.reset_index(drop=True)
    position = pd.Series(np.arange(len(frame)), index=frame["image_id"].to_numpy())

    def summary(ids: np.ndarray) -> tuple[float, float]:
        if measure == "value":
            v = frame.loc[position[ids].to_numpy(), values].astype(float).dropna()
            return float(v.mean()) if len(v) else np.nan, float(v.std(ddof=1)) if len(v) > 1 else np.nan
        if measure == "entropy":
            cats = frame.loc[position[ids].to_numpy(), values].dropna()
            return shannon_entropy(cats.value_counts().to_numpy()), np.nan
        if measure == "distance":
            if vectors is None:
                raise ValueError("measure 'distance' needs vectors")
            return mean_pairwise_distance(np.asarray(vectors, dtype=float)[position[ids].to_numpy()]), np.nan
        if measure == "none":
            return np.nan, np.nan
        raise ValueError(f"unknown measure {measure!r}")

    parent_mean, parent_sd = summary(frame["image_id"].to_numpy())
    if measure == "entropy":
        parent_sd = float(np.log(frame[values].dropna().nunique())) if frame[values].notna().any() else np.nan
    elif measure == "distance":
        parent_sd = parent_mean
    rows = []
    for arm, members in arms.groupby("arm", sort=True):
        ids = members["image_id"].to_numpy()
        mean, sd = summary(ids)
        counts = labels.loc[ids].value_counts()
        rows.append({"arm": arm, "n_real": int(counts.get("real", 0)), "n_fake": int(counts.get("fake", 0)),
                     "measure_mean": mean, "measure_sd": sd, "parent_mean": parent_mean, "parent_sd": parent_sd})
    return pd.DataFrame(rows, columns=["arm", "n_real", "n_fake", "measure_mean", "measure_sd", "parent_mean",
                                       "parent_sd"])
