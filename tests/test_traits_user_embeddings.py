"""User-supplied embeddings: reading Parquet and .npz files, matching them to images, and clear errors."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from dsanalysis.errors import UserError
from dsanalysis.traits.user_embeddings import image_vectors, load_embeddings

def _parquet(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` as Parquet (through DuckDB: the package needs no pyarrow)."""
    with duckdb.connect() as con:
        con.from_df(frame).write_parquet(str(path))


IMAGES = pd.DataFrame({"content_hash": ["h1", "h2", "h3"], "path": ["/d/real/a.jpg", "/d/fake/b.jpg", "/d/real/c.jpg"],
                       "rel_path": ["real/a.jpg", "fake/b.jpg", "real/c.jpg"]})


def test_parquet_with_a_list_column_keyed_by_content_hash(tmp_path):
    file = tmp_path / "e.parquet"
    _parquet(pd.DataFrame({"content_hash": ["h3", "h1"], "embedding": [[3.0, 0.0], [1.0, 0.5]]}), file)
    loaded = load_embeddings(file)
    vectors, found = image_vectors(loaded, IMAGES)
    assert found.tolist() == [True, False, True]
    assert vectors.tolist() == [[1.0, 0.5], [3.0, 0.0]]  # in image order
    assert loaded.params()["dimensions"] == 2 and len(loaded.params()["sha256"]) == 64


def test_parquet_with_numeric_columns_and_npz_keyed_by_path(tmp_path):
    file = tmp_path / "e.parquet"
    _parquet(pd.DataFrame({"path": ["real/a.jpg", "/d/fake/b.jpg"], "d0": [1.0, 2.0], "d1": [0.0, 1.0]}), file)
    vectors, found = image_vectors(load_embeddings(file), IMAGES)  # relative or absolute paths both match
    assert found.tolist() == [True, True, False] and vectors.tolist() == [[1.0, 0.0], [2.0, 1.0]]
    npz = tmp_path / "e.npz"
    np.savez(npz, path=np.array(["real/c.jpg"]), vectors=np.array([[7.0, 8.0, 9.0]]))
    vectors, found = image_vectors(load_embeddings(npz), IMAGES)
    assert found.tolist() == [False, False, True] and vectors.tolist() == [[7.0, 8.0, 9.0]]


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: _parquet(pd.DataFrame({"name": ["x"], "d0": [1.0]}), p), r"no key column \(give content_hash or path\)"),
    (lambda p: _parquet(pd.DataFrame({"path": ["x"], "label": ["real"]}), p), "no vectors"),
    (lambda p: _parquet(pd.DataFrame({"path": ["x", "x"], "d0": [1.0, 2.0]}), p), "path 'x' is given more than once"),
    (lambda p: _parquet(pd.DataFrame({"path": ["x"], "d0": [np.nan]}), p), "NaN or infinite"),
    (lambda p: p.write_bytes(b"not parquet"), "is not a readable Parquet file"),
])
def test_bad_files_name_the_file_and_the_problem(tmp_path, make, message):
    file = tmp_path / "bad.parquet"
    make(file)
    with pytest.raises(UserError, match=message) as error:
        load_embeddings(file)
    assert str(file) in str(error.value)


def test_wrong_kind_of_file_and_missing_arrays(tmp_path):
    with pytest.raises(UserError, match="use a .parquet or .npz file"):
        (tmp_path / "e.csv").write_text("a")
        load_embeddings(tmp_path / "e.csv")
    np.savez(tmp_path / "e.npz", keys=np.array(["a"]))
    with pytest.raises(UserError, match="needs arrays 'vectors' and 'content_hash' or 'path'"):
        load_embeddings(tmp_path / "e.npz")
    with pytest.raises(UserError, match="does not exist"):
        load_embeddings(tmp_path / "none.npz")


def test_an_npz_with_object_arrays_is_refused_without_unpickling(tmp_path):
    np.savez(tmp_path / "e.npz", path=np.array(["a", "b"], dtype=object), vectors=np.eye(2))
    with pytest.raises(UserError, match="not object arrays"):
        load_embeddings(tmp_path / "e.npz")
