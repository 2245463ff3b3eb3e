"""The selection rules of controlled-subset experiments (dsanalysis.interventions.subsets)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsanalysis.interventions import subsets


def _train(n_real: int = 40, n_fake: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_real + n_fake
    return pd.DataFrame({"image_id": rng.permutation(np.arange(100, 100 + n)),
                         "label": ["real"] * n_real + ["fake"] * n_fake,
                         "size": rng.normal(size=n),
                         "tone": rng.choice(["dark", "medium", "light"], size=n, p=[0.2, 0.2, 0.6])})


def _ids(arms: pd.DataFrame, arm: str) -> set[int]:
    return set(arms.loc[arms["arm"] == arm, "image_id"])


def _counts(arms: pd.DataFrame, train: pd.DataFrame, arm: str) -> dict[str, int]:
    labels = train.set_index("image_id")["label"]
    return labels.loc[sorted(_ids(arms, arm))].value_counts().to_dict()


def test_size_arms_are_nested_stratified_and_seeded():
    train = _train()
    arms = subsets.size_arms(train, [0.25, 0.5], seed=3, matched_per_class=20)
    quarter, half, matched = _ids(arms, "fraction 0.25"), _ids(arms, "fraction 0.5"), _ids(arms, "matched")
    assert quarter < half  # nested
    assert _counts(arms, train, "fraction 0.5") == {"real": 20, "fake": 15}  # the class ratio kept
    assert _counts(arms, train, "fraction 0.25") == {"real": 10, "fake": 8}  # round(0.25 * 30) = 8 (banker's: 7.5 -> 8)
    assert _counts(arms, train, "matched") == {"real": 20, "fake": 20}
    assert half & matched  # the same order: prefixes overlap
    again = subsets.size_arms(train.sample(frac=1, random_state=1), [0.25, 0.5], seed=3, matched_per_class=20)
    pd.testing.assert_frame_equal(arms, again)  # row order does not matter, the seed does
    other = subsets.size_arms(train, [0.25, 0.5], seed=4, matched_per_class=20)
    assert _ids(other, "fraction 0.5") != half


def test_size_arms_refuse_bad_fractions_and_oversized_match():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        subsets.size_arms(_train(), [1.0], seed=0)
    with pytest.raises(subsets.ArmError, match="matched arm of 31 fake"):
        subsets.size_arms(_train(), [0.5], seed=0, matched_per_class=31)


def test_trait_arms_split_each_class_at_its_median():
    train = _train()
    arms = subsets.trait_arms(train, "size", seed=0)
    low, high = _ids(arms, "low"), _ids(arms, "high")
    assert not low & high and len(low) == len(high) == 35
    assert _counts(arms, train, "low") == _counts(arms, train, "high") == {"real": 20, "fake": 15}
    values = train.set_index("image_id")["size"]
    for label in ("real", "fake"):
        in_class = set(train.loc[train["label"] == label, "image_id"])
        assert values.loc[sorted(low & in_class)].max() <= values.loc[sorted(high & in_class)].min()
    measures = subsets.arm_measures(arms, train, "value", values="size")
    by_arm = measures.set_index("arm")
    assert by_arm.loc["high", "measure_mean"] > by_arm.loc["low", "measure_mean"]
    assert by_arm.loc["low", "parent_sd"] == pytest.approx(train["size"].std(ddof=1))


def test_trait_arms_leave_out_missing_values_and_refuse_mostly_missing():
    train = _train()
    train.loc[train.index[:10], "size"] = np.nan
    arms = subsets.trait_arms(train, "size", seed=0)
    assert not set(train.loc[train.index[:10], "image_id"]) & set(arms["image_id"])
    train.loc[train["label"] == "fake", "size"] = np.nan
    with pytest.raises(subsets.ArmError, match="known for only 0 of 30 fake"):
        subsets.trait_arms(train, "size", seed=0)
    with pytest.raises(ValueError, match="lacks column"):
        subsets.trait_arms(train, "missing", seed=0)


def test_categorical_arms_concentrate_and_balance():
    train = _train(200, 200)
    arms = subsets.categorical_arms(train, "tone", seed=0)
    conc, bal = _ids(arms, "concentrated"), _ids(arms, "balanced")
    assert not conc & bal and len(conc) == len(bal)
    tone = train.set_index("image_id")["tone"]
    assert set(tone.loc[sorted(conc)]) == {"light"}
    shares = tone.loc[sorted(bal)].value_counts(normalize=True)
    assert shares.max() - shares.min() < 0.02  # exactly uniform where the class allows it
    measures = subsets.arm_measures(arms, train, "entropy", values="tone").set_index("arm")
    assert measures.loc["concentrated", "measure_mean"] == 0
    assert measures.loc["balanced", "measure_mean"] == pytest.approx(np.log(3), abs=0.02)
    assert measures.loc["balanced", "parent_sd"] == pytest.approx(np.log(3))


def test_diversity_arms_differ_in_spread():
    train = _train(60, 60)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(len(train), 5))
    arms = subsets.diversity_arms(train, x, seed=0, share=0.4)
    for arm in ("diverse", "narrow", "random"):
        assert _counts(arms, train, arm) == {"real": 24, "fake": 24}
    measures = subsets.arm_measures(arms, train, "distance", vectors=x).set_index("arm")["measure_mean"]
    assert measures["diverse"] > measures["random"] > measures["narrow"]


def test_k_center_picks_the_farthest_points():
    x = np.array([[0.0], [1.0], [10.0], [5.0]])
    assert subsets.k_center(x, 3, start=0).tolist() == [0, 2, 3]
