"""Short videos built on the fly from image files (OpenCV's VideoWriter), for video ingest and predict tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def write_video(path: Path, images: list[Path] | list[np.ndarray], *, repeat: int = 1, fps: float = 10.0,
                fourcc: str = "MJPG") -> Path:
    """Write ``images`` (files or RGB arrays, resized to the first one's size) as a video, each frame ``repeat`` times.

    MJPG in .avi keeps every frame a high-quality JPEG; mp4v in .mp4 is the common MPEG-4 case.
    """
    import cv2

    frames = [np.asarray(Image.open(p).convert("RGB")) if isinstance(p, Path) else p for p in images]
    height, width = frames[0].shape[:2]
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {fourcc} video {path}")
    for rgb in frames:
        if rgb.shape[:2] != (height, width):
            rgb = np.asarray(Image.fromarray(rgb).resize((width, height)))
        for _ in range(repeat):
            writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def truncate(path: Path, keep: float = 0.5) -> Path:
    """Cut a file to ``keep`` of its bytes (a download that stopped early)."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
