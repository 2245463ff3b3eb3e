"""The decoded-image cache: decode once, rows aligned, resize methods, incremental and atomic."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import write_good
from PIL import Image

import dsanalysis.model.cache as cache
from dsanalysis.model.splits import usable_images
from dsanalysis.store import artifacts_dir, open_store


@pytest.fixture
def dataset(cli, tmp_path):
    write_good(tmp_path / "c" / "real", 4, 0)
    write_good(tmp_path / "c" / "fake", 4, 50)
    (tmp_path / "c" / "fake" / "copy.jpg").write_bytes((tmp_path / "c" / "real" / "img000.jpg").read_bytes())
    assert cli("ingest", "c", tmp_path / "c").code == 0
    return tmp_path / "c"


def test_decodes_each_content_once_and_rows_follow_the_frame(dataset, store_path):
    with open_store(store_path) as store:
        images = usable_images(store, "c")
    before = cache.decode_count
    pixels, rows = cache.decoded_images(store_path, images, size=96, method="nearest")
    assert cache.decode_count - before == 8  # 9 files, one duplicate content
    assert pixels.shape == (8, 96, 96, 3) and pixels.dtype == np.uint8
    for i, path in enumerate(images["path"]):
        expected = np.asarray(Image.open(path).convert("RGB").resize((96, 96), Image.Resampling.NEAREST))
        assert np.array_equal(pixels[rows[i]], expected)
    again, rows_again = cache.decoded_images(store_path, images.iloc[::-1], size=96, method="nearest")
    assert cache.decode_count - before == 8  # nothing decoded the second time
    assert np.array_equal(rows_again, rows[::-1])
    assert (artifacts_dir(store_path) / "decoded" / "c-nearest-96.npy").is_file()


def test_resize_methods_differ_and_are_cached_separately(dataset, store_path):
    with open_store(store_path) as store:
        images = usable_images(store, "c")
    nearest, rows_n = cache.decoded_images(store_path, images, size=100, method="nearest")
    area, rows_a = cache.decoded_images(store_path, images, size=100, method="area")
    assert not np.array_equal(nearest[rows_n[0]], area[rows_a[0]])
    expected = np.asarray(Image.open(images["path"][0]).convert("RGB").resize((100, 100), Image.Resampling.BOX))
    assert np.array_equal(area[rows_a[0]], expected)


def test_enlarging_area_equals_nearest_and_bilinear_differs():
    # documented in model/config.py: Pillow's area (box) filter samples one pixel per output pixel when enlarging
    pixels = np.random.default_rng(0).integers(0, 256, (250, 250, 3), dtype=np.uint8)
    nearest, area, bilinear = (cache.resize_rgb(pixels, 256, m) for m in ("nearest", "area", "bilinear"))
    assert np.array_equal(area, nearest) and not np.array_equal(bilinear, nearest)
    assert not np.array_equal(cache.resize_rgb(pixels, 200, "area"), cache.resize_rgb(pixels, 200, "nearest"))


def test_new_images_decode_only_the_new_content(dataset, cli, store_path):
    with open_store(store_path) as store:
        cache.decoded_images(store_path, usable_images(store, "c"), size=64)
    write_good(dataset / "real", 2, 900, prefix="new")
    assert cli("ingest", "c", dataset).code == 0
    before = cache.decode_count
    with open_store(store_path) as store:
        images = usable_images(store, "c")
    pixels, rows = cache.decoded_images(store_path, images, size=64)
    assert cache.decode_count - before == 2
    new = images["rel_path"].str.contains("new").to_numpy()
    expected = np.asarray(Image.open(images.loc[new, "path"].iloc[0]).convert("RGB"))
    assert np.array_equal(pixels[rows[new][0]], expected)


def test_a_cache_left_half_written_is_rebuilt(dataset, store_path):
    with open_store(store_path) as store:
        images = usable_images(store, "c")
    cache.decoded_images(store_path, images, size=64)
    index = artifacts_dir(store_path) / "decoded" / "c-nearest-64.index.json"
    index.write_text('{"content_hashes": ["only-one"]}')  # array and index disagree
    before = cache.decode_count
    pixels, rows = cache.decoded_images(store_path, images, size=64)
    assert cache.decode_count - before == 8 and pixels.shape[0] == 8
