"""User-supplied image embeddings (CLIP, a face-recognition network, a detector's penultimate layer, ...).

The package's own diversity traits are computed on its 19 hand-made descriptors (``descriptor_*``
traits). A user who has better image representations gives them to ``traits --embeddings FILE``,
and the same computations run on them as ``embedding_*`` traits (Vendi score, mean pairwise
distance, pair distances) and a second UMAP map (method ``umap_embeddings``).

Accepted files, one vector per image:

* Parquet (``.parquet``/``.pq``): a key column ``content_hash`` (the store's SHA-256 of the file,
  ``images.content_hash``) or ``path`` (the file's path as ingested: absolute, or relative to its
  dataset's folder), and either one list column ``embedding`` or several numeric columns (every
  numeric column but the key is a dimension);
* NumPy ``.npz``: arrays ``vectors`` (n x d) and ``content_hash`` or ``path`` (n strings).

Vectors are used as given (no standardization: an embedding's geometry is its own). Images of a
dataset without a vector are left out of its embedding traits, and a dataset with fewer than
:data:`MIN_COVERAGE` of its images covered gets none (the run's notes say so).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError

KEYS = ("content_hash", "path")
#: share of a dataset's images that must have a vector for its embedding traits
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class UserEmbeddings:
    """Vectors keyed by content hash or path, with where they came from."""

    key: str  # 'content_hash' or 'path'
    keys: np.ndarray  # (n,) str
    vectors: np.ndarray  # (n, d) float64
    source: str  # file name
    sha256: str  # of the file's bytes, stored with every trait computed from it

    def params(self) -> dict:
        """What is stored with each trait computed from these embeddings."""
        return {"representation": "user embeddings", "file": self.source, "sha256": self.sha256,
                "dimensions": int(self.vectors.shape[1]), "key": self.key}


def load_embeddings(path: str | Path) -> UserEmbeddings:
    """Read an embeddings file (see the module documentation).

    Raises
    ------
    UserError
        naming the file and the problem: missing, unknown format, no key column, no vectors, ragged or
        non-finite vectors, a key given twice.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"embeddings file {path} does not exist")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        keys, key, vectors = _from_parquet(path)
    elif suffix == ".npz":
        keys, key, vectors = _from_npz(path)
    else:
        raise UserError(f"embeddings file {path}: use a .parquet or .npz file, not {suffix or 'no suffix'}")
    if vectors.ndim != 2 or len(vectors) != len(keys) or vectors.shape[1] == 0:
        raise UserError(f"embeddings file {path}: {len(keys)} keys but vectors of shape {vectors.shape}")
    if not np.isfinite(vectors).all():
        raise UserError(f"embeddings file {path}: vectors hold NaN or infinite values")
    keys = np.asarray([str(k) for k in keys])
    repeated = pd.Series(keys).duplicated()
    if repeated.any():
        raise UserError(f"embeddings file {path}: {key} {str(keys[repeated.to_numpy()][0])!r} is given more than once")
    return UserEmbeddings(key, keys, vectors.astype(np.float64), path.name, hashlib.sha256(data).hexdigest())


def _from_parquet(path: Path) -> tuple[np.ndarray, str, np.ndarray]:
    import duckdb

    from dsanalysis.store.queries import run_query

    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        frame = run_query(con, "embeddings_parquet", path=str(path)).df()
    except duckdb.Error as error:
        raise UserError(f"embeddings file {path} is not a readable Parquet file: {str(error).splitlines()[0]}") from None
    finally:
        con.close()
    key = next((k for k in KEYS if k in frame.columns), None)
    if key is None:
        raise UserError(f"embeddings file {path}: no key column (give content_hash or path)")
    if "embedding" in frame.columns:
        try:
            vectors = np.stack([np.asarray(v, dtype=np.float64) for v in frame["embedding"]])
        except (TypeError, ValueError):
            raise UserError(f"embeddings file {path}: column embedding must hold numeric lists of one length") from None
    else:
        numeric = [c for c in frame.columns if c not in KEYS and pd.api.types.is_numeric_dtype(frame[c])]
        if not numeric:
            raise UserError(f"embeddings file {path}: no vectors (an 'embedding' list column or numeric columns)")
        vectors = frame[numeric].to_numpy(dtype=np.float64)
    return frame[key].astype(str).to_numpy(), key, vectors


def _from_npz(path: Path) -> tuple[np.ndarray, str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = set(archive.files)
            key = next((k for k in KEYS if k in names), None)
            if key is None or "vectors" not in names:
                raise UserError(f"embeddings file {path}: needs arrays 'vectors' and 'content_hash' or 'path' "
                                f"(has {', '.join(sorted(names)) or 'none'})")
            return archive[key], key, np.asarray(archive["vectors"], dtype=np.float64)
    except ValueError as error:
        if "allow_pickle" in str(error):  # an object array: never unpickled (it could run code)
            raise UserError(f"embeddings file {path}: save keys and vectors as plain arrays (e.g. np.asarray(keys, "
                            "dtype=str)), not object arrays") from None
        raise UserError(f"embeddings file {path} is not a readable .npz file: {str(error).splitlines()[0]}") from None
    except OSError as error:
        raise UserError(f"embeddings file {path} is not a readable .npz file: {str(error).splitlines()[0]}") from None


def image_vectors(embeddings: UserEmbeddings, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The vectors of ``frame``'s images.

    Parameters
    ----------
    frame : DataFrame
        images with columns content_hash, path (absolute) and rel_path.

    Returns
    -------
    (vectors, found): the (k, d) vectors of the k images that have one, and the boolean mask over
    ``frame``'s rows of those images (in frame order).
    """
    position = pd.Series(np.arange(len(embeddings.keys)), index=embeddings.keys)
    if embeddings.key == "content_hash":
        at = frame["content_hash"].astype(str).map(position)
    else:
        at = frame["path"].astype(str).map(position)
        at = at.fillna(frame["rel_path"].astype(str).map(position))
    found = at.notna().to_numpy()
    return embeddings.vectors[at[found].astype(int).to_numpy()], found
