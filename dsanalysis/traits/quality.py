"""Image-quality descriptors of one decoded image: size, JPEG quality, sharpness, noise, tone, colour, spectrum.

Every function takes an 8-bit RGB array (H, W, 3) as :func:`dsanalysis.imaging.read_rgb` returns it.
Values are on the 0-255 intensity scale unless stated; the README (Dataset traits) lists each with its unit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from dsanalysis.traits.values import Value, missing

EXTRACTOR = "quality"
#: quality-2 added the file fingerprints (quantization-table hash, chroma subsampling, coding, size)
VERSION = "quality-2"

#: Radial spatial frequency (cycles/pixel) above which spectral energy counts as high-frequency.
HIGH_FREQUENCY_CUTOFF = 0.25
#: Standard deviation (0-255 scale) below which an image counts as uniform: contrast-based traits are undefined.
UNIFORM_STD = 1e-6

# The example luminance quantization table of the JPEG standard (ITU-T T.81 Annex K, natural order),
# which the IJG library scales by its quality setting.
_IJG_LUMINANCE = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
], dtype=np.float64)


def ijg_luminance_table(quality: int) -> np.ndarray:
    """The luminance quantization table the IJG library writes at ``quality`` (1-100), natural order."""
    scale = 5000.0 / quality if quality < 50 else 200.0 - 2.0 * quality
    return np.clip(np.floor((_IJG_LUMINANCE * scale + 50.0) / 100.0), 1, 255)


_IJG_TABLES = np.stack([ijg_luminance_table(q) for q in range(1, 101)])


def jpeg_quality(luminance_table: np.ndarray | list[int]) -> Value:
    """Estimated IJG quality (1-100) of a JPEG from its luminance quantization table.

    The estimate is the quality whose IJG table is closest (mean absolute difference over the 64
    coefficients); encoders with other tables get the nearest IJG-equivalent quality.
    """
    table = np.asarray(luminance_table, dtype=np.float64).ravel()
    if table.size != 64:
        return missing(f"luminance quantization table has {table.size} entries, not 64")
    errors = np.abs(_IJG_TABLES - table).mean(axis=1)
    return float(np.argmin(errors) + 1)


def file_jpeg_quality(path: str | Path) -> Value:
    """:func:`jpeg_quality` of the file at ``path``, missing when the file is not a JPEG."""
    from PIL import Image

    with Image.open(path) as image:
        if image.format not in {"JPEG", "MPO"}:
            return missing(f"not a JPEG file ({image.format})")
        tables = getattr(image, "quantization", None) or {}
        if 0 not in tables:
            return missing("JPEG without a luminance quantization table")
        return jpeg_quality(list(tables[0]))


def luma(rgb: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 luma Y' = 0.299 R + 0.587 G + 0.114 B (float64, 0-255)."""
    rgb = rgb.astype(np.float64)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian over the interior pixels (sharpness)."""
    g = gray.astype(np.float64)
    lap = g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var())


def wavelet_noise_sigma(gray: np.ndarray) -> float:
    """Gaussian noise standard deviation estimated by scikit-image (median absolute deviation of the finest db2 wavelet band)."""
    from skimage.restoration import estimate_sigma

    return float(estimate_sigma(gray.astype(np.float64), channel_axis=None))


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler and Suesstrunk (2003) colourfulness M = sigma_rgyb + 0.3 mu_rgyb on the 0-255 scale."""
    rgb = rgb.astype(np.float64)
    rg = rgb[..., 0] - rgb[..., 1]
    yb = 0.5 * (rgb[..., 0] + rgb[..., 1]) - rgb[..., 2]
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def mean_saturation(rgb: np.ndarray) -> float:
    """Mean HSV saturation (max - min) / max over pixels, 0 for black pixels; range 0-1."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    # elementwise over the channel planes: numpy's reduce along a 3-long last axis is several times slower
    high = np.maximum(np.maximum(r, g), b).astype(np.float32)
    low = np.minimum(np.minimum(r, g), b).astype(np.float32)
    saturation = np.divide(high - low, high, out=np.zeros_like(high), where=high > 0)
    return float(saturation.mean(dtype=np.float64))


@lru_cache(maxsize=16)
def _spectrum_masks(height: int, width: int, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights (rfft2 stores one half of the symmetric spectrum) and the high-frequency mask for a shape."""
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    # inner columns stand for two coefficients each; column 0 (and the Nyquist column) for one
    weight = np.full(fx.shape, 2.0)
    weight[0, 0] = 1.0
    if width % 2 == 0:
        weight[0, -1] = 1.0
    return weight, np.hypot(fy, fx) > cutoff


def high_frequency_share(gray: np.ndarray, cutoff: float = HIGH_FREQUENCY_CUTOFF) -> Value:
    """Share of the (mean-removed) power spectrum at radial frequency above ``cutoff`` cycles/pixel.

    Missing for a uniform image, which has no spectral energy besides its mean.
    """
    from scipy import fft

    g = gray.astype(np.float64)
    g = g - g.mean()
    spectrum = fft.rfft2(g)
    power = spectrum.real**2 + spectrum.imag**2
    if power.sum() <= 1e-12 * g.size:
        return missing("uniform image: no spectral energy")
    weight, high = _spectrum_masks(g.shape[0], g.shape[1], cutoff)
    weighted = power * weight
    return float(weighted[high].sum() / weighted.sum())


def quality_traits(rgb: np.ndarray, path: str | Path | None = None, file_format: str | None = None) -> dict[str, Value]:
    """All quality descriptors of one image.

    Returns
    -------
    dict
        trait name -> float, str (categorical) or :class:`~dsanalysis.traits.values.Missing`:
        width, height, aspect_ratio, file_format, jpeg_quality, sharpness, noise_sigma, brightness,
        contrast, colourfulness, saturation, high_frequency_share, phash (64-bit perceptual hash, hex), then the
        file fingerprints of :func:`dsanalysis.traits.fingerprints.file_fingerprints` (jpeg_qtable,
        chroma_subsampling, jpeg_coding, image_size).
    """
    from dsanalysis.traits.duplicates import phash
    from dsanalysis.traits.fingerprints import FINGERPRINT_TRAITS, file_fingerprints

    height, width = rgb.shape[:2]
    gray = luma(rgb)
    contrast = float(gray.std())
    uniform = contrast < UNIFORM_STD
    traits: dict[str, Value] = {
        "width": float(width),
        "height": float(height),
        "aspect_ratio": width / height,
        "file_format": file_format if file_format else missing("format unknown"),
        "jpeg_quality": file_jpeg_quality(path) if path is not None else missing("no file"),
        "sharpness": laplacian_variance(gray),
        "noise_sigma": wavelet_noise_sigma(gray),
        "brightness": float(gray.mean()),
        "contrast": contrast,
        "colourfulness": colourfulness(rgb),
        "saturation": mean_saturation(rgb),
        "high_frequency_share": missing("uniform image: no spectral energy") if uniform else high_frequency_share(gray),
        "phash": phash(gray),
    }
    traits.update(file_fingerprints(path) if path is not None else {t: missing("no file") for t in FINGERPRINT_TRAITS})
    return traits
