"""Optional demographic and facial attributes from deepface (age, gender, race, emotion), run isolated.

deepface 0.0.103 with TensorFlow 2.21 needs tf-keras for its TensorFlow models and sets
TF_USE_LEGACY_KERAS=1 in the process that imports it, which breaks ``tf.keras`` there. So this
extractor runs deepface's ONNX models (``DEEPFACE_BACKEND_ENGINE=onnx``, onnxruntime) in a separate
process, and only through ``deepface.modules.modeling`` (the ``DeepFace`` front end also needs
werkzeug). The weight files must already be in ``$DEEPFACE_HOME/.deepface/weights``; they are
checked before any work starts, and nothing is ever downloaded.

Faces are the primary MTCNN face boxes that the ``faces`` extractor stored: an image without a
face gets missing values (deepface itself would analyse the whole image with confidence 0).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from dsanalysis.errors import UserError

EXTRACTOR = "deepface"
#: deepface model name -> ONNX weight file it loads from $DEEPFACE_HOME/.deepface/weights
WEIGHT_FILES = {
    "Age": "age_model_weights.onnx",
    "Gender": "gender_model_weights.onnx",
    "Race": "race_model_single_batch.onnx",
    "Emotion": "facial_expression_model_weights.onnx",
}
#: where deepface 0.0.103's ONNX demography models are published (deepface's own release files)
WEIGHTS_RELEASE = "https://github.com/serengil/deepface_models/releases/tag/v1.0"
GENDER_LABELS = ("Woman", "Man")
RACE_LABELS = ("asian", "indian", "black", "white", "middle eastern", "latino hispanic")
EMOTION_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
TRAITS = ("age", "woman_probability", "dominant_gender", "dominant_race", "dominant_emotion")
VERSION = "deepface-1-onnx"
BATCH = 32


def weights_folder(deepface_home: str | None = None) -> Path:
    home = deepface_home or os.environ.get("DEEPFACE_HOME") or os.path.expanduser("~")
    return Path(home) / ".deepface" / "weights"


def check_weights(deepface_home: str | None = None) -> Path:
    """The weights folder; a :class:`UserError` names every missing file and where to put it."""
    folder = weights_folder(deepface_home)
    missing = [name for name in WEIGHT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise UserError(
            f"the deepface extractor needs {', '.join(missing)} in {folder}: deepface's own model files, from "
            f"{WEIGHTS_RELEASE} (set DEEPFACE_HOME or --deepface-home to the folder that holds .deepface/weights; "
            "nothing is downloaded). Without them, annotated age or gender columns in a manifest become "
            "subgroup and trait attributes (README: deepface)"
        )
    return folder


def _init(deepface_home: str) -> None:
    os.environ["DEEPFACE_HOME"] = deepface_home
    os.environ["DEEPFACE_BACKEND_ENGINE"] = "onnx"
    os.environ["DEEPFACE_ONNX_PROVIDERS"] = "cpu"
    from dsanalysis.native_logs import native_stderr_silenced

    with native_stderr_silenced():  # deepface imports TensorFlow, which logs natively on start-up
        import deepface.modules.modeling  # noqa: F401


def face_input(rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The face crop as deepface's analyze() feeds its models: BGR floats in [0, 1], letterboxed to 224x224."""
    from deepface.modules.preprocessing import resize_image

    x, y, w, h = (int(round(v)) for v in box)
    crop = rgb[max(0, y):y + h, max(0, x):x + w].astype(np.float32) / 255.0
    return resize_image(img=crop[:, :, ::-1], target_size=(224, 224))[0]


def analyse_chunk(items: list[tuple[str, str, tuple[float, float, float, float] | None]]) -> list[tuple]:
    """image_traits rows for (content_hash, path, face box or None) items; runs in the deepface process."""
    from deepface.modules import modeling

    from dsanalysis.imaging import read_rgb
    from dsanalysis.traits.extraction import trait_row

    rows: list[tuple] = []
    inputs, hashes = [], []
    for content_hash, path, box in items:
        if box is None:
            rows.extend(trait_row(content_hash, EXTRACTOR, t, "no face found", VERSION, is_reason=True) for t in TRAITS)
            continue
        try:
            inputs.append(face_input(read_rgb(path), box))
            hashes.append(content_hash)
        except Exception as error:  # noqa: BLE001 - a decode failure is recorded, not raised
            reason = f"cannot decode: {type(error).__name__}: {error}"[:300]
            rows.extend(trait_row(content_hash, EXTRACTOR, t, reason, VERSION, is_reason=True) for t in TRAITS)
    if not inputs:
        return rows
    batch = np.stack(inputs)
    model = lambda name: modeling.build_model(task="facial_attribute", model_name=name)  # noqa: E731
    ages = np.atleast_1d(model("Age").predict(batch))
    gender = np.atleast_2d(model("Gender").predict(batch))
    race = np.atleast_2d(model("Race").predict(batch))
    emotion = np.atleast_2d(model("Emotion").predict(batch))
    for k, content_hash in enumerate(hashes):
        values = {
            "age": float(ages[k]),
            "woman_probability": float(gender[k, 0] / gender[k].sum()) if gender[k].sum() > 0 else None,
            "dominant_gender": GENDER_LABELS[int(np.argmax(gender[k]))],
            "dominant_race": RACE_LABELS[int(np.argmax(race[k]))],
            "dominant_emotion": EMOTION_LABELS[int(np.argmax(emotion[k]))],
        }
        for trait, value in values.items():
            if value is None:
                rows.append(trait_row(content_hash, EXTRACTOR, trait, "model output sums to 0", VERSION, is_reason=True))
            else:
                rows.append(trait_row(content_hash, EXTRACTOR, trait, value, VERSION))
    return rows


def run_deepface(items: list[tuple[str, str, tuple[float, float, float, float] | None]],
                 deepface_home: str | None) -> Iterator[list[tuple]]:
    """Analyse ``items`` in one separate process (deepface must not share a process with TensorFlow users)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    folder = check_weights(deepface_home)
    home = str(folder.parent.parent)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init, initargs=(home,)) as pool:
        for start in range(0, len(items), BATCH):
            yield pool.submit(analyse_chunk, items[start:start + BATCH]).result()
