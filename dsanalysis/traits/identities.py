"""Who is in a set of faces: identities estimated by clustering face descriptors, and what follows from them.

Identities are clusters of 128-d dlib face descriptors by average-linkage agglomerative clustering
on Euclidean distances, cut at dlib's published same-person threshold 0.6 (two clusters merge while
the mean distance between their faces is at most the threshold); cuts at 0.5 and 0.7 show how much
the count depends on it. Up to :data:`MAX_EXACT_IMAGES` faces are clustered exactly; beyond, a seeded
subsample is clustered, every other face joins the cluster of its nearest clustered face when that is
within the threshold, and the faces left over are clustered the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsanalysis.traits.diversity import shannon_entropy, subsample

#: dlib's same-person threshold for its ResNet descriptor (Euclidean distance).
SAME_PERSON = 0.6
#: Cuts that show the identity count's sensitivity to the threshold.
SENSITIVITY = (0.5, 0.7)
LINKAGE = "average"
#: Faces clustered exactly (a condensed distance matrix of 6,000 faces is 144 MB).
MAX_EXACT_IMAGES = 6_000
#: Seed of the subsample beyond MAX_EXACT_IMAGES: fixed, so traits and splits see the same clusters.
CLUSTER_SEED = 0
#: Share of a split's test faces whose identity is in its training part from which a warning is stored.
LEAKAGE_WARNING = 0.10
TRAINING_PARTS = ("train", "validation")


def cluster_identities(x: np.ndarray, thresholds: tuple[float, ...] = (SAME_PERSON,), *,
                       max_exact: int = MAX_EXACT_IMAGES, seed: int = CLUSTER_SEED) -> np.ndarray:
    """Identity labels of each row of ``x`` (n, d) at each threshold.

    Returns
    -------
    ndarray (len(thresholds), n) of int
        labels 0..k-1, numbered in order of each identity's first row.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"descriptors must be a 2-D array, not shape {x.shape}")
    if max_exact < 2:
        raise ValueError(f"max_exact must be at least 2, not {max_exact}")
    n = len(x)
    out = np.zeros((len(thresholds), n), dtype=np.int64)
    if n < 2:
        return out
    rows = subsample(n, max_exact, seed)
    tree = linkage(pdist(x[rows]), method=LINKAGE)
    rest = np.setdiff1d(np.arange(n), rows)
    if len(rest):
        from sklearn.neighbors import NearestNeighbors

        nearest_distance, nearest = NearestNeighbors(n_neighbors=1).fit(x[rows]).kneighbors(x[rest])
        nearest_distance, nearest = nearest_distance[:, 0], nearest[:, 0]
    for k, threshold in enumerate(thresholds):
        labels = np.full(n, -1, dtype=np.int64)
        labels[rows] = fcluster(tree, threshold, criterion="distance") - 1
        if len(rest):
            near = nearest_distance <= threshold
            labels[rest[near]] = labels[rows][nearest[near]]
            left = rest[~near]
            if len(left):
                labels[left] = labels.max() + 1 + cluster_identities(x[left], (threshold,), max_exact=max_exact,
                                                                       seed=seed + 1)[0]
        out[k] = first_seen_order(labels)
    return out


def first_seen_order(labels: np.ndarray) -> np.ndarray:
    """``labels`` renumbered 0, 1, ... in the order each label first appears."""
    labels = np.asarray(labels)
    if len(labels) == 0:
        return labels.astype(np.int64)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse]


def identity_summary(labels: np.ndarray) -> dict[str, float]:
    """Size of the identity distribution of some faces.

    Returns
    -------
    dict
        identities (distinct labels), identity_entropy (Shannon entropy of the identity shares, nats),
        identity_largest_share (faces of the largest identity / faces), images_per_identity
        (faces / identities); NaN without faces.
    """
    labels = np.asarray(labels)
    if len(labels) == 0:
        return {"identities": 0.0, "identity_entropy": float("nan"), "identity_largest_share": float("nan"),
                "images_per_identity": float("nan")}
    counts = np.unique(labels, return_counts=True)[1]
    return {"identities": float(len(counts)), "identity_entropy": shannon_entropy(counts),
            "identity_largest_share": float(counts.max() / len(labels)),
            "images_per_identity": float(len(labels) / len(counts))}


def shared_identity_share(labels: np.ndarray, fake: np.ndarray) -> float:
    """Share of the fake faces whose identity also holds a real face; NaN without fake faces."""
    labels, fake = np.asarray(labels), np.asarray(fake, dtype=bool)
    if not fake.any():
        return float("nan")
    real_identities = np.unique(labels[~fake])
    return float(np.isin(labels[fake], real_identities).mean())


def identity_leakage(labels: np.ndarray, parts: np.ndarray) -> tuple[int, int]:
    """Test faces whose identity also has a face in the training part (train or validation).

    Parameters
    ----------
    labels : array (n,)
        identity of each face.
    parts : array (n,)
        'train', 'validation', 'test', or anything else (None: not in the split).

    Returns
    -------
    (leaked test faces, test faces)
    """
    labels, parts = np.asarray(labels), np.asarray(parts, dtype=object)
    if labels.shape != parts.shape:
        raise ValueError(f"labels and parts differ in length ({len(labels)} and {len(parts)})")
    test = parts == "test"
    training = np.isin(parts, TRAINING_PARTS)
    leaked = np.isin(labels[test], np.unique(labels[training]))
    return int(leaked.sum()), int(test.sum())


def cluster_mean_distances(x_a: np.ndarray, labels_a: np.ndarray, x_b: np.ndarray, labels_b: np.ndarray) -> np.ndarray:
    """Mean Euclidean distance between the faces of each identity of A and each identity of B (average linkage).

    Returns
    -------
    ndarray (identities of A, identities of B), identities numbered as in ``labels_a`` and ``labels_b`` (0..k-1).
    """
    from scipy.sparse import csr_matrix
    from scipy.spatial.distance import cdist

    labels_a, labels_b = np.asarray(labels_a), np.asarray(labels_b)
    one_a = csr_matrix((np.ones(len(labels_a)), (np.arange(len(labels_a)), labels_a)))
    one_b = csr_matrix((np.ones(len(labels_b)), (np.arange(len(labels_b)), labels_b)))
    by_a = one_a.T @ cdist(x_a, x_b)                    # (identities of A, faces of B): sums over A's faces
    sums = (one_b.T @ by_a.T).T                          # then over B's faces
    sizes = np.outer(np.bincount(labels_a), np.bincount(labels_b))
    return np.asarray(sums) / sizes


def identity_overlap(x_a: np.ndarray, labels_a: np.ndarray, x_b: np.ndarray, labels_b: np.ndarray,
                     threshold: float = SAME_PERSON) -> float:
    """Share of B's identities found in A: those whose mean distance to some identity of A is at most ``threshold``
    (the criterion under which average linkage would join them). NaN when either side has no face."""
    if len(x_a) == 0 or len(x_b) == 0:
        return float("nan")
    means = cluster_mean_distances(x_a, first_seen_order(labels_a), x_b, first_seen_order(labels_b))
    return float((means.min(axis=0) <= threshold).mean())


def split_leakage_rows(labels: np.ndarray, image_ids: np.ndarray, split_parts: pd.DataFrame) -> pd.DataFrame:
    """Identity leakage of every stored split of one dataset.

    Parameters
    ----------
    labels, image_ids : arrays (n,)
        identity and image id of each face of the dataset.
    split_parts : DataFrame
        split_id, image_id, part (the ``traits_split_parts`` query).

    Returns
    -------
    DataFrame
        split_id, leaked (test faces whose identity is in train or validation), test_faces, share
        (leaked / test_faces; NaN without test faces), warning (share > :data:`LEAKAGE_WARNING`).
    """
    rows = []
    ids = pd.Series(np.asarray(image_ids))
    for split_id, members in split_parts.groupby("split_id", sort=True):
        parts = ids.map(members.set_index("image_id")["part"]).to_numpy(dtype=object)
        leaked, test = identity_leakage(labels, parts)
        share = leaked / test if test else float("nan")
        rows.append({"split_id": split_id, "leaked": leaked, "test_faces": test, "share": share,
                     "warning": bool(test and share > LEAKAGE_WARNING)})
    return pd.DataFrame(rows, columns=["split_id", "leaked", "test_faces", "share", "warning"])
