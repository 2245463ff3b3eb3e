"""Diversity measures and the perceptual hash against hand-computed cases (near-duplicates: test_traits_duplicates)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsanalysis.traits import diversity, duplicates


def test_vendi_score_of_identical_vectors_is_one_and_of_orthogonal_vectors_is_n():
    assert diversity.vendi_score(np.tile([1.0, 2.0, 3.0], (10, 1))) == pytest.approx(1.0)
    assert diversity.vendi_score(np.eye(7)) == pytest.approx(7.0)
    assert diversity.vendi_score(np.eye(40)[:, :40]) == pytest.approx(40.0)  # n > d path and n == d path agree


def test_vendi_score_of_two_vectors_matches_the_eigenvalue_formula():
    c = 0.6
    x = np.array([[1.0, 0.0], [c, math.sqrt(1 - c**2)]])  # unit vectors with cosine c
    p = np.array([(1 + c) / 2, (1 - c) / 2])               # eigenvalues of K / 2
    assert diversity.vendi_score(x) == pytest.approx(math.exp(-(p * np.log(p)).sum()))


def test_vendi_score_is_the_same_whichever_gram_matrix_is_decomposed():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 5))
    norms = x / np.linalg.norm(x, axis=1, keepdims=True)
    k = norms @ norms.T / len(x)
    w = np.linalg.eigvalsh(k)
    w = w[w > 1e-12]
    assert diversity.vendi_score(x) == pytest.approx(math.exp(-(w * np.log(w)).sum()))


def test_entropy_and_simpson_hand_values():
    assert diversity.shannon_entropy(np.array([5, 5])) == pytest.approx(math.log(2))
    assert diversity.shannon_entropy(np.array([10, 0])) == 0.0
    assert diversity.shannon_entropy(np.array([1, 1, 2])) == pytest.approx(-(2 * 0.25 * math.log(0.25) + 0.5 * math.log(0.5)))
    assert diversity.simpson_index(np.array([1, 1, 2])) == pytest.approx(1 - (0.25**2 * 2 + 0.5**2))
    assert diversity.simpson_index(np.array([4])) == 0.0


def test_mean_pairwise_distance_hand_case():
    x = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 4.0]])
    assert diversity.mean_pairwise_distance(x) == pytest.approx((5 + 4 + 3) / 3)


def test_subsample_is_seeded_and_complete_below_the_limit():
    assert list(diversity.subsample(5, 10, 0)) == [0, 1, 2, 3, 4]
    a, b = diversity.subsample(100, 10, 3), diversity.subsample(100, 10, 3)
    assert list(a) == list(b) and len(set(a)) == 10


def _textured(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (8, 8))
    return np.kron(coarse, np.ones((16, 16)))  # 128x128, structure a hash can see


def _bits_apart(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def test_phash_is_close_for_a_noisy_copy_and_far_for_different_images():
    base = _textured(1)
    noisy = np.clip(base + np.random.default_rng(2).normal(0, 3, base.shape), 0, 255)
    other = _textured(3)
    hashes = [duplicates.phash(base), duplicates.phash(noisy), duplicates.phash(other)]
    assert all(len(h) == 16 for h in hashes)
    assert _bits_apart(hashes[0], hashes[1]) <= 6
    assert _bits_apart(hashes[0], hashes[2]) > 16
