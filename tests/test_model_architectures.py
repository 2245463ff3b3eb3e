"""Architectures: the published shapes and parameter counts, and the published weights loading into them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dsanalysis.errors import UserError
from dsanalysis.model.architectures import architecture_names, get_architecture


def test_registry_lists_both_published_architectures_and_refuses_unknown_names():
    assert {"meso4", "mesoinception4"} <= set(architecture_names())
    with pytest.raises(UserError, match="unknown architecture 'meso5'.*meso4"):
        get_architecture("meso5")


@pytest.mark.parametrize(("name", "trainable"), [("meso4", 27_977), ("mesoinception4", 28_615)])
def test_parameter_counts_match_the_paper(name, trainable):
    # Afchar et al. 2018 report 27,977 trainable parameters for Meso-4 and 28,615 for MesoInception-4
    model = get_architecture(name).build()
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == trainable
    assert model.input_shape == (None, 256, 256, 3) and model.output_shape == (None, 1)


def _test_images(folder: Path) -> tuple[np.ndarray, list[str]]:
    from dsanalysis.model.cache import resized_rgb

    paths = sorted((folder / "test_images").glob("*/*.jpg"))
    return np.stack([resized_rgb(p, 256, "nearest") / 255.0 for p in paths]), [p.parent.name for p in paths]


@pytest.mark.parametrize("file", ["Meso4_DF.h5", "MesoInception_DF.h5"])
def test_published_weights_score_the_published_test_images(published_weights, file):
    from dsanalysis.model.weights import model_with_weights

    arch, model = model_with_weights(published_weights / "weights" / file)
    assert arch == ("meso4" if file.startswith("Meso4") else "mesoinception4")
    pixels, classes = _test_images(published_weights)
    scores = model.predict(pixels, verbose=0).ravel()
    for score, folder in zip(scores, classes, strict=True):
        if folder == "df":
            assert score < 0.1
        else:
            assert score > 0.9


def test_weights_of_the_wrong_architecture_give_one_line_and_write_nothing(cli, published_weights, store_path, tmp_path):
    from fixtures import write_good

    write_good(tmp_path / "d" / "real", 2, 0)
    write_good(tmp_path / "d" / "fake", 2, 10)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    result = cli("evaluate", "--weights", published_weights / "weights" / "MesoInception_DF.h5", "--arch", "meso4",
                 "--on", "d", "--part", "all")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "does not fit architecture meso4" in lines[0] and "MesoInception_DF.h5" in lines[0]
    not_weights = tmp_path / "notes.h5"
    not_weights.write_text("hello")
    result = cli("evaluate", "--weights", not_weights, "--on", "d", "--part", "all")
    assert result.code == 1 and "not an HDF5 file" in result.err
    counts = cli("sql", "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM predictions) AS n", "--format", "csv")
    assert counts.out == "n\n0\n"


def test_published_weights_evaluated_through_the_cli(cli, published_weights, tmp_path):
    # the 4 published test images as a dataset: df/ and real/ folders
    assert cli("ingest", "published", published_weights / "test_images").code == 0
    weights = published_weights / "weights" / "Meso4_DF.h5"
    result = cli("evaluate", "--weights", weights, "--on", "published", "--part", "all", "--bootstrap", "0")
    assert result.code == 0, result.err
    frame = cli("sql", "SELECT i.label, p.score_real FROM predictions p JOIN images i USING (image_id) ORDER BY i.rel_path",
                "--format", "csv").out.splitlines()[1:]
    labels = [line.split(",")[0] for line in frame]
    scores = [float(line.split(",")[1]) for line in frame]
    assert labels == ["fake", "fake", "real", "real"]
    assert max(scores[:2]) < 0.1 and min(scores[2:]) > 0.9
    run = cli("sql", "SELECT kind, arch, weights_sha256 FROM runs", "--format", "csv").out.splitlines()[1]
    from dsanalysis.model.weights import file_sha256

    assert run == f"imported,meso4,{file_sha256(weights)}"
    # the same file again is the same run, and its stored evaluation is not redone
    again = cli("evaluate", "--weights", weights, "--on", "published", "--part", "all")
    assert again.code == 0 and "already stored" in again.out
    assert cli("sql", "SELECT count(*) AS n FROM runs", "--format", "csv").out == "n\n1\n"


def test_published_weights_on_a_test_part_use_the_default_split(cli, published_weights, tmp_path):
    from fixtures import write_good

    write_good(tmp_path / "d" / "real", 30, 0)
    write_good(tmp_path / "d" / "fake", 30, 100)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    result = cli("evaluate", "--weights", published_weights / "weights" / "Meso4_DF.h5", "--on", "d", "--bootstrap", "0")
    assert result.code == 0, result.err
    assert "trained on imported weights" in result.out
    [row] = json.loads(cli("sql", "SELECT e.n_images, s.strategy, s.test_fraction, s.seed FROM evaluations e "
                                  "JOIN splits s USING (split_id)", "--format", "json").out)
    assert row == {"n_images": 18, "strategy": "random", "test_fraction": 0.3, "seed": 0}
