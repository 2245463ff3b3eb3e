"""Distances between two datasets' descriptor distributions: Frechet distance, MMD, and PRDC.

Inputs are (n, d) arrays of standardized descriptor vectors, one row per image.
"""

from __future__ import annotations

import numpy as np

#: MMD and PRDC are exact up to this many images per dataset; beyond, a seeded subsample of each
#: (they hold n x n distance matrices: 3,000 images is 72 MB per matrix).
MAX_EXACT_IMAGES = 3_000
#: Nearest neighbours defining the PRDC manifolds (Naeem et al. 2020 use k = 5).
PRDC_K = 5


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_from_moments(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    """Frechet (2-Wasserstein) distance squared between N(mu1, cov1) and N(mu2, cov2):
    |mu1 - mu2|^2 + tr(cov1 + cov2 - 2 (cov1 cov2)^(1/2)), as in the FID.

    tr((cov1 cov2)^(1/2)) is computed as the sum of square roots of the eigenvalues of the symmetric
    matrix cov1^(1/2) cov2 cov1^(1/2) (same eigenvalues), which stays exact for singular covariances.
    """
    mu1, mu2 = np.atleast_1d(mu1).astype(np.float64), np.atleast_1d(mu2).astype(np.float64)
    cov1, cov2 = np.atleast_2d(cov1).astype(np.float64), np.atleast_2d(cov2).astype(np.float64)
    root1 = _psd_sqrt(cov1)
    middle = root1 @ cov2 @ root1
    trace_sqrt = float(np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2.0), 0.0, None)).sum())
    diff = mu1 - mu2
    return float(max(0.0, diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * trace_sqrt))


def frechet_distance(x: np.ndarray, y: np.ndarray) -> float:
    """:func:`frechet_from_moments` of the sample means and covariances of ``x`` and ``y``."""
    return frechet_from_moments(x.mean(axis=0), np.cov(x, rowvar=False), y.mean(axis=0), np.cov(y, rowvar=False))


def median_bandwidth(x: np.ndarray, y: np.ndarray) -> float:
    """The median heuristic: median Euclidean distance over all pairs of the pooled rows."""
    from scipy.spatial.distance import pdist

    d = pdist(np.vstack([x, y]))
    positive = d[d > 0]
    return float(np.median(positive)) if len(positive) else 1.0


def mmd_squared(x: np.ndarray, y: np.ndarray, bandwidth: float) -> float:
    """Unbiased MMD^2 (Gretton et al. 2012) with the Gaussian kernel exp(-|a-b|^2 / (2 bandwidth^2))."""
    from scipy.spatial.distance import cdist

    gamma = 1.0 / (2.0 * bandwidth**2)
    kxx = np.exp(-gamma * cdist(x, x, "sqeuclidean"))
    kyy = np.exp(-gamma * cdist(y, y, "sqeuclidean"))
    kxy = np.exp(-gamma * cdist(x, y, "sqeuclidean"))
    m, n = len(x), len(y)
    xx = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    yy = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(xx + yy - 2.0 * kxy.mean())


def prdc(real: np.ndarray, fake: np.ndarray, k: int = PRDC_K) -> dict[str, float]:
    """Precision, recall, density and coverage of ``fake`` against ``real`` (Naeem et al. 2020).

    Each real row's k-NN radius (distance to its k-th nearest other real row) defines a ball;
    precision = share of fake rows inside some real ball; recall = share of real rows inside some
    fake ball (fake radii); density = mean over fake rows of the number of real balls containing it / k;
    coverage = share of real rows whose ball contains some fake row.
    """
    from scipy.spatial.distance import cdist

    def radii(a: np.ndarray) -> np.ndarray:
        d = cdist(a, a)
        return np.sort(d, axis=1)[:, k]  # column 0 is the row itself

    real_radii, fake_radii = radii(real), radii(fake)
    d = cdist(real, fake)
    inside_real = d < real_radii[:, None]           # (real, fake): fake j inside real ball i
    inside_fake = d < fake_radii[None, :]           # real i inside fake ball j
    return {
        "precision": float(inside_real.any(axis=0).mean()),
        "recall": float(inside_fake.any(axis=1).mean()),
        "density": float(inside_real.sum(axis=0).mean() / k),
        "coverage": float((d.min(axis=1) < real_radii).mean()),
    }
