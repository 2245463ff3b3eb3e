"""Every model is tested on the same test images of each dataset: one partition per dataset."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from fixtures import write_good

from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset


def _scored_sets(store: Path) -> dict[str, dict[str, frozenset[int]]]:
    """{evaluated dataset: {run_id: image ids scored on its test part}}."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT dataset, run_id, list(image_id) FROM predictions WHERE part = 'test' "
                           "GROUP BY ALL").fetchall()
    finally:
        con.close()
    sets: dict[str, dict[str, frozenset[int]]] = {}
    for dataset, run_id, ids in rows:
        sets.setdefault(dataset, {})[run_id] = frozenset(ids)
    return sets


def _write_video_manifest(folder: Path, per_class: int = 16, frames: int = 2) -> None:
    """A manifest dataset whose images come in groups (videos) of ``frames`` images of one class."""
    write_synthetic_dataset(SyntheticDatasetSpec("videos", images_per_class=per_class), folder, seed=7)
    rows = []
    for label in ("real", "fake"):
        files = sorted(p for p in (folder / label).iterdir() if p.suffix in (".jpg", ".png"))
        for k, path in enumerate(files):
            rows.append({"path": f"{label}/{path.name}", "label": label, "group": f"{label}-video{k // frames}"})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)


STUDY = """
[study]
name = "partitions"

[[datasets]]
name = "videos"
path = "videos/manifest.csv"
layout = "manifest"
split = {{ strategy = "group", test_fraction = 0.25 }}

[[datasets]]
name = "one"
path = "one"

[[datasets]]
name = "two"
path = "two"

[split]
test_fraction = 0.3
validation_fraction = 0.2
seed = {split_seed}

[training]
seeds = [0, 1]

[training.grid]
epochs = [1]
batch_size = [8]
deterministic = [true]

[traits]
extractors = ["quality"]

[analyses]
run = ["ranking"]

[evaluation]
bootstrap_resamples = 20
"""


def test_a_study_scores_every_model_on_one_partition_per_dataset(tmp_path, cli):
    """Three datasets (a grouped manifest and two folders, each with its own split settings): every model is
    scored on the same test images of each dataset, and the store holds one partition (and one split) per dataset."""
    _write_video_manifest(tmp_path / "videos")
    for k, name in enumerate(("one", "two")):
        write_synthetic_dataset(SyntheticDatasetSpec(name, images_per_class=16), tmp_path / name, seed=k)
    study_file = tmp_path / "study.toml"
    study_file.write_text(STUDY.format(split_seed=3), encoding="utf-8")
    from dsanalysis.store import open_store
    from dsanalysis.study.config import load_study
    from dsanalysis.study.runner import run_study

    store_path = tmp_path / "study.duckdb"
    study = replace(load_study(study_file), extractors=(), analyses=("ranking",))
    lines: list[str] = []
    with open_store(store_path) as store:
        run_study(store, study, report=lines.append)
        partitions = store.query("partitions")
        splits = store.query("model_split_by_prefix", prefix="")
        runs = store.query("runs")
    assert sorted(partitions["dataset"]) == ["one", "two", "videos"]
    assert partitions.set_index("dataset")["strategy"].to_dict() == {"one": "random", "two": "random", "videos": "group"}
    assert splits.groupby("dataset").size().to_dict() == {"one": 1, "two": 1, "videos": 1}
    assert set(runs["split_id"]) == set(partitions["split_id"])
    scored = _scored_sets(store_path)
    partition_test = {}
    with open_store(store_path, read_only=True) as store:
        for row in partitions.itertuples():
            members = store.query("model_split_members", split_id=row.split_id)
            partition_test[row.dataset] = frozenset(members.loc[members["part"] == "test", "image_id"])
    assert set(scored) == {"one", "two", "videos"}
    for dataset, by_run in scored.items():
        assert len(by_run) == 6  # 3 training datasets x 2 seeds
        assert set(by_run.values()) == {partition_test[dataset]}, dataset  # set equality, not counts
    # the grouped dataset's partition keeps every video on one side
    con = duckdb.connect(str(store_path), read_only=True)
    sides = con.execute("SELECT i.group_id, count(DISTINCT m.part) FROM split_members m JOIN images i USING (image_id) "
                        "WHERE m.split_id = ? GROUP BY ALL", [partitions.set_index("dataset").loc["videos", "split_id"]]
                        ).fetchall()
    con.close()
    assert sides and all(parts == 1 for _, parts in sides)


def _two_folder_datasets(tmp_path: Path, cli, per_class: int = 12) -> None:
    for k, name in enumerate(("a", "b")):
        root = tmp_path / name
        write_good(root / "real", per_class, 1000 * k)
        write_good(root / "fake", per_class, 1000 * k + 500)
        assert cli("ingest", name, root).code == 0


@pytest.mark.slow
def test_evaluate_scores_other_models_on_the_evaluated_datasets_partition(tmp_path, cli, store_path):
    """A model trained with other split settings is scored on b's own partition, never on a split drawn with its
    settings: every model scores the same images of b, and no extra split of b is stored."""
    _two_folder_datasets(tmp_path, cli, per_class=30)
    fast = ("--epochs", "1", "--batch-size", "8", "--deterministic")
    assert cli("train", "a", "--split-seed", "5", "--test-fraction", "0.4", *fast).code == 0
    trained_b = cli("train", "b", *fast)
    assert trained_b.code == 0, trained_b.err
    evaluated = cli("evaluate", "--all", "--bootstrap", "20")
    assert evaluated.code == 0, evaluated.err
    scored = _scored_sets(store_path)
    assert len(set(scored["b"].values())) == 1 and len(scored["b"]) == 2
    assert len(set(scored["a"].values())) == 1 and len(scored["a"]) == 2
    con = duckdb.connect(str(store_path), read_only=True)
    assert con.execute("SELECT dataset, count(*) FROM splits GROUP BY ALL ORDER BY ALL").fetchall() == [("a", 1), ("b", 1)]
    con.close()
    # a later run on b without split options trains on b's partition; with other options it says it is not paired
    again = cli("train", "b", "--seed", "1", *fast)
    assert again.code == 0 and "note:" not in again.out
    other = cli("train", "b", "--seed", "2", "--split-seed", "9", *fast)
    assert other.code == 0 and "not b's test partition" in other.out
    assert cli("evaluate", "--all", "--bootstrap", "20").code == 0
    refused = cli("analyze", "ranking", "--n-boot", "100")
    assert refused.code != 0 and "different test images" in refused.err and "b:" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    noted = cli("analyze", "ranking", "--n-boot", "100", "--common-images")
    assert noted.code == 0, noted.err
    assert "compared on the" in noted.out and "images every one of them scored" in noted.out
    # --set-partition makes the new split b's partition: evaluate re-scores the other models there
    assert cli("train", "b", "--seed", "2", "--split-seed", "9", "--set-partition", *fast).code == 0
    rescored = cli("evaluate", "--all", "--bootstrap", "20")
    assert rescored.code == 0 and "scored other images" in rescored.out


def test_imported_weights_appear_in_the_matrix_queries(tmp_path, cli, store_path, published_weights):
    _two_folder_datasets(tmp_path, cli, per_class=20)
    weights = published_weights / "weights" / "Meso4_DF.h5"
    result = cli("evaluate", "--weights", weights, "--on", "a", "--bootstrap", "0", "--validation-fraction", "0.2")
    assert result.code == 0, result.err
    assert "a had no test partition: drew split" in result.out
    matrix = json.loads(cli("sql", "--query", "cross_dataset_matrix", "--format", "json").out)
    assert [(c["kind"], c["model"], c["test_dataset"], c["in_domain"]) for c in matrix] == [
        ("imported", "imported: Meso4_DF.h5", "a", False)]
    assert matrix[0]["train_dataset"] is None and matrix[0]["n_images"] == 12 and matrix[0]["split_id"]
    summary = json.loads(cli("sql", "--query", "cross_dataset_summary", "--format", "json").out)
    assert [(c["kind"], c["model"], c["runs"]) for c in summary] == [("imported", "imported: Meso4_DF.h5", 1)]
    partitions = json.loads(cli("sql", "--query", "partitions", "--format", "json").out)
    assert [(p["dataset"], p["registered_by"], p["split_id"]) for p in partitions] == [("a", "evaluate", matrix[0]["split_id"])]


def test_ranking_refuses_models_scored_on_different_images(tmp_path):
    """A store in which one model of set1 scored other test images of set0: the statistics refuse, or with
    --common-images compare on the shared images and say so."""
    from stats_stores import build_stats_store

    from dsanalysis.errors import UserError
    from dsanalysis.stats.analyses import Settings, run_analysis
    from dsanalysis.store import open_store

    path = tmp_path / "s.duckdb"
    build_stats_store(path, n_datasets=3, n_images=40, with_traits=False)
    with open_store(path) as store:
        store.con.execute("DELETE FROM predictions WHERE run_id = 'set1-default-0' AND dataset = 'set0' "
                          "AND image_id IN (SELECT image_id FROM images WHERE dataset = 'set0' ORDER BY image_id LIMIT 10)")
        with pytest.raises(UserError, match=r"different test images \(set0: 9 models on 2 different image sets, "
                                             r"30 of 40 images scored by all\)"):
            run_analysis(store, "ranking", Settings(n_boot=100))
        _, tables = run_analysis(store, "ranking", Settings(n_boot=100, common_images=True))
    notes = tables["notes"]
    assert notes["message"].str.contains("set0: models were scored on different test images; compared on the 30 "
                                         "of 40 images every one of them scored").any()
    transfer = tables["scores"]
    assert not transfer.empty


def test_pairing_check_against_hand_counted_sets():
    import numpy as np

    from dsanalysis.stats.pairing import image_sets, paired_scores
    from dsanalysis.stats.score_matrix import ScoreMatrices

    runs = pd.DataFrame({"run_id": ["r0", "r1", "r2"], "train_dataset": ["x", "y", "y"], "config_name": "default",
                         "seed": [0, 0, 1]})
    # dataset 'x': r0 scores images 1-6, r1 and r2 images 3-8 (4 shared); dataset 'y': all score 1-4
    rows = [(0, 0, i) for i in range(1, 7)] + [(r, 0, i) for r in (1, 2) for i in range(3, 9)] \
        + [(r, 1, i) for r in (0, 1, 2) for i in range(11, 15)]
    run_index, eval_index, image_id = (np.array(c) for c in zip(*rows, strict=True))
    fake = image_id % 2 == 0
    scores = ScoreMatrices.from_arrays(runs, ["x", "y"], run_index, eval_index, image_id, fake,
                                       np.linspace(0.1, 0.9, len(rows)))
    sets = image_sets(scores).set_index("eval_dataset")
    assert sets.loc["x", ["n_runs", "n_image_sets", "n_images_union", "n_images_common"]].tolist() == [3, 2, 8, 4]
    assert bool(sets.loc["x", "paired"]) is False and bool(sets.loc["y", "paired"]) is True
    restricted, notes = paired_scores(scores, common_images=True)
    x = restricted.matrices[0]
    assert x.image_ids.tolist() == [3, 4, 5, 6] and not np.isnan(x.scores).any() and len(notes) == 1
    assert restricted.matrices[1].image_ids.tolist() == [11, 12, 13, 14]


def test_a_dataset_may_override_the_study_split(tmp_path):
    from dsanalysis.errors import UserError
    from dsanalysis.study.config import parse_study

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    data = {"datasets": [{"name": "a", "path": "a", "split": {"strategy": "group"}}, {"name": "b", "path": "b"}],
            "split": {"test_fraction": 0.2, "seed": 4}}
    study = parse_study(data, "s.toml", tmp_path)
    a, b = study.datasets
    assert (study.split_of(a).strategy, study.split_of(a).test_fraction, study.split_of(a).seed) == ("group", 0.2, 4)
    assert study.split_of(b) == study.split
    data["datasets"][0]["split"] = {"stratgy": "group"}
    with pytest.raises(UserError, match=r"s.toml: datasets\[0\].split.stratgy is not a known key"):
        parse_study(data, "s.toml", tmp_path)
