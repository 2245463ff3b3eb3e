"""Reading image files: the rules every part of the package shares.

``probe_image`` checks a file the way ingest needs (header, integrity, size limits) without a full
decode; ``read_rgb`` decodes an accepted file to 8-bit RGB, converting grayscale, palette, alpha,
CMYK and 16-bit images the same way everywhere; ``display_jpeg`` reads a file through it for showing
(the report's thumbnails).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

#: Smallest side, in pixels, of an image the study accepts.
MIN_SIDE = 32
#: Largest image, in pixels, that is opened at all (decompression-bomb guard; Pillow's own is 89.5 Mpx).
MAX_PIXELS = 64_000_000
#: Formats the study reads; anything else Pillow recognises is rejected as unsupported.
SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "BMP", "TIFF", "WEBP", "GIF", "MPO", "PPM"})
#: Pillow modes read as they are.
RGB_MODES = frozenset({"RGB"})
#: Pillow modes converted to 8-bit RGB when read, with what the conversion does.
CONVERTIBLE_MODES = {
    "L": "grayscale replicated to RGB",
    "LA": "grayscale replicated to RGB, alpha dropped",
    "1": "1-bit replicated to RGB",
    "P": "palette expanded to RGB",
    "PA": "palette expanded to RGB, alpha dropped",
    "RGBA": "alpha dropped",
    "RGBX": "padding band dropped",
    "CMYK": "CMYK converted to RGB",
    "YCbCr": "YCbCr converted to RGB",
    "LAB": "CIE L*a*b* converted to RGB",
    "I;16": "16-bit grayscale scaled to 8 bits",
    "I;16B": "16-bit grayscale scaled to 8 bits",
    "I;16L": "16-bit grayscale scaled to 8 bits",
    "I": "32-bit integer grayscale scaled to 8 bits",
    "F": "float grayscale clipped to [0, 255]",
}
_ORIENTATION_SWAPS_SIDES = {5, 6, 7, 8}


@dataclass(frozen=True)
class Probe:
    """What ingest records about one file."""

    status: str  # 'ok', 'converted' or 'rejected'
    reason: str | None = None
    format: str | None = None
    mode: str | None = None
    width: int | None = None
    height: int | None = None
    channels: int | None = None


def _rejected(reason: str, **header: object) -> Probe:
    return Probe("rejected", reason, **header)  # type: ignore[arg-type]


def probe_image(data: bytes, *, min_side: int = MIN_SIDE, max_pixels: int = MAX_PIXELS) -> Probe:
    """Check one file's bytes: recognised format, sane size, intact data, convertible mode.

    JPEGs are decoded at 1/8 scale (Pillow's draft mode), which reads every entropy-coded byte
    and so catches truncation and corruption at a fraction of a full decode's cost.
    """
    if not data:
        return _rejected("empty file (0 bytes)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as error:
            return _rejected(f"decompression bomb guard: {error}")
        except Image.DecompressionBombWarning as error:
            return _rejected(f"decompression bomb guard: {error}")
        except Exception:  # noqa: BLE001 - Pillow raises many types for non-images
            return _rejected("not a recognised image file")
        fmt, mode = image.format, image.mode
        width, height = image.size
        header = {"format": fmt, "mode": mode, "width": width, "height": height, "channels": len(image.getbands())}
        if fmt not in SUPPORTED_FORMATS:
            return _rejected(f"unsupported image format {fmt}", **header)
        if width * height > max_pixels:
            return _rejected(f"decompression bomb guard: {width}x{height} px exceeds {max_pixels} px", **header)
        if mode not in RGB_MODES and mode not in CONVERTIBLE_MODES:
            return _rejected(f"unsupported pixel mode {mode}", **header)
        try:
            orientation = image.getexif().get(0x0112, 1) if fmt in {"JPEG", "MPO", "TIFF", "WEBP", "PNG"} else 1
        except Exception:  # noqa: BLE001 - a broken EXIF block does not make the pixels unreadable
            orientation = 1
        if orientation in _ORIENTATION_SWAPS_SIDES:
            header["width"], header["height"] = height, width
        if min(width, height) < min_side:
            return _rejected(f"image is {width}x{height} px, smaller than {min_side} px", **header)
        try:
            if fmt in {"JPEG", "MPO"}:
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
        except Exception as error:  # noqa: BLE001
            return _rejected(f"cannot decode {fmt}: {error}", **header)
    if mode in RGB_MODES:
        return Probe("ok", None, **header)  # type: ignore[arg-type]
    return Probe("converted", f"{mode}: {CONVERTIBLE_MODES[mode]}", **header)  # type: ignore[arg-type]


def to_rgb(image: Image.Image) -> np.ndarray:
    """Convert an opened Pillow image to an 8-bit RGB array (H, W, 3), following ``CONVERTIBLE_MODES``."""
    mode = image.mode
    if mode in {"I;16", "I;16B", "I;16L", "I"}:
        values = np.asarray(image, dtype=np.float64)
        # 32-bit 'I' images usually hold 16-bit samples (older Pillow opened 16-bit PNGs so)
        top = 65535.0 if mode.startswith("I;16") or values.max() > 255 else 255.0
        gray = np.clip(np.rint(values / top * 255.0), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode == "F":
        gray = np.clip(np.rint(np.asarray(image, dtype=np.float64)), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode in {"P", "PA"}:
        image = image.convert("RGBA")
    if mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def read_rgb(path: str | Path) -> np.ndarray:
    """Decode an image file to an 8-bit RGB array (H, W, 3), EXIF orientation applied."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError(f"{path}: {image.width}x{image.height} px exceeds {MAX_PIXELS} px")
            image = ImageOps.exif_transpose(image)
            return to_rgb(image)


def display_jpeg(path: str | Path, side: int, quality: int = 80) -> bytes | None:
    """An image file to show (e.g. a report thumbnail): read as :func:`read_rgb` reads it, shrunk to fit ``side``
    x ``side`` pixels and encoded as JPEG; None when the file cannot be read any more (moved, deleted or changed
    since ingest).
    """
    try:
        image = Image.fromarray(read_rgb(path))
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
