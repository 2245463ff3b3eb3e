"""Landmark attributes on constructed 68-point sets: aspect ratios by hand, head pose against known poses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsanalysis.traits import landmarks
from dsanalysis.traits.values import Missing


def _eye(width: float, opening: float, x0: float = 0.0, y0: float = 0.0) -> np.ndarray:
    """Six eye points p1..p6: corners at x0 and x0 + width, upper lid at -opening/2, lower at +opening/2."""
    return np.array([(x0, y0), (x0 + width / 3, y0 - opening / 2), (x0 + 2 * width / 3, y0 - opening / 2),
                     (x0 + width, y0), (x0 + 2 * width / 3, y0 + opening / 2), (x0 + width / 3, y0 + opening / 2)])


def _face(eye_opening: float = 10.0, mouth_opening: float = 0.0) -> np.ndarray:
    """A 68-point set with known eyes and inner lips (other points on a plain frontal layout)."""
    points = np.zeros((68, 2))
    points[:17] = np.column_stack([np.linspace(20, 180, 17), 150 + 30 * np.sin(np.linspace(0, math.pi, 17))])
    points[17:27] = np.column_stack([np.linspace(40, 160, 10), np.full(10, 70.0)])
    points[27:31] = np.column_stack([np.full(4, 100.0), np.linspace(85, 120, 4)])
    points[31:36] = np.column_stack([np.linspace(85, 115, 5), np.full(5, 125.0)])
    points[36:42] = _eye(30.0, eye_opening, 50.0, 90.0)
    points[42:48] = _eye(30.0, eye_opening, 120.0, 90.0)
    points[48:60] = np.column_stack([70 + 30 * np.cos(np.linspace(math.pi, -math.pi, 12)),
                                     150 + 12 * np.sin(np.linspace(math.pi, -math.pi, 12))])
    inner = {60: (80, 150), 64: (120, 150), 61: (90, 150 - mouth_opening / 2), 62: (100, 150 - mouth_opening / 2),
             63: (110, 150 - mouth_opening / 2), 65: (110, 150 + mouth_opening / 2), 66: (100, 150 + mouth_opening / 2),
             67: (90, 150 + mouth_opening / 2)}
    for index, point in inner.items():
        points[index] = point
    return points


def test_eye_aspect_ratio_is_opening_over_width():
    assert landmarks.eye_aspect_ratio(_eye(30.0, 9.0)) == pytest.approx(9.0 / 30.0)
    assert landmarks.eye_aspect_ratio(_eye(30.0, 0.0)) == 0.0
    assert math.isnan(landmarks.eye_aspect_ratio(np.zeros((6, 2))))
    with pytest.raises(ValueError, match="6"):
        landmarks.eye_aspect_ratio(np.zeros((5, 2)))


def test_mouth_aspect_ratio_is_mean_inner_opening_over_inner_width():
    assert landmarks.mouth_aspect_ratio(_face(mouth_opening=0.0)) == pytest.approx(0.0)
    assert landmarks.mouth_aspect_ratio(_face(mouth_opening=20.0)) == pytest.approx(20.0 / 40.0)


def test_interocular_distance_joins_the_eye_centres():
    # eye centres at x = 50 + 15 and 120 + 15, same height
    assert landmarks.interocular_distance(_face()) == pytest.approx(70.0)


def test_landmark_traits_names_values_and_missing_reasons():
    traits = landmarks.landmark_traits(_face(eye_opening=6.0, mouth_opening=8.0), 200, 200)
    assert list(traits) == list(landmarks.LANDMARK_TRAITS)
    assert traits["eye_aspect_ratio"] == pytest.approx(0.2)
    assert traits["mouth_aspect_ratio"] == pytest.approx(0.2)
    closed = _face()
    closed[36:48] = closed[36]  # every eye point in one place
    assert isinstance(landmarks.landmark_traits(closed, 200, 200)["eye_aspect_ratio"], Missing)
    with pytest.raises(ValueError, match="68"):
        landmarks.landmark_traits(np.zeros((5, 2)), 200, 200)


@pytest.mark.parametrize("yaw,pitch,roll", [(0, 0, 0), (25, 0, 0), (-30, 10, 0), (0, -15, 20), (20, 12, -35), (-45, -10, 10)])
def test_euler_angles_invert_rotation_matrix(yaw, pitch, roll):
    rotation = landmarks.rotation_matrix(yaw, pitch, roll)
    assert np.allclose(rotation @ rotation.T, np.eye(3))
    assert landmarks.euler_angles(rotation) == pytest.approx((yaw, pitch, roll), abs=1e-9)


def _posed_landmarks(yaw: float, pitch: float, roll: float, size: int = 400) -> np.ndarray:
    points = np.zeros((68, 2))
    points[list(landmarks.POSE_POINTS)] = landmarks.project(yaw, pitch, roll, size, size, depth=2500.0)
    return points


@pytest.mark.parametrize("yaw,pitch,roll", [(0, 0, 0), (20, 0, 0), (-35, 0, 0), (0, 15, 0), (0, -12, 0), (0, 0, 25),
                                            (15, -10, -20), (-25, 8, 12)])
def test_head_pose_recovers_the_pose_of_projected_model_points(yaw, pitch, roll):
    assert landmarks.head_pose(_posed_landmarks(yaw, pitch, roll), 400, 400) == pytest.approx((yaw, pitch, roll), abs=0.05)


def test_head_pose_signs_follow_the_image():
    """Independent of the Euler algebra: where the nose tip lands in the image."""
    def nose_minus_eye_midpoint(yaw: float, pitch: float) -> np.ndarray:
        p = landmarks.project(yaw, pitch, 0.0, 400, 400, depth=2500.0)
        return p[0] - (p[2] + p[3]) / 2.0

    assert nose_minus_eye_midpoint(20, 0)[0] > 0 > nose_minus_eye_midpoint(-20, 0)[0]   # yaw > 0: nose to the right
    # pitch > 0 (face up): the nose tip comes up towards the eye line
    assert nose_minus_eye_midpoint(0, 15)[1] < nose_minus_eye_midpoint(0, 0)[1] < nose_minus_eye_midpoint(0, -15)[1]
    rolled = landmarks.project(0, 0, 10, 400, 400, depth=2500.0)
    assert rolled[3][1] > rolled[2][1]  # roll > 0: the image-right eye is lower, as roll_deg of the faces extractor


def test_head_roll_follows_an_in_plane_rotation_of_the_landmarks():
    """Rotating the image (here its landmarks) about the principal point by r degrees adds r to the roll."""
    base = _posed_landmarks(15, -5, 0)
    centre = np.array([200.0, 200.0])
    for r in (-30.0, 10.0, 40.0):
        a = math.radians(r)
        turn = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        turned = (base - centre) @ turn.T + centre
        yaw, pitch, roll = landmarks.head_pose(turned, 400, 400)
        assert roll == pytest.approx(r, abs=0.05)
        assert (yaw, pitch) == pytest.approx((15, -5), abs=0.05)
