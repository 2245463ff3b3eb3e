"""Study files: validated before any work, every problem named by its key."""

from __future__ import annotations

import pytest

from dsanalysis.errors import UserError
from dsanalysis.stats.analyses import ANALYSES
from dsanalysis.study.config import load_study

GOOD = """
[study]
name = "two"

[[datasets]]
name = "mesonet"
path = "data/mesonet"

[[datasets]]
name = "lfw"
path = "data/lfw"
group_pattern = "(\\\\d+)"

[split]
strategy = "group"
test_fraction = 0.25

[training]
seeds = [0, 1, 2]

[training.grid]
learning_rate = [0.001, 0.0001]
loss = ["mse", "bce"]

[traits]
extractors = ["quality", "skin"]
jobs = 2
"""


@pytest.fixture(autouse=True)
def _dataset_folders(tmp_path):
    for name in ("mesonet", "lfw"):
        (tmp_path / "data" / name).mkdir(parents=True)


def test_good_study_file_expands_the_grid_and_resolves_paths(tmp_path):
    (tmp_path / "study.toml").write_text(GOOD)
    study = load_study(tmp_path / "study.toml")
    assert [d.name for d in study.datasets] == ["mesonet", "lfw"]
    assert study.datasets[0].path == tmp_path / "data" / "mesonet"
    assert study.datasets[1].group_pattern == "(\\d+)"
    assert (study.split.strategy, study.split.test_fraction, study.split.validation_fraction) == ("group", 0.25, 0.1)
    assert study.training.seeds == (0, 1, 2)
    assert len(study.training.grid) == 4
    assert {"learning_rate": 0.0001, "loss": "bce"} in study.training.grid
    assert study.extractors == ("quality", "skin") and study.trait_jobs == 2
    # every analysis `analyze` knows but 'interventions', which a study's [interventions] runs itself
    assert study.analyses == tuple(a for a in ANALYSES if a != "interventions")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[split]", "[split]\nratio = 0.3"), "split.ratio is not a known key"),
        (("test_fraction = 0.25", "test_fraction = 1.5"), "split.test_fraction must be between 0 and 1"),
        (('strategy = "group"', 'strategy = "videos"'), "split.strategy must be one of auto, random, group, source, identity"),
        (("seeds = [0, 1, 2]", "seeds = [0, 0]"), "training.seeds lists a seed twice"),
        (("seeds = [0, 1, 2]", 'seeds = "three"'), "training.seeds must be a list"),
        (('loss = ["mse", "bce"]', "loss = []"), "training.grid.loss must be a non-empty list"),
        (('extractors = ["quality", "skin"]', 'extractors = ["quality", "hair"]'), "traits.extractors has 'hair'"),
        (("jobs = 2", "jobs = 0"), "traits.jobs must be at least 1"),
        (('name = "lfw"', 'name = "mesonet"'), "dataset name 'mesonet' is used twice"),
        (('path = "data/lfw"', ""), "datasets[1].path is required"),
        (("[traits]", "[trait]"), "trait is not a known key"),
        # every value is checked as `train` checks its options, before any work (the store is never opened)
        (("loss = [\"mse\", \"bce\"]", "epochs = [-1]"), "training.grid.epochs has -1: epochs must be an integer from 1"),
        (("loss = [\"mse\", \"bce\"]", "epochs = [0]"), "training.grid.epochs has 0: epochs must be an integer from 1"),
        (("loss = [\"mse\", \"bce\"]", 'epochs = ["ten"]'), "training.grid.epochs has 'ten': epochs must be an integer"),
        (("loss = [\"mse\", \"bce\"]", "epochs = [1.5]"), "training.grid.epochs has 1.5: epochs must be an integer"),
        (("loss = [\"mse\", \"bce\"]", "epochs = [true]"), "training.grid.epochs has True: epochs must be an integer"),
        (("loss = [\"mse\", \"bce\"]", "epochs = [99999999999999999]"), "epochs must be an integer from 1 to 10000"),
        (("loss = [\"mse\", \"bce\"]", "batch_size = [0]"), "training.grid.batch_size has 0"),
        (("learning_rate = [0.001, 0.0001]", "learning_rate = [-1.0]"), "training.grid.learning_rate has -1.0"),
        (("learning_rate = [0.001, 0.0001]", "learnin_rate = [0.1]"), "unknown training setting 'learnin_rate'"),
        (("seeds = [0, 1, 2]", 'seeds = [0]\narchitectures = ["nope"]'), "training.architectures has 'nope'"),
        (("seeds = [0, 1, 2]", 'seeds = [0]\nbase = "nope"'), "training.base must be a training configuration"),
        (('path = "data/lfw"', 'path = "data/nowhere"'), "datasets[1].path names"),
        (('path = "data/lfw"', 'path = ""'), "datasets[1].path must not be empty"),
        (('name = "lfw"', 'name = ""'), "datasets[1].name must be a non-empty name"),
        (('name = "lfw"', 'name = "  "'), "datasets[1].name must be a non-empty name"),
    ],
)
def test_bad_study_files_name_the_key(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    (tmp_path / "study.toml").write_text(GOOD.replace(old, new, 1))
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")) as error:
        load_study(tmp_path / "study.toml")
    assert str(tmp_path / "study.toml") in str(error.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_study(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("[study\nname=")
    with pytest.raises(UserError, match="not valid TOML"):
        load_study(tmp_path / "bad.toml")
    (tmp_path / "empty.toml").write_text("[study]\nname = 'x'\n")
    with pytest.raises(UserError, match=r"\[\[datasets\]\] is required"):
        load_study(tmp_path / "empty.toml")


@pytest.mark.parametrize(("table", "expected"), [("bootstrap = 300", 300), ("bootstrap_resamples = 200", 200), ("", 1000)])
def test_evaluation_resamples_are_called_bootstrap_as_on_the_command_line(tmp_path, table, expected):
    (tmp_path / "study.toml").write_text(GOOD + f"\n[evaluation]\n{table}\n")
    assert load_study(tmp_path / "study.toml").bootstrap_resamples == expected
    (tmp_path / "both.toml").write_text(GOOD + "\n[evaluation]\nbootstrap = 1\nbootstrap_resamples = 2\n")
    with pytest.raises(UserError, match="evaluation.bootstrap_resamples is the earlier spelling of bootstrap"):
        load_study(tmp_path / "both.toml")


def test_train_units_name_their_configuration_as_the_runs_table_will(tmp_path):
    """A unit line says e.g. 'default+learning_rate=0.0001,loss=mse' (what `sql --query runs` shows), not the bare grid."""
    from dsanalysis.study.units import study_units

    (tmp_path / "study.toml").write_text(GOOD)
    labels = [u.label for u in study_units(load_study(tmp_path / "study.toml")) if u.kind == "train"]
    assert "train meso4 on lfw (default+loss=mse, seed 2)" in labels  # learning rate 0.001 and bce are the default's
    assert "train meso4 on lfw (default, seed 0)" in labels
    assert "train meso4 on mesonet (default+learning_rate=0.0001, seed 1)" in labels


def test_a_dataset_entry_caps_its_images_per_class_and_the_ingest_unit_carries_it(tmp_path):
    from dsanalysis.study.units import study_units

    capped = GOOD.replace('name = "lfw"', 'name = "lfw"\nmax_images_per_class = 200\ncap_seed = 5', 1)
    (tmp_path / "study.toml").write_text(capped)
    study = load_study(tmp_path / "study.toml")
    assert [(d.name, d.max_images_per_class, d.cap_seed) for d in study.datasets] == [("mesonet", None, 0), ("lfw", 200, 5)]
    ingest = {u.params["dataset"]: u.params for u in study_units(study) if u.kind == "ingest"}
    assert ingest["lfw"]["max_images_per_class"] == 200 and "max_images_per_class" not in ingest["mesonet"]
    (tmp_path / "bad.toml").write_text(GOOD.replace('name = "lfw"', 'name = "lfw"\nmax_images_per_class = 2', 1))
    with pytest.raises(UserError, match=r"datasets\[1\].max_images_per_class must be at least 10, not 2"):
        load_study(tmp_path / "bad.toml")


def test_a_study_reads_faceforensics_and_celebdf_layouts_with_a_method_and_compression(tmp_path):
    """The study file accepts every layout `ingest` does; FaceForensics++'s method and compression reach ingest."""
    from dsanalysis.study.units import study_units

    text = GOOD.replace('name = "lfw"', 'name = "lfw"\nlayout = "faceforensics"\nmethod = "Deepfakes"\ncompression = "c23"', 1)
    (tmp_path / "study.toml").write_text(text)
    study = load_study(tmp_path / "study.toml")
    ingest = {u.params["dataset"]: u.params for u in study_units(study) if u.kind == "ingest"}
    assert (ingest["lfw"]["layout"], ingest["lfw"]["method"], ingest["lfw"]["compression"]) == (
        "faceforensics", "Deepfakes", "c23")
    assert "method" not in ingest["mesonet"]
    (tmp_path / "celeb.toml").write_text(GOOD.replace('name = "lfw"', 'name = "lfw"\nlayout = "celebdf"', 1))
    assert load_study(tmp_path / "celeb.toml").datasets[1].layout == "celebdf"


def test_an_identity_split_needs_the_identity_extractor_and_measures_traits_before_training(tmp_path):
    from dsanalysis.study.units import study_units

    text = GOOD.replace('name = "lfw"', 'name = "lfw"\nsplit = { strategy = "identity" }', 1)
    (tmp_path / "missing.toml").write_text(text)
    with pytest.raises(UserError, match="traits.extractors must include 'identity': the identity split of lfw"):
        load_study(tmp_path / "missing.toml")
    (tmp_path / "study.toml").write_text(text.replace('extractors = ["quality", "skin"]',
                                                      'extractors = ["quality", "faces", "identity"]'))
    kinds = [u.kind for u in study_units(load_study(tmp_path / "study.toml"))]
    assert kinds.index("traits") < kinds.index("train") and kinds.count("traits") == 1


def test_evaluation_traits_and_analyses_have_their_own_seeds_defaulting_to_the_split_seed(tmp_path):
    """As `evaluate --seed`, `traits --seed` and `analyze --seed`; a file without them keeps what studies did before
    (the [split] seed), which is the command line's default 0 unless [split] sets another."""
    (tmp_path / "study.toml").write_text(GOOD)
    study = load_study(tmp_path / "study.toml")
    assert (study.evaluation_seed, study.trait_seed, study.analysis_seed) == (0, 0, 0)
    (tmp_path / "split.toml").write_text(GOOD.replace("test_fraction = 0.25", "test_fraction = 0.25\nseed = 7", 1))
    study = load_study(tmp_path / "split.toml")
    assert (study.split.seed, study.evaluation_seed, study.trait_seed, study.analysis_seed) == (7, 7, 7, 7)
    own = GOOD.replace("jobs = 2", "jobs = 2\nseed = 3") + "\n[analyses]\nseed = 4\n\n[evaluation]\nseed = 5\n"
    (tmp_path / "own.toml").write_text(own)
    study = load_study(tmp_path / "own.toml")
    assert (study.split.seed, study.evaluation_seed, study.trait_seed, study.analysis_seed) == (0, 5, 3, 4)
    for change, message in ((("jobs = 2", "jobs = 2\nseed = -1"), "traits.seed must be a non-negative integer, not -1"),
                            (("", "[analyses]\nseed = 1.5"), "analyses.seed must be an integer, not 1.5"),
                            (("", "[evaluation]\nseed = true"), "evaluation.seed must be an integer, not True"),
                            (("", "[evaluation]\nsed = 1"), "evaluation.sed is not a known key")):
        old, new = change
        (tmp_path / "bad.toml").write_text(GOOD.replace(old, new, 1) if old else GOOD + f"\n{new}\n")
        with pytest.raises(UserError, match=message):
            load_study(tmp_path / "bad.toml")


def test_the_split_of_a_dataset_is_model_split_settings_with_its_group_pattern(tmp_path):
    from dsanalysis.model.splits import SplitSettings
    from dsanalysis.study.units import study_units

    (tmp_path / "study.toml").write_text(GOOD)
    study = load_study(tmp_path / "study.toml")
    mesonet, lfw = study.datasets
    assert study.split_of(mesonet) == SplitSettings("group", 0.25, 0.1, 0, None)
    assert study.split_of(lfw) == SplitSettings("group", 0.25, 0.1, 0, "(\\d+)")
    train = next(u for u in study_units(study) if u.kind == "train" and u.params["dataset"] == "lfw")
    # units are keyed as before: the split's settings, and the group pattern as a param of its own
    assert train.params["split"] == {"strategy": "group", "test_fraction": 0.25, "validation_fraction": 0.1, "seed": 0}
    assert train.params["group_pattern"] == "(\\d+)"


def _fake_faceforensics(root):
    """The folders of a FaceForensics++ download (no videos: enough to find its methods)."""
    (root / "original_sequences/youtube/c23/videos").mkdir(parents=True)
    for method in ("Deepfakes", "Face2Face"):
        (root / f"manipulated_sequences/{method}/c23/videos").mkdir(parents=True)
    return root


def test_a_faceforensics_dataset_fans_out_per_method_as_ingest_per_method_does(tmp_path):
    from dsanalysis.ingest import dataset_targets
    from dsanalysis.study.units import study_units

    _fake_faceforensics(tmp_path / "data" / "ffpp")
    text = GOOD.replace('[split]', '[[datasets]]\nname = "ff"\npath = "data/ffpp"\nper_method = true\n'
                        'compression = "c23"\n\n[split]', 1)
    (tmp_path / "study.toml").write_text(text)
    study = load_study(tmp_path / "study.toml")
    assert [(d.name, d.method) for d in study.datasets] == [
        ("mesonet", None), ("lfw", None), ("ff-Deepfakes", "Deepfakes"), ("ff-Face2Face", "Face2Face")]
    # the same datasets the command registers (one function decides for both)
    assert dataset_targets("ff", tmp_path / "data" / "ffpp", per_method=True) == [
        ("ff-Deepfakes", "Deepfakes"), ("ff-Face2Face", "Face2Face")]
    ingest = {u.params["dataset"]: u.params for u in study_units(study) if u.kind == "ingest"}
    assert (ingest["ff-Face2Face"]["method"], ingest["ff-Face2Face"]["compression"]) == ("Face2Face", "c23")
    assert {u.params["dataset"] for u in study_units(study) if u.kind == "train"} >= {"ff-Deepfakes", "ff-Face2Face"}
    bad = [(("per_method = true", 'per_method = true\nmethod = "Deepfakes"'),
            r"datasets\[2\].per_method makes one dataset of every method: give it or method, not both"),
           (('path = "data/ffpp"', 'path = "data/lfw"'),
            r"datasets\[2\].per_method does not apply: per-method datasets and a compression apply to a FaceForensics\+\+"),
           (('path = "data/ffpp"\nper_method = true\n', 'path = "data/lfw"\n'),
            r"datasets\[2\].compression does not apply: per-method datasets and a compression apply"),
           (("\n[split]", '\n[[datasets]]\nname = "ff-Deepfakes"\npath = "data/lfw"\n\n[split]'),
            "dataset name 'ff-Deepfakes' is used twice")]
    for (old, new), message in bad:
        (tmp_path / "bad.toml").write_text(text.replace(old, new, 1))
        with pytest.raises(UserError, match=message):
            load_study(tmp_path / "bad.toml")
