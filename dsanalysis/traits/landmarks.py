"""Facial attributes from the 68 iBUG 300-W landmarks: eye and mouth opening, head pose, interocular distance.

Points are (x, y) pixels, x to the right and y down, indexed as in the iBUG 300-W scheme (0-based,
as dlib's 68-point predictor returns them): 0-16 jaw, 27-35 nose, 36-41 the eye on the image's left,
42-47 the eye on the image's right, 48-59 outer lips, 60-67 inner lips.

Head pose comes from OpenCV's ``solvePnP`` fitting a generic 3-D face (:data:`FACE_MODEL`, six
points) to six landmarks, with a pinhole camera whose focal length is the image width and whose
principal point is the image centre. Angles follow the signs of the ``faces`` extractor: roll is
positive when the image-right eye is lower (as ``roll_deg``), yaw positive when the nose points to
the image's right (as ``yaw_proxy``), pitch positive when the face tilts up.
"""

from __future__ import annotations

import math

import numpy as np

from dsanalysis.traits.values import Value, missing

#: Landmarks of the eye on the image's left and right, in the order p1..p6 of Soukupova and Cech (2016).
LEFT_EYE = (36, 37, 38, 39, 40, 41)
RIGHT_EYE = (42, 43, 44, 45, 46, 47)
#: Inner-lip landmarks: corners 60 and 64, upper 61-63, lower 67-65 (61 faces 67, 62 faces 66, 63 faces 65).
INNER_MOUTH_CORNERS = (60, 64)
INNER_MOUTH_PAIRS = ((61, 67), (62, 66), (63, 65))
#: Landmarks fitted by the head-pose solver: nose tip, chin, outer eye corners, mouth corners.
POSE_POINTS = (30, 8, 36, 45, 48, 54)
#: A generic 3-D face in the camera's axes when the face looks straight at it (x right, y down, z away from
#: the camera, arbitrary units close to millimetres x 2.5), for the landmarks in :data:`POSE_POINTS`: the
#: anthropometric average head common in OpenCV head-pose examples, nose tip at the origin.
FACE_MODEL = np.array([
    (0.0, 0.0, 0.0),            # 30 nose tip
    (0.0, 330.0, 65.0),         # 8 chin
    (-225.0, -170.0, 135.0),    # 36 outer corner of the image-left eye
    (225.0, -170.0, 135.0),     # 45 outer corner of the image-right eye
    (-150.0, 150.0, 125.0),     # 48 image-left mouth corner
    (150.0, 150.0, 125.0),      # 54 image-right mouth corner
])
#: Distance between the model's outer eye corners (used for the solver's starting distance).
MODEL_EYE_SPAN = 450.0
LANDMARK_TRAITS = ("eye_aspect_ratio", "mouth_aspect_ratio", "head_yaw_deg", "head_pitch_deg", "head_roll_deg",
                   "landmark_interocular_px")


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.hypot(*(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def eye_aspect_ratio(eye: np.ndarray) -> float:
    """Soukupova and Cech (2016): (|p2 - p6| + |p3 - p5|) / (2 |p1 - p4|) of one eye's six points (6, 2).

    About 0.3 for an open eye, near 0 for a closed one; NaN when the eye corners coincide.
    """
    eye = np.asarray(eye, dtype=np.float64)
    if eye.shape != (6, 2):
        raise ValueError(f"an eye has 6 (x, y) points, not shape {eye.shape}")
    width = _distance(eye[0], eye[3])
    if not width > 0:
        return float("nan")
    return (_distance(eye[1], eye[5]) + _distance(eye[2], eye[4])) / (2.0 * width)


def mouth_aspect_ratio(points: np.ndarray) -> float:
    """Mean inner-lip opening over the inner-lip width: (|p61-p67| + |p62-p66| + |p63-p65|) / (3 |p60-p64|).

    0 for closed lips; NaN when the mouth corners coincide.
    """
    points = _check(points)
    width = _distance(points[INNER_MOUTH_CORNERS[0]], points[INNER_MOUTH_CORNERS[1]])
    if not width > 0:
        return float("nan")
    return sum(_distance(points[a], points[b]) for a, b in INNER_MOUTH_PAIRS) / (3.0 * width)


def interocular_distance(points: np.ndarray) -> float:
    """Distance in pixels between the eye centres (the mean of each eye's six landmarks)."""
    points = _check(points)
    return _distance(points[list(LEFT_EYE)].mean(axis=0), points[list(RIGHT_EYE)].mean(axis=0))


def euler_angles(rotation: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees of a rotation matrix, in the signs of this module's docstring.

    ``rotation`` = Rz(roll) @ Ry(-yaw) @ Rx(-pitch) in camera axes (x right, y down, z forward), so roll
    is the rotation in the image plane applied last; yaw within (-90, 90).
    """
    r = np.asarray(rotation, dtype=np.float64)
    beta = math.asin(max(-1.0, min(1.0, -r[2, 0])))
    alpha = math.atan2(r[2, 1], r[2, 2])
    gamma = math.atan2(r[1, 0], r[0, 0])
    return -math.degrees(beta), -math.degrees(alpha), math.degrees(gamma)


def rotation_matrix(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """The rotation with Euler angles (yaw, pitch, roll) in degrees; the inverse of :func:`euler_angles`."""
    b, a, g = math.radians(-yaw), math.radians(-pitch), math.radians(roll)
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(g), -math.sin(g), 0], [math.sin(g), math.cos(g), 0], [0, 0, 1]])
    return rz @ ry @ rx


def camera_matrix(width: int, height: int) -> np.ndarray:
    """Pinhole intrinsics: focal length the image width (pixels), principal point the image centre."""
    return np.array([[float(width), 0.0, width / 2.0], [0.0, float(width), height / 2.0], [0.0, 0.0, 1.0]])


def head_pose(points: np.ndarray, width: int, height: int) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees of a face in an image of ``width`` x ``height`` pixels.

    The solver (``cv2.SOLVEPNP_ITERATIVE``) starts from a frontal face at the distance where the model's
    eye span matches the landmarks', which keeps it off the mirrored solution behind the camera.
    """
    import cv2

    points = _check(points)
    image_points = points[list(POSE_POINTS)].astype(np.float64)
    camera = camera_matrix(width, height)
    span = max(_distance(points[36], points[45]), 1e-6)
    start = image_points[0]
    depth = camera[0, 0] * MODEL_EYE_SPAN / span
    tvec = np.array([[(start[0] - camera[0, 2]) * depth / camera[0, 0]],
                     [(start[1] - camera[1, 2]) * depth / camera[1, 1]], [depth]])
    rvec = np.zeros((3, 1))
    ok, rvec, tvec = cv2.solvePnP(FACE_MODEL, image_points, camera, np.zeros(4), rvec, tvec,
                                  useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        raise ValueError("solvePnP found no pose")
    rotation, _ = cv2.Rodrigues(rvec)
    return euler_angles(rotation)


def project(yaw: float, pitch: float, roll: float, width: int, height: int, depth: float,
            model: np.ndarray = FACE_MODEL) -> np.ndarray:
    """Image points (n, 2) of ``model`` posed with the given angles, nose tip at the image centre, ``depth`` away."""
    rotated = model @ rotation_matrix(yaw, pitch, roll).T + np.array([0.0, 0.0, depth])
    camera = camera_matrix(width, height)
    return np.column_stack([camera[0, 0] * rotated[:, 0] / rotated[:, 2] + camera[0, 2],
                            camera[1, 1] * rotated[:, 1] / rotated[:, 2] + camera[1, 2]])


def landmark_traits(points: np.ndarray, width: int, height: int) -> dict[str, Value]:
    """Per-image attributes of one face's 68 landmarks in an image of ``width`` x ``height`` pixels.

    Returns
    -------
    dict
        eye_aspect_ratio (mean of both eyes), mouth_aspect_ratio (inner lips), head_yaw_deg,
        head_pitch_deg, head_roll_deg (degrees), landmark_interocular_px (pixels); a value that cannot
        be computed is :class:`~dsanalysis.traits.values.Missing` with its reason.
    """
    points = _check(points)
    eyes = [eye_aspect_ratio(points[list(eye)]) for eye in (LEFT_EYE, RIGHT_EYE)]
    traits: dict[str, Value] = {
        "eye_aspect_ratio": float(np.mean(eyes)) if all(np.isfinite(eyes)) else missing("eye corners coincide"),
        "mouth_aspect_ratio": _finite(mouth_aspect_ratio(points), "mouth corners coincide"),
        "landmark_interocular_px": interocular_distance(points),
    }
    try:
        yaw, pitch, roll = head_pose(points, width, height)
        traits.update({"head_yaw_deg": yaw, "head_pitch_deg": pitch, "head_roll_deg": roll})
    except Exception as error:  # noqa: BLE001 - ValueError or cv2.error: a degenerate landmark set
        reason = missing(f"head pose not solvable: {type(error).__name__}: {error}"[:300])
        traits.update({"head_yaw_deg": reason, "head_pitch_deg": reason, "head_roll_deg": reason})
    return {name: traits[name] for name in LANDMARK_TRAITS}


def _finite(value: float, reason: str) -> Value:
    return value if math.isfinite(value) else missing(reason)


def _check(points: np.ndarray) -> np.ndarray:
    points = np.asarray(points, dtype=np.float64)
    if points.shape != (68, 2):
        raise ValueError(f"expected 68 (x, y) landmarks, not shape {points.shape}")
    return points
