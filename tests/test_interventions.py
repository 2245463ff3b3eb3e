"""Controlled-subset experiments end to end: declared settings, stored arms, the intervene command, and one
real training at demo scale whose planted trait must come out with its planted sign."""

from __future__ import annotations

import pytest

from dsanalysis.errors import UserError
from dsanalysis.interventions.settings import build_interventions, parse_interventions
from dsanalysis.synthetic.datasets import SyntheticDatasetSpec, write_synthetic_dataset


def test_the_interventions_table_is_validated_naming_the_key():
    parsed = parse_interventions({"size": [0.25, 0.5, 1.0], "traits": ["quality.sharpness"], "diversity": True,
                                  "seeds": [0, 1]}, "s.toml")
    assert [i.name for i in parsed.interventions] == ["size", "trait:quality.sharpness", "diversity"]
    assert parsed.interventions[0].fractions == (0.25, 0.5)  # 1.0 is the whole training part
    assert set(parsed.extractors) >= {"quality", "faces", "skin"}
    for table, key in (({"sizes": [0.5]}, "sizes"), ({"size": [0.5, 2]}, "size"), ({"traits": ["sharpness"]}, "traits"),
                       ({"diversity": "yes"}, "diversity"), ({"seeds": []}, "seeds"), ({"seeds": [0.5]}, "seeds"),
                       ({"diversity": True, "diversity_share": 1.5}, "diversity_share")):
        with pytest.raises(UserError, match=rf"^s\.toml: \[interventions\] {key}: "):
            parse_interventions(table, "s.toml")


def test_a_study_file_names_only_its_own_datasets(tmp_path):
    from dsanalysis.study.config import parse_study

    data = {"datasets": [{"name": "a", "path": str(tmp_path)}], "interventions": {"size": [0.5], "datasets": ["b"]}}
    with pytest.raises(UserError, match=r"\[interventions\] datasets: 'b' is not a dataset of the study"):
        parse_study(data, "s.toml", tmp_path)
    config = parse_study({"datasets": [{"name": "a", "path": str(tmp_path)}],
                          "interventions": {"traits": ["faces.face_area_share"]}}, "s.toml", tmp_path)
    assert "interventions" not in config.analyses  # its unit runs it
    from dsanalysis.study.units import study_units

    kinds = [u.kind for u in study_units(config)]
    assert kinds.index("interventions") > kinds.index("evaluate") and kinds.index("interventions") < kinds.index("report")


@pytest.fixture(scope="module")
def measured_store(tmp_path_factory):
    """Two small synthetic datasets with quality traits (no training)."""
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import run_traits

    folder = tmp_path_factory.mktemp("arms")
    path = folder / "s.duckdb"
    with open_store(path) as store:
        for k, name in enumerate(("a", "b")):
            spec = SyntheticDatasetSpec(name, images_per_class=30 + 10 * k)
            ingest_dataset(store, name, write_synthetic_dataset(spec, folder / name, seed=k, jobs=1))
        run_traits(store, ["a", "b"], extractors=("quality",), embed=False)
    return path


def test_arms_are_stored_once_inside_the_training_part_with_their_contrast(measured_store):
    from dsanalysis.interventions.arms import build_arms, training_part
    from dsanalysis.store import open_store

    chosen = build_interventions(size=(0.25, 0.5), traits=("quality.sharpness",), diversity=True)
    with open_store(measured_store) as store:
        first = [a for i in chosen.interventions for a in build_arms(store, i, ["a", "b"])]
        again = [a for i in chosen.interventions for a in build_arms(store, i, ["a", "b"])]
        assert [a.arm_id for a in first] == [a.arm_id for a in again]  # same settings, same arms, stored once
        arms = store.query("arms")
        assert len(arms) == len(first) == len(set(arms["arm_id"]))
        for dataset in ("a", "b"):
            _, train = training_part(store, dataset)
            mine = arms[arms["dataset"] == dataset].set_index("arm")
            for arm_id in mine["arm_id"]:
                members = store.query("arm_members_get", arm_id=arm_id)["image_id"]
                assert set(members) <= set(train["image_id"])
            # equal and class-balanced within an intervention; the matched arm is the smaller dataset's size
            assert mine.loc["low", ["n_real", "n_fake"]].tolist() == mine.loc["high", ["n_real", "n_fake"]].tolist()
            assert mine.loc["diverse", "n_real"] == mine.loc["narrow", "n_real"] == mine.loc["random", "n_real"]
            assert mine.loc["high", "measure_mean"] > mine.loc["low", "measure_mean"]  # the achieved contrast
            assert mine.loc["diverse", "measure_mean"] > mine.loc["narrow", "measure_mean"]
        sizes = arms[arms["arm"] == "matched"].set_index("dataset")
        assert sizes.loc["a", "n_real"] == sizes.loc["b", "n_real"] == sizes.loc["a", "n_fake"]


def test_a_trait_that_is_not_stored_is_named(measured_store):
    from dsanalysis.interventions.arms import build_arms
    from dsanalysis.store import open_store

    chosen = build_interventions(traits=("faces.face_area_share",))
    with open_store(measured_store) as store, pytest.raises(UserError, match="'faces.face_area_share' is not stored "
                                                                               "for a; stored: quality\\."):
        build_arms(store, chosen.interventions[0], ["a"])


def test_intervene_refuses_bad_requests_in_one_line(cli, measured_store):
    result = cli("intervene", "--seeds", "0", store=measured_store)
    assert result.code == 1 and result.err.strip() == "error: name at least one intervention: --size, --trait or --diversity"
    result = cli("intervene", "--size", "0.5", "--datasets", "c", store=measured_store)
    assert result.code == 1 and "dataset 'c' is not registered" in result.err and len(result.err.strip().splitlines()) == 1
    result = cli("intervene", "--trait", "sharpness", store=measured_store)
    assert result.code == 1 and "is not 'extractor.trait'" in result.err


@pytest.mark.slow
def test_the_planted_jpeg_quality_effect_is_recovered_with_its_sign(tmp_path, cli, store_path):
    """The demo's ``mixed_quality`` dataset and controlled-subset experiment: fakes stored below JPEG quality 58
    are seamless, so models trained on the lower half of each class by the measured JPEG quality see fakes
    that look real and cannot learn them, while the upper half shows the generator's artifacts. The
    intervention must find high - low > 0 in-domain, with an AUC interval above 0 (five seeds, as the demo)."""
    from dsanalysis.stats.results import load_result
    from dsanalysis.store import open_store
    from dsanalysis.study.demo import INTERVENTIONS, SPLIT, TRAINING_BASE, TRAINING_OVERRIDES, demo_spec

    spec, seed = demo_spec("mixed_quality")
    root = write_synthetic_dataset(spec, tmp_path / "mixed_quality", seed)
    overrides = [f"--{k.replace('_', '-')}={v}" for k, v in TRAINING_OVERRIDES.items()]
    assert cli("ingest", "mixed_quality", root).code == 0
    assert cli("train", "mixed_quality", "--config", TRAINING_BASE, "--split", SPLIT.strategy, "--validation-fraction",
               SPLIT.validation_fraction, *overrides).code == 0  # the demo's split becomes the partition
    seeds = ",".join(str(s) for s in INTERVENTIONS.seeds)
    result = cli("intervene", "--trait", "quality.jpeg_quality", "--seeds", seeds, "--config", TRAINING_BASE,
                 "--bootstrap", "100", *overrides)
    assert result.code == 0, result.err
    with open_store(store_path) as store:
        effects = load_result(store, "interventions", "effects")
    effects = effects[effects["score"] == "in_domain"].set_index("metric")
    assert (effects.loc["auc", "arm_a"], effects.loc["auc", "arm_b"]) == ("low", "high")
    assert effects.loc["accuracy", "difference"] > 0, effects.loc["accuracy"].to_dict()
    assert effects.loc["auc", "ci_low"] > 0, effects.loc["auc"].to_dict()
    assert effects.loc["auc", "standardized_contrast"] > 1  # the arms differ in JPEG quality by more than one SD


def test_a_dataset_without_arms_is_left_out_with_its_reason(measured_store):
    from dsanalysis.interventions.arms import build_arms
    from dsanalysis.store import open_store

    problems: dict[str, str] = {}
    chosen = build_interventions(traits=("faces.face_area_share",))
    with open_store(measured_store) as store:
        assert build_arms(store, chosen.interventions[0], ["a", "b"], on_problem=problems.__setitem__) == []
    assert set(problems) == {"a", "b"} and "is not stored for b" in problems["b"]
    from dsanalysis.stats.analyses import Settings, run_analysis

    with open_store(measured_store) as store:  # the analysis says why, as a note
        stored = store.query("stats_arm_problems")
        assert stored["dataset"].tolist() == ["a", "b"]
        _, tables = run_analysis(store, "interventions", Settings(n_boot=10))
    notes = tables["notes"]
    left_out = notes[notes["message"].str.startswith("no arms: intervention trait 'faces.face_area_share'")]
    assert left_out["kind"].tolist() == ["not_estimable"] * 2
    assert left_out["subject"].tolist() == ["trait:faces.face_area_share on a", "trait:faces.face_area_share on b"]


def test_the_size_matched_statistics_count_only_the_newest_arm_of_a_name(tmp_path):
    """Arms drawn again (the dataset or the settings changed) replace the older ones in the statistics."""
    from dsanalysis.store import open_store

    with open_store(tmp_path / "s.duckdb") as store:
        for arm_id, created in (("old", "2026-01-01"), ("new", "2026-02-01"), ("other", "2026-01-15")):
            dataset = "b" if arm_id == "other" else "a"
            store.con.execute("INSERT INTO arms (arm_id, intervention, kind, dataset, split_id, arm, n_real, n_fake, seed, "
                              "params, created_at, package_version) VALUES (?, 'size', 'size', ?, 's', 'matched', 5, 5, 0, "
                              "'{}', ?::TIMESTAMP, '0')", [arm_id, dataset, created])
            store.con.execute("INSERT INTO runs (run_id, kind, arch, train_dataset, split_id, seed, status, package_version, "
                              "arm_id) VALUES (?, 'trained', 'meso4', ?, 's', 0, 'complete', '0', ?)",
                              [f"run-{arm_id}", dataset, arm_id])
        store.con.execute("INSERT INTO runs (run_id, kind, arch, train_dataset, split_id, seed, status, package_version) "
                          "VALUES ('run-whole', 'trained', 'meso4', 'a', 's', 0, 'complete', '0')")
        assert sorted(store.query("stats_runs", arm="matched")["run_id"]) == ["run-new", "run-other"]
        assert store.query("stats_runs")["run_id"].tolist() == ["run-whole"]  # whole training parts only
