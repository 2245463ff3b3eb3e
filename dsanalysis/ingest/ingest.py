"""Index a dataset's files in the store: hash, probe, diff against what is there, write atomically.

Videos (and, with ``crop_faces``, photos) are not indexed as they are: their sampled frames' face
crops are (see :mod:`dsanalysis.ingest.sources`), one image row per sampled frame, and the source
itself gets a row in ``sources`` with its status.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import UserError
from dsanalysis.imaging import MIN_SIDE, Probe, probe_image
from dsanalysis.ingest.crops import CropSettings
from dsanalysis.ingest.files import refusal
from dsanalysis.ingest.layout import (CELEBDF, FACEFORENSICS, LAYOUTS, MANIFEST_SUFFIXES, Candidate, Layout,
                                      discover_folders, manifests_in, read_manifest)
from dsanalysis.ingest.published import faceforensics_methods, published_layout, read_celebdf, read_faceforensics
from dsanalysis.ingest.sources import SourceResult, crop_folder, crop_sources
from dsanalysis.ingest.video import is_video
from dsanalysis.progress import progress
from dsanalysis.store import Store, artifacts_dir

#: smallest cap on the images a study uses per class (a split needs a few of each class in every part)
MIN_IMAGES_PER_CLASS = 10

#: Columns of the images table that ingest writes (ingested_at is set by the insert).
IMAGE_COLUMNS = [
    "image_id", "dataset", "rel_path", "label", "group_id", "source_split", "status", "reason",
    "content_hash", "byte_size", "mtime_ns", "format", "mode", "width", "height", "channels",
    "source_path", "frame_index", "crop_path",
]
#: Columns of the sources table that ingest writes.
SOURCE_COLUMNS = [
    "dataset", "rel_path", "kind", "label", "group_id", "source_split", "status", "reason", "byte_size", "mtime_ns",
    "frame_count", "fps", "width", "height", "codec", "frames_sampled", "frames_read", "faces_cropped", "settings_key",
]
_METADATA = ("label", "group_id", "source_split")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(path: str) -> str:
    """A file name as one printable line: control characters (a newline in a name) written as escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], path)
_PROBE_FIELDS = ("status", "reason", "format", "mode", "width", "height", "channels")


@dataclass
class IngestSummary:
    """What one ingest did; ``lines()`` is the command's report."""

    dataset: str
    layout: str
    files: int = 0
    new: int = 0
    changed: int = 0  # content changed (a new image id)
    relabelled: int = 0  # same content, new label, group or dataset split
    removed: int = 0
    unchanged: int = 0
    status_counts: Counter[str] = field(default_factory=Counter)
    label_counts: Counter[str] = field(default_factory=Counter)
    split_counts: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (rel_path, status, reason)
    duplicates_within: list[tuple[str, str]] = field(default_factory=list)
    label_conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # path, label, other path, label
    duplicates_across: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    source_counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, status) of videos/photos cropped
    source_problems: list[tuple[str, str, str]] = field(default_factory=list)  # (rel_path, status, reason)
    frames_sampled: int = 0
    frames_read: int = 0
    faces_cropped: int = 0
    sources_reused: int = 0
    crop_settings: CropSettings | None = None
    max_images_per_class: int | None = None  # the dataset's cap, if any
    cap_seed: int | None = None
    used_counts: Counter[str] = field(default_factory=Counter)  # images per class the study uses (after the cap)

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.changed or self.relabelled or self.removed)

    def lines(self, max_listed: int = 50) -> list[str]:
        out = []
        usable = self.status_counts["ok"] + self.status_counts["converted"]
        if self.changed_anything:
            out.append(
                f"{self.dataset}: {self.files} files indexed ({self.layout} layout): {self.new} new, "
                f"{self.changed} changed, {self.removed} removed, {self.unchanged} unchanged"
                + (f", {self.relabelled} with the same content but a new label, group or split" if self.relabelled else "")
            )
        else:
            out.append(f"{self.dataset}: nothing changed ({self.files} files already indexed and unchanged)")
        labels = ", ".join(f"{n} {label}" for label, n in sorted(self.label_counts.items()))
        out.append(
            f"  usable images: {usable} ({labels}); converted to RGB: {self.status_counts['converted']}; "
            f"rejected: {self.status_counts['rejected']}"
        )
        if self.max_images_per_class is not None:
            used = ", ".join(f"{n} {label}" for label, n in sorted(self.used_counts.items()))
            out.append(f"  a study uses at most {self.max_images_per_class} images per class (seed {self.cap_seed}): "
                       f"{sum(self.used_counts.values())} ({used}); the others stay indexed, unused")
        if self.split_counts:
            out.append("  dataset's own splits: " + ", ".join(f"{s} {n}" for s, n in sorted(self.split_counts.items())))
        for kind in ("video", "image"):
            counts = {status: n for (k, status), n in self.source_counts.items() if k == kind}
            if counts:
                name = "videos" if kind == "video" else "photos cropped"
                out.append(f"  {name}: {sum(counts.values())} (" + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ")")
        if self.source_counts:
            crop = self.crop_settings
            described = f"{crop.format} {crop.size} px, margin {crop.margin}" + (", aligned" if crop.align else "") if crop else ""
            out.append(f"  frames sampled: {self.frames_sampled}, decoded: {self.frames_read}, face crops: "
                       f"{self.faces_cropped} ({described}); {self.sources_reused} sources reused from the crop cache")
        for note in self.notes:
            out.append(f"  note: {note}")
        if self.source_problems:
            out.append("  videos and photos with problems:")
            out.extend(f"    {shown(path)} ({status}): {reason}" for path, status, reason in self.source_problems[:max_listed])
            if len(self.source_problems) > max_listed:
                out.append(f"    ... and {len(self.source_problems) - max_listed} more (query: ingest_problems)")
        rejected = [p for p in self.problems if p[1] == "rejected"]
        converted = [p for p in self.problems if p[1] == "converted"]
        for title, rows in (("rejected", rejected), ("converted", converted)):
            if rows:
                out.append(f"  {title} files:")
                out.extend(f"    {shown(path)}: {reason}" for path, _, reason in rows[:max_listed])
                if len(rows) > max_listed:
                    out.append(f"    ... and {len(rows) - max_listed} more (query: ingest_problems)")
        if self.label_conflicts:
            out.append(f"  label conflicts: {len(self.label_conflicts)} file pairs hold the same bytes under both labels, e.g. "
                       + "; ".join(f"{shown(a)} ({la}) = {shown(b)} ({lb})" for a, la, b, lb in self.label_conflicts[:3]))
        if self.duplicates_within:
            out.append(f"  exact duplicates within {self.dataset}: {len(self.duplicates_within)} file pairs, e.g. "
                       + "; ".join(f"{shown(a)} = {shown(b)}" for a, b in self.duplicates_within[:3]))
        if self.duplicates_across:
            others = sorted({d for _, d, _ in self.duplicates_across})
            out.append(f"  exact duplicates in other datasets ({', '.join(others)}): {len(self.duplicates_across)} files, e.g. "
                       + "; ".join(f"{shown(a)} = {d}:{shown(b)}" for a, d, b in self.duplicates_across[:3]))
        if self.duplicates_within or self.duplicates_across:
            out.append("  (query: duplicate_images)")
        return out


def resolved_layout(path: Path, layout: str, manifest: str | None = None) -> str:
    """The layout ``path`` is read with: ``layout``, or for ``auto`` on a folder without a manifest the
    published layout it holds (FaceForensics++, Celeb-DF); class folders and manifests stay ``auto``
    (told apart while reading)."""
    if layout not in LAYOUTS:
        raise UserError(f"unknown layout {layout!r}; use {', '.join(LAYOUTS)}")
    if layout == "auto" and manifest is None and path.is_dir():
        return published_layout(path) or layout
    return layout


def dataset_targets(name: str, path: str | Path, *, layout: str = "auto", manifest: str | None = None,
                    per_method: bool = False, compression: str | None = None) -> list[tuple[str, str | None]]:
    """The datasets one ingest of ``path`` registers, as (name, FaceForensics++ method or None).

    ``name`` itself; with ``per_method``, ``NAME-METHOD`` for each manipulation method of a
    FaceForensics++ folder, each paired with the originals (a cross-method study). ``ingest
    --per-method`` and a study dataset's ``per_method`` both fan out here. Raises :class:`UserError`
    when ``per_method`` or ``compression`` is given for a folder that is not FaceForensics++.
    """
    root = Path(path).expanduser().resolve()
    if (per_method or compression) and resolved_layout(root, layout, manifest) != FACEFORENSICS:
        raise UserError(f"per-method datasets and a compression apply to a FaceForensics++ folder; {root} is not one "
                        "(expected original_sequences/ and manipulated_sequences/)")
    if not per_method:
        return [(name, None)]
    methods = faceforensics_methods(root)
    if not methods:
        raise UserError(f"{root}: no manipulation methods under manipulated_sequences/")
    return [(f"{name}-{method}", method) for method in methods]


def _read_layout(path: Path, layout: str, manifest: str | None, numeric_label_one: str, group_pattern: str | None,
                 method: str | None = None, compression: str | None = None) -> Layout:
    layout = resolved_layout(path, layout, manifest)
    if layout in (FACEFORENSICS, CELEBDF) and not path.is_dir():
        raise UserError(f"{path} is not a folder (the {layout} layout is a folder of videos)")
    if method is not None and layout != FACEFORENSICS:
        raise UserError(f"{path}: a manipulation method applies to the FaceForensics++ layout only (found {layout})")
    if layout == FACEFORENSICS:
        return read_faceforensics(path, method, compression)
    if layout == CELEBDF:
        return read_celebdf(path)
    is_manifest_file = path.is_file() and path.suffix.lower() in MANIFEST_SUFFIXES
    if layout == "manifest" or manifest is not None or (layout == "auto" and is_manifest_file):
        if manifest is not None:
            root, manifest_path = path, Path(manifest).resolve()
        elif is_manifest_file:
            root, manifest_path = path.parent, path
        else:
            found = manifests_in(path)
            if not found:
                raise UserError(f"{path}: --layout manifest needs --manifest FILE (no manifest.csv or manifest.parquet there)")
            root, manifest_path = path, found[0]
        if not root.is_dir():
            raise UserError(f"dataset root {root} is not a folder")
        return read_manifest(manifest_path, root, numeric_label_one, group_pattern)
    if not path.is_dir():
        raise UserError(f"{path} is not a folder (give a folder of class folders, or a manifest file)")
    try:
        return discover_folders(path, group_pattern)
    except UserError:
        if layout != "auto" or not manifests_in(path):
            raise
    # auto layout: a folder without class folders but with PATH/manifest.csv (or .parquet) is a manifest dataset
    return read_manifest(manifests_in(path)[0], path, numeric_label_one, group_pattern)



def _examine(root: Path, candidate: Candidate, known: dict | None, min_side: int,
             refused: str | None = None) -> tuple[dict, str]:
    """The images-table row for one candidate and what happened to it: 'new', 'changed', 'unchanged'.

    ``refused``: why the file may not be read (:func:`dsanalysis.ingest.files.refusal`), if so.
    """
    row = {"rel_path": candidate.rel_path, "label": candidate.label, "group_id": candidate.group_id,
           "source_split": candidate.source_split}
    path = root / candidate.rel_path
    stat = None
    try:
        if not refused:
            stat = os.stat(path)
    except OSError as error:
        refused = "file not found" if isinstance(error, FileNotFoundError) else f"cannot read: {error.strerror}"
    if refused or stat is None:
        row.update(status="rejected", reason=refused, content_hash=None, byte_size=None, mtime_ns=None,
                   format=None, mode=None, width=None, height=None, channels=None)
        return row, ("new" if known is None else "changed")
    row.update(byte_size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    if known is not None and known["byte_size"] == stat.st_size and known["mtime_ns"] == stat.st_mtime_ns \
            and known["content_hash"] is not None:
        # size and modification time unchanged: trust the stored hash and probe, as git and rsync do
        row.update({k: known[k] for k in ("content_hash", *_PROBE_FIELDS)})
        return row, "same_content"
    try:
        data = path.read_bytes()
    except OSError as error:
        row.update(status="rejected", reason=f"cannot read: {error.strerror}", content_hash=None,
                   format=None, mode=None, width=None, height=None, channels=None)
        return row, ("new" if known is None else "changed")
    content_hash = hashlib.sha256(data).hexdigest()
    row["content_hash"] = content_hash
    if known is not None and known["content_hash"] == content_hash:
        row.update({k: known[k] for k in _PROBE_FIELDS})
        return row, "same_content"
    probe: Probe = probe_image(data, min_side=min_side)
    row.update({k: getattr(probe, k) for k in _PROBE_FIELDS})
    return row, ("new" if known is None else "changed")


def ingest_dataset(
    store: Store,
    name: str,
    path: str | Path,
    *,
    layout: str = "auto",
    manifest: str | None = None,
    numeric_label_one: str = "fake",
    group_pattern: str | None = None,
    min_side: int = MIN_SIDE,
    crop_faces: bool = False,
    crop: CropSettings | None = None,
    method: str | None = None,
    compression: str | None = None,
    jobs: int = 1,
    replace: bool = False,
    follow_links: bool = False,
    max_images_per_class: int | None = None,
    cap_seed: int = 0,
) -> IngestSummary:
    """Register dataset ``name`` from ``path`` and index its files; re-running is incremental.

    Videos are sampled and cut into face crops with ``crop`` (default :class:`CropSettings`); with
    ``crop_faces`` photos are too. ``method`` and ``compression`` choose part of a FaceForensics++
    folder; ``jobs`` worker processes crop in parallel. A dataset already registered from another
    folder is re-read from ``path`` only with ``replace``. Only regular files inside the root (links
    out of it with ``follow_links``) below a size cap are opened (:mod:`dsanalysis.ingest.files`).
    ``max_images_per_class`` caps the images a study uses of each class (seeded by ``cap_seed``; whole
    groups kept together; every file is still indexed); changing the cap of a dataset drops what was
    computed from images it leaves out, as a re-ingest that removes them would.

    Raises :class:`UserError` (and writes nothing) when the path is empty or does not exist, holds
    no files, holds usable images of one class only, or names another folder than the registered one
    without ``replace``.
    """
    started = time.perf_counter()
    if not name or not name.isprintable() or len(name) > 200 or name != name.strip():
        raise UserError(f"dataset name {name!r} must be 1-200 printable characters, without leading or trailing spaces")
    if not str(path).strip():
        raise UserError("dataset path is empty: give the folder (or manifest) to ingest")
    if numeric_label_one not in {"fake", "real"}:
        raise UserError(f"numeric label 1 must mean 'fake' or 'real', not {numeric_label_one!r}")
    path = Path(path).expanduser()
    if not path.exists():
        raise UserError(f"dataset path {path} does not exist")
    if jobs < 1:
        raise UserError(f"--jobs must be at least 1, not {jobs}")
    if max_images_per_class is not None and max_images_per_class < MIN_IMAGES_PER_CLASS:
        raise UserError(f"--max-images-per-class must be at least {MIN_IMAGES_PER_CLASS} (a split needs images of each "
                        f"class in every part), not {max_images_per_class}")
    found = _read_layout(path.resolve(), layout, manifest, numeric_label_one, group_pattern, method, compression)
    registered_root = store.con.execute("SELECT root FROM datasets WHERE dataset = ?", [name]).fetchone()
    if registered_root is not None and registered_root[0] != str(found.root) and not replace:
        raise UserError(f"dataset {name!r} was ingested from {registered_root[0]}, not {found.root}: to re-read it from "
                        "there (replacing the images that differ) give --replace, or choose another name")
    if not found.candidates:
        raise UserError(f"{path}: no files found in its class folders or manifest")
    crop = crop or CropSettings()
    crop.check()
    refused = {c.rel_path: reason for c in found.candidates
               if (reason := refusal(found.root, c.rel_path, follow_links=follow_links)) is not None}
    derived = _derived_rows(store, found, crop, crop_faces, jobs, name, refused)
    cropping = derived is not None

    existing = store.query("ingest_existing_images", dataset=name)
    known_by_path = {r["rel_path"]: r for r in existing.to_dict("records")}
    attributes_now: dict[int, dict[str, str]] = {}
    for image_id, attr, value in store.query("ingest_existing_attributes", dataset=name).itertuples(index=False):
        attributes_now.setdefault(int(image_id), {})[attr] = value

    summary = IngestSummary(name, found.kind, files=len(found.candidates), notes=list(found.notes))
    plain = [c for c in found.candidates if not _is_cropped(c, crop_faces) or c.rel_path in refused]
    entries: list[tuple[Candidate, dict | None]] = [(c, None) for c in plain]
    source_rows: list[dict] = []
    if derived is not None:
        results, made = derived
        entries.extend(made)
        summary.crop_settings = crop
        source_rows = _source_rows(name, found, results, crop, crop_faces)
        _count_sources(summary, source_rows, results)
    summary.files = len(entries)
    listed: set[str] = set()
    rows, attribute_rows, drop_ids, fresh, stale_ids = [], [], [], [], []
    for candidate, made_row in progress(entries, total=len(entries), desc=f"ingest {name}", unit="file"):
        if made_row is None:
            known = known_by_path.get(candidate.rel_path)
            row, outcome = _examine(found.root, candidate, known, min_side, refused.get(candidate.rel_path))
        else:
            known = known_by_path.get(made_row["rel_path"])
            row, outcome = made_row, _derived_outcome(made_row, known)
        listed.add(row["rel_path"])
        summary.status_counts[row["status"]] += 1
        if row["status"] != "rejected":
            summary.label_counts[row["label"]] += 1
            if row["source_split"]:
                summary.split_counts[row["source_split"]] += 1
        if row["status"] != "ok" and made_row is None:  # crop problems are summed up per video or photo
            summary.problems.append((row["rel_path"], row["status"], row["reason"]))
        if outcome == "same_content":
            same_metadata = all(_same(known[k], row[k]) for k in _METADATA) \
                and attributes_now.get(int(known["image_id"]), {}) == candidate.attributes
            same_stat = all(_same(known[k], row[k]) for k in ("mtime_ns", "byte_size"))
            if same_metadata and same_stat:
                summary.unchanged += 1
                continue
            if same_metadata:
                summary.unchanged += 1  # only the file's timestamp moved: refresh the row quietly
            else:
                summary.relabelled += 1  # e.g. a new --group-pattern: the content (and its id) stays
            row["image_id"] = int(known["image_id"])  # same content keeps its id (and its predictions)
            drop_ids.append(row["image_id"])
            if known["label"] != row["label"]:
                stale_ids.append(row["image_id"])  # relabelled: what was scored against the old label is stale
        elif outcome == "changed":
            summary.changed += 1
            drop_ids.append(int(known["image_id"]))
            stale_ids.append(int(known["image_id"]))
            fresh.append(row)
        else:
            summary.new += 1
            fresh.append(row)
        rows.append((row, candidate.attributes))
    if min_side != MIN_SIDE and known_by_path:
        kept = sum(1 for candidate, made in entries if made is None and candidate.rel_path in known_by_path)
        summary.notes.append(f"--min-side {min_side} applies to new and changed files; files whose size and time are "
                             f"unchanged keep their earlier verdict (up to {kept} here)")
    removed = [int(r["image_id"]) for p, r in known_by_path.items() if p not in listed]
    summary.removed = len(removed)
    drop_ids.extend(removed)
    stale_ids.extend(removed)

    for label in ("real", "fake"):
        if summary.label_counts[label] == 0:
            usable = sum(summary.label_counts.values())
            raise UserError(
                f"dataset {name!r} at {path} has no usable {label} images ({usable} usable, "
                f"{summary.status_counts['rejected']} rejected); a study needs both real and fake images"
            )

    registered = store.con.execute("SELECT root FROM datasets WHERE dataset = ?", [name]).fetchone()
    moved = registered is not None and registered[0] != str(found.root)
    cap = (max_images_per_class, None if max_images_per_class is None else cap_seed)
    stored_cap = store.con.execute("SELECT max_images_per_class, cap_seed FROM datasets WHERE dataset = ?", [name]).fetchone()
    cap_changed = stored_cap is not None and tuple(stored_cap) != cap
    used_before = set(store.query("usable_images", dataset=name)["image_id"]) if cap_changed else set()
    sources_frame = pd.DataFrame(source_rows, columns=SOURCE_COLUMNS).astype(
        {c: "Int64" for c in ("byte_size", "mtime_ns", "frame_count", "width", "height", "frames_sampled", "frames_read",
                              "faces_cropped")} | {"fps": "Float64"})
    stored_sources = store.query("ingest_existing_sources", dataset=name)
    sources_changed = _source_digest(stored_sources) != _source_digest(sources_frame)
    if rows or removed or moved or registered is None or sources_changed or cap_changed:
        with store.transaction():
            new_ids = store.query("ingest_allocate_image_ids", n=len(fresh))["image_id"].tolist() if fresh else []
            for row, image_id in zip(fresh, new_ids, strict=True):
                row["image_id"] = int(image_id)
            for row, attributes in rows:
                attribute_rows.extend((row["image_id"], k, v) for k, v in attributes.items())
            store.execute(
                "ingest_upsert_dataset", dataset=name, root=str(found.root), layout=found.kind,
                manifest=str(found.manifest) if found.manifest else None,
                numeric_label_one=numeric_label_one if found.kind == "manifest" else None,
                group_pattern=group_pattern, package_version=__version__, max_images_per_class=cap[0], cap_seed=cap[1],
            )
            if cropping:
                store.execute("ingest_insert_crop_settings", settings_key=crop.key, settings=crop.to_json())
            store.execute("ingest_delete_sources", dataset=name)
            store.execute("ingest_insert_sources", inputs={"ingest_sources": sources_frame})
            if registered is not None and (stale_ids or summary.new or summary.changed or summary.removed):
                summary.notes.extend(_invalidate(store, name, stale_ids, bool(summary.new or summary.changed
                                                                               or summary.removed)))
            store.execute("ingest_delete_images", inputs={"ingest_drop": pd.DataFrame({"image_id": pd.Series(drop_ids, dtype="int64")})})
            frame = pd.DataFrame([r for r, _ in rows], columns=[c for c in IMAGE_COLUMNS if c != "dataset"])
            frame["dataset"] = name
            frame = _typed_image_frame(frame)
            attributes = pd.DataFrame(attribute_rows, columns=["image_id", "name", "value"]).astype(
                {"image_id": "int64", "name": "object", "value": "object"})
            store.execute("ingest_insert_images", inputs={"ingest_rows": frame, "ingest_attributes": attributes})
            if cap_changed:  # images the new cap leaves out are as good as removed for what was computed from them
                left_out = sorted(used_before - set(store.query("usable_images", dataset=name)["image_id"]))
                summary.notes.append(f"the cap changed from {_cap_words(stored_cap)} to {_cap_words(cap)}")
                summary.notes.extend(_invalidate(store, name, left_out, True, why="left out by the new image cap"))
        if moved:
            summary.notes.append(f"dataset root moved from {registered[0]} to {found.root}")

    summary.max_images_per_class, summary.cap_seed = cap
    if cap[0] is not None:
        summary.used_counts = Counter(store.query("usable_images", dataset=name)["label"])
    for rel_path, other_dataset, other_path, label, other_label in store.query("ingest_duplicates", dataset=name).itertuples(
            index=False):
        if other_dataset == name:
            if rel_path < other_path:
                summary.duplicates_within.append((rel_path, other_path))
                if label != other_label:
                    summary.label_conflicts.append((rel_path, label, other_path, other_label))
        else:
            summary.duplicates_across.append((rel_path, other_dataset, other_path))
    summary.seconds = time.perf_counter() - started
    return summary


def _cap_words(cap: tuple[int | None, int | None]) -> str:
    return "none" if cap[0] is None else f"{cap[0]} images per class (seed {cap[1]})"


def _invalidate(store: Store, name: str, stale_ids: list[int], images_changed: bool,
                why: str = "removed, changed or relabelled") -> list[str]:
    """Drop what was computed from images that are gone or relabelled (``ingest_invalidate``), inside the
    caller's transaction; returns notes saying what became stale and what to rerun."""
    reason = f"stale: {len(stale_ids)} image(s) of {name} it was split from were {why} at re-ingest; train again"
    stale = pd.DataFrame({"image_id": pd.Series(stale_ids, dtype="int64")})
    counts = store.query("ingest_stale_counts", inputs={"ingest_stale": stale}, dataset=name).iloc[0]
    traits = store.con.execute("SELECT count(*) FROM dataset_traits WHERE dataset = ?", [name]).fetchone()[0]
    store.execute("ingest_invalidate", inputs={"ingest_stale": stale, "ingest_stale_context": pd.DataFrame(
        [{"dataset": name, "reason": reason, "images_changed": images_changed}])})
    notes = []
    if counts["splits"]:
        notes.append(f"{int(counts['splits'])} split(s) held images that were {why}: dropped"
                     + (f", with {name}'s test partition (the next train, evaluate or study draws a new one)"
                        if counts["partitions"] else ""))
    if counts["runs"]:
        notes.append(f"{int(counts['runs'])} run(s) trained on those splits are now 'stale' (weights kept; "
                     "`sql --query runs`): train them again")
    if counts["evaluations"]:
        notes.append(f"{int(counts['evaluations'])} evaluation(s) that scored those images or were made by stale runs "
                     "were dropped: run `evaluate` again")
    if images_changed and traits:
        notes.append(f"the dataset traits of {name} were dropped: run `traits` again")
    if images_changed and counts["analyses"]:
        notes.append(f"{int(counts['analyses'])} analysis(es) that included {name} were dropped: run `analyze` again")
    return notes


def _is_cropped(candidate: Candidate, crop_faces: bool) -> bool:
    """Whether a candidate is indexed through its face crops (every video; photos with crop_faces)."""
    return crop_faces or is_video(candidate.rel_path)


def _derived_rows(store: Store, found: Layout, crop: CropSettings, crop_faces: bool, jobs: int, name: str,
                  refused: dict[str, str]) -> tuple[dict[str, SourceResult], list[tuple[Candidate, dict]]] | None:
    """Crop the layout's videos (and photos with ``crop_faces``); the sources' results and one images row per frame.

    None when nothing in the dataset is cropped. Files in ``refused`` are left to the plain path (rejected there).
    """
    cropped = [c for c in found.candidates if _is_cropped(c, crop_faces) and c.rel_path not in refused]
    if not cropped:
        return None
    videos = [c.rel_path for c in cropped if is_video(c.rel_path)]
    photos = [c.rel_path for c in cropped if not is_video(c.rel_path)]
    folder = crop_folder(artifacts_dir(store.path), found.root, crop)
    finished = crop_sources(found.root, videos, photos, crop, folder, jobs=jobs)
    results = {r.rel_path: r for r in progress(finished, total=len(cropped), desc=f"crop faces {name}", unit="source")}
    fmt = "PNG" if crop.format == "png" else "JPEG"
    made: list[tuple[Candidate, dict]] = []
    for candidate in cropped:
        result = results[candidate.rel_path]
        video = result.kind == "video"
        group = candidate.group_id if candidate.group_id is not None or not video else candidate.rel_path
        for frame in result.frames:
            ok = frame.status == "ok"
            rel_path = f"{candidate.rel_path}#frame={frame.frame_index:06d}" if video else candidate.rel_path
            made.append((candidate, {
                "rel_path": rel_path, "label": candidate.label, "group_id": group, "source_split": candidate.source_split,
                "status": frame.status, "reason": frame.reason, "content_hash": frame.content_hash,
                "byte_size": frame.byte_size, "mtime_ns": None, "format": fmt if ok else None, "mode": "RGB" if ok else None,
                "width": crop.size if ok else None, "height": crop.size if ok else None, "channels": 3 if ok else None,
                "source_path": candidate.rel_path, "frame_index": frame.frame_index, "crop_path": frame.crop_path,
            }))
        if not result.frames and not video:  # unreadable photo: its row says why, as for uncropped files
            made.append((candidate, {
                "rel_path": candidate.rel_path, "label": candidate.label, "group_id": group,
                "source_split": candidate.source_split, "status": "rejected", "reason": result.reason,
                "content_hash": None, "byte_size": result.byte_size, "mtime_ns": None, "format": None, "mode": None,
                "width": None, "height": None, "channels": None, "source_path": candidate.rel_path, "frame_index": None,
                "crop_path": None,
            }))
    return results, made


def _derived_outcome(row: dict, known: dict | None) -> str:
    """'new', 'changed' or 'same_content' for a crop row against the stored row at its path."""
    if known is None:
        return "new"
    same = all(_same(known[k], row[k]) for k in ("content_hash", "status", "reason", "crop_path", "frame_index"))
    return "same_content" if same else "changed"


def _source_rows(name: str, found: Layout, results: dict[str, SourceResult], crop: CropSettings,
                 crop_faces: bool) -> list[dict]:
    rows = []
    for candidate in found.candidates:
        if not _is_cropped(candidate, crop_faces):
            continue
        result = results[candidate.rel_path]
        group = candidate.group_id if candidate.group_id is not None or result.kind != "video" else candidate.rel_path
        rows.append({
            "dataset": name, "rel_path": candidate.rel_path, "kind": result.kind, "label": candidate.label,
            "group_id": group, "source_split": candidate.source_split, "status": result.status, "reason": result.reason,
            "byte_size": result.byte_size, "mtime_ns": result.mtime_ns, "frame_count": result.frame_count,
            "fps": result.fps, "width": result.width, "height": result.height, "codec": result.codec,
            "frames_sampled": result.frames_sampled, "frames_read": result.frames_read,
            "faces_cropped": result.faces_cropped, "settings_key": crop.key,
        })
    return rows


def _count_sources(summary: IngestSummary, source_rows: list[dict], results: dict[str, SourceResult]) -> None:
    for row in source_rows:
        summary.source_counts[(row["kind"], row["status"])] += 1
        summary.frames_sampled += row["frames_sampled"]
        summary.frames_read += row["frames_read"]
        summary.faces_cropped += row["faces_cropped"]
        if row["status"] != "ok":
            summary.source_problems.append((row["rel_path"], row["status"], row["reason"]))
        summary.sources_reused += results[row["rel_path"]].reused


def _source_digest(frame: pd.DataFrame) -> list[tuple]:
    """The sources rows as sorted tuples of their identifying columns, to tell whether they changed."""
    columns = ["rel_path", "kind", "label", "group_id", "source_split", "status", "reason", "byte_size", "mtime_ns",
               "faces_cropped", "settings_key"]
    return sorted(tuple(None if pd.isna(v) else v for v in row) for row in frame[columns].itertuples(index=False))


def _same(a: object, b: object) -> bool:
    if pd.isna(a) and pd.isna(b):  # type: ignore[arg-type]
        return True
    return a == b


def _typed_image_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[IMAGE_COLUMNS]
    integer_columns = ["image_id", "byte_size", "mtime_ns", "width", "height", "channels", "frame_index"]
    return frame.astype({c: "Int64" for c in integer_columns} | {c: "object" for c in IMAGE_COLUMNS if c not in integer_columns})
