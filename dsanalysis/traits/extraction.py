"""Per-image descriptor extraction in worker processes, streamed in chunks.

The parent sends chunks of (content_hash, path, format, extractors) to a process pool and gets
back image_traits rows; at most ``2 * jobs`` chunks are in flight, so memory is bounded by a
constant number of images whatever the dataset size. Workers are started with 'spawn' (TensorFlow
does not survive fork) and load the face detector once each.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import numpy as np

from dsanalysis.traits import faces as faces_module
from dsanalysis.traits import quality as quality_module
from dsanalysis.traits import skin as skin_module
from dsanalysis.traits.values import Missing, Value, missing

#: Extractors computed in the worker pool (deepface runs in its own process, see deepface_attributes).
POOL_EXTRACTORS = ("quality", "faces", "skin")
VERSIONS = {"quality": quality_module.VERSION, "faces": faces_module.VERSION, "skin": skin_module.VERSION}
TRAITS = {
    "quality": ("width", "height", "aspect_ratio", "file_format", "jpeg_quality", "sharpness", "noise_sigma",
                "brightness", "contrast", "colourfulness", "saturation", "high_frequency_share", "phash",
                "jpeg_qtable", "chroma_subsampling", "jpeg_coding", "image_size"),
    "faces": faces_module.TRAITS,
    "skin": skin_module.TRAITS,
}
#: Images per chunk sent to a worker (also the face detector's batch).
CHUNK_SIZE = 64

#: (content_hash, path, format, extractors wanted)
Item = tuple[str, str, str | None, tuple[str, ...]]
#: image_traits row: content_hash, extractor, trait, value, category, missing_reason, extractor_version
Row = tuple[str, str, str, float | None, str | None, str | None, str]

_detector = None


def trait_row(content_hash: str, extractor: str, trait: str, value: Value, version: str,
              *, is_reason: bool = False) -> Row:
    """One image_traits row; ``is_reason=True`` takes ``value`` as the missing reason."""
    if is_reason or isinstance(value, Missing):
        reason = value.reason if isinstance(value, Missing) else str(value)
        return (content_hash, extractor, trait, None, None, reason, version)
    if isinstance(value, str):
        return (content_hash, extractor, trait, None, value, None, version)
    number = float(value)
    if not np.isfinite(number):
        return (content_hash, extractor, trait, None, None, "not a finite number", version)
    return (content_hash, extractor, trait, number, None, None, version)


def _row(content_hash: str, extractor: str, trait: str, value: Value) -> Row:
    return trait_row(content_hash, extractor, trait, value, VERSIONS[extractor])


def init_worker(threads: int | None, load_detector: bool) -> None:
    """Pool initializer: quiet TensorFlow and load the face detector once per worker."""
    global _detector
    if load_detector:
        _detector = faces_module.MtcnnDetector(threads=threads)


def extract_chunk(items: list[Item]) -> list[Row]:
    """image_traits rows for every item; undecodable images get every trait missing with the reason."""
    from dsanalysis.imaging import read_rgb

    rows: list[Row] = []
    decoded: list[tuple[Item, np.ndarray]] = []
    for item in items:
        content_hash, path, _, extractors = item
        try:
            decoded.append((item, read_rgb(path)))
        except Exception as error:  # noqa: BLE001 - any decode failure becomes a recorded reason
            reason = missing(f"cannot decode: {type(error).__name__}: {error}"[:300])
            rows.extend(_row(content_hash, e, t, reason) for e in extractors for t in TRAITS[e])
    needs_faces = [(item, rgb) for item, rgb in decoded if {"faces", "skin"} & set(item[3])]
    found: dict[str, list | Missing] = {}
    if needs_faces:
        detector = _detector or faces_module.MtcnnDetector()
        try:
            detected_all = detector.detect([rgb for _, rgb in needs_faces])
        except Exception:  # noqa: BLE001 - retry one by one so one odd image cannot sink its chunk
            detected_all = []
            for _, rgb in needs_faces:
                try:
                    detected_all.append(detector.detect([rgb])[0])
                except Exception as error:  # noqa: BLE001
                    detected_all.append(missing(f"face detector failed: {type(error).__name__}: {error}"[:300]))
        for (item, _), detected in zip(needs_faces, detected_all, strict=True):
            found[item[0]] = detected
    for (content_hash, path, file_format, extractors), rgb in decoded:
        if "quality" in extractors:
            values = quality_module.quality_traits(rgb, path, file_format)
            rows.extend(_row(content_hash, "quality", t, v) for t, v in values.items())
        detected = found.get(content_hash)
        if "faces" in extractors:
            height, width = rgb.shape[:2]
            geometry = ({t: detected for t in TRAITS["faces"]} if isinstance(detected, Missing)
                        else faces_module.face_geometry(detected, width, height))
            rows.extend(_row(content_hash, "faces", t, v) for t, v in geometry.items())
        if "skin" in extractors:
            tone = ({t: detected for t in TRAITS["skin"]} if isinstance(detected, Missing)
                    else skin_module.skin_traits(rgb, detected))
            rows.extend(_row(content_hash, "skin", t, v) for t, v in tone.items())
    return rows


def chunks(items: Iterable[Item], size: int = CHUNK_SIZE) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_streaming(items: Iterable[Item], jobs: int, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[int, list[Row]]]:
    """Run :func:`extract_chunk` over ``items`` in ``jobs`` worker processes.

    Yields (images in the chunk, rows) as chunks finish (not in input order).
    """
    items = list(items) if not isinstance(items, list) else items
    load_detector = any({"faces", "skin"} & set(item[3]) for item in items)
    threads = max(1, (os.cpu_count() or 1) // jobs)
    yield from stream_chunks(extract_chunk, items, jobs, chunk_size, init_worker, (threads, load_detector))


def stream_chunks(function: Callable[[list[Any]], Any], items: list[Any], jobs: int, chunk_size: int,
                  initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[tuple[int, Any]]:
    """Run ``function`` over chunks of ``items`` in ``jobs`` 'spawn' worker processes set up by ``initializer``.

    At most ``2 * jobs`` chunks are in flight. Yields (items in the chunk, the function's result) as
    chunks finish (not in input order).
    """
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=initializer, initargs=initargs)
    try:
        pending: dict[Future, int] = {}
        for chunk in chunks(items, chunk_size):
            if len(pending) >= 2 * jobs:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
            pending[pool.submit(function, chunk)] = len(chunk)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C or a failure: do not finish queued chunks
        raise
    pool.shutdown(wait=True)
