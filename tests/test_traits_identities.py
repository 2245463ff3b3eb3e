"""Identity clustering and its traits on constructed descriptors, checked against scikit-learn and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dsanalysis.traits import diversity, identities


def _people(counts: list[int], spread: float = 0.12, separation: float = 1.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Faces of len(counts) people: each person a random centre (pairwise far apart), faces within ``spread``."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(counts), 128))
    centres *= separation / np.sqrt(2 * 128)  # expected centre distance = separation
    x = np.vstack([c + rng.normal(scale=spread / np.sqrt(2 * 128), size=(k, 128)) for c, k in zip(centres, counts, strict=True)])
    truth = np.repeat(np.arange(len(counts)), counts)
    return x, truth


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return len(set(zip(a.tolist(), b.tolist(), strict=True))) == len(set(a.tolist())) == len(set(b.tolist()))


def test_clusters_recover_people_and_match_scikit_learn_average_linkage():
    from sklearn.cluster import AgglomerativeClustering

    x, truth = _people([5, 1, 8, 3, 2, 6])
    labels = identities.cluster_identities(x, (0.6, 0.5, 0.7))
    for row, threshold in zip(labels, (0.6, 0.5, 0.7), strict=True):
        reference = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, linkage="average").fit_predict(x)
        assert _same_partition(row, reference)
    assert _same_partition(labels[0], truth)
    assert labels[0][0] == 0 and labels[0][5] == 1  # numbered by first appearance


def test_threshold_sensitivity_by_hand():
    # faces on a line at 0, 0.55, 1.20, 1.82: average linkage joins {0, 1} at 0.55, {2, 3} at 0.62, and the
    # two pairs at the mean of 1.20, 1.82, 0.65, 1.27 = 1.235
    x = np.zeros((4, 128))
    x[:, 0] = [0.0, 0.55, 1.20, 1.82]
    at_05, at_06, at_07, at_13 = identities.cluster_identities(x, (0.5, 0.6, 0.7, 1.3))
    assert at_05.tolist() == [0, 1, 2, 3]
    assert at_06.tolist() == [0, 0, 1, 2]
    assert at_07.tolist() == [0, 0, 1, 1]
    assert at_13.tolist() == [0, 0, 0, 0]


def test_subsampled_clustering_assigns_the_rest_to_the_same_people():
    x, truth = _people([30, 25, 20, 15, 10], seed=3)
    exact = identities.cluster_identities(x)[0]
    sampled = identities.cluster_identities(x, max_exact=20, seed=1)[0]
    assert _same_partition(exact, truth) and _same_partition(sampled, truth)
    # a face far from all sampled faces is clustered among the leftovers, not merged
    lone = np.vstack([x, np.full((1, 128), 5.0)])
    assert len(set(identities.cluster_identities(lone, max_exact=20)[0])) == 6


def test_identity_summary_by_hand():
    labels = np.array([0, 0, 0, 1, 2, 2])
    summary = identities.identity_summary(labels)
    p = np.array([3, 1, 2]) / 6
    assert summary["identities"] == 3
    assert summary["identity_entropy"] == pytest.approx(float(-(p * np.log(p)).sum()))
    assert summary["identity_largest_share"] == pytest.approx(0.5)
    assert summary["images_per_identity"] == pytest.approx(2.0)
    assert math.isnan(identities.identity_summary(np.array([]))["identity_entropy"])


def test_shared_identity_share_and_leakage_by_hand():
    labels = np.array([0, 0, 1, 2, 2, 3, 4])
    fake = np.array([False, True, True, False, True, True, False])
    # fakes: identities 0 (real too), 1 (no), 2 (real too), 3 (no) -> 2 of 4
    assert identities.shared_identity_share(labels, fake) == pytest.approx(0.5)
    parts = np.array(["train", "test", "test", "validation", "test", None, "test"], dtype=object)
    # test faces: ids 0 (train has 0), 1 (no), 2 (validation has 2), 4 (no) -> 2 of 4
    assert identities.identity_leakage(labels, parts) == (2, 4)
    with pytest.raises(ValueError, match="length"):
        identities.identity_leakage(labels, parts[:3])


def test_split_leakage_rows_per_split_with_warning():
    labels = np.array([0, 0, 1, 1, 2, 3])
    ids = np.array([10, 11, 12, 13, 14, 15])
    parts = pd.DataFrame({"split_id": ["a"] * 6 + ["b"] * 4,
                          "image_id": [10, 11, 12, 13, 14, 15, 10, 12, 14, 15],
                          "part": ["train", "test", "train", "validation", "test", "test", "train", "train", "test", "test"]})
    rows = identities.split_leakage_rows(labels, ids, parts).set_index("split_id")
    assert rows.loc["a", "leaked"] == 1 and rows.loc["a", "test_faces"] == 3 and rows.loc["a", "warning"]
    assert rows.loc["b", "share"] == 0.0 and not rows.loc["b", "warning"]


def test_identity_overlap_counts_b_identities_within_the_threshold_of_a():
    x, truth = _people([4, 4, 4, 4], seed=5)
    in_a = np.isin(truth, [0, 1, 2])
    in_b = np.isin(truth, [1, 2, 3])
    overlap = identities.identity_overlap(x[in_a], truth[in_a], x[in_b], truth[in_b])
    assert overlap == pytest.approx(2 / 3)
    # the mean distance between two identities, by brute force
    means = identities.cluster_mean_distances(x[in_a], identities.first_seen_order(truth[in_a]),
                                              x[in_b], identities.first_seen_order(truth[in_b]))
    brute = np.linalg.norm(x[truth == 0][:, None] - x[truth == 3][None], axis=2).mean()
    assert means[0, 2] == pytest.approx(brute)
    assert math.isnan(identities.identity_overlap(x[:0], truth[:0], x, truth))


def test_gaussian_vendi_score_counts_separated_groups():
    x, _ = _people([10, 10, 10], spread=0.0, separation=50.0)
    assert diversity.gaussian_vendi_score(x, 0.6) == pytest.approx(3.0, rel=1e-6)
    assert diversity.gaussian_vendi_score(np.zeros((7, 128)), 0.6) == pytest.approx(1.0)
    # two faces exactly at the half-similarity distance: K = [[1, .5], [.5, 1]], eigenvalues of K/2 are .75 and .25
    two = np.zeros((2, 128))
    two[1, 0] = 0.6
    p = np.array([0.75, 0.25])
    assert diversity.gaussian_vendi_score(two, 0.6) == pytest.approx(float(np.exp(-(p * np.log(p)).sum())))
    with pytest.raises(ValueError, match="positive"):
        diversity.gaussian_vendi_score(two, 0.0)
