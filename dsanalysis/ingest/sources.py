"""Cutting face crops from source files (videos, or uncropped photos), cached, in parallel.

Crops are saved under ``<store>_files/crops/<settings key>/<source folder key>/`` (the folder key is
a stable key of the dataset's absolute root) as ``<video path>/<frame>.png`` or ``<photo path>.png``,
beside a ``.crops.json`` record of the outcome per source. A source whose size and modification time
match its record (and whose crops are all there) is not decoded again: re-ingesting is incremental,
and datasets that share files (FaceForensics++ methods paired with the same originals) crop them
once. Work runs in ``jobs`` worker processes ('spawn': TensorFlow does not survive fork), each
loading the detector once; with one job it runs in this process.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from dsanalysis.imaging import MIN_SIDE, probe_image, read_rgb
from dsanalysis.ingest.crops import CropSettings, FaceCropper, encode_crop
from dsanalysis.ingest.video import frame_indices, open_video, read_frames
from dsanalysis.provenance import stable_key

#: Photos per task (also the detector's batch); each video is a task of its own.
PHOTOS_PER_TASK = 32


@dataclass
class FrameCrop:
    """One sampled frame (or photo): its crop file, or why there is none."""

    frame_index: int | None
    status: str            # 'ok' or 'rejected'
    reason: str | None = None
    crop_path: str | None = None
    content_hash: str | None = None
    byte_size: int | None = None


@dataclass
class SourceResult:
    """What cropping one source gave; the ``sources`` row plus its frames."""

    rel_path: str
    kind: str              # 'video' or 'image'
    status: str            # 'ok', 'partial' or 'rejected'
    reason: str | None = None
    byte_size: int | None = None
    mtime_ns: int | None = None
    frame_count: int | None = None
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    codec: str | None = None
    frames_sampled: int = 0
    frames_read: int = 0
    faces_cropped: int = 0
    frames: list[FrameCrop] = field(default_factory=list)
    reused: bool = False

    @classmethod
    def from_json(cls, text: str) -> SourceResult:
        data = json.loads(text)
        data["frames"] = [FrameCrop(**f) for f in data["frames"]]
        return cls(**data)


def crop_folder(artifacts: Path, root: Path, settings: CropSettings) -> Path:
    """Where the crops of the sources under ``root`` made with ``settings`` are saved."""
    return artifacts / "crops" / settings.key / stable_key(str(root))


def _record_path(folder: Path, rel_path: str) -> Path:
    return folder / f"{rel_path}.crops.json"


def cached_result(folder: Path, root: Path, rel_path: str) -> SourceResult | None:
    """The recorded result of ``rel_path`` when the file is unchanged and its crops are all there."""
    record = _record_path(folder, rel_path)
    try:
        stat = os.stat(root / rel_path)
        result = SourceResult.from_json(record.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if (result.byte_size, result.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
        return None
    if any(f.crop_path and not os.path.exists(f.crop_path) for f in result.frames):
        return None
    result.reused = True
    return result


def _save(folder: Path, name: str, crop: np.ndarray, settings: CropSettings, frame_index: int | None) -> FrameCrop:
    data = encode_crop(crop, settings)
    path = folder / f"{name}{settings.suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return FrameCrop(frame_index, "ok", None, str(path), hashlib.sha256(data).hexdigest(), len(data))


def _write_record(folder: Path, result: SourceResult) -> None:
    record = _record_path(folder, result.rel_path)
    record.parent.mkdir(parents=True, exist_ok=True)
    tmp = record.with_name(f".{record.name}.tmp")
    tmp.write_text(json.dumps(asdict(result) | {"reused": False}), encoding="utf-8")
    os.replace(tmp, record)


def _stat(path: Path) -> tuple[int | None, int | None]:
    try:
        stat = os.stat(path)
    except OSError:
        return None, None
    return stat.st_size, stat.st_mtime_ns


def crop_video(root: Path, rel_path: str, settings: CropSettings, folder: Path, cropper: FaceCropper) -> SourceResult:
    """Sample, detect and crop one video; every problem becomes the result's status and reason."""
    size, mtime = _stat(root / rel_path)
    capture, info = open_video(root / rel_path)
    result = SourceResult(rel_path, "video", "rejected", info.reason, size, mtime, info.frame_count, info.fps,
                          info.width, info.height, info.codec)
    if capture is None:
        return result
    try:
        indices = frame_indices(int(info.frame_count or 0), settings.frames, settings.every)
        decoded = list(read_frames(capture, indices))
    finally:
        capture.release()  # type: ignore[attr-defined]
    result.frames_sampled = len(indices)
    readable = [(i, rgb) for i, rgb in decoded if rgb is not None]
    result.frames_read = len(readable)
    crops = dict(zip([i for i, _ in readable], cropper.crops([rgb for _, rgb in readable]), strict=True))
    for index, rgb in decoded:
        if rgb is None:
            result.frames.append(FrameCrop(index, "rejected", f"frame {index} cannot be decoded"))
            continue
        crop, why = crops[index]
        if crop is None:
            result.frames.append(FrameCrop(index, "rejected", f"{why} in frame {index}"))
        else:
            result.frames.append(_save(folder / rel_path, f"{index:06d}", crop, settings, index))
    result.faces_cropped = sum(f.status == "ok" for f in result.frames)
    problems = []
    if settings.every is None and settings.frames is not None and int(info.frame_count or 0) < settings.frames:
        problems.append(f"video has {info.frame_count} frames, fewer than the {settings.frames} requested (all used)")
    if result.frames_read < result.frames_sampled:
        problems.append(f"{result.frames_sampled - result.frames_read} of {result.frames_sampled} sampled frames "
                        "cannot be decoded (truncated or corrupt video)")
    if result.frames_read == 0:
        result.reason = "; ".join(problems) or "no frame could be decoded"
        return result
    if result.faces_cropped == 0:
        result.reason = f"no face found in any of the {result.frames_read} decoded frames"
        return result
    if result.faces_cropped < result.frames_read:
        problems.append(f"no face found in {result.frames_read - result.faces_cropped} of {result.frames_read} decoded frames")
    result.status = "partial" if problems else "ok"
    result.reason = "; ".join(problems) or None
    return result


def crop_photos(root: Path, rel_paths: list[str], settings: CropSettings, folder: Path, cropper: FaceCropper) -> list[SourceResult]:
    """Detect and crop the face of each photo (one crop per photo); unreadable photos get the reader's reason."""
    results, readable = [], []
    for rel_path in rel_paths:
        size, mtime = _stat(root / rel_path)
        result = SourceResult(rel_path, "image", "rejected", None, size, mtime, frames_sampled=1)
        results.append(result)
        try:
            probe = probe_image((root / rel_path).read_bytes(), min_side=MIN_SIDE)
        except OSError as error:
            result.reason = f"cannot read: {error.strerror}"
            continue
        result.width, result.height = probe.width, probe.height
        if probe.status == "rejected":
            result.reason = probe.reason
            continue
        try:
            readable.append((result, read_rgb(root / rel_path)))
        except (OSError, ValueError) as error:
            result.reason = f"cannot decode: {error}"
    crops = cropper.crops([rgb for _, rgb in readable])
    for (result, _), (crop, why) in zip(readable, crops, strict=True):
        result.frames_read = 1
        if crop is None:
            result.reason = why
            result.frames.append(FrameCrop(None, "rejected", why))
        else:
            result.frames.append(_save(folder, result.rel_path, crop, settings, None))
            result.status, result.faces_cropped = "ok", 1
    return results


_cropper: FaceCropper | None = None


def _worker_cropper(settings: CropSettings, threads: int | None) -> FaceCropper:
    global _cropper
    if _cropper is None or _cropper.settings != settings:
        _cropper = FaceCropper(settings, threads=threads)
    return _cropper


def run_task(root: str, kind: str, rel_paths: list[str], settings: CropSettings, folder: str,
             threads: int | None) -> list[SourceResult]:
    """Crop one task's sources (one video, or a batch of photos) and record each outcome."""
    cropper = _worker_cropper(settings, threads)
    base = Path(folder)
    if kind == "video":
        results = [crop_video(Path(root), rel_paths[0], settings, base, cropper)]
    else:
        results = crop_photos(Path(root), rel_paths, settings, base, cropper)
    for result in results:
        if result.byte_size is not None:
            _write_record(base, result)
    return results


def crop_sources(
    root: Path,
    videos: list[str],
    photos: list[str],
    settings: CropSettings,
    folder: Path,
    *,
    jobs: int = 1,
) -> Iterator[SourceResult]:
    """The result of every video and photo, as each finishes; sources already cropped with ``settings`` come first."""
    tasks: list[tuple[str, list[str]]] = []
    for kind, paths in (("video", videos), ("image", photos)):
        pending = []
        for rel_path in paths:
            cached = cached_result(folder, root, rel_path)
            if cached is not None:
                yield cached
            else:
                pending.append(rel_path)
        step = 1 if kind == "video" else PHOTOS_PER_TASK
        tasks.extend((kind, pending[i:i + step]) for i in range(0, len(pending), step))
    for batch in _run_tasks(root, tasks, settings, folder, jobs):
        yield from batch


def _run_tasks(root: Path, tasks: list[tuple[str, list[str]]], settings: CropSettings, folder: Path,
               jobs: int) -> Iterator[list[SourceResult]]:
    if not tasks:
        return
    if jobs <= 1 or len(tasks) == 1:
        for kind, paths in tasks:
            yield run_task(str(root), kind, paths, settings, str(folder), None)
        return
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        queue = iter(tasks)
        pending: set[Future] = set()
        for kind, paths in queue:  # at most 2 * jobs tasks in flight: memory stays bounded
            pending.add(pool.submit(run_task, str(root), kind, paths, settings, str(folder), threads))
            if len(pending) >= 2 * jobs:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        for future in pending:
            yield future.result()
