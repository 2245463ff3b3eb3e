"""Finding a dataset's files and their labels: class folders or a CSV/Parquet manifest.

Class folders: ``ROOT/real`` plus one or more fake folders (``df``, ``fake``, ``forged``,
``deepfake``, ``manipulated`` or ``fake_*``, any case), optionally one level down under split
folders (``ROOT/train/real``, ``ROOT/validation/df``, ...). Files below a class folder are found
recursively; a sub-folder inside a class folder (``real/video_017/0001.jpg``) becomes the file's
group, since such folders hold the frames of one video or the photos of one identity.

Manifest: columns ``path`` and ``label`` (``real``/``fake``, or 1/0 where 1 means fake unless
``numeric_label_one='real'``), optional ``group`` and ``split``; other columns are kept as
per-image attributes. Paths are relative to the dataset root (or absolute).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from dsanalysis.errors import UserError

REAL_FOLDERS = frozenset({"real"})
FAKE_FOLDERS = frozenset({"df", "fake", "forged", "deepfake", "manipulated"})
SPLIT_NAMES = {
    "train": "train", "training": "train",
    "test": "test", "testing": "test",
    "val": "validation", "valid": "validation", "validation": "validation", "dev": "validation",
}
MANIFEST_SUFFIXES = (".csv", ".parquet", ".pq")
#: The published video datasets read as downloaded (:mod:`dsanalysis.ingest.published`).
FACEFORENSICS = "faceforensics"
CELEBDF = "celebdf"
#: Every layout: ``ingest --layout`` and a study dataset's ``layout`` (``auto`` tells them apart).
LAYOUTS = ("auto", "folders", "manifest", FACEFORENSICS, CELEBDF)


def manifests_in(folder: Path) -> list[Path]:
    """``folder/manifest.csv``, ``folder/manifest.parquet`` (and the other manifest suffixes) that exist."""
    return [folder / f"manifest{suffix}" for suffix in MANIFEST_SUFFIXES if (folder / f"manifest{suffix}").is_file()]


@dataclass
class Candidate:
    """One file the layout assigns to the dataset, before it is read."""

    rel_path: str
    label: str
    group_id: str | None = None
    source_split: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Layout:
    """The result of reading a dataset's structure."""

    kind: str  # 'folders' or 'manifest'
    root: Path
    candidates: list[Candidate]
    manifest: Path | None = None
    notes: list[str] = field(default_factory=list)


def class_of_folder(name: str) -> str | None:
    """'real' or 'fake' for a class folder name, None for any other folder."""
    lowered = name.lower()
    if lowered in REAL_FOLDERS:
        return "real"
    if lowered in FAKE_FOLDERS or lowered.startswith("fake_"):
        return "fake"
    return None


def _class_folders(folder: Path) -> dict[str, str]:
    """Sub-folders of ``folder`` that are class folders, name -> label."""
    try:
        entries = [e for e in os.scandir(folder) if e.is_dir()]
    except OSError as error:
        raise UserError(f"cannot list {folder}: {error.strerror}") from error
    return {e.name: label for e in entries if (label := class_of_folder(e.name))}


def _files_below(folder: Path) -> list[str]:
    """Every regular file below ``folder``, relative to it, '/' separated, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        base = Path(dirpath).relative_to(folder)
        for filename in filenames:
            found.append((base / filename).as_posix())
    return sorted(found)


def discover_folders(root: Path, group_pattern: str | None = None) -> Layout:
    """Read a class-folder layout (optionally under split folders) below ``root``."""
    notes: list[str] = []
    top = _class_folders(root)
    if top:
        sections = [(None, root)]
    else:
        sections = []
        for entry in sorted(os.scandir(root), key=lambda e: e.name):
            if entry.is_dir() and _class_folders(Path(entry.path)):
                split = SPLIT_NAMES.get(entry.name.lower(), entry.name)
                sections.append((split, Path(entry.path)))
        if not sections:
            raise UserError(
                f"{root}: no class folders found; expected 'real' and a fake folder "
                "(df, fake, forged, deepfake, manipulated or fake_*), at the top or under split folders, "
                "or use --layout manifest"
            )
    pattern = compile_group_pattern(group_pattern)
    multiple_fakes = False
    candidates: list[Candidate] = []
    for split, section in sections:
        classes = _class_folders(section)
        fake_folders = sorted(n for n, label in classes.items() if label == "fake")
        multiple_fakes = multiple_fakes or len(fake_folders) > 1
        for folder_name, label in sorted(classes.items()):
            prefix = (section / folder_name).relative_to(root).as_posix()
            for inner in _files_below(section / folder_name):
                rel_path = f"{prefix}/{inner}"
                group = inner.split("/")[0] if "/" in inner else None
                attributes = {"fake_folder": folder_name} if label == "fake" and len(fake_folders) > 1 else {}
                candidates.append(Candidate(rel_path, label, group, split, attributes))
        ignored = sorted(e.name for e in os.scandir(section) if e.is_dir() and e.name not in classes)
        if ignored:
            notes.append(f"ignored folders that are not class folders in {section}: {', '.join(ignored)}")
    if pattern is not None:
        for candidate in candidates:
            candidate.group_id = group_from_pattern(pattern, candidate.rel_path)
    if multiple_fakes:
        notes.append("several fake folders: each image's folder is kept as attribute 'fake_folder'")
    return Layout("folders", root, candidates, notes=notes)


def compile_group_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """Compile a user's group pattern: a regular expression with one capture group."""
    if pattern is None:
        return None
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise UserError(f"--group-pattern {pattern!r} is not a valid regular expression: {error}") from None
    if compiled.groups != 1:
        raise UserError(f"--group-pattern {pattern!r} must have exactly one capture group, e.g. '(\\w+)_frame'")
    return compiled


def group_from_pattern(pattern: re.Pattern[str], rel_path: str) -> str | None:
    """The group id the pattern captures from a relative path (searched anywhere in it), or None."""
    match = pattern.search(rel_path)
    return match.group(1) if match else None


def _parse_label(value: object, numeric_label_one: str, source: str, row: int) -> str:
    text = str(value).strip().lower()
    if text in {"real", "fake"}:
        return text
    if text in {"1", "0", "1.0", "0.0", "true", "false"}:
        is_one = text in {"1", "1.0", "true"}
        other = "real" if numeric_label_one == "fake" else "fake"
        return numeric_label_one if is_one else other
    raise UserError(f"{source} row {row}: label {value!r} is not real, fake, 1 or 0")


def read_manifest(manifest: Path, root: Path, numeric_label_one: str = "fake", group_pattern: str | None = None) -> Layout:
    """Read a CSV or Parquet manifest whose paths are relative to ``root`` (or absolute)."""
    import duckdb

    from dsanalysis.store.queries import run_query

    if not manifest.is_file():
        raise UserError(f"manifest {manifest} does not exist")
    reader = "manifest_parquet" if manifest.suffix.lower() in {".parquet", ".pq"} else "manifest_csv"
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        frame = run_query(con, reader, path=str(manifest)).df()
    except duckdb.Error as error:
        raise UserError(f"cannot read manifest {manifest}: {_reader_cause(error)}") from None
    finally:
        con.close()
    columns = {c.lower(): c for c in frame.columns}
    for required in ("path", "label"):
        if required not in columns:
            raise UserError(f"manifest {manifest} has no column {required!r} (columns: {', '.join(frame.columns)})")
    path_col, label_col = columns["path"], columns["label"]
    group_col, split_col = columns.get("group"), columns.get("split")
    extra = [c for c in frame.columns if c not in {path_col, label_col, group_col, split_col}]
    pattern = compile_group_pattern(group_pattern)
    root_resolved = root.resolve()
    candidates = []
    seen: set[str] = set()
    for row_number, row in enumerate(frame.itertuples(index=False), start=2):  # row 1 is the header
        record = dict(zip(frame.columns, row, strict=True))
        raw_path = record[path_col]
        if raw_path is None or str(raw_path).strip() == "" or str(raw_path) == "nan":
            raise UserError(f"manifest {manifest} row {row_number}: empty path")
        path = Path(str(raw_path).strip())
        if path.is_absolute():
            try:
                rel_path = path.resolve().relative_to(root_resolved).as_posix()
            except ValueError:
                raise UserError(f"manifest {manifest} row {row_number}: {path} is outside the dataset root {root}") from None
        else:
            rel_path = Path(os.path.normpath(path)).as_posix()
            if rel_path == ".." or rel_path.startswith("../"):
                raise UserError(f"manifest {manifest} row {row_number}: {path} is outside the dataset root {root}")
        if rel_path in seen:
            raise UserError(f"manifest {manifest} row {row_number}: path {rel_path} is listed twice")
        seen.add(rel_path)
        label = _parse_label(record[label_col], numeric_label_one, f"manifest {manifest}", row_number)
        group = _text_or_none(record[group_col]) if group_col else None
        if pattern is not None:
            group = group_from_pattern(pattern, rel_path)
        split = _text_or_none(record[split_col]) if split_col else None
        if split is not None:
            split = SPLIT_NAMES.get(split.lower(), split)
        attributes = {c: text for c in extra if (text := _text_or_none(record[c])) is not None}
        candidates.append(Candidate(rel_path, label, group, split, attributes))
    return Layout("manifest", root, candidates, manifest=manifest)


def _reader_cause(error: Exception) -> str:
    """DuckDB's CSV error in one line: its headline and cause (e.g. 'Maximum line size ... exceeded'), without the
    echoed line, the reader settings or the SQL."""
    lines = [line.strip() for line in str(error).splitlines()]
    kept = [lines[0]] + [line for line in lines[1:3] if line and not line.startswith(("Original Line:", "LINE "))]
    return "; ".join(line[:200] for line in kept)


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text in {"", "nan", "NaN", "None", "<NA>"}:
        return None
    return text
