"""Frechet distance, MMD and PRDC against hand-computed cases and brute-force references."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsanalysis.traits import distances


def test_frechet_from_moments_hand_cases():
    # 1-D: (mu1 - mu2)^2 + s1^2 + s2^2 - 2 s1 s2
    assert distances.frechet_from_moments(np.array([0.0]), np.array([[1.0]]), np.array([2.0]), np.array([[4.0]])) \
        == pytest.approx(4 + 1 + 4 - 2 * 2)
    # diagonal covariances: |dmu|^2 + sum (s1_i - s2_i)^2
    value = distances.frechet_from_moments(np.array([1.0, 0.0]), np.diag([1.0, 4.0]), np.array([0.0, 0.0]), np.diag([9.0, 1.0]))
    assert value == pytest.approx(1 + (1 - 3) ** 2 + (2 - 1) ** 2)


def test_frechet_distance_of_a_sample_with_itself_is_zero():
    x = np.random.default_rng(0).normal(size=(200, 4))
    assert distances.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_recovers_a_planted_shift():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20000, 2))
    y = rng.normal(size=(20000, 2)) + np.array([3.0, 0.0])
    assert distances.frechet_distance(x, y) == pytest.approx(9.0, rel=0.03)


def _brute_force_mmd(x, y, bandwidth):
    k = lambda a, b: math.exp(-float(np.sum((a - b) ** 2)) / (2 * bandwidth**2))  # noqa: E731
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_mmd_matches_the_brute_force_unbiased_estimator():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(12, 3)), rng.normal(size=(9, 3)) + 0.5
    assert distances.mmd_squared(x, y, 1.3) == pytest.approx(_brute_force_mmd(x, y, 1.3))


def test_mmd_is_near_zero_for_the_same_distribution_and_positive_for_a_shift():
    rng = np.random.default_rng(3)
    x, y, z = rng.normal(size=(300, 2)), rng.normal(size=(300, 2)), rng.normal(size=(300, 2)) + 1.0
    same = distances.mmd_squared(x, y, distances.median_bandwidth(x, y))
    shifted = distances.mmd_squared(x, z, distances.median_bandwidth(x, z))
    assert abs(same) < 0.01
    assert shifted > 0.1


def test_prdc_hand_computed_one_dimensional_case():
    real = np.array([[0.0], [1.0], [3.0]])
    fake = np.array([[0.5], [10.0]])
    # k=1 radii: real 1, 1, 2; fake 9.5, 9.5
    result = distances.prdc(real, fake, k=1)
    assert result == pytest.approx({"precision": 0.5, "recall": 1.0, "density": 1.0, "coverage": 2 / 3})


def test_prdc_of_identical_large_samples_is_near_one():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(1000, 3)), rng.normal(size=(1000, 3))
    result = distances.prdc(x, y, k=5)
    for key in ("precision", "recall", "coverage"):
        assert result[key] > 0.9
    assert result["density"] == pytest.approx(1.0, abs=0.15)
    far = distances.prdc(x, y + 10.0, k=5)
    assert far == pytest.approx({"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0})


def test_frechet_matches_scipy_sqrtm_on_full_rank_covariances_and_stays_finite_when_singular():
    from scipy.linalg import sqrtm

    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    cov1, cov2 = a @ a.T + np.eye(4), b @ b.T + np.eye(4)
    mu1, mu2 = rng.normal(size=4), rng.normal(size=4)
    reference = np.sum((mu1 - mu2) ** 2) + np.trace(cov1 + cov2 - 2 * np.real(sqrtm(cov1 @ cov2)))
    assert distances.frechet_from_moments(mu1, cov1, mu2, cov2) == pytest.approx(reference, rel=1e-8)
    x = rng.normal(size=(5, 8))   # fewer rows than dimensions: singular covariance
    assert np.isfinite(distances.frechet_distance(x, x + 1.0))
    assert distances.frechet_distance(x, x + 1.0) == pytest.approx(8.0, rel=1e-6)  # pure shift of 1 in 8 dims
