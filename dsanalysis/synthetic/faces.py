"""Procedural 256x256 face images with controlled skin tone, pose, lighting, skin texture and background.

Skin colour is drawn in CIE L*a*b* from an Individual Typology Angle (ITA, degrees):
``ITA = atan((L* - 50) / b*) * 180 / pi``, so for a chosen ITA and b* the lightness is
``L* = 50 + b* tan(ITA)``. Very light skin has ITA > 55, dark skin ITA < -30.

Shapes are drawn as anti-aliased rotated ellipses composited in float32 over the whole frame
(vectorised numpy, a few milliseconds per face). Skin carries a fine pore-scale texture: the
high-frequency detail that a face-swap generator's lossy encode-decode removes (see ``fakes``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from skimage import color

SIZE = 256
_GRID_Y, _GRID_X = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)


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
    texture_seed: int       # the skin's pore pattern
    texture_strength: float  # standard deviation of the skin texture, share of the skin value


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
        texture_seed=int(rng.integers(0, 2**31)),
        texture_strength=float(rng.uniform(0.06, 0.1)),
    )


def _rotate(points: np.ndarray, centre: np.ndarray, degrees: float) -> np.ndarray:
    angle = math.radians(degrees)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return (points - centre) @ rotation.T + centre


def _ellipse_window(centre: np.ndarray, radii: tuple[float, float], degrees: float,
                    feather: float) -> tuple[tuple[slice, slice], np.ndarray]:
    """The coverage of :func:`ellipse_coverage` inside the ellipse's bounding box, and that box."""
    reach = max(radii) + feather + 1.0
    y0, y1 = (int(np.clip(v, 0, SIZE)) for v in (math.floor(centre[1] - reach), math.ceil(centre[1] + reach)))
    x0, x1 = (int(np.clip(v, 0, SIZE)) for v in (math.floor(centre[0] - reach), math.ceil(centre[0] + reach)))
    angle = math.radians(degrees)
    dx = _GRID_X[y0:y1, x0:x1] - np.float32(centre[0])
    dy = _GRID_Y[y0:y1, x0:x1] - np.float32(centre[1])
    u = (dx * math.cos(angle) + dy * math.sin(angle)) / radii[0]
    v = (-dx * math.sin(angle) + dy * math.cos(angle)) / radii[1]
    distance = np.sqrt(u * u + v * v)  # 1 on the outline
    # (1 - distance) * radius is roughly the signed pixel distance inside the outline
    return (slice(y0, y1), slice(x0, x1)), np.clip(0.5 + (1.0 - distance) * min(radii) / feather, 0.0, 1.0)


def ellipse_coverage(centre: np.ndarray, radii: tuple[float, float], degrees: float, feather: float = 1.0) -> np.ndarray:
    """Share of each pixel covered by a rotated ellipse, float32 (SIZE, SIZE) in [0, 1].

    The edge ramps from 0 to 1 over ``feather`` pixels (1 = anti-aliased; larger = a soft mask).
    """
    coverage = np.zeros((SIZE, SIZE), dtype=np.float32)
    box, window = _ellipse_window(centre, radii, degrees, feather)
    coverage[box] = window
    return coverage


def _paint(image: np.ndarray, centre: np.ndarray, radii: tuple[float, float], degrees: float,
           rgb: tuple[float, float, float]) -> None:
    box, coverage = _ellipse_window(centre, radii, degrees, 1.0)
    image[box] += coverage[..., None] * (np.asarray(rgb, dtype=np.float32) - image[box])


def skin_texture(seed: int, strength: float) -> np.ndarray:
    """Multiplicative pore-scale texture, float32 (SIZE, SIZE) around 1 with SD about ``strength``."""
    noise = np.random.default_rng(seed).standard_normal((SIZE, SIZE), dtype=np.float32)
    fine = ndimage.gaussian_filter(noise, 0.7)
    return 1.0 + fine * np.float32(strength / max(float(fine.std()), 1e-6))


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

    def inner_face_coverage(self, feather: float = 1.0) -> np.ndarray:
        """The region face swaps replace (brows to chin, inside the face outline), as coverage in [0, 1]."""
        inner_centre = (self.left_eye + self.right_eye + self.mouth + self.nose) / 4
        return ellipse_coverage(inner_centre, (self.radii[0] * 0.72, self.radii[1] * 0.62), self.roll, feather)

    def inner_face_mask(self) -> np.ndarray:
        """:meth:`inner_face_coverage` as a boolean mask."""
        return self.inner_face_coverage() > 0.5


def draw_face(params: FaceParams) -> tuple[np.ndarray, FaceLayout]:
    """Render one face as float32 RGB in [0, 1], shape (256, 256, 3), and where its parts are."""
    top, bottom = (np.asarray(c, dtype=np.float32) for c in params.background_rgb)
    share = (_GRID_Y / SIZE)[..., None]
    image = top * (1 - share) + bottom * share

    centre = np.array([SIZE / 2 + params.yaw * 10.0, SIZE / 2 + 6.0])
    radii = (62.0 * params.head_scale * (1 - 0.15 * abs(params.yaw)), 84.0 * params.head_scale)
    _paint(image, centre + np.array([0.0, -22.0]), (radii[0] * 1.12, radii[1] * 0.95), params.roll, params.hair_rgb)

    box, head = _ellipse_window(centre, radii, params.roll, 1.0)
    skin = skin_rgb(params.ita, params.skin_b, params.skin_a).astype(np.float32)
    # Lambert-like shading: brighter towards the light, darker away from it; pores on top
    light = (math.cos(params.light_angle), math.sin(params.light_angle))
    shade = 1.0 + params.light_strength * np.clip((_GRID_X[box] - centre[0]) / radii[0] * light[0]
                                                  + (_GRID_Y[box] - centre[1]) / radii[1] * light[1], -1, 1)
    shade *= skin_texture(params.texture_seed, params.texture_strength)[box]
    image[box] += head[..., None] * (np.clip(skin * shade[..., None], 0, 1) - image[box])

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
        _paint(image, eye, (13.0 * squeeze, 6.5), params.roll, (0.96, 0.95, 0.93))
        _paint(image, eye, (5.0 * squeeze, 5.0), params.roll, params.iris_rgb)
        _paint(image, eye, (2.2 * squeeze, 2.2), params.roll, (0.02, 0.02, 0.02))
        tilt = params.brow_tilt if k == 0 else -params.brow_tilt
        _paint(image, eye + np.array([0.0, -13.0]), (14.0 * squeeze, 2.6), params.roll + tilt, params.hair_rgb)
    box, nose_shadow = _ellipse_window(nose, (5.0, 11.0), params.roll, 3.0)
    image[box] *= 1 - 0.18 * nose_shadow[..., None]
    _paint(image, mouth, (params.mouth_width * radii[0], 5.5), params.roll, params.lip_rgb)
    layout = FaceLayout(centre, radii, params.roll, left_eye, right_eye, nose, mouth)
    return np.clip(image, 0, 1), layout
