"""Which found files ingest may open: regular files inside the dataset root, below a size cap.

One rule for every layout (class folders, manifests, published datasets) and every kind of file:

* a path is resolved (following symbolic links) and must land inside the dataset root's resolved
  folder; a link out of the tree is refused unless the user opts in (``ingest --follow-links``, for
  dataset trees built from links);
* what it names must be a regular file: a FIFO would block a read forever, a device such as
  ``/dev/zero`` would read until memory runs out;
* and no larger than :data:`MAX_IMAGE_BYTES` (images) or :data:`MAX_VIDEO_BYTES` (videos).

A refused file becomes a rejected row with the reason, like any unreadable file; nothing stops the
ingest. A manifest row whose path itself points outside the root is a manifest error instead
(:func:`dsanalysis.ingest.layout.read_manifest`), since it is the manifest that is wrong.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dsanalysis.ingest.video import is_video

MAX_IMAGE_BYTES = 256 * 2**20
MAX_VIDEO_BYTES = 64 * 2**30


def _size(n: int) -> str:
    return f"{n / 2**30:.0f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def refusal(root: Path, rel_path: str, *, follow_links: bool = False) -> str | None:
    """Why the file ``root / rel_path`` may not be read (a rejection reason), None when it may."""
    path = root / rel_path
    if not follow_links:
        resolved = Path(os.path.realpath(path))
        if not resolved.is_relative_to(Path(os.path.realpath(root))):
            return f"outside the dataset root (links to {resolved}; ingest --follow-links reads linked files)"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "file not found"
    except OSError as error:
        return f"cannot read: {error.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a FIFO, device or folder)"
    cap = MAX_VIDEO_BYTES if is_video(rel_path) else MAX_IMAGE_BYTES
    if info.st_size > cap:
        return f"larger than {_size(cap)} ({_size(info.st_size)}), the limit for {'a video' if is_video(rel_path) else 'an image'}"
    return None
