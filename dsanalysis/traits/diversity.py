"""Diversity of a set of images: category entropy and Simpson index, Vendi score, mean pairwise distance."""

from __future__ import annotations

import numpy as np

#: Vendi score and mean pairwise distance are exact up to this many images; beyond, a seeded subsample.
MAX_EXACT_IMAGES = 5_000


def shannon_entropy(counts: np.ndarray) -> float:
    """Shannon entropy (natural log, nats) of category counts; 0 for one category."""
    counts = np.asarray(counts, dtype=np.float64)
    counts = counts[counts > 0]
    if counts.sum() <= 0:
        return float("nan")
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def simpson_index(counts: np.ndarray) -> float:
    """Gini-Simpson index 1 - sum p_i^2: the chance two draws (with replacement) differ in category."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.sum() <= 0:
        return float("nan")
    p = counts / counts.sum()
    return float(1.0 - (p**2).sum())


def vendi_score(x: np.ndarray) -> float:
    """Vendi score (Friedman and Dieng 2023) with the cosine-similarity kernel.

    exp of the Shannon entropy of the eigenvalues of K/n, K the cosine similarity matrix of the rows
    of ``x``: 1 for n identical rows, n for n orthogonal rows. Zero rows are dropped (no direction).
    """
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1)
    x = x[norms > 0] / norms[norms > 0, None]
    n = len(x)
    if n == 0:
        return float("nan")
    # the non-zero eigenvalues of X X^T / n equal those of X^T X / n, which is d x d: cheap for large n
    gram = x.T @ x / n if x.shape[1] < n else x @ x.T / n
    eigenvalues = np.linalg.eigvalsh(gram)
    eigenvalues = eigenvalues[eigenvalues > 1e-12]
    return float(np.exp(-(eigenvalues * np.log(eigenvalues)).sum()))


def gaussian_vendi_score(x: np.ndarray, half_similarity_distance: float) -> float:
    """Vendi score with the Gaussian kernel k(a, b) = 2 ** -(|a - b| / half_similarity_distance) ** 2.

    Two rows ``half_similarity_distance`` apart count as half similar; exp of the Shannon entropy of
    the eigenvalues of K/n: 1 for n identical rows, n for n rows far apart compared with that distance.
    """
    from scipy.spatial.distance import pdist, squareform

    if not half_similarity_distance > 0:
        raise ValueError(f"half_similarity_distance must be positive, not {half_similarity_distance}")
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n == 0:
        return float("nan")
    kernel = np.exp2(-squareform(pdist(x, "sqeuclidean")) / half_similarity_distance**2) if n > 1 else np.ones((1, 1))
    eigenvalues = np.linalg.eigvalsh(kernel / n)
    eigenvalues = eigenvalues[eigenvalues > 1e-12]
    return float(np.exp(-(eigenvalues * np.log(eigenvalues)).sum()))


def mean_pairwise_distance(x: np.ndarray) -> float:
    """Mean Euclidean distance over all unordered pairs of rows."""
    from scipy.spatial.distance import pdist

    x = np.asarray(x, dtype=np.float64)
    if len(x) < 2:
        return float("nan")
    return float(pdist(x).mean())


def subsample(n: int, max_n: int, seed: int) -> np.ndarray:
    """Row indices: all of them up to ``max_n``, else a seeded sorted sample of ``max_n``."""
    if n <= max_n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_n, replace=False))
