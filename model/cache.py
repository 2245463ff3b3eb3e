"""Decoded-image cache: every image decoded, converted to RGB and resized once, then memory-mapped.

One uint8 array ``(rows, size, size, 3)`` per (dataset, resize method, size) lives under
``<store>_files/decoded/`` as ``.npy`` with a JSON index of the content hashes of its rows, so
training epochs and every evaluation read pixels instead of decoding JPEGs again. Rows are keyed
by content hash: re-ingesting a dataset decodes only new content. Files are replaced atomically.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.imaging import read_rgb
from dsanalysis.progress import progress
from dsanalysis.store import artifacts_dir

#: Resize methods, by the name stored with runs and evaluations, with their Pillow filter names.
#: 'nearest' is what the original MesoNet code got from Keras' ImageDataGenerator.
RESIZE_METHODS = {"nearest": "NEAREST", "bilinear": "BILINEAR", "area": "BOX"}

#: Images decoded by this process (benchmarks and tests read it to prove decoding happens once).
decode_count = 0


def resized_rgb(path: str | Path, size: int, method: str) -> np.ndarray:
    """One image as uint8 RGB ``(size, size, 3)``: decoded by :func:`read_rgb`, then resized."""
    return resize_rgb(read_rgb(path), size, method)


def resize_rgb(pixels: np.ndarray, size: int, method: str) -> np.ndarray:
    """A uint8 RGB array resized to ``(size, size, 3)`` with one of :data:`RESIZE_METHODS`."""
    from PIL import Image

    if pixels.shape[:2] == (size, size):
        return pixels
    resample = getattr(Image.Resampling, RESIZE_METHODS[method])
    return np.asarray(Image.fromarray(pixels).resize((size, size), resample=resample), dtype=np.uint8)


def _paths(store_path: str | Path, dataset: str, method: str, size: int) -> tuple[Path, Path]:
    folder = artifacts_dir(store_path) / "decoded"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in dataset)
    stem = f"{safe}-{method}-{size}"
    return folder / f"{stem}.npy", folder / f"{stem}.index.json"


def _read_index(array_path: Path, index_path: Path) -> tuple[np.ndarray | None, list[str]]:
    if not array_path.exists() or not index_path.exists():
        return None, []
    try:
        hashes = json.loads(index_path.read_text())["content_hashes"]
        array = np.load(array_path, mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return None, []
    if array.shape[0] != len(hashes):  # interrupted between the two replaces: rebuild
        return None, []
    return array, hashes


def decoded_images(
    store_path: str | Path, images: pd.DataFrame, *, size: int = 256, method: str = "nearest"
) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of ``images`` (one dataset's rows with path, content_hash, dataset), decoding only what is not cached.

    Returns
    -------
    (array, rows): the memory-mapped uint8 array of the dataset's cache and, for each row of
    ``images`` in order, its row in that array (``array[rows[i]]`` is image i).
    """
    global decode_count
    if method not in RESIZE_METHODS:
        raise UserError(f"unknown resize method {method!r}; use {', '.join(RESIZE_METHODS)}")
    datasets = images["dataset"].unique()
    if len(datasets) != 1:
        raise ValueError(f"decoded_images takes one dataset's images, got {len(datasets)} datasets")
    array_path, index_path = _paths(store_path, str(datasets[0]), method, size)
    array, hashes = _read_index(array_path, index_path)
    row_of = {h: i for i, h in enumerate(hashes)}
    wanted = images.drop_duplicates("content_hash")
    missing = wanted[~wanted["content_hash"].isin(row_of)]
    if len(missing):
        array_path.parent.mkdir(parents=True, exist_ok=True)
        start = len(hashes)
        tmp_array = array_path.with_suffix(".tmp.npy")
        out = np.lib.format.open_memmap(tmp_array, mode="w+", dtype=np.uint8, shape=(start + len(missing), size, size, 3))
        if array is not None:
            out[:start] = array
        paths = missing["path"].tolist()

        def decode(position: int) -> int:
            try:
                out[start + position] = resized_rgb(paths[position], size, method)
            except (OSError, ValueError) as error:
                raise UserError(f"cannot read {paths[position]} ({error}); re-run `python -m dsanalysis ingest` "
                                "if the dataset changed") from None
            return position

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # Pillow decodes without the GIL
            for _ in progress(pool.map(decode, range(len(paths))), total=len(paths), desc=f"decode {datasets[0]}", unit="img"):
                pass
        decode_count += len(paths)
        out.flush()
        del out
        hashes = hashes + missing["content_hash"].tolist()
        tmp_index = index_path.with_suffix(".tmp.json")
        tmp_index.write_text(json.dumps({"dataset": str(datasets[0]), "method": method, "size": size, "content_hashes": hashes}))
        os.replace(tmp_array, array_path)
        os.replace(tmp_index, index_path)
        array, hashes = _read_index(array_path, index_path)
        row_of = {h: i for i, h in enumerate(hashes)}
    rows = images["content_hash"].map(row_of).to_numpy(dtype=np.int64)
    return array, rows
