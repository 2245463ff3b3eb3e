"""Face-swap-style fakes: the inner face of a donor, degraded by a lossy encode-decode, colour
mismatched and blended into the target with a soft mask, leaving boundary artifacts.

The three knobs are the ones that make real face-swap datasets differ: ``codec_factor`` (how much
the re-synthesized face is downsampled before being upsampled back, i.e. the generator's
resolution), ``colour_mismatch`` (0 = perfect colour transfer) and ``boundary_strength`` (how
visible the blending seam is).
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
from skimage import color, filters, transform

from dsanalysis.synthetic.faces import SIZE, FaceParams, draw_face


def encode_decode(image: np.ndarray, factor: float) -> np.ndarray:
    """Downsample by ``factor`` and upsample back: the detail a small generator cannot reproduce."""
    if factor <= 1.0:
        return image
    small = transform.resize(image, (int(SIZE / factor), int(SIZE / factor)), order=1, anti_aliasing=True)
    return np.clip(transform.resize(small, (SIZE, SIZE), order=1), 0, 1)


def face_swap(
    target: FaceParams,
    donor: FaceParams,
    rng: np.random.Generator,
    *,
    codec_factor: float = 3.0,
    colour_mismatch: float = 0.5,
    boundary_strength: float = 0.5,
) -> np.ndarray:
    """A fake: ``donor``'s inner face, in ``target``'s pose and lighting, blended into ``target``."""
    base, layout = draw_face(target)
    posed_donor = replace(donor, yaw=target.yaw, roll=target.roll, head_scale=target.head_scale,
                          light_angle=target.light_angle, light_strength=target.light_strength,
                          background_rgb=target.background_rgb, hair_rgb=target.hair_rgb)
    inner, _ = draw_face(posed_donor)
    inner = encode_decode(inner, codec_factor)

    mask = filters.gaussian(layout.inner_face_mask().astype(float), sigma=3.0 + 3.0 * (1 - boundary_strength))
    region = mask > 0.5
    # colour transfer towards the target's skin, imperfect in proportion to colour_mismatch
    inner_lab, base_lab = color.rgb2lab(inner), color.rgb2lab(base)
    shift = (base_lab[region].mean(axis=0) - inner_lab[region].mean(axis=0)) * (1 - colour_mismatch)
    shift += rng.normal(0.0, 4.0 * colour_mismatch, 3) * np.array([1.0, 0.5, 0.5])
    with warnings.catch_warnings():  # shifted colours may leave the sRGB gamut: clipping them is intended
        warnings.simplefilter("ignore", UserWarning)
        inner = np.clip(color.lab2rgb(inner_lab + shift), 0, 1)

    blended = base * (1 - mask[..., None]) + inner * mask[..., None]
    seam = 4.0 * mask * (1 - mask)  # peaks (1) on the blending boundary
    sharpened = np.clip(blended + 1.5 * (blended - filters.gaussian(blended, sigma=1.5, channel_axis=-1)), 0, 1)
    blended = blended * (1 - boundary_strength * seam[..., None]) + sharpened * boundary_strength * seam[..., None]
    return np.clip(blended, 0, 1)
