"""Face geometry on constructed landmark sets, and the MTCNN detector on real and face-less images."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dsanalysis.imaging import read_rgb
from dsanalysis.traits.faces import Face, face_geometry, primary_face, reduced_copy
from dsanalysis.traits.values import Missing


def _rotated_face(angle_deg: float, centre=(100.0, 100.0), iod=40.0, nose_shift=0.0) -> Face:
    """A face whose eye line is rotated by ``angle_deg`` about ``centre``; nose shifted along the eye line."""
    a = math.radians(angle_deg)
    ux, uy = math.cos(a), math.sin(a)      # along the eye line
    vx, vy = -math.sin(a), math.cos(a)     # down the face
    cx, cy = centre

    def point(u: float, v: float) -> tuple[float, float]:
        return (cx + u * ux + v * vx, cy + u * uy + v * vy)

    return Face((cx - 50, cy - 60, 100, 120), 0.98, point(-iod / 2, -10), point(iod / 2, -10),
                point(nose_shift * iod, 10), point(-15, 30), point(15, 30))


def test_frontal_centred_face_geometry():
    traits = face_geometry([_rotated_face(0.0)], 200, 200)
    assert traits["face_count"] == 1.0
    assert traits["face_confidence"] == pytest.approx(0.98)
    assert traits["face_area_share"] == pytest.approx(100 * 120 / 200**2)
    assert traits["face_center_offset"] == pytest.approx(0.0)  # box centre (100, 100) is the image centre
    assert traits["interocular_px"] == pytest.approx(40.0)
    assert traits["roll_deg"] == pytest.approx(0.0, abs=1e-9)
    assert traits["yaw_proxy"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("angle", [-30.0, 15.0, 45.0])
def test_roll_is_the_eye_line_angle_and_yaw_ignores_roll(angle):
    traits = face_geometry([_rotated_face(angle)], 200, 200)
    assert traits["roll_deg"] == pytest.approx(angle)
    assert traits["yaw_proxy"] == pytest.approx(0.0, abs=1e-9)
    assert traits["interocular_px"] == pytest.approx(40.0)


def test_yaw_proxy_is_the_nose_offset_over_the_interocular_distance():
    assert face_geometry([_rotated_face(20.0, nose_shift=0.25)], 200, 200)["yaw_proxy"] == pytest.approx(0.25)
    assert face_geometry([_rotated_face(0.0, nose_shift=-0.1)], 200, 200)["yaw_proxy"] == pytest.approx(-0.1)


def test_box_is_clipped_to_the_image_for_pre_cropped_faces():
    face = Face((-20, -30, 240, 260), 0.99, (70, 90), (130, 90), (100, 120), (80, 150), (120, 150))
    traits = face_geometry([face], 200, 200)
    assert traits["face_area_share"] == pytest.approx(1.0)
    assert (traits["face_box_x"], traits["face_box_y"], traits["face_box_width"], traits["face_box_height"]) == (0, 0, 200, 200)


def test_centre_offset_of_a_corner_face_is_half_the_half_diagonal():
    face = Face((0, 0, 100, 100), 0.9, (30, 40), (70, 40), (50, 60), (35, 80), (65, 80))
    assert face_geometry([face], 200, 200)["face_center_offset"] == pytest.approx(0.5)


def test_no_face_is_recorded_as_missing_not_invented():
    traits = face_geometry([], 128, 128)
    assert traits["face_count"] == 0.0
    others = {k: v for k, v in traits.items() if k != "face_count"}
    assert others and all(isinstance(v, Missing) and v.reason == "no face found" for v in others.values())


def test_primary_face_is_the_most_confident():
    weak, strong = _rotated_face(0.0), _rotated_face(10.0)
    weak = Face(weak.box, 0.80, weak.left_eye, weak.right_eye, weak.nose, weak.mouth_left, weak.mouth_right)
    assert primary_face([weak, strong]) is strong
    assert face_geometry([weak, strong], 200, 200)["face_count"] == 2.0


def test_reduced_copy_keeps_aspect_and_reports_the_factor():
    small, factor = reduced_copy(np.zeros((200, 100, 3), np.uint8), 80)
    assert small.shape == (80, 40, 3) and factor == pytest.approx(2.5)
    same, one = reduced_copy(np.zeros((50, 60, 3), np.uint8), 80)
    assert same.shape == (50, 60, 3) and one == 1.0


@pytest.mark.slow
def test_mtcnn_finds_the_face_in_real_crops_and_none_in_a_blank_image(mesonet_dir, lfw_dir):
    from dsanalysis.traits.faces import MtcnnDetector

    paths = sorted((mesonet_dir / "train" / "real").glob("*.jpg"))[:3] + sorted((lfw_dir / "real").glob("*.jpg"))[:3]
    images = [read_rgb(p) for p in paths] + [np.full((256, 256, 3), 127, np.uint8)]
    found = MtcnnDetector(threads=1).detect(images)
    for image, faces in zip(images[:-1], found[:-1], strict=True):
        assert len(faces) >= 1
        face = primary_face(faces)
        assert face.confidence > 0.9
        height, width = image.shape[:2]
        # landmarks in original pixels: eyes above the mouth, inside the box and the image
        assert face.left_eye[0] < face.right_eye[0]
        assert max(face.left_eye[1], face.right_eye[1]) < min(face.mouth_left[1], face.mouth_right[1])
        assert 0 <= face.nose[0] <= width and 0 <= face.nose[1] <= height
    assert found[-1] == []
