"""Scoring single files with one model: images as they are (or their face crop), videos by their frames.

A video is scored the way the MesoNet authors and current benchmarks score videos: frames are
sampled (32 evenly spaced by default), the face of each is cropped exactly as ``ingest`` crops
video frames (:mod:`dsanalysis.ingest.crops`), every crop is scored, and the video's score is the
mean of its frames' scores. An image is scored as it is, resized to the model's input like the
run's training images, unless ``crop_images`` asks for its face crop first. A file that cannot be
scored gets the reason instead of a score; the others are still scored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dsanalysis.imaging import probe_image, read_rgb
from dsanalysis.ingest.crops import CropSettings, FaceCropper
from dsanalysis.ingest.video import frame_indices, is_video, open_video, read_frames
from dsanalysis.model.architectures import INPUT_SIZE
from dsanalysis.model.cache import resize_rgb
from dsanalysis.detection_metrics import predicted_labels

#: Columns of :func:`score_files`' result.
COLUMNS = ["file", "kind", "score_real", "verdict", "frames", "faces", "error"]


def verdict(score_real: float) -> str:
    """'real' when ``score_real`` is above the 0.5 threshold, else 'fake' (exactly 0.5 is fake): the study's
    rule, :func:`dsanalysis.detection_metrics.is_real`."""
    return str(predicted_labels(score_real))


class _Scorer:
    def __init__(self, model: Any, resize: str, crop: CropSettings, batch_size: int):
        self.model, self.resize, self.crop, self.batch_size = model, resize, crop, batch_size
        self._cropper: FaceCropper | None = None

    @property
    def cropper(self) -> FaceCropper:
        if self._cropper is None:
            self._cropper = FaceCropper(self.crop)
        return self._cropper

    def scores(self, images: list[np.ndarray]) -> np.ndarray:
        batch = np.stack([resize_rgb(image, INPUT_SIZE, self.resize) for image in images]).astype(np.float32) / 255.0
        return self.model.predict(batch, batch_size=self.batch_size, verbose=0).reshape(-1).astype(np.float64)

    def image(self, path: Path, crop_images: bool) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": "image"}
        try:
            data = path.read_bytes()
        except OSError as error:
            return row | {"error": f"cannot read: {error.strerror}"}
        probe = probe_image(data)
        if probe.status == "rejected":
            # a file no image reader recognises is not an image: kind 'other', so counts of images stay true
            if probe.format is None and data:
                return row | {"kind": "other", "error": "not an image or video file"}
            return row | {"error": probe.reason}
        try:
            rgb = read_rgb(path)
        except (OSError, ValueError) as error:
            return row | {"error": f"cannot decode: {error}"}
        if crop_images:
            crop, why = self.cropper.crops([rgb])[0]
            if crop is None:
                return row | {"faces": 0, "error": why}
            rgb, row["faces"] = crop, 1
        return row | {"score_real": float(self.scores([rgb])[0])}

    def video(self, path: Path) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": "video"}
        capture, info = open_video(path)
        if capture is None:
            return row | {"error": info.reason}
        try:
            indices = frame_indices(int(info.frame_count or 0), self.crop.frames, self.crop.every)
            frames = [rgb for _, rgb in read_frames(capture, indices) if rgb is not None]
        finally:
            capture.release()  # type: ignore[attr-defined]
        row["frames"] = len(frames)
        if not frames:
            return row | {"faces": 0, "error": f"none of the {len(indices)} sampled frames can be decoded"}
        crops = [crop for crop, _ in self.cropper.crops(frames) if crop is not None]
        row["faces"] = len(crops)
        if not crops:
            return row | {"error": f"no face found in any of the {len(frames)} decoded frames"}
        return row | {"score_real": float(self.scores(crops).mean())}


def score_files(
    paths: list[str | Path],
    model: Any,
    *,
    resize: str = "nearest",
    crop: CropSettings | None = None,
    crop_images: bool = False,
    batch_size: int = 32,
) -> pd.DataFrame:
    """Score each image and video in ``paths`` with ``model`` (a Keras model with one sigmoid output, P(real)).

    Parameters
    ----------
    resize
        How crops and images reach the model's 256x256 input (the run's training resize).
    crop
        Frame sampling and face crop settings for videos (and for images with ``crop_images``).

    Returns
    -------
    DataFrame with columns file (as given), kind ('image', 'video', or 'other' for a file that is
    neither), score_real (P(real); for a
    video the mean over its face crops), verdict ('real' when score_real > 0.5, else 'fake'),
    frames (video frames decoded), faces (face crops scored), error (why the file has no score).
    """
    crop = crop or CropSettings()
    crop.check()
    scorer = _Scorer(model, resize, crop, batch_size)
    rows = []
    for given in paths:
        path = Path(given)
        if not path.is_file():
            row: dict[str, Any] = {"kind": "video" if is_video(path) else "image",
                                   "error": "no such file" if not path.exists() else "not a file"}
        elif is_video(path):
            row = scorer.video(path)
        else:
            row = scorer.image(path, crop_images)
        if row.get("score_real") is not None:
            row["verdict"] = verdict(row["score_real"])
        rows.append({"file": str(given)} | row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"frames": "Int64", "faces": "Int64", "score_real": "float64"})
