"""The joint 2-D UMAP map of all images' standardized descriptor vectors (umap-learn), seeded.

Nearest neighbours are computed exactly with scikit-learn and handed to UMAP (its own exact search
calls a Python metric per pair, minutes for a few thousand images). Up to :data:`MAX_FIT_IMAGES`
images are fitted; beyond, UMAP is fitted on a seeded subsample and every other image is placed at
the inverse-distance-weighted mean position of its nearest fitted neighbours.
"""

from __future__ import annotations

import warnings

import numpy as np

MAX_FIT_IMAGES = 20_000
N_NEIGHBORS = 15
MIN_DIST = 0.1


def exact_knn(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and distances (n, k) of each row's k nearest rows, the row itself first."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k - 1).fit(x)
    dists, indices = nn.kneighbors(None, n_neighbors=k - 1)  # None: each row's neighbours besides itself
    own = np.arange(len(x))[:, None]
    return np.hstack([own, indices]), np.hstack([np.zeros((len(x), 1)), dists])


def umap_embedding(x: np.ndarray, seed: int, max_fit: int = MAX_FIT_IMAGES) -> tuple[np.ndarray, dict]:
    """2-D coordinates for every row of ``x`` and the settings that produced them.

    Returns
    -------
    (ndarray, dict)
        (n, 2) coordinates; params with seed, n_neighbors, min_dist, n_fit, n_total.
    """
    import umap
    from sklearn.neighbors import NearestNeighbors

    from dsanalysis.traits.diversity import subsample

    n = len(x)
    neighbours = max(2, min(N_NEIGHBORS, n - 1))
    fit_rows = subsample(n, max_fit, seed)
    fitted = x[fit_rows]
    model = umap.UMAP(n_components=2, n_neighbors=neighbours, min_dist=MIN_DIST, random_state=seed, n_jobs=1,
                      precomputed_knn=exact_knn(fitted, neighbours))
    coords = np.empty((n, 2))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*knn_search_index.*")  # we never call transform()
        coords[fit_rows] = model.fit_transform(fitted)
    rest = np.setdiff1d(np.arange(n), fit_rows)
    if len(rest):
        dists, indices = NearestNeighbors(n_neighbors=neighbours).fit(fitted).kneighbors(x[rest])
        weights = 1.0 / np.maximum(dists, 1e-12)
        coords[rest] = (coords[fit_rows][indices] * weights[:, :, None]).sum(axis=1) / weights.sum(axis=1, keepdims=True)
    params = {"seed": seed, "n_neighbors": neighbours, "min_dist": MIN_DIST, "metric": "euclidean", "knn": "exact",
              "n_fit": int(len(fit_rows)), "n_total": int(n), "max_fit": max_fit,
              "placement_beyond_fit": "inverse-distance-weighted mean of nearest fitted neighbours"}
    return coords, params
