"""Small image files built on the fly: good faces and every kind of bad input ingest must survive."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def noise_image(seed: int, size: tuple[int, int] = (64, 64), mode: str = "RGB") -> Image.Image:
    """A random image: different seeds give different content (and so different hashes)."""
    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    pixels = rng.integers(0, 256, size=(size[1], size[0], channels), dtype=np.uint8)
    return Image.fromarray(pixels.squeeze() if channels == 1 else pixels, mode)


def jpeg_bytes(seed: int, size: tuple[int, int] = (64, 64), quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    noise_image(seed, size).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def write_good(folder: Path, count: int, start_seed: int, prefix: str = "img") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}{i:03d}.jpg"
        path.write_bytes(jpeg_bytes(start_seed + i))
        paths.append(path)
    return paths


#: file name -> the words its rejection or conversion reason must contain
BAD_FILES = {
    "truncated.jpg": ("rejected", "cannot decode"),
    "empty.jpg": ("rejected", "empty file"),
    "notes.jpg": ("rejected", "not a recognised image"),
    ".DS_Store": ("rejected", "not a recognised image"),
    "tiny.png": ("rejected", "smaller than 32 px"),
    "alpha.png": ("converted", "alpha dropped"),
    "gray16.png": ("converted", "16-bit"),
    "gray.png": ("converted", "grayscale"),
    "cmyk.jpg": ("converted", "CMYK"),
}


def write_bad(folder: Path) -> dict[str, tuple[str, str]]:
    """Write one file of each bad kind into ``folder``; returns BAD_FILES."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = jpeg_bytes(999, size=(128, 128))
    (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.jpg").write_text("this is a text file with an image extension\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(100))
    Image.new("RGB", (1, 1), (200, 10, 10)).save(folder / "tiny.png")
    noise_image(1001, mode="RGBA").save(folder / "alpha.png")
    gray16 = (np.arange(64 * 64, dtype=np.uint32).reshape(64, 64) * 16).astype(np.uint16)
    Image.fromarray(gray16).save(folder / "gray16.png")
    noise_image(1002, mode="L").save(folder / "gray.png")
    Image.new("CMYK", (64, 64), (10, 20, 30, 0)).save(folder / "cmyk.jpg")
    return BAD_FILES
