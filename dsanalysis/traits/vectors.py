"""Standardized descriptor vectors: the common representation behind diversity, distances and the UMAP map.

Each image becomes one vector of the numeric descriptors below (heavy-tailed ones log1p-transformed),
standardized with the pooled mean and standard deviation of a reference set of images (the datasets
of one ``traits`` run). Missing values are set to the reference mean (0 after standardization);
descriptors missing for more than half of the reference images, or constant there, are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Numeric descriptors that make up a vector, in order.
VECTOR_TRAITS = (
    "aspect_ratio", "jpeg_quality", "sharpness", "noise_sigma", "brightness", "contrast", "colourfulness",
    "saturation", "high_frequency_share", "face_count", "face_confidence", "face_area_share",
    "face_center_offset", "interocular_px", "roll_deg", "yaw_proxy", "ita_deg", "skin_lightness", "skin_hue_deg",
)
#: Descriptors log1p-transformed before standardizing (they span orders of magnitude).
LOG_TRAITS = ("sharpness", "noise_sigma", "interocular_px")
MAX_MISSING_SHARE = 0.5


def fit_standardizer(reference: pd.DataFrame) -> dict:
    """Columns, means and standard deviations from the reference images (wide frame, one column per trait)."""
    columns, means, sds = [], [], []
    for trait in VECTOR_TRAITS:
        if trait not in reference:
            continue
        values = _transformed(reference[trait], trait)
        present = values.dropna()
        if len(present) == 0 or values.isna().mean() > MAX_MISSING_SHARE:
            continue
        sd = float(present.std(ddof=0))
        if not sd > 0:
            continue
        columns.append(trait)
        means.append(float(present.mean()))
        sds.append(sd)
    return {"columns": columns, "means": means, "sds": sds, "log1p": [c for c in columns if c in LOG_TRAITS]}


def standardized_vectors(frame: pd.DataFrame, standardizer: dict) -> np.ndarray:
    """(n, d) standardized vectors of ``frame``'s images; missing values become 0 (the reference mean)."""
    out = np.zeros((len(frame), len(standardizer["columns"])))
    for k, (trait, mean, sd) in enumerate(zip(standardizer["columns"], standardizer["means"], standardizer["sds"], strict=True)):
        if trait in frame:
            out[:, k] = ((_transformed(frame[trait], trait) - mean) / sd).fillna(0.0).to_numpy()
    return out


def _transformed(column: pd.Series, trait: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce").astype("float64")
    if trait in LOG_TRAITS:
        values = np.log1p(values.clip(lower=0))
    return values
