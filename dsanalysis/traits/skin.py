"""Skin tone of the primary face: Individual Typology Angle (ITA), its category, L* and hue angle h*.

Skin pixels are taken from three patches placed by the landmarks (both cheeks and the forehead)
and kept only where a YCbCr skin rule holds (Chai and Ngan 1999: 133 <= Cr <= 173, 77 <= Cb <= 127),
which drops hair, glasses and background. The mean CIE L*a*b* (D65) of those pixels gives
ITA = arctan((L* - 50) / b*) in degrees (Chardon et al. 1991), and h* = atan2(b*, a*) in degrees.
"""

from __future__ import annotations

import math

import numpy as np

from dsanalysis.traits.faces import MIN_FACE_PIXELS, Face, primary_face
from dsanalysis.traits.values import Value, is_missing, missing

EXTRACTOR = "skin"
VERSION = "skin-1"
#: Fewest skin pixels a measurement may rest on.
MIN_SKIN_PIXELS = 30
#: Patch half-size as a share of the interocular distance.
PATCH_HALF_SIZE = 0.18
TRAITS = ("ita_deg", "ita_category", "skin_lightness", "skin_hue_deg", "skin_pixels")

#: The six standard ITA categories (Del Bino and Bernerd 2013): lower bound in degrees, name.
ITA_CATEGORIES = ((55.0, "very_light"), (41.0, "light"), (28.0, "intermediate"), (10.0, "tan"),
                  (-30.0, "brown"), (-math.inf, "dark"))


def ita_degrees(lightness: float, b_star: float) -> Value:
    """ITA = arctan((L* - 50) / b*) in degrees; undefined (missing) when b* <= 0."""
    if not b_star > 0:
        return missing("b* <= 0: ITA is defined for yellowish (skin) chroma only")
    return math.degrees(math.atan((lightness - 50.0) / b_star))


def ita_category(ita: float) -> str:
    """The ITA category: very_light > 55 >= light > 41 >= intermediate > 28 >= tan > 10 >= brown > -30 >= dark."""
    for lower, name in ITA_CATEGORIES:
        if ita > lower:
            return name
    return "dark"


def skin_patches(face: Face, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Cheek and forehead patches (x0, y0, x1, y1), clipped to the image, from the landmarks."""
    le, re = np.array(face.left_eye), np.array(face.right_eye)
    ml, mr = np.array(face.mouth_left), np.array(face.mouth_right)
    iod = float(np.hypot(*(re - le)))
    eyes, mouth = (le + re) / 2.0, (ml + mr) / 2.0
    centres = [(le + ml) / 2.0, (re + mr) / 2.0, eyes - 0.45 * (mouth - eyes)]
    half = max(1.0, PATCH_HALF_SIZE * iod)
    patches = []
    for cx, cy in centres:
        x0, y0 = int(max(0, round(cx - half))), int(max(0, round(cy - half)))
        x1, y1 = int(min(width, round(cx + half) + 1)), int(min(height, round(cy + half) + 1))
        if x1 > x0 and y1 > y0:
            patches.append((x0, y0, x1, y1))
    return patches


def skin_mask(pixels: np.ndarray) -> np.ndarray:
    """True where an (N, 3) uint8 RGB pixel passes the YCbCr skin rule (ITU-R BT.601 full range)."""
    p = pixels.astype(np.float64)
    r, g, b = p[:, 0], p[:, 1], p[:, 2]
    cr = 128.0 + 0.5 * r - 0.418688 * g - 0.081312 * b
    cb = 128.0 - 0.168736 * r - 0.331264 * g + 0.5 * b
    return (cr >= 133) & (cr <= 173) & (cb >= 77) & (cb <= 127)


def skin_traits(rgb: np.ndarray, faces: list[Face]) -> dict[str, Value]:
    """Skin tone of the primary face in ``rgb``.

    Returns
    -------
    dict
        ita_deg, ita_category, skin_lightness (mean L*), skin_hue_deg (h*), skin_pixels (count);
        all missing with the reason when there is no face, the face is tiny or too few pixels are skin.
    """
    face = primary_face(faces)
    if face is None:
        return {t: missing("no face found") for t in TRAITS}
    if min(face.box[2], face.box[3]) < MIN_FACE_PIXELS:
        return {t: missing(f"face smaller than {MIN_FACE_PIXELS} px") for t in TRAITS}
    height, width = rgb.shape[:2]
    pixels = [rgb[y0:y1, x0:x1].reshape(-1, 3) for x0, y0, x1, y1 in skin_patches(face, width, height)]
    pooled = np.concatenate(pixels) if pixels else np.empty((0, 3), np.uint8)
    skin = pooled[skin_mask(pooled)] if len(pooled) else pooled
    if len(skin) < MIN_SKIN_PIXELS:
        reason = f"fewer than {MIN_SKIN_PIXELS} skin pixels in the cheek/forehead patches"
        return {**{t: missing(reason) for t in TRAITS}, "skin_pixels": float(len(skin))}
    from skimage.color import rgb2lab

    lab = rgb2lab(skin.reshape(-1, 1, 3)).reshape(-1, 3).mean(axis=0)
    lightness, a_star, b_star = (float(v) for v in lab)
    ita = ita_degrees(lightness, b_star)
    return {
        "ita_deg": ita,
        "ita_category": ita if is_missing(ita) else ita_category(float(ita)),
        "skin_lightness": lightness,
        "skin_hue_deg": math.degrees(math.atan2(b_star, a_star)),
        "skin_pixels": float(len(skin)),
    }
