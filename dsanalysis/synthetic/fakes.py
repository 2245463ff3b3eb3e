"""Face-swap-style fakes: the inner face of a donor, degraded by a lossy encode-decode, colour
mismatched and blended into the target with a soft mask, leaving boundary artifacts.

The three knobs are the ones that make real face-swap datasets differ: ``codec_factor`` (how much
the re-synthesized face is downsampled before being upsampled back, i.e. the generator's
resolution; it erases the skin's pore-scale texture inside the swapped region),
``upsampling_artifacts`` (the periodic 2-pixel pattern that a decoder's strided transposed
convolutions print on what it generates: a generator fingerprint that survives mild JPEG compression
but not strong compression or downscaling), ``colour_mismatch`` (0 = perfect colour transfer) and
``boundary_strength`` (how visible the blending seam is: a harder mask edge with ringing from
sharpening).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image
from scipy import ndimage

from dsanalysis.synthetic.faces import SIZE, FaceParams, draw_face


def encode_decode(image: np.ndarray, factor: float) -> np.ndarray:
    """Downsample by ``factor`` and upsample back (bilinear): the detail a small generator cannot reproduce."""
    if factor <= 1.0:
        return image
    side = max(1, round(SIZE / factor))
    picture = Image.fromarray(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8), "RGB")
    picture = picture.resize((side, side), Image.Resampling.BILINEAR).resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    return np.asarray(picture, dtype=np.float32) / 255.0


def upsampling_pattern() -> np.ndarray:
    """Zero-mean (SIZE, SIZE) float32 pattern of period 2: one pixel of every 2x2 cell raised, three lowered."""
    pattern = np.full((SIZE, SIZE), -1.0 / 3.0, dtype=np.float32)
    pattern[::2, ::2] = 1.0
    return pattern


def face_swap(
    target: FaceParams,
    donor: FaceParams,
    rng: np.random.Generator,
    *,
    codec_factor: float = 3.0,
    upsampling_artifacts: float = 0.05,
    colour_mismatch: float = 0.5,
    boundary_strength: float = 0.5,
) -> np.ndarray:
    """A fake: ``donor``'s inner face, in ``target``'s pose and lighting, blended into ``target``.

    Returns float32 RGB in [0, 1], shape (256, 256, 3).
    """
    for name, value in (("upsampling_artifacts", upsampling_artifacts), ("colour_mismatch", colour_mismatch),
                        ("boundary_strength", boundary_strength)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], not {value}")
    base, layout = draw_face(target)
    posed_donor = replace(donor, yaw=target.yaw, roll=target.roll, head_scale=target.head_scale,
                          light_angle=target.light_angle, light_strength=target.light_strength,
                          background_rgb=target.background_rgb, hair_rgb=target.hair_rgb)
    inner, _ = draw_face(posed_donor)
    fingerprint = 1.0 + np.float32(upsampling_artifacts) * upsampling_pattern()[..., None]
    inner = encode_decode(inner, codec_factor) * fingerprint

    mask = layout.inner_face_coverage(feather=2.0 + 10.0 * (1.0 - boundary_strength))
    region = mask > 0.5
    # colour transfer towards the target's face, imperfect in proportion to colour_mismatch
    shift = (base[region].mean(axis=0) - inner[region].mean(axis=0)) * (1.0 - colour_mismatch)
    shift += rng.normal(0.0, 0.06 * colour_mismatch, 3)
    inner = np.clip(inner + shift.astype(np.float32), 0, 1)

    blended = base + mask[..., None] * (inner - base)
    seam = 4.0 * mask * (1.0 - mask)  # peaks (1) on the blending boundary
    detail = blended - ndimage.gaussian_filter(blended, (1.5, 1.5, 0))
    blended = blended + (1.5 * boundary_strength) * seam[..., None] * detail
    return np.clip(blended, 0, 1).astype(np.float32)
