"""Procedural 256x256 face images with controlled skin tone, pose, lighting and background.

Skin colour is drawn in CIE L*a*b* from an Individual Typology Angle (ITA, degrees):
``ITA = atan((L* - 50) / b*) * 180 / pi``, so for a chosen ITA and b* the lightness is
``L* = 50 + b* tan(ITA)``. Very light skin has ITA > 55, dark skin ITA < -30.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from skimage import color, draw, filters

SIZE = 256


@dataclass(frozen=True)
class FaceParams:
    """Everything that decides one face's appearance; drawn by :func:`random_face_params`."""

    ita: float              # skin tone, degrees
    skin_b: float           # CIE b* of the skin
    skin_a: float           # CIE a* of the skin
    yaw: float              # -1 (turned left) .. 1 (turned right)
    roll: float             # degrees
    head_scale: float       # ~1
    light_angle: float      # radians, direction the light comes from
    light_strength: float   # 0..0.5
    hair_rgb: tuple[float, float, float]
    iris_rgb: tuple[float, float, float]
    lip_rgb: tuple[float, float, float]
    background_rgb: tuple[tuple[float, float, float], tuple[float, float, float]]
    eye_spacing: float
    mouth_width: float
    brow_tilt: float


def skin_rgb(ita: float, b_star: float, a_star: float) -> np.ndarray:
    """sRGB in [0, 1] of a skin patch with the given ITA (degrees), b* and a*."""
    lightness = float(np.clip(50.0 + b_star * math.tan(math.radians(ita)), 5.0, 97.0))
    return np.clip(color.lab2rgb(np.array([[[lightness, a_star, b_star]]]))[0, 0], 0.0, 1.0)


def random_face_params(rng: np.random.Generator, ita_range: tuple[float, float], pose_spread: float) -> FaceParams:
    """Face parameters with ITA uniform in ``ita_range`` and pose scaled by ``pose_spread`` (0 = frontal)."""
    def rgb(low: float, high: float) -> tuple[float, float, float]:
        return tuple(float(v) for v in rng.uniform(low, high, 3))  # type: ignore[return-value]

    return FaceParams(
        ita=float(rng.uniform(*ita_range)),
        skin_b=float(rng.uniform(12.0, 22.0)),
        skin_a=float(rng.uniform(6.0, 16.0)),
        yaw=float(np.clip(rng.normal(0.0, 0.35 * pose_spread), -0.8, 0.8)),
        roll=float(np.clip(rng.normal(0.0, 12.0 * pose_spread), -30, 30)),
        head_scale=float(rng.uniform(0.9, 1.08)),
        light_angle=float(rng.uniform(0, 2 * math.pi)),
        light_strength=float(rng.uniform(0.05, 0.35)),
        hair_rgb=tuple(float(v) for v in rng.uniform(0.02, 0.45) * rng.uniform(0.6, 1.0, 3)),  # type: ignore[arg-type]
        iris_rgb=rgb(0.05, 0.5),
        lip_rgb=(float(rng.uniform(0.45, 0.75)), float(rng.uniform(0.15, 0.35)), float(rng.uniform(0.2, 0.35))),
        background_rgb=(rgb(0.1, 0.95), rgb(0.1, 0.95)),
        eye_spacing=float(rng.uniform(0.34, 0.42)),
        mouth_width=float(rng.uniform(0.28, 0.4)),
        brow_tilt=float(rng.uniform(-6, 10)),
    )


def _rotate(points: np.ndarray, centre: np.ndarray, degrees: float) -> np.ndarray:
    angle = math.radians(degrees)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return (points - centre) @ rotation.T + centre


def _ellipse_mask(shape: tuple[int, int], centre: np.ndarray, radii: tuple[float, float], degrees: float) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    rr, cc = draw.ellipse(centre[1], centre[0], radii[1], radii[0], shape=shape, rotation=math.radians(-degrees))
    mask[rr, cc] = True
    return mask


@dataclass(frozen=True)
class FaceLayout:
    """Where the drawn face's parts are, in pixel coordinates (x, y)."""

    centre: np.ndarray
    radii: tuple[float, float]
    roll: float
    left_eye: np.ndarray
    right_eye: np.ndarray
    nose: np.ndarray
    mouth: np.ndarray

    def inner_face_mask(self, shape: tuple[int, int] = (SIZE, SIZE)) -> np.ndarray:
        """The region face swaps replace: brows to chin, inside the face outline."""
        inner_centre = (self.left_eye + self.right_eye + self.mouth + self.nose) / 4
        return _ellipse_mask(shape, inner_centre, (self.radii[0] * 0.72, self.radii[1] * 0.62), self.roll)


def draw_face(params: FaceParams) -> tuple[np.ndarray, FaceLayout]:
    """Render one face as float RGB in [0, 1], shape (256, 256, 3), and where its parts are."""
    shape = (SIZE, SIZE)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64) / SIZE
    top, bottom = (np.array(c) for c in params.background_rgb)
    image = top[None, None, :] * (1 - yy[..., None]) + bottom[None, None, :] * yy[..., None]

    centre = np.array([SIZE / 2 + params.yaw * 10.0, SIZE / 2 + 6.0])
    radii = (62.0 * params.head_scale * (1 - 0.15 * abs(params.yaw)), 84.0 * params.head_scale)
    hair = _ellipse_mask(shape, centre + np.array([0.0, -22.0]), (radii[0] * 1.12, radii[1] * 0.95), params.roll)
    image[hair] = params.hair_rgb

    head = _ellipse_mask(shape, centre, radii, params.roll)
    skin = skin_rgb(params.ita, params.skin_b, params.skin_a)
    # Lambert-like shading: brighter towards the light, darker away from it
    light = np.array([math.cos(params.light_angle), math.sin(params.light_angle)])
    dx = (xx * SIZE - centre[0]) / radii[0]
    dy = (yy * SIZE - centre[1]) / radii[1]
    shade = 1.0 + params.light_strength * np.clip(dx * light[0] + dy * light[1], -1, 1)
    image[head] = np.clip(skin[None, :] * shade[head][:, None], 0, 1)

    offset = params.yaw * radii[0] * 0.35  # features slide towards the side the head turns to
    spacing = params.eye_spacing * radii[0] * 1.25
    eye_y = centre[1] - radii[1] * 0.12
    left_eye = np.array([centre[0] - spacing + offset, eye_y])
    right_eye = np.array([centre[0] + spacing + offset, eye_y])
    nose = np.array([centre[0] + offset * 1.3, centre[1] + radii[1] * 0.15])
    mouth = np.array([centre[0] + offset, centre[1] + radii[1] * 0.45])
    left_eye, right_eye, nose, mouth = _rotate(np.stack([left_eye, right_eye, nose, mouth]), centre, params.roll)

    for k, eye in enumerate((left_eye, right_eye)):
        squeeze = 1 - 0.5 * max(0.0, params.yaw if k == 0 else -params.yaw)  # far eye foreshortened
        image[_ellipse_mask(shape, eye, (13.0 * squeeze, 6.5), params.roll)] = (0.96, 0.95, 0.93)
        image[_ellipse_mask(shape, eye, (5.0 * squeeze, 5.0), params.roll)] = params.iris_rgb
        image[_ellipse_mask(shape, eye, (2.2 * squeeze, 2.2), params.roll)] = (0.02, 0.02, 0.02)
        brow = eye + np.array([0.0, -13.0])
        image[_ellipse_mask(shape, brow, (14.0 * squeeze, 2.6), params.roll + (params.brow_tilt if k == 0 else -params.brow_tilt))] = params.hair_rgb
    nose_shadow = _ellipse_mask(shape, nose, (5.0, 11.0), params.roll)
    image[nose_shadow] = np.clip(image[nose_shadow] * 0.82, 0, 1)
    image[_ellipse_mask(shape, mouth, (params.mouth_width * radii[0], 5.5), params.roll)] = params.lip_rgb
    image = filters.gaussian(image, sigma=0.8, channel_axis=-1)
    layout = FaceLayout(centre, radii, params.roll, left_eye, right_eye, nose, mouth)
    return np.clip(image, 0, 1), layout
