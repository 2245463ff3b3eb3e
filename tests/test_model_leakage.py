"""Default splits follow a dataset's own folders; duplicate leakage is checked when a split is drawn, stored with it,
printed when a run starts and shown beside the in-domain score."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
from PIL import Image

from dsanalysis.model.splits import SplitSettings, dataset_split
from dsanalysis.store import open_store
from dsanalysis.study.demo import demo_spec
from dsanalysis.synthetic.datasets import draw_image

FAST = ("--epochs", "1", "--batch-size", "8")


def _faces(folder: Path, count: int, start: int, label: str) -> list[Path]:
    """``count`` synthetic faces (each a new identity, light skin, frontal: alike at low resolution)."""
    spec, seed = demo_spec("light_frontal", count)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        paths.append(folder / f"{label}{i:03d}.jpg")
        paths[-1].write_bytes(draw_image(spec, seed, i, label))
    return paths


def _own_folders(root: Path, leaks: bool) -> Path:
    """train/{real,df} (16 each) and validation/{real,df} (6 each); with ``leaks``, the validation folder also holds
    2 byte-identical copies and 3 altered copies (re-encoded, resized, cropped) of training images."""
    train = {label: _faces(root / "train" / folder, 16, 0, label) for label, folder in (("real", "real"), ("fake", "df"))}
    for label, folder in (("real", "real"), ("fake", "df")):
        _faces(root / "validation" / folder, 6, 100, label)
    if leaks:
        shutil.copy(train["real"][0], root / "validation" / "real" / "copy_a.jpg")
        shutil.copy(train["fake"][1], root / "validation" / "df" / "copy_b.jpg")
        pixels = np.asarray(Image.open(train["real"][2]).convert("RGB"))
        Image.fromarray(pixels).save(root / "validation" / "real" / "reencoded.jpg", quality=70)
        Image.fromarray(pixels).resize((180, 180), Image.BILINEAR).save(root / "validation" / "real" / "resized.png")
        pixels = np.asarray(Image.open(train["fake"][3]).convert("RGB"))
        Image.fromarray(pixels[10:-4, 6:-12]).save(root / "validation" / "df" / "cropped.png")
    return root


@pytest.fixture
def own(cli, tmp_path):
    assert cli("ingest", "own", _own_folders(tmp_path / "own", leaks=False)).code == 0
    return "own"


@pytest.fixture
def leaky(cli, tmp_path):
    assert cli("ingest", "leaky", _own_folders(tmp_path / "leaky", leaks=True)).code == 0
    return "leaky"


def test_leakage_is_checked_when_the_split_is_drawn_and_stored_with_it(leaky, store_path, cli):
    with open_store(store_path) as store:
        split = dataset_split(store, leaky)
        test = split.leakage.set_index("part").loc["test"]
        assert (test["n_images"], test["exact"], test["near"]) == (17, 2, 5)
        assert "5 of 17 test images (29%)" in test["warning"] and "--split group" in test["warning"]
        assert test["warning_share"] == 0.05
        assert split.leakage.set_index("part").loc["validation", "near"] == 0  # no copies inside the train folder
        leaks = store.query("split_leaks", split_id=split.split_id)
    assert sorted(leaks["kind"]) == ["exact", "exact", "near", "near", "near"]
    assert set(leaks["rel_path"].str.rsplit("/", n=1).str[-1]) == {"copy_a.jpg", "copy_b.jpg", "reencoded.jpg",
                                                                   "resized.png", "cropped.png"}
    assert (leaks["match_part"].isin(["train", "validation"])).all() and (leaks["similarity"] >= 0.9).all()
    listed = json.loads(cli("sql", "--query", "split_leakage", "--format", "json").out)
    assert [(r["part"], r["near"], r["exact"], r["partition"]) for r in listed] == [("test", 5, 2, False),
                                                                                   ("validation", 0, 0, False)]


def test_a_split_stored_before_the_check_gets_it_when_next_used(own, store_path):
    with open_store(store_path) as store:
        split = dataset_split(store, own)
        with store.transaction():
            store.con.execute("DELETE FROM split_leaks")
            store.con.execute("DELETE FROM split_leakage")
        again = dataset_split(store, own)
        assert again.split_id == split.split_id
        assert again.leakage.set_index("part")["near"].to_dict() == {"test": 0, "validation": 0}
        assert len(store.query("model_split_leakage_get", split_id=split.split_id)) == 2


def test_train_and_evaluate_print_the_leakage_of_the_split(leaky, cli):
    result = cli("train", leaky, *FAST)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    started = next(k for k, line in enumerate(lines) if " started: " in line)
    assert "the dataset's own train/test folders" in lines[started]
    assert lines[started + 1] == ("duplicate leakage: 5 of 17 test images have a copy or near-duplicate in training or "
                                  "validation (2 exact); 0 of 4 validation images have a copy or near-duplicate in "
                                  "training (0 exact)")
    assert lines[started + 2].startswith("warning: 5 of 17 test images (29%)") and "--split group" in lines[started + 2]
    run_id = lines[started].split()[1]
    evaluated = cli("evaluate", run_id, "--on", leaky, "--bootstrap", "0")
    assert evaluated.code == 0, evaluated.err
    assert ("on leaky test: " in evaluated.out and "17 images (optimistic: 5 of 17 test images have a copy or "
            "near-duplicate in training or validation; sql --query split_leakage)" in evaluated.out)
    random = cli("train", leaky, *FAST, "--split", "random")
    assert random.code == 0, random.err
    line = next(line for line in random.out.splitlines() if line.startswith("duplicate leakage: "))
    assert line.startswith("duplicate leakage: ") and "of 15 test images" in line


def test_report_shows_the_leakage_beside_the_in_domain_score(cli, tmp_path):
    from study_store import add_traits, build_study_store

    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0,))
    add_traits(store)
    warning = ("12 of 40 test images (30%) have a copy or near-duplicate in training or validation: the in-domain "
               "score is optimistic; a group split keeps each video or identity on one side")
    con = duckdb.connect(str(store))
    con.execute("INSERT INTO splits (split_id, dataset, strategy, n_train, n_validation, n_test, created_at, "
                "package_version) VALUES ('s-alpha', 'alpha', 'random', 100, 10, 40, now()::TIMESTAMP, 'test')")
    con.execute("UPDATE runs SET split_id = 's-alpha' WHERE train_dataset = 'alpha'")
    con.execute("INSERT INTO split_leakage VALUES ('s-alpha', 'test', 'train+validation', 40, 3, 12, 0.3, 0.05, ?, '{}', "
                "now()::TIMESTAMP, 'test')", [warning])
    con.close()
    assert cli("report", "--out", tmp_path / "r", store=store).code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    row = next(line for line in html.splitlines() if "alpha (in-domain)" in line)
    assert "<td>12 of 40 (30.0%; 3 exact)" in row and "(optimistic)" in row
    assert f"In-domain alpha (meso4): {warning}." in html
    assert "Train/test leakage: alpha (random split s-alpha): " + warning in html
    beta = next(line for line in html.splitlines() if "beta (in-domain)" in line)
    assert beta.endswith("<td>–</td></tr>")  # no stored check: nothing claimed


def test_traits_and_report_claim_no_near_duplicates_between_different_synthetic_faces(cli, tmp_path, store_path):
    # the demo's light_frontal dataset (light skin, frontal faces, each a new identity): a 64-bit pHash of the grey
    # face called most of them near-duplicates of each other
    from dsanalysis.synthetic.datasets import write_synthetic_dataset

    spec, seed = demo_spec("light_frontal", 30)
    write_synthetic_dataset(spec, tmp_path / "light_frontal", seed, jobs=1)
    assert cli("ingest", "light_frontal", tmp_path / "light_frontal").code == 0
    with open_store(store_path) as store:
        split_id = dataset_split(store, "light_frontal", SplitSettings("random", 0.3, 0.2)).split_id
    result = cli("traits", "--extractors", "quality", "--no-embedding", "--bootstrap", "20", "--jobs", "1")
    assert result.code == 0, result.err
    rows = json.loads(cli("sql", "SELECT trait, value FROM dataset_traits WHERE trait LIKE 'near_duplicate%' "
                                 "OR trait LIKE 'split_leakage%' ORDER BY trait", "--format", "json").out)
    assert rows == [{"trait": "near_duplicate_pairs", "value": 0.0}, {"trait": "near_duplicate_rate", "value": 0.0}]
    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Near-duplicates:" not in html and "Train/test leakage" not in html
    from dsanalysis.traits.duplicates import WARNING_RATE  # the flag is decided and stored with the rate

    flags = json.loads(cli("sql", "--query", "near_duplicates", "--format", "json").out)
    assert [(r["dataset"], r["warning"], r["warning_threshold"]) for r in flags] == [("light_frontal", False, WARNING_RATE)]
    leakage = json.loads(cli("sql", "--query", "split_leakage", "--format", "json").out)
    assert [(r["split_id"], r["part"], r["near"]) for r in leakage] == [(split_id, "test", 0), (split_id, "validation", 0)]


@pytest.mark.slow
def test_mesonet_default_split_uses_its_folders_without_leakage_and_random_leaks(cli, mesonet_dir, store_path):
    assert cli("ingest", "mesonet", mesonet_dir).code == 0
    with open_store(store_path) as store:
        own = dataset_split(store, "mesonet")
        random = dataset_split(store, "mesonet", SplitSettings("random"))
    test = own.leakage.set_index("part").loc["test"]
    assert own.settings.strategy == "source" and (test["n_images"], test["near"], test["exact"]) == (600, 0, 0)
    leaked = random.leakage.set_index("part").loc["test"]
    assert leaked["n_images"] == 480 and leaked["near"] >= 50 and isinstance(leaked["warning"], str)
