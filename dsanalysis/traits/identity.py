"""The ``identity`` extractor: who is in an image, and its face's 68 landmarks, with dlib's published models.

The models come with the ``face-recognition-models`` package (nothing is downloaded at run time) and
run in dlib (the ``dlib-bin`` wheel):

* ``dlib_face_recognition_resnet_model_v1``: a 128-d face descriptor; two faces of one person lie
  closer than 0.6 (Euclidean), dlib's published same-person threshold. The face is aligned for it
  with the 5-point shape predictor (``shape_predictor_5_face_landmarks``).
* ``shape_predictor_68_face_landmarks`` (iBUG 300-W points): eye and mouth aspect ratios, head pose
  and interocular distance (:mod:`dsanalysis.traits.landmarks`).

No face detector runs here: each image's primary face box comes from the ``faces`` extractor
(MTCNN), stored before. dlib's shape predictors expect the boxes of dlib's own HOG detector, which
sit lower and are square, so the MTCNN box is mapped to one (:func:`dlib_box`, constants measured on
275 faces of the MesoNet and LFW face-swap folders that both detectors found once each). An image
without a stored box gets every trait missing with the reason, and no descriptor.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from dsanalysis.traits import faces as faces_module
from dsanalysis.traits.landmarks import LANDMARK_TRAITS, landmark_traits
from dsanalysis.traits.values import Missing, Value, missing

EXTRACTOR = "identity"
DESCRIPTOR_SIZE = 128
DESCRIPTOR_MODEL = "dlib_face_recognition_resnet_model_v1"
#: MTCNN box (x, y, w, h) -> dlib HOG box: centre shifted by (dx * w, dy * h), square of side (sw * w + sh * h) / 2.
#: Medians of dlib box / MTCNN box over 275 faces (interquartile ranges: dx -0.04-0.07, dy 0.02-0.07,
#: dlib side / w 1.03-1.16, dlib side / h 0.79-0.87).
BOX_SHIFT_X, BOX_SHIFT_Y = 0.015, 0.051
BOX_SIDE_PER_WIDTH, BOX_SIDE_PER_HEIGHT = 1.094, 0.823
#: Size and padding of the aligned face chip the descriptor network sees (dlib's defaults).
CHIP_SIZE, CHIP_PADDING = 150, 0.25
#: Images per chunk sent to a worker.
CHUNK_SIZE = 32
VERSION = f"identity-1-dlib-resnet-v1-sp5-sp68-on-{faces_module.VERSION}"
TRAITS = LANDMARK_TRAITS
NO_BOX = "no face box: the faces extractor found no face"

#: (content_hash, path, primary-face box (x, y, width, height) from the faces extractor or None)
IdentityItem = tuple[str, str, tuple[float, float, float, float] | None]
#: face_descriptors row: content_hash, descriptor (128 floats), extractor_version
DescriptorRow = tuple[str, list[float], str]

_models: DlibModels | None = None


def dlib_box(box: tuple[float, float, float, float], width: int, height: int) -> tuple[int, int, int, int]:
    """The dlib-style square box (left, top, right, bottom), integer pixels, for an MTCNN box (x, y, w, h).

    The box may reach outside the image (dlib's predictors accept that); a box that does not touch
    the image raises ValueError.
    """
    x, y, w, h = (float(v) for v in box)
    if not (w > 0 and h > 0):
        raise ValueError(f"face box {box} has no area")
    cx, cy = x + w / 2.0 + BOX_SHIFT_X * w, y + h / 2.0 + BOX_SHIFT_Y * h
    side = (BOX_SIDE_PER_WIDTH * w + BOX_SIDE_PER_HEIGHT * h) / 2.0
    left, top = round(cx - side / 2.0), round(cy - side / 2.0)
    right, bottom = round(cx + side / 2.0), round(cy + side / 2.0)
    if right <= 0 or bottom <= 0 or left >= width or top >= height:
        raise ValueError(f"face box {box} lies outside the {width}x{height} image")
    return left, top, right, bottom


class DlibModels:
    """dlib's 68- and 5-point shape predictors and ResNet face descriptor, loaded once (about 130 MB)."""

    def __init__(self) -> None:
        import dlib
        import face_recognition_models as files

        self._dlib = dlib
        self.landmarks68 = dlib.shape_predictor(files.pose_predictor_model_location())
        self.landmarks5 = dlib.shape_predictor(files.pose_predictor_five_point_model_location())
        self.encoder = dlib.face_recognition_model_v1(files.face_recognition_model_location())

    def landmarks(self, rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        """The 68 landmarks (68, 2) in pixels of the face in MTCNN ``box`` of the 8-bit RGB image ``rgb``."""
        height, width = rgb.shape[:2]
        shape = self.landmarks68(rgb, self._dlib.rectangle(*dlib_box(box, width, height)))
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)

    def descriptor(self, rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        """The 128-d descriptor (float32) of the face in MTCNN ``box``, aligned by the 5-point landmarks."""
        height, width = rgb.shape[:2]
        shape = self.landmarks5(rgb, self._dlib.rectangle(*dlib_box(box, width, height)))
        chip = self._dlib.get_face_chip(rgb, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
        return np.asarray(self.encoder.compute_face_descriptor(chip), dtype=np.float32)

    def measure(self, rgb: np.ndarray, box: tuple[float, float, float, float] | None
                ) -> tuple[dict[str, Value], np.ndarray | None]:
        """Landmark traits and the descriptor of one image's primary face; every trait missing without a box.

        Returns
        -------
        (dict, ndarray or None)
            :func:`~dsanalysis.traits.landmarks.landmark_traits` (eye_aspect_ratio, mouth_aspect_ratio,
            head_yaw_deg, head_pitch_deg, head_roll_deg, landmark_interocular_px), and the (128,)
            descriptor or None.
        """
        if box is None:
            return {t: missing(NO_BOX) for t in TRAITS}, None
        height, width = rgb.shape[:2]
        try:
            dlib_box(box, width, height)
        except ValueError as error:
            return {t: missing(str(error)) for t in TRAITS}, None
        rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
        return landmark_traits(self.landmarks(rgb, box), width, height), self.descriptor(rgb, box)


def init_worker() -> None:
    """Pool initializer: load the models once per worker process."""
    global _models
    _models = DlibModels()


def measure_chunk(items: list[IdentityItem]) -> tuple[list[tuple], list[DescriptorRow]]:
    """image_traits rows and face_descriptors rows of ``items``; an undecodable image gets its reason."""
    from dsanalysis.imaging import read_rgb
    from dsanalysis.traits.extraction import trait_row

    models = _models or DlibModels()
    rows: list[tuple] = []
    descriptors: list[DescriptorRow] = []
    for content_hash, path, box in items:
        try:
            traits, descriptor = models.measure(read_rgb(path), box)
        except Exception as error:  # noqa: BLE001 - an unreadable file or a dlib failure becomes a recorded reason
            reason: Missing = missing(f"cannot measure: {type(error).__name__}: {error}"[:300])
            traits, descriptor = {t: reason for t in TRAITS}, None
        rows.extend(trait_row(content_hash, EXTRACTOR, t, v, VERSION) for t, v in traits.items())
        if descriptor is not None and np.all(np.isfinite(descriptor)):
            descriptors.append((content_hash, [float(v) for v in descriptor], VERSION))
    return rows, descriptors


def measure_streaming(items: list[IdentityItem], jobs: int
                      ) -> Iterator[tuple[int, tuple[list[tuple], list[DescriptorRow]]]]:
    """:func:`measure_chunk` over ``items`` in ``jobs`` worker processes; yields (images, (rows, descriptors))."""
    from dsanalysis.traits.extraction import stream_chunks

    yield from stream_chunks(measure_chunk, items, jobs, CHUNK_SIZE, init_worker)
