"""Near-duplicate images: candidates from a nearest-neighbour search, confirmed on aligned colour thumbnails.

Two images are near-duplicates when one is a re-encoded, resized or slightly cropped copy of the
other (or, as consecutive frames of one video often are, nearly so). Different people in the same
pose are not, however alike their faces look at low resolution. The detector works on
:data:`THUMBNAIL`-pixel colour thumbnails of whole images ('area' resize; JPEGs decoded at a reduced
scale) and each image's width/height ratio:

1. candidates: each image's centre (the middle :data:`CENTRE` of each side) averaged down to 8x8
   colour pixels is a point of 192 numbers; each query image's :data:`NEIGHBOURS` nearest points
   among the searched images (Euclidean; scikit-learn's ``NearestNeighbors``, in memory linear in
   the number of images) are its candidates when their root-mean-square difference is at most
   :data:`CANDIDATE_RMS` (of 255).
2. alignment: the query's centre, at :data:`PATCH` x :data:`PATCH` pixels, is searched for in the
   candidate at relative scales :data:`SCALES` (a copy cropped by up to a fifth of each side, or the
   original of such a crop) and at every position, by normalised correlation of colour pixels; the
   best match is refined to a fraction of a pixel in position and scale. The search runs both ways
   (each image's centre in the other) and keeps the better.
3. confirmation: the aligned colour patches must agree pixel by pixel: mean absolute difference at
   most :data:`MAX_MAD` (of 255) and structural similarity (SSIM, scikit-image) at least
   :data:`MIN_SSIM`.

A 64-bit perceptual hash of a grey face crop cannot tell faces apart (different synthetic faces
collide at distance 0), so :func:`phash` remains an image descriptor only.

Measured by ``tests/benchmarks/bench_duplicates.py --seed 1`` (the thresholds were chosen on seed 0):
180 originals (60 each of LFW photos, MesoNet frames and the demo's light_frontal synthetic faces)
with 5 altered copies each (re-encoded at JPEG quality 50-90, resized to 40-80% and 120-160%, cropped
0-8% per side, and all three at once), every image searched against every other: precision 1.000
(2,694 true pairs, 0 false), recall 0.999 (one cropped copy of 180 missed); among 450 other
originals alone (different people in similar poses), 0 false pairs (4 pairs of MesoNet files, each
two near-identical frames of one video). The former pHash check (at most 6 bits apart) on the same
sets: precision 0.483, recall 0.712, 439 false pairs among the 450 originals, all synthetic faces.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Version of the detector: bump when a change alters which pairs it confirms.
VERSION = "1"
#: Side of the colour thumbnails the detector compares (pixels).
THUMBNAIL = 64
#: Share of each side of an image that its centre (candidate vector and template) covers.
CENTRE = 0.75
#: Side of the candidate vector's colour grid.
GRID = 8
#: Nearest neighbours of each query image considered as candidates.
NEIGHBOURS = 5
#: Largest root-mean-square difference (of 255) between candidate vectors of a candidate pair.
CANDIDATE_RMS = 40.0
#: Side of the aligned patches compared (pixels).
PATCH = 24
#: Relative scales searched between two images (a crop of up to a fifth of each side, either way).
SCALES = tuple(float(s) for s in np.exp(np.linspace(np.log(0.8), np.log(1.25), 11)))
#: Smallest correlation of the coarse alignment (half resolution, whole pixels) worth refining.
MIN_COARSE = 0.85
#: Largest mean absolute difference (of 255) of aligned patches of near-duplicates.
MAX_MAD = 8.0
#: Smallest structural similarity of aligned patches of near-duplicates.
MIN_SSIM = 0.9
#: Images of one dataset searched for near-duplicates of each other; beyond, a seeded subsample (time is linear).
MAX_IMAGES = 20_000
#: Columns of :func:`near_duplicate_matches`.
MATCH_COLUMNS = ["query", "match", "score", "mad", "ssim"]
#: Near-duplicate rate of a dataset from which it is flagged (stored with the rate: :func:`warning_params`).
WARNING_RATE = 0.05


def detector_params() -> dict[str, object]:
    """The detector's name, version and settings, stored with every result it gives."""
    return {"detector": "aligned-thumbnail near-duplicates", "version": VERSION, "thumbnail": THUMBNAIL,
            "centre": CENTRE, "grid": GRID, "neighbours": NEIGHBOURS, "candidate_rms": CANDIDATE_RMS, "patch": PATCH,
            "min_coarse": MIN_COARSE, "scales": [round(SCALES[0], 4), round(SCALES[-1], 4)], "n_scales": len(SCALES),
            "max_mad": MAX_MAD, "min_ssim": MIN_SSIM, "max_images": MAX_IMAGES}


def phash(gray: np.ndarray) -> str:
    """The 64-bit perceptual hash of a grey image (2-D, any size) as 16 hex digits.

    pHash (Zauner 2010, as in the ``imagehash`` package): the image reduced to 32x32 grey, its 2-D
    DCT-II, the top-left 8x8 low-frequency block compared with its median.
    """
    from PIL import Image
    from scipy.fft import dctn

    small = np.asarray(Image.fromarray(np.clip(gray, 0, 255).astype(np.uint8)).resize((32, 32), Image.LANCZOS),
                       dtype=np.float64)
    block = dctn(small, type=2, norm="ortho")[:8, :8]
    bits = (block > np.median(block)).ravel()
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


# -- thumbnails -----------------------------------------------------------------------------------

def thumbnail(pixels: np.ndarray) -> np.ndarray:
    """One uint8 RGB image as the detector's ``(THUMBNAIL, THUMBNAIL, 3)`` thumbnail ('area' resize)."""
    from dsanalysis.model.cache import resize_rgb

    return resize_rgb(np.ascontiguousarray(pixels, dtype=np.uint8), THUMBNAIL, "area")


def thumbnail_of_file(path: str | Path) -> np.ndarray:
    """The thumbnail of an image file: a JPEG is decoded at a reduced scale (at least twice the thumbnail's
    side), EXIF orientation applied, converted to RGB as :func:`dsanalysis.imaging.read_rgb` does."""
    from PIL import Image, ImageOps

    from dsanalysis.imaging import to_rgb

    with Image.open(path) as image:
        image.draft("RGB", (2 * THUMBNAIL, 2 * THUMBNAIL))
        return thumbnail(to_rgb(ImageOps.exif_transpose(image)))


def thumbnails(paths: list[str] | pd.Series) -> np.ndarray:
    """uint8 ``(n, THUMBNAIL, THUMBNAIL, 3)`` thumbnails of image files, decoded on all CPUs (Pillow frees the GIL)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from dsanalysis.errors import UserError

    paths = list(paths)
    out = np.zeros((len(paths), THUMBNAIL, THUMBNAIL, 3), dtype=np.uint8)

    def read(k: int) -> None:
        try:
            out[k] = thumbnail_of_file(paths[k])
        except (OSError, ValueError) as error:
            raise UserError(f"cannot read {paths[k]} ({error}); re-run `python -m dsanalysis ingest` "
                            "if the dataset changed") from None

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(read, range(len(paths))))
    return out


def aspect_ratios(images: pd.DataFrame) -> np.ndarray:
    """Width/height of each image (1 where unknown): thumbnails squash images to squares, alignment undoes it."""
    width = pd.to_numeric(images["width"], errors="coerce").to_numpy(dtype=np.float64)
    height = pd.to_numeric(images["height"], errors="coerce").to_numpy(dtype=np.float64)
    ratio = width / height
    return np.where(np.isfinite(ratio) & (ratio > 0), ratio, 1.0)


def candidate_vectors(thumbs: np.ndarray) -> np.ndarray:
    """Each thumbnail's centre averaged to ``GRID`` x ``GRID`` colour pixels: float32 ``(n, GRID * GRID * 3)``."""
    margin = round(THUMBNAIL * (1 - CENTRE) / 2)
    centre = thumbs[:, margin:THUMBNAIL - margin, margin:THUMBNAIL - margin].astype(np.float32)
    side = centre.shape[1] // GRID
    blocks = centre[:, :side * GRID, :side * GRID].reshape(len(thumbs), GRID, side, GRID, side, 3)
    return blocks.mean(axis=(2, 4)).reshape(len(thumbs), -1)


def candidate_pairs(vectors: np.ndarray, queries: np.ndarray, index: np.ndarray,
                    neighbours: int = NEIGHBOURS) -> pd.DataFrame:
    """Each query's nearest ``index`` rows (itself excluded) within :data:`CANDIDATE_RMS`.

    Returns
    -------
    DataFrame
        query, match (positions into ``vectors``), rms (root-mean-square difference, of 255).
    """
    from sklearn import config_context
    from sklearn.neighbors import NearestNeighbors

    queries = np.asarray(queries, dtype=np.int64)
    index = np.asarray(index, dtype=np.int64)
    if not len(queries) or not len(index):
        return pd.DataFrame({"query": [], "match": [], "rms": []}).astype({"query": "int64", "match": "int64"})
    k = min(neighbours + 1, len(index))  # one more: a query may find itself
    with config_context(working_memory=64):  # MiB per chunk of distances: memory linear in the images
        search = NearestNeighbors(n_neighbors=k).fit(vectors[index])
        distance, found = search.kneighbors(vectors[queries])
    frame = pd.DataFrame({"query": np.repeat(queries, k), "match": index[found.ravel()],
                          "rms": distance.ravel() / np.sqrt(vectors.shape[1])})
    frame = frame[(frame["query"] != frame["match"]) & (frame["rms"] <= CANDIDATE_RMS)]
    return frame.reset_index(drop=True)


# -- alignment and confirmation ------------------------------------------------------------------

def _image(thumb: np.ndarray):  # noqa: ANN202 - a PIL image
    from PIL import Image

    return Image.fromarray(np.ascontiguousarray(thumb, dtype=np.uint8), "RGB")


def _weights(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Resampling weights ``(boxes, PATCH, THUMBNAIL)`` of ``PATCH`` samples between each start and end (thumbnail
    pixels, edges at integers): a triangle as wide as the reduction (Pillow's antialiased bilinear filter)."""
    width = (ends - starts) / PATCH
    support = np.maximum(width, 1.0)[:, None, None]
    centres = starts[:, None] + (np.arange(PATCH) + 0.5)[None] * width[:, None]
    weights = np.maximum(0.0, 1.0 - np.abs((np.arange(THUMBNAIL) + 0.5)[None, None] - centres[:, :, None]) / support)
    return (weights / np.maximum(weights.sum(axis=2, keepdims=True), 1e-12)).astype(np.float32)


def _patches(thumb: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """``(boxes, PATCH, PATCH, 3)`` float32 colour patches resampled from boxes (x0, y0, x1, y1, thumbnail pixels)."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    rows = _weights(boxes[:, 1], boxes[:, 3]) @ np.asarray(thumb, dtype=np.float32).reshape(THUMBNAIL, -1)
    rows = rows.reshape(len(boxes), PATCH, THUMBNAIL, 3)
    return np.matmul(_weights(boxes[:, 0], boxes[:, 2])[:, None], rows)


def _normalised(patches: np.ndarray) -> np.ndarray:
    """Flattened patches minus their mean, scaled to unit length (rows of a correlation)."""
    flat = patches.reshape(len(patches), -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    return flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-6)


def _templates(thumb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An image's centre as a ``PATCH``-pixel colour patch, and that patch at half resolution, normalised."""
    margin = THUMBNAIL * (1 - CENTRE) / 2
    patch = _patches(thumb, np.array([margin, margin, THUMBNAIL - margin, THUMBNAIL - margin]))[0]
    half = patch.reshape(PATCH // 2, 2, PATCH // 2, 2, 3).mean(axis=(1, 3))
    return patch, _normalised(half[None])[0]


def _windows(thumb: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Every place a centre template can lie in ``thumb``, at half resolution: normalised windows and their
    boxes (thumbnail pixels), over :data:`SCALES` and whole half-resolution pixels.

    ``aspect`` is the template image's width/height ratio over the target's (thumbnails are square).
    """
    from numpy.lib.stride_tricks import sliding_window_view
    from PIL import Image

    half, centre, target = PATCH // 2, THUMBNAIL * CENTRE, _image(thumb)
    windows, boxes = [], []
    for scale in SCALES:
        sx, sy = scale * np.sqrt(aspect), scale / np.sqrt(aspect)
        width, height = round(THUMBNAIL * half / (centre * sx)), round(THUMBNAIL * half / (centre * sy))
        if width < half or height < half:
            continue
        resized = np.asarray(target.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)
        found = sliding_window_view(resized, (half, half, 3))[:, :, 0]
        rows, columns = found.shape[:2]
        windows.append(_normalised(found.reshape(rows * columns, -1)))
        y, x = np.divmod(np.arange(rows * columns), columns)
        fx, fy = THUMBNAIL / width, THUMBNAIL / height
        boxes.append(np.stack([x * fx, y * fy, (x + half) * fx, (y + half) * fy], axis=1))
    return np.concatenate(windows), np.concatenate(boxes)


def _refine(template: np.ndarray, thumb: np.ndarray, box: np.ndarray) -> tuple[float, np.ndarray]:
    """Pattern search of the box's position and scale down to 1/8 pixel, by correlation with ``template``."""
    score = float(_normalised(_patches(thumb, box))[0] @ template)
    step, zoom = 1.0, 0.02
    while step >= 0.125:
        centre, size = (box[:2] + box[2:]) / 2, box[2:] - box[:2]
        moves = np.array([[step, 0, 0], [-step, 0, 0], [0, step, 0], [0, -step, 0], [0, 0, zoom], [0, 0, -zoom]])
        centres = centre + moves[:, :2]
        sizes = size[None] * (1 + moves[:, 2:])
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
        boxes = boxes[(boxes[:, :2] >= 0).all(axis=1) & (boxes[:, 2:] <= THUMBNAIL).all(axis=1)]
        scores = _normalised(_patches(thumb, boxes)) @ template if len(boxes) else np.array([])
        k = int(np.argmax(scores)) if len(scores) else -1
        if k >= 0 and scores[k] > score:
            score, box = float(scores[k]), boxes[k]
        else:
            step, zoom = step / 2, zoom / 2
    return score, box


def _coarse(directed: pd.DataFrame, thumbs: np.ndarray, halves: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each directed pair (source, target, aspect), the best coarse place of the source's centre in the
    target: (correlations, boxes (n, 4)); one bank of windows per target and aspect."""
    coarse, found = np.full(len(directed), -2.0), np.zeros((len(directed), 4))
    for (target, aspect), rows in directed.groupby(["target", "aspect"], sort=False).indices.items():
        windows, boxes = _windows(thumbs[target], float(aspect))
        scores = windows @ np.stack([halves[s] for s in directed["source"].to_numpy()[rows]]).T
        best = scores.argmax(axis=0)
        coarse[rows] = scores[best, np.arange(len(rows))]
        found[rows] = boxes[best]
    return coarse, found


def _confirm(left: np.ndarray, right: np.ndarray, every_ssim: bool = False) -> pd.DataFrame:
    """Pixel-level agreement of aligned patch pairs ``(n, PATCH, PATCH, 3)``: mad, ssim and whether each pair is
    a near-duplicate. SSIM (scikit-image) is computed where the mad allows a near-duplicate (or everywhere)."""
    from skimage.metrics import structural_similarity

    mad = np.abs(left - right).mean(axis=(1, 2, 3))
    ssim = np.full(len(left), np.nan)
    for k in np.flatnonzero((mad <= MAX_MAD) | every_ssim):
        ssim[k] = structural_similarity(left[k], right[k], data_range=255.0, channel_axis=-1, gaussian_weights=True,
                                        sigma=1.5, use_sample_covariance=False)
    duplicate = (mad <= MAX_MAD) & (np.nan_to_num(ssim, nan=-1.0) >= MIN_SSIM)
    return pd.DataFrame({"mad": mad, "ssim": ssim, "duplicate": duplicate.astype(np.float64)})


def _direct(query: np.ndarray, match: np.ndarray, templates: dict[int, tuple[np.ndarray, np.ndarray]],
            every_ssim: bool) -> pd.DataFrame:
    """Pairs measured on their centres as they are, unaligned: enough for copies that were not cropped, and the
    only way to confirm flat images (a correlation is undefined for them)."""
    if not len(query):
        return pd.DataFrame({"score": [], "mad": [], "ssim": [], "duplicate": []})
    left = np.stack([templates[int(i)][0] for i in query])
    right = np.stack([templates[int(i)][0] for i in match])
    score = (_normalised(left) * _normalised(right)).sum(axis=1)
    return _confirm(left, right, every_ssim).assign(score=score)


def _aligned(thumbs: np.ndarray, query: np.ndarray, match: np.ndarray, aspect: np.ndarray,
             templates: dict[int, tuple[np.ndarray, np.ndarray]], every_ssim: bool) -> pd.DataFrame:
    """Pairs measured after alignment: each image's centre searched for in the other (coarse), the better way
    refined and compared. Rows whose coarse search found nothing correlated enough stay NaN."""
    directed = pd.DataFrame({"pair": np.tile(np.arange(len(query)), 2), "source": np.concatenate([query, match]),
                             "target": np.concatenate([match, query])})
    directed["aspect"] = np.round(aspect[directed["source"]] / aspect[directed["target"]], 3)
    coarse, boxes = _coarse(directed, thumbs, {i: half for i, (_, half) in templates.items()})
    pair_of = directed["pair"].to_numpy()
    order = np.lexsort((-coarse, pair_of))
    best = order[np.r_[True, np.diff(pair_of[order]) != 0]] if len(order) else order
    best = best[coarse[best] >= MIN_COARSE]
    measured = pd.DataFrame({"score": np.nan, "mad": np.nan, "ssim": np.nan, "duplicate": 0.0}, index=range(len(query)))
    if not len(best):
        return measured
    scores, lefts, rights = [], [], []
    for k in best:
        source, target = int(directed["source"].iat[k]), int(directed["target"].iat[k])
        patch = templates[source][0]
        score, box = _refine(_normalised(patch[None])[0], thumbs[target], boxes[k])
        scores.append(score)
        lefts.append(patch)
        rights.append(_patches(thumbs[target], box)[0])
    confirmed = _confirm(np.stack(lefts), np.stack(rights), every_ssim).assign(score=scores)
    measured.loc[pair_of[best], ["score", "mad", "ssim", "duplicate"]] = confirmed[["score", "mad", "ssim", "duplicate"]].to_numpy()
    return measured


def measure_pairs(thumbs: np.ndarray, pairs: pd.DataFrame, aspect: np.ndarray | None = None, *,
                  every_ssim: bool = False) -> pd.DataFrame:
    """Compare image pairs (columns query, match: positions into ``thumbs``): as they are, and where that does
    not confirm them, after aligning each image's centre in the other.

    Returns
    -------
    DataFrame
        ``pairs`` with score (normalised correlation of the compared colour patches: aligned ones when an
        alignment reached :data:`MIN_COARSE`, else the centres as they are), mad (mean absolute difference, of
        255), ssim (NaN where the mad rules a near-duplicate out, unless ``every_ssim``), duplicate (1.0 or 0.0).
    """
    aspect = np.ones(len(thumbs)) if aspect is None else np.asarray(aspect, dtype=np.float64)
    pairs = pairs.reset_index(drop=True)
    query, match = pairs["query"].to_numpy(dtype=np.int64), pairs["match"].to_numpy(dtype=np.int64)
    templates = {int(i): _templates(thumbs[i]) for i in np.unique(np.concatenate([query, match]))}
    measured = _direct(query, match, templates, every_ssim)
    todo = np.flatnonzero(measured["duplicate"].to_numpy() != 1.0)
    columns = ["score", "mad", "ssim", "duplicate"]
    if len(todo):
        aligned = _aligned(thumbs, query[todo], match[todo], aspect, templates, every_ssim)
        found = aligned["score"].notna().to_numpy()  # where no alignment was found, the direct measures stay
        measured.loc[todo[found], columns] = aligned.loc[found, columns].to_numpy()
    return pd.concat([pairs, measured[columns]], axis=1)


def compare(a: np.ndarray, b: np.ndarray, aspect_a: float = 1.0, aspect_b: float = 1.0) -> dict[str, float]:
    """Align two thumbnails and measure them (:func:`measure_pairs` of one pair)."""
    measured = measure_pairs(np.stack([a, b]), pd.DataFrame({"query": [0], "match": [1]}), np.array([aspect_a, aspect_b]))
    return {key: float(measured[key].iloc[0]) for key in ("score", "mad", "ssim", "duplicate")}


def near_duplicate_matches(thumbs: np.ndarray, queries: np.ndarray, index: np.ndarray, *,
                           aspect: np.ndarray | None = None, neighbours: int = NEIGHBOURS,
                           keep_all: bool = False) -> pd.DataFrame:
    """The near-duplicates of each query image among the ``index`` images.

    Parameters
    ----------
    thumbs : ndarray
        uint8 ``(n, THUMBNAIL, THUMBNAIL, 3)`` thumbnails (:func:`thumbnails`).
    queries, index : array of int
        Positions into ``thumbs``: the images checked, and those searched for their copies (an image is
        never its own copy; a pair within one set may be found from both sides).
    aspect : ndarray, optional
        Width/height of each image (:func:`aspect_ratios`); 1 when not given.
    neighbours : int
        Candidates per query (:data:`NEIGHBOURS`).
    keep_all : bool
        Return every candidate with its measures, confirmed or not (for benchmarks).

    Returns
    -------
    DataFrame
        query, match, score, mad, ssim: one row per confirmed pair (every candidate with ``keep_all``,
        plus the columns rms and duplicate).
    """
    from threadpoolctl import threadpool_limits

    candidates = candidate_pairs(candidate_vectors(thumbs), queries, index, neighbours)
    with threadpool_limits(1):  # BLAS threads cost more than they save on these small products
        measured = measure_pairs(thumbs, candidates, aspect, every_ssim=keep_all)
    if keep_all:
        return measured
    return measured.loc[measured["duplicate"] == 1.0, MATCH_COLUMNS].reset_index(drop=True)


def near_duplicate_share(thumbs: np.ndarray, aspect: np.ndarray | None = None) -> tuple[float, int]:
    """(share of images with a near-duplicate among the others, confirmed pairs counted once)."""
    if len(thumbs) < 2:
        return (float("nan") if not len(thumbs) else 0.0), 0
    everyone = np.arange(len(thumbs))
    found = near_duplicate_matches(thumbs, everyone, everyone, aspect=aspect)
    pairs = {tuple(sorted(p)) for p in zip(found["query"], found["match"], strict=True)}
    involved = {i for pair in pairs for i in pair}
    return len(involved) / len(thumbs), len(pairs)


def warning_params(rate: float) -> dict[str, object]:
    """Whether a dataset whose near-duplicate ``rate`` is this is flagged (rate >= :data:`WARNING_RATE`; never an
    undefined rate), and the threshold: stored in the rate's params, read by the report and the
    ``near_duplicates`` query."""
    return {"warning": bool(not np.isnan(rate) and rate >= WARNING_RATE), "warning_threshold": WARNING_RATE}


def dataset_rows(images: pd.DataFrame, seed: int) -> list[dict[str, object]]:
    """The near-duplicate traits of one dataset's usable ``images``: near_duplicate_rate (share of images with a
    near-duplicate among the others; its params say whether it is flagged: :func:`warning_params`) and
    near_duplicate_pairs, as dataset_traits rows (trait, class, value, n, params); on a seeded subsample beyond
    :data:`MAX_IMAGES`."""
    import json

    from dsanalysis.traits.diversity import subsample

    used = images.iloc[subsample(len(images), MAX_IMAGES, seed)].reset_index(drop=True)
    share, pairs = near_duplicate_share(thumbnails(used["path"]), aspect_ratios(used))
    base = {**detector_params(), "seed": seed, "n_used": len(used)}
    params = json.dumps(base, sort_keys=True)
    return [{"trait": "near_duplicate_rate", "class": "all", "value": share, "n": len(used),
             "params": json.dumps({**base, **warning_params(share)}, sort_keys=True)},
            {"trait": "near_duplicate_pairs", "class": "all", "value": float(pairs), "n": len(used), "params": params}]
