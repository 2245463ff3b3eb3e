"""The optional deepface extractor: weight-file check and process wiring.

WIRING TESTS: the ONNX models below are tiny stand-ins generated here (mean colour -> linear ->
softmax) with the input and output shapes of deepface's age, gender, race and emotion graphs.
Their outputs mean nothing; the tests check only that images flow through the isolated deepface
process and come back as well-formed image_traits rows. No real weights are downloaded or committed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dsanalysis.errors import UserError
from dsanalysis.traits import deepface_attributes as dfa

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

SHAPES = {  # weight file -> (input channels, outputs)
    "age_model_weights.onnx": (3, 101),
    "gender_model_weights.onnx": (3, 2),
    "race_model_single_batch.onnx": (3, 6),
    "facial_expression_model_weights.onnx": (1, 7),
}


def _stand_in_model(path: Path, channels: int, outputs: int, seed: int) -> None:
    from onnx import TensorProto, helper, numpy_helper

    weights = np.random.default_rng(seed).normal(size=(channels, outputs)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["input"], ["pooled"], axes=[1, 2], keepdims=0),
         helper.make_node("MatMul", ["pooled", "w"], ["logits"]),
         helper.make_node("Softmax", ["logits"], ["output"], axis=-1)],
        "stand_in",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["n", None, None, channels])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["n", outputs])],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


@pytest.fixture
def deepface_home(tmp_path) -> Path:
    folder = tmp_path / "home" / ".deepface" / "weights"
    folder.mkdir(parents=True)
    for seed, (name, (channels, outputs)) in enumerate(SHAPES.items()):
        _stand_in_model(folder / name, channels, outputs, seed)
    return tmp_path / "home"


def test_missing_weights_are_named_with_the_folder_and_deepface_home(tmp_path):
    (tmp_path / ".deepface" / "weights").mkdir(parents=True)
    (tmp_path / ".deepface" / "weights" / "age_model_weights.onnx").write_bytes(b"x")
    with pytest.raises(UserError) as error:
        dfa.check_weights(str(tmp_path))
    message = str(error.value)
    assert "gender_model_weights.onnx" in message and "race_model_single_batch.onnx" in message
    assert "facial_expression_model_weights.onnx" in message and "age_model_weights.onnx" not in message
    assert "DEEPFACE_HOME" in message and str(tmp_path / ".deepface" / "weights") in message
    assert dfa.WEIGHTS_RELEASE in message and "manifest" in message  # where the files come from; the offline route


def test_cli_refuses_deepface_without_weights_before_any_work(cli, tmp_path, monkeypatch):
    from fixtures import write_good

    write_good(tmp_path / "d" / "real", 3, 1)
    write_good(tmp_path / "d" / "fake", 3, 100)
    assert cli("ingest", "d", tmp_path / "d").code == 0
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "nowhere"))
    result = cli("traits", "--extractors", "quality,deepface", "--jobs", "1")
    assert result.code == 1
    assert "age_model_weights.onnx" in result.err and "DEEPFACE_HOME" in result.err
    assert cli("sql", "SELECT count(*) AS n FROM image_traits").out.split()[-1] == "0"


@pytest.mark.slow
def test_wiring_stand_in_models_run_in_their_own_process(tmp_path, deepface_home):
    rng = np.random.default_rng(0)
    path = tmp_path / "face.png"
    Image.fromarray(rng.integers(0, 256, (120, 100, 3), dtype=np.uint8)).save(path)
    rows = [r for chunk in dfa.run_deepface([("h1", str(path), (10.0, 20.0, 60.0, 80.0)), ("h2", str(path), None)],
                                            str(deepface_home)) for r in chunk]
    by_key = {(r[0], r[2]): r for r in rows}
    assert {t for h, t in by_key if h == "h1"} == set(dfa.TRAITS)
    age = by_key[("h1", "age")][3]
    assert 0.0 <= age <= 100.0                       # expectation over 0..100 of a softmax
    assert 0.0 <= by_key[("h1", "woman_probability")][3] <= 1.0
    assert by_key[("h1", "dominant_race")][4] in dfa.RACE_LABELS
    assert by_key[("h1", "dominant_emotion")][4] in dfa.EMOTION_LABELS
    assert by_key[("h1", "dominant_gender")][4] in dfa.GENDER_LABELS
    assert all(by_key[("h2", t)][5] == "no face found" for t in dfa.TRAITS)   # no face: never analysed
    assert all(r[6] == dfa.VERSION for r in rows)


@pytest.mark.slow
def test_wiring_traits_command_feeds_detected_face_boxes_to_deepface(cli, store_path, tmp_path, deepface_home, mesonet_dir):
    import shutil

    from dsanalysis.store import open_store

    for label, folder in (("real", "real"), ("fake", "df")):
        (tmp_path / "d" / label).mkdir(parents=True)
        for path in sorted((mesonet_dir / "train" / folder).glob("*.jpg"))[:3]:
            shutil.copy(path, tmp_path / "d" / label / path.name)
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(tmp_path / "d" / "real" / "blank.png")
    assert cli("ingest", "d", tmp_path / "d").code == 0
    result = cli("traits", "--extractors", "deepface", "--deepface-home", deepface_home, "--jobs", "1",
                 "--no-embedding", "--bootstrap", "0")
    assert result.code == 0, result.err
    with open_store(store_path, read_only=True) as store:
        rows = store.query("image_traits", trait="dominant_race")
        faces = store.query("image_traits", trait="face_count").set_index("rel_path")["value"]
    assert len(rows) == 7
    for row in rows.itertuples():
        if faces[row.rel_path] >= 1:
            assert row.category in dfa.RACE_LABELS
        else:
            assert pd.isna(row.category) and row.missing_reason == "no face found"
    assert faces["real/blank.png"] == 0
