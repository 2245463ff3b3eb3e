"""The ``traits`` command end to end: tables filled, unchanged images reused, bad input reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dsanalysis.store import open_store
from dsanalysis.traits.extraction import TRAITS, extract_chunk
from fixtures import write_good


def _count(store_path: Path, table: str) -> int:
    with open_store(store_path, read_only=True) as store:
        return {
            "image_traits": len(store.query("image_traits")),
            "dataset_traits": len(store.query("dataset_traits")),
            "dataset_pair_traits": len(store.query("dataset_pair_traits")),
        }[table]


@pytest.fixture
def two_small_datasets(tmp_path, cli):
    write_good(tmp_path / "a" / "real", 6, 1)
    write_good(tmp_path / "a" / "fake", 6, 100)
    write_good(tmp_path / "b" / "real", 5, 200)
    write_good(tmp_path / "b" / "fake", 5, 300)
    assert cli("ingest", "a", tmp_path / "a").code == 0
    assert cli("ingest", "b", tmp_path / "b").code == 0
    return tmp_path


def test_quality_traits_fill_the_tables_and_a_second_run_reuses_every_image(cli, store_path, two_small_datasets):
    first = cli("traits", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "50")
    assert first.code == 0, first.err
    assert "quality: 22 images measured, 0 unchanged" in first.out
    with open_store(store_path, read_only=True) as store:
        per_image = store.query("image_traits", trait="sharpness")
        assert len(per_image) == 22 and per_image["value"].notna().all()
        traits = store.query("dataset_traits", dataset="a").set_index(["trait", "class"])
        assert traits.loc[("images", "real"), "value"] == 6
        assert traits.loc[("sharpness.mean", "all"), "n"] == 12
        assert "seed" in json.loads(traits.loc[("sharpness.mean", "all"), "params"])
        pairs = store.query("dataset_pair_traits")
        assert {(r.dataset_a, r.dataset_b) for r in pairs.itertuples()} == {("a", "b"), ("b", "a")}
        assert set(pairs["trait"]) == {f"descriptor_{t}" for t in ("frechet_distance", "mmd_squared", "precision", "recall", "density", "coverage")}
    stored = _count(store_path, "image_traits")
    second = cli("traits", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "50")
    assert second.code == 0, second.err
    assert "quality: 0 images measured, 22 unchanged" in second.out
    assert _count(store_path, "image_traits") == stored


def test_only_changed_images_are_measured_again(cli, store_path, two_small_datasets):
    assert cli("traits", "a", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "0").code == 0
    target = two_small_datasets / "a" / "real" / "img000.jpg"
    Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(target, "JPEG", quality=50)
    assert cli("ingest", "a", two_small_datasets / "a").code == 0
    again = cli("traits", "a", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "0")
    assert "quality: 1 images measured, 11 unchanged" in again.out
    with open_store(store_path, read_only=True) as store:
        rows = store.query("image_traits", dataset="a", trait="jpeg_quality")
    assert rows.loc[rows["rel_path"] == "real/img000.jpg", "value"].item() == pytest.approx(50, abs=1)


def test_user_mistakes_are_one_line_errors(cli, two_small_datasets):
    unknown = cli("traits", "nope", "--jobs", "1")
    assert unknown.code == 1 and "'nope' is not registered" in unknown.err and "Traceback" not in unknown.err
    bad = cli("traits", "--extractors", "quality,colour")
    assert bad.code == 1 and "unknown extractor 'colour'" in bad.err
    assert cli("traits", "--jobs", "0").code == 1


def test_undecodable_and_uniform_images_get_reasons_not_numbers(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    grey = tmp_path / "grey.png"
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(grey)
    rows = extract_chunk([("h_broken", str(broken), "JPEG", ("quality",)), ("h_grey", str(grey), "PNG", ("quality",))])
    broken_rows = [r for r in rows if r[0] == "h_broken"]
    assert len(broken_rows) == len(TRAITS["quality"])
    assert all(r[3] is None and r[4] is None and r[5].startswith("cannot decode") for r in broken_rows)
    grey_rows = {r[2]: r for r in rows if r[0] == "h_grey"}
    assert grey_rows["sharpness"][3] == 0.0
    assert grey_rows["high_frequency_share"][3] is None and "uniform" in grey_rows["high_frequency_share"][5]
    assert grey_rows["jpeg_quality"][5].startswith("not a JPEG")


@pytest.mark.slow
def test_full_traits_on_real_faces_with_split_leakage_and_umap(cli, store_path, tmp_path, mesonet_dir, lfw_dir):
    for name, root, fake_folder in (("meso", mesonet_dir / "train", "df"), ("lfw", lfw_dir, "fake")):
        for label, folder in (("real", "real"), ("fake", fake_folder)):
            target = tmp_path / name / label
            target.mkdir(parents=True)
            for path in sorted((root / folder).glob("*.jpg"))[:10]:
                shutil.copy(path, target / path.name)
        assert cli("ingest", name, tmp_path / name).code == 0
    with open_store(store_path) as store:  # a stored split of meso: first 5 of each class train, rest test
        ids = store.query("usable_images", dataset="meso")[["image_id", "rel_path"]]
        with store.transaction():
            store.con.execute("INSERT INTO splits (split_id, dataset, strategy, n_train, n_validation, n_test, created_at, "
                              "package_version) VALUES ('s1', 'meso', 'random', 10, 0, 10, now()::TIMESTAMP, 'test')")
            for k, row in enumerate(ids.itertuples()):
                store.con.execute("INSERT INTO split_members VALUES ('s1', ?, ?)", [row.image_id, "train" if k % 2 else "test"])
    result = cli("traits", "--jobs", "2", "--bootstrap", "50")
    assert result.code == 0, result.err
    with open_store(store_path, read_only=True) as store:
        faces = store.query("image_traits", trait="face_count")
        assert (faces["value"] >= 1).mean() >= 0.9      # these are face crops
        ita = store.query("image_traits", trait="ita_category")
        assert ita["category"].notna().mean() >= 0.8
        traits = store.query("dataset_traits", dataset="meso").set_index(["trait", "class"])
        # a split stored without its leakage check (drawn by an older version) is checked by traits
        assert store.query("split_leakage", dataset="meso")["part"].tolist() == ["test"]
        assert not any(str(t).startswith("split_leakage") for t, _ in traits.index)
        assert traits.loc[("ita_category.entropy", "all"), "n"] >= 16
        assert 1.0 <= traits.loc[("descriptor_vendi_score", "all"), "value"] <= 20
        embedded = store.con.execute("SELECT count(*) FROM embeddings WHERE method = 'umap_descriptors'").fetchone()[0]
        assert embedded == 40
    again = cli("traits", "--jobs", "2", "--bootstrap", "50")
    assert "faces: 0 images measured, 40 unchanged" in again.out and "UMAP map unchanged" in again.out


def test_user_supplied_manifest_attributes_become_dataset_traits(cli, store_path, tmp_path):
    paths = write_good(tmp_path / "m" / "imgs", 24, 500)
    lines = ["path,label,skin_group,age"]
    for k, path in enumerate(paths):
        lines.append(f"imgs/{path.name},{'real' if k < 12 else 'fake'},{'A' if k % 4 else 'B'},{20 + k}")
    (tmp_path / "m" / "manifest.csv").write_text("\n".join(lines) + "\n")
    assert cli("ingest", "m", tmp_path / "m" / "manifest.csv").code == 0
    assert cli("traits", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "20").code == 0
    with open_store(store_path, read_only=True) as store:
        traits = store.query("dataset_traits", dataset="m").set_index(["trait", "class"])
    assert traits.loc[("attr.skin_group.share.B", "all"), "value"] == pytest.approx(6 / 24)
    p = np.array([18, 6]) / 24
    assert traits.loc[("attr.skin_group.entropy", "all"), "value"] == pytest.approx(-(p * np.log(p)).sum())
    # 24 distinct numbers: summarized as a number, fakes (ages 32-43) 12 years older than reals (20-31)
    assert traits.loc[("attr.age.mean", "all"), "value"] == pytest.approx(20 + 23 / 2)
    assert traits.loc[("attr.age.smd", "all"), "value"] == pytest.approx(12 / np.std(np.arange(12), ddof=1))


def test_traits_up_to_date_follows_the_images(cli, tmp_path, store_path):
    from fixtures import write_good

    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import traits_up_to_date

    root = tmp_path / "u"
    write_good(root / "real", 4, 0)
    write_good(root / "fake", 4, 100)
    assert cli("ingest", "u", root).code == 0
    with open_store(store_path, read_only=True) as store:
        assert not traits_up_to_date(store, ["u"], ["quality"])
    assert cli("traits", "u", "--extractors", "quality").code == 0
    with open_store(store_path, read_only=True) as store:
        assert traits_up_to_date(store, ["u"], ["quality"])
        assert not traits_up_to_date(store, ["u"], ["quality", "skin"])
    write_good(root / "real", 1, 50, prefix="new")
    assert cli("ingest", "u", root).code == 0
    with open_store(store_path, read_only=True) as store:
        assert not traits_up_to_date(store, ["u"], ["quality"])  # a new image: its descriptors and the summary are due


def test_user_embeddings_get_the_same_computations_under_their_own_names(cli, store_path, two_small_datasets, tmp_path):
    """traits --embeddings: embedding_* traits beside the descriptor_* ones, pair distances and a second UMAP map;
    a dataset whose images all share one vector has an embedding Vendi score of 1 (one effective image)."""
    with open_store(store_path, read_only=True) as store:
        images = store.con.execute("SELECT dataset, content_hash FROM images ORDER BY image_id").df()
    rng = np.random.default_rng(0)
    vectors = np.where((images["dataset"] == "a").to_numpy()[:, None], np.ones((len(images), 8)),
                       rng.normal(size=(len(images), 8)))
    np.savez(tmp_path / "emb.npz", content_hash=images["content_hash"].to_numpy(dtype=str), vectors=vectors)
    result = cli("traits", "--extractors", "quality", "--jobs", "1", "--bootstrap", "0", "--embeddings", tmp_path / "emb.npz")
    assert result.code == 0, result.err
    with open_store(store_path, read_only=True) as store:
        traits = store.query("dataset_traits").set_index(["dataset", "trait", "class"])["value"]
        assert traits[("a", "embedding_vendi_score", "all")] == pytest.approx(1.0)
        assert traits[("b", "embedding_vendi_score", "all")] > 3
        assert ("a", "descriptor_vendi_score", "all") in traits.index
        params = json.loads(store.query("dataset_traits", dataset="a", trait_like="embedding_vendi_score")["params"].iloc[0])
        assert params["representation"] == "user embeddings" and params["file"] == "emb.npz" and params["dimensions"] == 8
        pairs = set(store.query("dataset_pair_traits")["trait"])
        assert {"embedding_frechet_distance", "descriptor_frechet_distance"} <= pairs
        methods = store.con.execute("SELECT method, count(*) FROM embeddings GROUP BY ALL ORDER BY 1").fetchall()
        assert methods == [("umap_descriptors", 22), ("umap_embeddings", 22)]
    bad = cli("traits", "--extractors", "quality", "--embeddings", tmp_path / "missing.npz")
    assert bad.code == 1 and "embeddings file" in bad.err and "does not exist" in bad.err
