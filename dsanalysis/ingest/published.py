"""Published video dataset layouts, read as downloaded: FaceForensics++ and Celeb-DF.

FaceForensics++ (``ROOT/original_sequences/<source>/<compression>/videos/*.mp4`` real,
``ROOT/manipulated_sequences/<method>/<compression>/videos/*.mp4`` fake): each video's group is its
target video's number (``000`` for ``000.mp4`` and for the manipulations ``000_003.mp4`` made from it),
so a group split keeps a manipulated video on the same side as its original. Attributes: ``source``
(youtube, actors), ``method`` and ``compression``. With ``method`` only that manipulation is read, so
each method can be registered as its own dataset paired with the originals (a cross-method study).

Celeb-DF (v1/v2: ``ROOT/Celeb-real``, ``ROOT/YouTube-real`` real, ``ROOT/Celeb-synthesis`` fake): the
group is the target identity (``id0`` for ``id0_0000.mp4`` and ``id0_id16_0000.mp4``; the video name
for YouTube-real), attribute ``subset`` the folder; ``List_of_testing_videos.txt`` (``label path`` per
line), when present, marks its videos as the dataset's own ``test`` split and the rest ``train``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dsanalysis.errors import UserError
from dsanalysis.ingest.layout import CELEBDF, FACEFORENSICS, Candidate, Layout
from dsanalysis.ingest.video import is_video

CELEBDF_FOLDERS = {"Celeb-real": "real", "YouTube-real": "real", "Celeb-synthesis": "fake"}
CELEBDF_TEST_LIST = "List_of_testing_videos.txt"
_FF_NOT_COMPRESSION = {"masks"}


def published_layout(root: Path) -> str | None:
    """'faceforensics' or 'celebdf' when ``root`` holds that dataset's folders, else None."""
    if (root / "original_sequences").is_dir() and (root / "manipulated_sequences").is_dir():
        return FACEFORENSICS
    present = {name for name in CELEBDF_FOLDERS if (root / name).is_dir()}
    if "Celeb-synthesis" in present and present & {"Celeb-real", "YouTube-real"}:
        return CELEBDF
    return None


def _subfolders(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder) if e.is_dir())
    except OSError:
        return []


def _videos_in(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder) if e.is_file() and is_video(e.name))
    except OSError:
        return []


def faceforensics_methods(root: Path) -> list[str]:
    """Manipulation methods present under ``root/manipulated_sequences``."""
    return _subfolders(root / "manipulated_sequences")


def _ff_sections(root: Path, top: str) -> list[tuple[str, str, Path]]:
    """(sub-folder, compression, videos folder) for every ``top/<sub>/<compression>/videos``."""
    found = []
    for sub in _subfolders(root / top):
        for compression in _subfolders(root / top / sub):
            videos = root / top / sub / compression / "videos"
            if compression not in _FF_NOT_COMPRESSION and videos.is_dir():
                found.append((sub, compression, videos))
    return found


def read_faceforensics(root: Path, method: str | None = None, compression: str | None = None) -> Layout:
    """The FaceForensics++ layout under ``root``: originals plus every method (or only ``method``)."""
    originals = _ff_sections(root, "original_sequences")
    manipulated = _ff_sections(root, "manipulated_sequences")
    methods = sorted({m for m, _, _ in manipulated})
    if method is not None and method not in methods:
        raise UserError(f"{root}: no manipulation method {method!r} (found: {', '.join(methods) or 'none'})")
    compressions = sorted({c for _, c, _ in originals + manipulated})
    if compression is None and len(compressions) > 1:
        raise UserError(f"{root}: FaceForensics++ videos at several compressions ({', '.join(compressions)}); "
                        "choose one with --compression")
    chosen = compression or (compressions[0] if compressions else None)
    if compression is not None and compression not in compressions:
        raise UserError(f"{root}: no FaceForensics++ videos at compression {compression!r} (found: {', '.join(compressions)})")
    candidates = []
    for source, comp, folder in originals:
        if comp == chosen:
            for name in _videos_in(folder):
                rel = (folder / name).relative_to(root).as_posix()
                candidates.append(Candidate(rel, "real", _ff_target(name), None, {"source": source, "compression": comp}))
    for name_of_method, comp, folder in manipulated:
        if comp == chosen and method in (None, name_of_method):
            for name in _videos_in(folder):
                rel = (folder / name).relative_to(root).as_posix()
                candidates.append(Candidate(rel, "fake", _ff_target(name), None,
                                            {"method": name_of_method, "compression": comp}))
    notes = [f"FaceForensics++ layout, compression {chosen}" + (f", method {method}" if method else
                                                                f", methods {', '.join(methods)}")]
    if method is None and len(methods) > 1:
        notes.append("each manipulation method can be its own dataset paired with the originals (a cross-method "
                     "study): add --per-method to register NAME-METHOD for each (in a study file: per_method = true)")
    return Layout(FACEFORENSICS, root, candidates, notes=notes)


def _ff_target(name: str) -> str:
    """The target video's number: '000' for '000.mp4' and '000_003.mp4'; the stem when not numbered."""
    stem = name.rsplit(".", 1)[0]
    return stem.split("_")[0] if re.match(r"^\d+(_\d+)?$", stem) else stem


def _celebdf_group(folder: str, name: str) -> str:
    stem = name.rsplit(".", 1)[0]
    match = re.match(r"^(id\d+)_", stem)
    return match.group(1) if match and folder != "YouTube-real" else f"{folder}/{stem}"


def read_celebdf(root: Path) -> Layout:
    """The Celeb-DF layout under ``root``, with its test list as the dataset's own split when present."""
    candidates = []
    for folder, label in CELEBDF_FOLDERS.items():
        for name in _videos_in(root / folder):
            candidates.append(Candidate(f"{folder}/{name}", label, _celebdf_group(folder, name), None, {"subset": folder}))
    notes = ["Celeb-DF layout"]
    listing = root / CELEBDF_TEST_LIST
    if listing.is_file():
        listed = set()
        for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise UserError(f"{listing} line {number}: expected 'LABEL PATH', got {line.strip()!r}")
            listed.add(parts[1])
        known = {c.rel_path for c in candidates}
        for candidate in candidates:
            candidate.source_split = "test" if candidate.rel_path in known & listed else "train"
        missing = sorted(listed - known)
        notes.append(f"{CELEBDF_TEST_LIST}: {len(listed & known)} test videos"
                     + (f"; {len(missing)} listed videos are absent, e.g. {missing[0]}" if missing else ""))
    return Layout(CELEBDF, root, candidates, notes=notes)
