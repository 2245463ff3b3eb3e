"""Reading video files: what the container reports, and frames sampled by seeking (OpenCV's FFmpeg backend).

Frames are chosen by index, either ``frames`` evenly spaced over the video (first to last, as
current benchmarks sample 32 per video) or every ``every``-th frame. Far-apart frames are reached by
seeking (FFmpeg jumps to the nearest key frame and decodes forward from there); frames a few
indices ahead are reached by grabbing, which skips the colour conversion of the frames in between.
Nothing here raises on a broken file: the problem comes back as a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: File name endings read as videos (any case).
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mov", ".mkv", ".webm"})
#: Default frames sampled per video.
DEFAULT_FRAMES = 32
#: A frame at most this many indices ahead is reached by grabbing rather than seeking.
GRAB_AHEAD = 8


def is_video(path: str | Path) -> bool:
    """True when ``path`` ends in one of :data:`VIDEO_SUFFIXES`."""
    return Path(str(path)).suffix.lower() in VIDEO_SUFFIXES


@dataclass(frozen=True)
class VideoInfo:
    """What the container reports about a video; ``reason`` is set when it cannot be read at all."""

    frame_count: int | None = None
    fps: float | None = None
    width: int | None = None
    height: int | None = None
    codec: str | None = None
    reason: str | None = None


def _fourcc(value: float) -> str | None:
    code = int(value)
    text = "".join(chr((code >> 8 * i) & 0xFF) for i in range(4))
    return text.strip("\x00 ") if code and text.isprintable() else None


def open_video(path: str | Path) -> tuple[object | None, VideoInfo]:
    """An opened ``cv2.VideoCapture`` and its :class:`VideoInfo`, or ``(None, info with reason)``."""
    import cv2

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        return None, VideoInfo(reason=f"cannot read: {error.strerror}")
    if size == 0:
        return None, VideoInfo(reason="empty file (0 bytes)")
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        return None, VideoInfo(reason="cannot open video: unknown container or codec, or truncated file")
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    info = VideoInfo(
        frame_count=count if count > 0 else None,
        fps=float(capture.get(cv2.CAP_PROP_FPS)) or None,
        width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)) or None,
        height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) or None,
        codec=_fourcc(capture.get(cv2.CAP_PROP_FOURCC)),
    )
    if info.frame_count is None:
        capture.release()
        return None, VideoInfo(fps=info.fps, width=info.width, height=info.height, codec=info.codec,
                               reason="container reports no frames (empty or truncated video)")
    return capture, info


def frame_indices(frame_count: int, frames: int | None = DEFAULT_FRAMES, every: int | None = None) -> list[int]:
    """The frame indices to sample: ``frames`` evenly spaced from first to last, or every ``every``-th.

    A video with fewer than ``frames`` frames gives all of its frames.
    """
    if every is not None:
        if every < 1:
            raise ValueError(f"every must be at least 1, not {every}")
        return list(range(0, frame_count, every))
    if frames is None or frames < 1:
        raise ValueError(f"frames must be at least 1, not {frames}")
    if frame_count <= frames:
        return list(range(frame_count))
    return np.unique(np.round(np.linspace(0, frame_count - 1, frames)).astype(int)).tolist()


def read_frames(capture: object, indices: list[int]) -> Iterator[tuple[int, np.ndarray | None]]:
    """Each of ``indices`` (ascending) with its frame as 8-bit RGB, or None where it cannot be decoded."""
    import cv2

    position = 0  # index of the frame the next read() returns
    for index in indices:
        if index - position > GRAB_AHEAD or index < position:
            capture.set(cv2.CAP_PROP_POS_FRAMES, index)  # type: ignore[attr-defined]
            position = index
        ok = True
        while position < index and ok:
            ok = capture.grab()  # type: ignore[attr-defined]
            position += 1
        ok, frame = capture.read() if ok else (False, None)  # type: ignore[attr-defined]
        position = index + 1
        if not ok or frame is None:
            yield index, None
            continue
        yield index, cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
