"""Face crops: detect the face (the package's MTCNN detector), cut a square around it, resize, encode.

The square is centred on the detected face box, with side ``margin`` x the box's longer side
(1.3 by default), moved inside the frame where it would spill over an edge (and shrunk to the
frame's shorter side where it is larger), so no pixel is invented. With ``align`` the frame is first
rotated about the box centre so the eye landmarks lie on a horizontal line. The crop is resized to
``size`` x ``size`` (OpenCV area interpolation when shrinking, bicubic when enlarging) and encoded as
PNG (lossless, the default) or JPEG at ``jpeg_quality`` with 4:4:4 chroma. With several faces the
most confident one is cropped; a frame without a face gets no crop, only the reason.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from dsanalysis.errors import UserError
from dsanalysis.ingest.video import DEFAULT_FRAMES
from dsanalysis.provenance import stable_key
from dsanalysis.traits.faces import Face, MtcnnDetector, primary_face

#: Bumped when the cropping method changes, so crops made the old way are not reused.
CROP_VERSION = "crops-1"
FORMATS = ("png", "jpeg")


@dataclass(frozen=True)
class CropSettings:
    """Every setting that shapes the crops of a dataset (stored in ``crop_settings`` under :attr:`key`)."""

    frames: int | None = DEFAULT_FRAMES   # frames sampled per video, evenly spaced (None with every)
    every: int | None = None              # or every k-th frame
    margin: float = 1.3                   # square side / longer side of the face box
    size: int = 256                       # side of the saved crop, pixels
    align: bool = False                   # rotate so the eyes are level before cropping
    format: str = "png"                   # 'png' (lossless) or 'jpeg'
    jpeg_quality: int = 95
    detect_side: int = 320                # longest side of the copy the detector sees
    min_face: int = 20                    # smallest face the detector looks for, pixels of that copy
    version: str = CROP_VERSION

    def check(self) -> None:
        if self.every is not None and self.every < 1:
            raise UserError(f"--every must be at least 1, not {self.every}")
        if self.every is None and (self.frames is None or self.frames < 1):
            raise UserError(f"--frames must be at least 1, not {self.frames}")
        if not 1.0 <= self.margin <= 4.0:
            raise UserError(f"--crop-margin must be between 1 and 4, not {self.margin}")
        if not 32 <= self.size <= 2048:
            raise UserError(f"--crop-size must be between 32 and 2048 px, not {self.size}")
        if self.format not in FORMATS:
            raise UserError(f"--crop-format must be png or jpeg, not {self.format!r}")
        if not 50 <= self.jpeg_quality <= 100:
            raise UserError(f"--crop-quality must be between 50 and 100, not {self.jpeg_quality}")
        if self.detect_side < 48 or self.min_face < 12:
            raise UserError("the detector needs a copy of at least 48 px and faces of at least 12 px")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def key(self) -> str:
        """Stable key of the settings; crops are cached under it."""
        return stable_key("face_crops", asdict(self))

    @property
    def suffix(self) -> str:
        return ".png" if self.format == "png" else ".jpg"


def eye_angle(face: Face) -> float:
    """Angle of the eye line in degrees (image-left eye to image-right eye), positive when the right eye is lower."""
    return math.degrees(math.atan2(face.right_eye[1] - face.left_eye[1], face.right_eye[0] - face.left_eye[0]))


def square_crop(rgb: np.ndarray, face: Face, settings: CropSettings) -> np.ndarray:
    """The ``settings.size`` square crop of ``face`` in ``rgb`` (8-bit RGB), as described in the module."""
    import cv2

    height, width = rgb.shape[:2]
    x, y, w, h = face.box
    cx, cy = x + w / 2.0, y + h / 2.0
    if settings.align:
        rotation = cv2.getRotationMatrix2D((cx, cy), eye_angle(face), 1.0)
        rgb = cv2.warpAffine(rgb, rotation, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    side = int(round(min(max(w, h) * settings.margin, width, height)))
    side = max(side, 1)
    x0 = int(round(min(max(cx - side / 2.0, 0.0), width - side)))
    y0 = int(round(min(max(cy - side / 2.0, 0.0), height - side)))
    crop = rgb[y0:y0 + side, x0:x0 + side]
    interpolation = cv2.INTER_AREA if side >= settings.size else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(crop, (settings.size, settings.size), interpolation=interpolation))


def encode_crop(crop: np.ndarray, settings: CropSettings) -> bytes:
    """The crop's file bytes: PNG, or JPEG at ``settings.jpeg_quality`` with 4:4:4 chroma."""
    import cv2

    bgr = cv2.cvtColor(crop, cv2.COLOR_RGB2BGR)
    if settings.format == "png":
        ok, data = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    else:
        ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, settings.jpeg_quality,
                                              cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444])
    if not ok:
        raise ValueError("OpenCV could not encode the crop")
    return data.tobytes()


class FaceCropper:
    """The MTCNN detector set up for ``settings``, cutting one crop per image (None with a reason where no face)."""

    def __init__(self, settings: CropSettings, threads: int | None = None):
        self.settings = settings
        self.detector = MtcnnDetector(threads=threads, side=settings.detect_side, min_face_size=settings.min_face)

    def crops(self, images: list[np.ndarray]) -> list[tuple[np.ndarray | None, str | None]]:
        """For each 8-bit RGB image: (crop, None), or (None, reason) when no face is found."""
        if not images:
            return []
        by_shape: dict[tuple[int, ...], list[int]] = {}
        for i, image in enumerate(images):
            by_shape.setdefault(image.shape, []).append(i)  # the detector batches images of one size
        found: dict[int, list[Face]] = {}
        for positions in by_shape.values():
            found.update(zip(positions, self.detector.detect([images[i] for i in positions]), strict=True))
        out: list[tuple[np.ndarray | None, str | None]] = []
        for i, image in enumerate(images):
            face = primary_face(found[i])
            out.append((None, "no face found") if face is None else (square_crop(image, face, self.settings), None))
        return out
