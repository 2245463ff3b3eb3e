"""Near-duplicate images by perceptual hash (pHash), and near-duplicates that straddle a train/test split.

pHash (Zauner 2010, as in the ``imagehash`` package): the image is reduced to 32x32 grey, its 2-D
DCT-II taken, the top-left 8x8 low-frequency block kept, and each coefficient compared with the
block's median, giving 64 bits. Two images are near-duplicates when their hashes differ in at most
:data:`NEAR_DUPLICATE_BITS` bits, as consecutive frames of one video typically do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Hamming distance (of 64 bits) at or below which two images count as near-duplicates.
NEAR_DUPLICATE_BITS = 6
#: Pairwise hash comparison is exact up to this many images; beyond, a seeded subsample is compared.
MAX_EXACT_IMAGES = 20_000


def phash(gray: np.ndarray) -> str:
    """The 64-bit perceptual hash of a grey image (2-D, any size) as 16 hex digits."""
    from PIL import Image
    from scipy.fft import dctn

    small = np.asarray(Image.fromarray(np.clip(gray, 0, 255).astype(np.uint8)).resize((32, 32), Image.LANCZOS),
                       dtype=np.float64)
    block = dctn(small, type=2, norm="ortho")[:8, :8]
    bits = (block > np.median(block)).ravel()
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def hamming_matrix(hashes: list[str]) -> np.ndarray:
    """Pairwise Hamming distances (n, n) between 16-hex-digit hashes."""
    values = np.array([int(h, 16) for h in hashes], dtype=np.uint64)
    bits = np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1).astype(np.uint8)
    # distance = ones(a) + ones(b) - 2 * shared ones
    ones = bits.sum(axis=1).astype(np.int64)
    shared = bits.astype(np.int64) @ bits.T.astype(np.int64)
    return ones[:, None] + ones[None, :] - 2 * shared


def near_duplicate_pairs(hashes: list[str], max_bits: int = NEAR_DUPLICATE_BITS) -> pd.DataFrame:
    """Index pairs (i < j) of hashes within ``max_bits`` of each other.

    Returns
    -------
    DataFrame
        columns i, j, bits.
    """
    if len(hashes) < 2:
        return pd.DataFrame({"i": [], "j": [], "bits": []}, dtype="int64")
    distances = hamming_matrix(hashes)
    i, j = np.nonzero(np.triu(distances <= max_bits, k=1))
    return pd.DataFrame({"i": i, "j": j, "bits": distances[i, j]})


def near_duplicate_rate(hashes: list[str], max_bits: int = NEAR_DUPLICATE_BITS) -> float:
    """Share of images with at least one near-duplicate among the others."""
    pairs = near_duplicate_pairs(hashes, max_bits)
    if not len(hashes):
        return float("nan")
    involved = np.union1d(pairs["i"].to_numpy(), pairs["j"].to_numpy())
    return len(involved) / len(hashes)


def split_leakage(pairs: pd.DataFrame, parts: pd.Series) -> tuple[int, int]:
    """Near-duplicate pairs that cross a split's test part and its train/validation parts.

    ``parts`` gives each image's part ('train', 'validation', 'test' or missing), indexed like the
    hashes in ``pairs``. Returns (crossing pairs, test images with a near-duplicate in train/validation).
    """
    if pairs.empty:
        return 0, 0
    a = parts.iloc[pairs["i"].to_numpy()].to_numpy()
    b = parts.iloc[pairs["j"].to_numpy()].to_numpy()
    training = {"train", "validation"}
    a_test, b_test = a == "test", b == "test"
    a_train = np.isin(a, list(training))
    b_train = np.isin(b, list(training))
    crossing = (a_test & b_train) | (b_test & a_train)
    test_images = set(pairs["i"].to_numpy()[crossing & a_test]) | set(pairs["j"].to_numpy()[crossing & b_test])
    return int(crossing.sum()), len(test_images)
