"""Face geometry from the MTCNN detector (the ``mtcnn`` package, whose weights ship in its wheel).

Detection runs on a reduced copy (longest side :data:`DETECT_SIDE` px) in batches: the study's
images are face crops where the face fills most of the frame, so a small copy keeps every face
well above MTCNN's 12-px minimum and detection becomes several times faster. Boxes and landmarks
are scaled back to the original pixels. When no face is found the geometry is recorded as missing
with the reason; no face is ever invented, also not for pre-cropped images.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dsanalysis.traits.values import Value, missing

EXTRACTOR = "faces"
#: Longest side, in pixels, of the reduced copy the detector sees.
DETECT_SIDE = 80
#: Smallest face (pixels of the reduced copy) MTCNN looks for; at DETECT_SIDE 80 the pyramid stays above 12 px.
MIN_FACE_SIZE = 20
#: Faces whose box is smaller than this (shorter side, original pixels) are too small for skin measurements.
MIN_FACE_PIXELS = 24
VERSION = f"faces-1-mtcnn-side{DETECT_SIDE}-min{MIN_FACE_SIZE}"

TRAITS = ("face_count", "face_confidence", "face_area_share", "face_center_offset",
          "interocular_px", "roll_deg", "yaw_proxy", "face_box_x", "face_box_y", "face_box_width", "face_box_height")


@dataclass(frozen=True)
class Face:
    """One detected face in original-image pixels: box (x, y, width, height), confidence, 5 landmarks."""

    box: tuple[float, float, float, float]
    confidence: float
    left_eye: tuple[float, float]    # the eye on the image's left
    right_eye: tuple[float, float]
    nose: tuple[float, float]
    mouth_left: tuple[float, float]
    mouth_right: tuple[float, float]


def primary_face(faces: list[Face]) -> Face | None:
    """The most confident face (ties: the largest), or None."""
    if not faces:
        return None
    return max(faces, key=lambda f: (f.confidence, f.box[2] * f.box[3]))


def face_geometry(faces: list[Face], width: int, height: int) -> dict[str, Value]:
    """Geometry of the primary face of an image of ``width`` x ``height`` pixels.

    Returns
    -------
    dict
        face_count; and for the primary face face_confidence, face_area_share (box area / image
        area, box clipped to the image), face_center_offset (distance of the box centre from the
        image centre over half the image diagonal, 0-1), interocular_px, roll_deg (angle of the eye
        line, positive when the image-right eye is lower), yaw_proxy (horizontal offset of the nose
        from the eye midpoint over the interocular distance; 0 frontal, sign gives the direction),
        face_box_x, face_box_y, face_box_width, face_box_height (the box clipped to the image, pixels).
    """
    traits: dict[str, Value] = {"face_count": float(len(faces))}
    face = primary_face(faces)
    if face is None:
        traits.update({t: missing("no face found") for t in TRAITS[1:]})
        return traits
    x, y, w, h = face.box
    x0, y0 = max(0.0, x), max(0.0, y)
    x1, y1 = min(float(width), x + w), min(float(height), y + h)
    area = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    cx, cy = x + w / 2.0, y + h / 2.0
    half_diagonal = math.hypot(width, height) / 2.0
    dx = face.right_eye[0] - face.left_eye[0]
    dy = face.right_eye[1] - face.left_eye[1]
    iod = math.hypot(dx, dy)
    traits.update({
        "face_confidence": float(face.confidence),
        "face_area_share": area / float(width * height),
        "face_center_offset": math.hypot(cx - width / 2.0, cy - height / 2.0) / half_diagonal,
        "interocular_px": iod,
        "face_box_x": x0, "face_box_y": y0, "face_box_width": x1 - x0, "face_box_height": y1 - y0,
    })
    if iod <= 0:
        traits["roll_deg"] = traits["yaw_proxy"] = missing("eyes coincide: no eye line")
        return traits
    traits["roll_deg"] = math.degrees(math.atan2(dy, dx))
    # nose offset measured along the eye line, so a rolled but frontal face stays near 0
    mid_x = (face.left_eye[0] + face.right_eye[0]) / 2.0
    mid_y = (face.left_eye[1] + face.right_eye[1]) / 2.0
    along = ((face.nose[0] - mid_x) * dx + (face.nose[1] - mid_y) * dy) / iod
    traits["yaw_proxy"] = along / iod
    return traits


def reduced_copy(rgb: np.ndarray, side: int = DETECT_SIDE) -> tuple[np.ndarray, float]:
    """``rgb`` resized so its longest side is ``side`` (never enlarged), and the factor original/reduced."""
    from PIL import Image

    height, width = rgb.shape[:2]
    scale = side / max(height, width)
    if scale >= 1.0:
        return rgb, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(Image.fromarray(rgb).resize(size, Image.BILINEAR))
    return small, width / size[0]


class MtcnnDetector:
    """MTCNN (``mtcnn`` package) on reduced copies, batched. Loads TensorFlow on first use."""

    def __init__(self, threads: int | None = None, side: int = DETECT_SIDE, min_face_size: int = MIN_FACE_SIZE):
        # side, min_face_size: other callers (video frames, uncropped photos) look for smaller faces
        self.side, self.min_face_size = side, min_face_size
        from dsanalysis.native_logs import import_tensorflow

        tf = import_tensorflow()

        if threads:
            try:
                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(1)
            except RuntimeError:  # already initialised in this process
                pass
        from mtcnn import MTCNN

        self._mtcnn = MTCNN(device="CPU:0")

    def _run(self, images: list[np.ndarray]) -> list[list[dict]]:
        result = self._mtcnn.detect_faces(images, min_face_size=self.min_face_size)
        return [list(r) for r in result]

    def detect(self, images: list[np.ndarray]) -> list[list[Face]]:
        """Faces in each of ``images`` (8-bit RGB arrays), in original pixels."""
        if not images:
            return []
        reduced = [reduced_copy(image, self.side) for image in images]
        smalls = [small for small, _ in reduced]
        found = self._run(smalls)
        if len(smalls) > 1 and not any(found):
            # MTCNN answers a whole batch with "no faces" when one stage fails; check one by one
            found = [self._run([small])[0] for small in smalls]
        faces = []
        for detections, (_, factor) in zip(found, reduced, strict=True):
            faces.append([_to_face(d, factor) for d in detections])
        return faces


def _to_face(detection: dict, factor: float) -> Face:
    x, y, w, h = (float(v) * factor for v in detection["box"])
    points = {k: (float(v[0]) * factor, float(v[1]) * factor) for k, v in detection["keypoints"].items()}
    left, right = points["left_eye"], points["right_eye"]
    if left[0] > right[0]:
        left, right = right, left
    mouth_left, mouth_right = points["mouth_left"], points["mouth_right"]
    if mouth_left[0] > mouth_right[0]:
        mouth_left, mouth_right = mouth_right, mouth_left
    return Face((x, y, w, h), float(detection["confidence"]), left, right, points["nose"], mouth_left, mouth_right)
