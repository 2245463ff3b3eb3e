"""File fingerprints: encoder settings read from a file's header, without decoding its pixels.

They say how a file was written, never what it shows, so a difference between the real and the fake
images of a dataset is a shortcut a detector can learn (see :mod:`dsanalysis.stats.shortcuts`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dsanalysis.traits.values import Value, missing

#: categorical fingerprints of one file, in the order they are stored
FINGERPRINT_TRAITS = ("jpeg_qtable", "chroma_subsampling", "jpeg_coding", "image_size")
#: (luma horizontal, luma vertical) sampling factors relative to chroma -> J:a:b notation
_SUBSAMPLING = {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (4, 1): "4:1:1", (1, 2): "4:4:0"}
#: hex digits kept of the quantization tables' SHA-256
HASH_DIGITS = 12


def quantization_hash(tables: dict[int, list[int]]) -> str:
    """A short hash of every quantization table of a JPEG (table number and its 64 coefficients, in file order).

    Files written with the same encoder settings share it, whatever they show.
    """
    digest = hashlib.sha256()
    for number in sorted(tables):
        digest.update(bytes([number]))
        digest.update(b"".join(int(v).to_bytes(2, "big") for v in tables[number]))
    return digest.hexdigest()[:HASH_DIGITS]


def chroma_subsampling(layers: list[tuple[int, int, int, int]]) -> str:
    """The chroma subsampling of a JPEG from its components (id, horizontal, vertical, table).

    '4:4:4', '4:2:2', '4:2:0', '4:1:1' or '4:4:0' for three components with equal chroma sampling;
    'grayscale' for one component; otherwise the sampling factors as written ('2x2,1x1,1x1,2x2').
    """
    if len(layers) == 1:
        return "grayscale"
    factors = [(h, v) for _, h, v, _ in layers]
    if len(layers) == 3 and factors[1] == factors[2]:
        (h0, v0), (h1, v1) = factors[0], factors[1]
        if h0 % h1 == 0 and v0 % v1 == 0 and (h0 // h1, v0 // v1) in _SUBSAMPLING:
            return _SUBSAMPLING[(h0 // h1, v0 // v1)]
    return ",".join(f"{h}x{v}" for h, v in factors)


def file_fingerprints(path: str | Path) -> dict[str, Value]:
    """The fingerprints of the file at ``path``.

    Returns
    -------
    dict
        jpeg_qtable (:func:`quantization_hash`), chroma_subsampling (:func:`chroma_subsampling`),
        jpeg_coding ('baseline' or 'progressive'), image_size ('<width>x<height>' as stored): text,
        or :class:`~dsanalysis.traits.values.Missing` with the reason (the JPEG ones for other formats;
        all of them for a file that cannot be read).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            size = f"{image.width}x{image.height}"
            if image.format not in {"JPEG", "MPO"}:
                reason = missing(f"not a JPEG file ({image.format})")
                return {"jpeg_qtable": reason, "chroma_subsampling": reason, "jpeg_coding": reason, "image_size": size}
            tables = getattr(image, "quantization", None) or {}
            layers = getattr(image, "layer", None) or []
            progressive = bool(image.info.get("progressive") or image.info.get("progression"))
    except (OSError, UnidentifiedImageError, ValueError) as error:
        reason = missing(f"cannot read the file header: {type(error).__name__}: {error}"[:300])
        return {trait: reason for trait in FINGERPRINT_TRAITS}
    return {
        "jpeg_qtable": quantization_hash(tables) if tables else missing("JPEG without quantization tables"),
        "chroma_subsampling": chroma_subsampling(layers) if layers else missing("JPEG without component information"),
        "jpeg_coding": "progressive" if progressive else "baseline",
        "image_size": size,
    }
