"""Splits: stratified, group-aware and source strategies, stored once and reused; refusals write nothing; by default
a dataset's own train/test folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import write_good

from dsanalysis.errors import UserError
from dsanalysis.model.splits import SplitSettings, dataset_split, split_id_for
from dsanalysis.store import open_store


@pytest.fixture
def balanced(cli, tmp_path):
    write_good(tmp_path / "b" / "real", 40, 0)
    write_good(tmp_path / "b" / "fake", 60, 100)
    assert cli("ingest", "b", tmp_path / "b").code == 0
    return "b"


def _labels(store, split, part):
    ids = set(split.part(part))
    images = store.query("usable_images", dataset=split.dataset)
    return images[images["image_id"].isin(ids)]["label"].value_counts().to_dict()


def test_random_split_is_stratified_seeded_stored_and_reused(balanced, store_path):
    with open_store(store_path) as store:
        planned = split_id_for(store, balanced, SplitSettings(seed=3))
        assert store.query("model_split_get", split_id=planned).empty  # computing the id draws nothing
        split = dataset_split(store, balanced, SplitSettings(seed=3))
        assert split.split_id == planned
        assert _labels(store, split, "test") == {"fake": 18, "real": 12}  # 30% of each class
        assert _labels(store, split, "validation") == {"fake": 4, "real": 3}  # 10% of the rest, rounded
        assert _labels(store, split, "train") == {"fake": 38, "real": 25}
        again = dataset_split(store, balanced, SplitSettings(seed=3))
        assert again.split_id == split.split_id and again.members.equals(split.members)
        other = dataset_split(store, balanced, SplitSettings(seed=4))
        assert other.split_id != split.split_id and set(other.part("test")) != set(split.part("test"))
        stored = store.query("model_split_get", split_id=split.split_id).iloc[0]
        assert (stored["n_train"], stored["n_validation"], stored["n_test"], stored["seed"]) == (63, 7, 30, 3)
        assert store.query("model_split_members", split_id=split.split_id).shape[0] == 100


def test_group_split_keeps_every_group_on_one_side(cli, tmp_path, store_path):
    # 12 "videos" of 5 frames per class: frames named v<video>_f<frame>.jpg
    for label, start in (("real", 0), ("fake", 500)):
        folder = tmp_path / "g" / label
        for video in range(12):
            write_good(folder, 5, start + video * 10, prefix=f"{label}{video:02d}_f")
            for i in range(5):
                (folder / f"{label}{video:02d}_f{i:03d}.jpg").rename(folder / f"v{label}{video:02d}_f{i:03d}.jpg")
    assert cli("ingest", "g", tmp_path / "g").code == 0
    with open_store(store_path) as store:
        split = dataset_split(store, "g", SplitSettings("group", 0.3, 0.2, 1, r"/(v\w+?)_f\d+\.jpg$"))
        images = store.query("usable_images", dataset="g").merge(split.members, on="image_id")
        images["video"] = images["rel_path"].str.extract(r"/(v\w+?)_f")[0]
        assert images.groupby("video")["part"].nunique().max() == 1
        assert set(images["part"]) == {"train", "validation", "test"}
        test_share = (images["part"] == "test").mean()
        assert 0.2 <= test_share <= 0.4
        random = dataset_split(store, "g", SplitSettings("random", 0.3, 0.2, 1))
        mixed = store.query("usable_images", dataset="g").merge(random.members, on="image_id")
        mixed["video"] = mixed["rel_path"].str.extract(r"/(v\w+?)_f")[0]
        assert mixed.groupby("video")["part"].nunique().max() > 1  # the leak the group split prevents
        with pytest.raises(UserError, match="cannot be split by group"):
            dataset_split(store, "g", SplitSettings("group"))  # no groups at ingest, no pattern


def test_source_split_uses_the_datasets_own_folders(cli, tmp_path, store_path):
    write_good(tmp_path / "s" / "train" / "real", 10, 0)
    write_good(tmp_path / "s" / "train" / "df", 10, 100)
    write_good(tmp_path / "s" / "validation" / "real", 4, 200)
    write_good(tmp_path / "s" / "validation" / "df", 4, 300)
    assert cli("ingest", "s", tmp_path / "s").code == 0
    with open_store(store_path) as store:
        split = dataset_split(store, "s", SplitSettings("source", validation_fraction=0.2))
        images = store.query("usable_images", dataset="s").merge(split.members, on="image_id")
        assert (images.loc[images["part"] == "test", "source_split"] == "validation").all()
        assert (images["part"] == "test").sum() == 8 and (images["part"] == "validation").sum() == 4


def _own_folders(root: Path) -> Path:
    """train/{real,df} (16 each) and validation/{real,df} (6 each), as the shared MesoNet sample is laid out."""
    for split, count, seed in (("train", 16, 0), ("validation", 6, 500)):
        write_good(root / split / "real", count, seed)
        write_good(root / split / "df", count, seed + 100)
    return root


def _parts(store, split) -> dict[tuple[str, str], int]:
    images = store.query("usable_images", dataset=split.dataset).merge(split.members, on="image_id")
    return images.groupby(["part", "source_split"]).size().to_dict()


def test_default_split_of_a_dataset_with_its_own_folders_uses_them_and_random_stays_available(cli, tmp_path, store_path):
    assert cli("ingest", "own", _own_folders(tmp_path / "own")).code == 0
    with open_store(store_path) as store:
        split = dataset_split(store, "own")
        assert split.settings.strategy == "source"
        # test: the validation folder; training and validation parts: the train folder (10% of each class held out)
        assert _parts(store, split) == {("test", "validation"): 12, ("train", "train"): 28, ("validation", "train"): 4}
        assert split_id_for(store, "own") == split_id_for(store, "own", SplitSettings("source")) == split.split_id
        random = dataset_split(store, "own", SplitSettings("random"))
        assert random.settings.strategy == "random" and random.split_id != split.split_id
        assert {source for part, source in _parts(store, random) if part == "test"} == {"train", "validation"}


def test_a_dataset_without_its_own_folders_still_gets_a_random_split(balanced, store_path):
    with open_store(store_path) as store:
        assert dataset_split(store, balanced).settings == SplitSettings("random")
        assert split_id_for(store, balanced) == split_id_for(store, balanced, SplitSettings("random"))


def test_split_options_of_the_command_line():
    import argparse

    from dsanalysis.commands.train import add_split_arguments, split_settings

    parser = argparse.ArgumentParser()
    add_split_arguments(parser, "split")
    assert split_settings(parser.parse_args([])) is None  # the dataset's partition, or its default split
    assert split_settings(parser.parse_args(["--split-seed", "3"])) == SplitSettings("auto", seed=3)
    assert split_settings(parser.parse_args(["--test-fraction", "0.2"])) == SplitSettings("random", test_fraction=0.2)
    assert split_settings(parser.parse_args(["--group-pattern", "(x)"])).strategy == "group"
    assert split_settings(parser.parse_args(["--split", "random"])) == SplitSettings("random")


def test_train_of_a_dataset_with_its_own_folders_says_it_uses_them(cli, tmp_path):
    assert cli("ingest", "own", _own_folders(tmp_path / "own")).code == 0
    result = cli("train", "own", "--epochs", "1", "--batch-size", "8")
    assert result.code == 0, result.err
    assert "(the dataset's own train/test folders, validation 10% of training, seed 0: 28 train, 4 validation, " \
           "12 test images)" in result.out


def test_too_few_images_of_a_class_refuses_and_writes_nothing(cli, tmp_path, store_path):
    write_good(tmp_path / "t" / "real", 20, 0)
    write_good(tmp_path / "t" / "fake", 4, 100)
    assert cli("ingest", "t", tmp_path / "t").code == 0
    result = cli("train", "t")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "error: dataset 't' has 1 fake image(s) in the test part of a random split "
        "(at least 2 per class and part needed; 24 usable images)"]
    counts = cli("sql", "SELECT (SELECT count(*) FROM splits) + (SELECT count(*) FROM runs) AS n", "--format", "csv")
    assert counts.out == "n\n0\n"


def test_unknown_and_fully_rejected_datasets_are_refused(cli, tmp_path, store_path):
    assert "not registered" in cli("train", "nope").err
    write_good(tmp_path / "r" / "real", 3, 0)
    write_good(tmp_path / "r" / "fake", 3, 10)
    assert cli("ingest", "r", tmp_path / "r").code == 0
    with open_store(store_path) as store, store.transaction():
        store.con.execute("UPDATE images SET status = 'rejected', reason = 'test'")
    result = cli("train", "r")
    assert result.code == 1 and "no usable images: all 6 files failed to ingest" in result.err
