"""Train/validation/test splits of a dataset, drawn once, stored, and reused by every run.

Strategies:

* ``auto`` (the default): ``source`` when the dataset has its own train folder and a test or
  validation folder, else ``random``. It is resolved before the split is keyed, so an ``auto``
  request finds the same stored split as the strategy it resolves to.
* ``random``: stratified by label; ``test_fraction`` of each class goes to test, then
  ``validation_fraction`` of each class's remaining images to validation (seeded).
* ``group``: the same proportions, but whole groups (videos, identities) go to one side, so frames
  of one video never sit on both sides. Groups come from ``images.group_id`` or, when a
  ``group_pattern`` is given, from that regular expression over each relative path.
* ``identity``: as ``group``, with the identities of the faces as groups (clusters of the stored
  face descriptors at dlib's same-person threshold, see :mod:`dsanalysis.traits.identity_rows`;
  ``traits --extractors faces,identity`` first), so no person is on both sides; an image without a
  face is a group of its own. The split is checked to leak no identity.
* ``source``: the dataset's own split: ``test`` images (or ``validation`` ones when the dataset has
  no ``test`` split) are the test part, ``train`` images the training part, from which the
  validation part is carved at random as above (``validation_fraction`` of each class of the train
  folder, seeded; a validation folder beside a test folder is left unused).

A split's id is a stable key of the dataset's image ids and every setting, so the same request
finds the stored split, and a re-ingested dataset gets a new one. When a split is drawn, its parts
are checked for exact and near-duplicate leakage (:mod:`dsanalysis.model.leakage`) and the result is
stored with it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import UserError
from dsanalysis.provenance import stable_key
from dsanalysis.store import Store

STRATEGIES = ("random", "group", "source", "identity")
#: Strategies that keep whole groups on one side.
GROUPED = ("group", "identity")
#: splits.group_source of an identity split.
IDENTITY_SOURCE = "face_descriptors identities"
PARTS = ("train", "validation", "test")
#: The default strategy: the dataset's own folders when it has them, else random (resolved before keying).
AUTO = "auto"
#: Fewest images of each class every used part must hold.
MIN_PER_CLASS = 2


@dataclass(frozen=True)
class SplitSettings:
    """Every setting that shapes a split (stored with it, and with every run trained on it)."""

    strategy: str = AUTO
    test_fraction: float = 0.3
    validation_fraction: float = 0.1
    seed: int = 0
    group_pattern: str | None = None

    def check(self) -> None:
        if self.strategy != AUTO and self.strategy not in STRATEGIES:
            raise UserError(f"unknown split strategy {self.strategy!r}; use {', '.join((AUTO, *STRATEGIES))}")
        if not 0 < self.test_fraction < 1 and self.strategy != "source":
            raise UserError(f"--test-fraction must be between 0 and 1, not {self.test_fraction}")
        if not 0 <= self.validation_fraction < 1:
            raise UserError(f"--validation-fraction must be in [0, 1), not {self.validation_fraction}")
        if self.strategy == "identity" and self.group_pattern:
            raise UserError("--group-pattern does not apply to --split identity, whose groups are the faces' identities")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SplitSettings:
        pattern = row.get("group_source")
        return cls(row["strategy"], float(row["test_fraction"]), float(row["validation_fraction"]), int(row["seed"]),
                   pattern if pattern and pattern not in ("images.group_id", IDENTITY_SOURCE) else None)


@dataclass(frozen=True)
class Split:
    """A stored split: its id, settings and which part each usable image is in."""

    split_id: str
    dataset: str
    settings: SplitSettings
    members: pd.DataFrame  # image_id, part
    leakage: pd.DataFrame | None = None  # its split_leakage rows, one per checked part

    def part(self, name: str) -> pd.Series:
        """Image ids of one part ('train', 'validation', 'test')."""
        return self.members.loc[self.members["part"] == name, "image_id"]


def usable_images(store: Store, dataset: str) -> pd.DataFrame:
    """The usable images of ``dataset`` (the internal query ``usable_images``), refusing empty datasets.

    Returns
    -------
    DataFrame with columns image_id, dataset, path, rel_path, label, group_id, source_split,
    content_hash, format, width, height.
    """
    images = store.query("usable_images", dataset=dataset)
    if images.empty:
        found = store.query("model_dataset_files", dataset=dataset).iloc[0]
        registered = int(found["files"])
        if not found["registered"]:
            raise UserError(f"dataset {dataset!r} is not registered; add it with `python -m dsanalysis ingest {dataset} PATH`")
        raise UserError(f"dataset {dataset!r} has no usable images: all {registered} files failed to ingest (query: ingest_problems)")
    return images


def _stratified(labels: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask drawing round(fraction * n) of each label's positions at random."""
    chosen = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        positions = np.flatnonzero(labels == label)
        take = int(round(fraction * len(positions)))
        chosen[rng.permutation(positions)[:take]] = True
    return chosen


def _grouped(labels: np.ndarray, groups: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of whole groups holding about ``fraction`` of each label's images.

    Groups are assigned to their majority label's stratum and taken in random order until that
    label's share is reached, so the per-class proportions stay close to ``fraction``.
    """
    frame = pd.DataFrame({"label": labels, "group": groups})
    majority = frame.groupby("group")["label"].agg(lambda s: s.value_counts().index[0])
    sizes = frame.groupby("group").size()
    chosen_groups: set[Any] = set()
    for label in sorted(majority.unique()):
        candidates = majority.index[majority == label].to_numpy()
        target = fraction * int((labels == label).sum())
        taken = 0
        for group in candidates[rng.permutation(len(candidates))]:
            if taken >= target - sizes[group] / 2:
                break
            chosen_groups.add(group)
            taken += sizes[group]
    return frame["group"].isin(chosen_groups).to_numpy()


def _groups(images: pd.DataFrame, pattern: str | None) -> np.ndarray:
    from dsanalysis.ingest.layout import compile_group_pattern, group_from_pattern

    if pattern is not None:
        compiled = compile_group_pattern(pattern)
        found = images["rel_path"].map(lambda p: group_from_pattern(compiled, p))
    else:
        found = images["group_id"]
    if found.isna().all():
        source = f"--group-pattern {pattern!r} matches no path" if pattern else "its images have no group ids"
        raise UserError(f"dataset {images['dataset'].iloc[0]!r} cannot be split by group: {source} "
                         "(ingest with --group-pattern, or give --group-pattern REGEX)")
    # an image without a group is a group of its own
    return np.where(found.isna(), "image:" + images["image_id"].astype(str), found.astype(str))


def _assign(images: pd.DataFrame, settings: SplitSettings) -> np.ndarray:
    rng = np.random.default_rng(settings.seed)
    labels = images["label"].to_numpy()
    part = np.full(len(images), "train", dtype=object)
    if settings.strategy == "source":
        source = images["source_split"].fillna("").str.lower().to_numpy()
        test_name = "test" if (source == "test").any() else "validation"
        if not (source == test_name).any() or not (source == "train").any():
            have = sorted(set(source) - {""}) or ["none"]
            raise UserError(f"dataset {images['dataset'].iloc[0]!r} has no train and test/validation source splits "
                            f"for --split source (it has: {', '.join(have)})")
        part[source == test_name] = "test"
        part[(source != test_name) & (source != "train")] = "unused"
    elif settings.strategy in GROUPED:
        groups = _groups(images, settings.group_pattern)
        part[_grouped(labels, groups, settings.test_fraction, rng)] = "test"
    else:
        part[_stratified(labels, settings.test_fraction, rng)] = "test"
    if settings.validation_fraction > 0:
        train = np.flatnonzero(part == "train")
        if settings.strategy in GROUPED:
            chosen = _grouped(labels[train], _groups(images.iloc[train], settings.group_pattern),
                              settings.validation_fraction, rng)
        else:
            chosen = _stratified(labels[train], settings.validation_fraction, rng)
        part[train[chosen]] = "validation"
    return part


def _with_identity_groups(store: Store, images: pd.DataFrame) -> pd.DataFrame:
    """``images`` with each face's identity as its group_id (None without a face)."""
    from dsanalysis.traits.identity_rows import identity_groups

    return images.assign(group_id=identity_groups(store, images).to_numpy(dtype=object))


def _check_identity_disjoint(dataset: str, identity: np.ndarray, part: np.ndarray) -> None:
    """Raise RuntimeError when an identity split put one identity in the test and the training parts."""
    from dsanalysis.traits.identities import identity_leakage

    faces = pd.notna(identity)
    leaked, _ = identity_leakage(identity[faces], part[faces])
    if leaked:
        raise RuntimeError(f"identity split of {dataset!r} leaks {leaked} test faces' identities into training")


def _check_counts(dataset: str, images: pd.DataFrame, part: np.ndarray, settings: SplitSettings) -> None:
    used = ["train", "test"] + (["validation"] if settings.validation_fraction > 0 else [])
    for name in used:
        for label in ("real", "fake"):
            n = int(((part == name) & (images["label"].to_numpy() == label)).sum())
            if n < MIN_PER_CLASS:
                raise UserError(
                    f"dataset {dataset!r} has {n} {label} image(s) in the {name} part of a {settings.strategy} split "
                    f"(at least {MIN_PER_CLASS} per class and part needed; {len(images)} usable images)"
                )


def own_test_folder(images: pd.DataFrame) -> str | None:
    """The dataset's own folder a ``source`` split tests on: 'test', else 'validation'; None without a train folder."""
    present = set(images["source_split"].dropna().astype(str).str.lower())
    if "train" not in present:
        return None
    return "test" if "test" in present else "validation" if "validation" in present else None


def resolve_settings(images: pd.DataFrame, settings: SplitSettings | None = None) -> SplitSettings:
    """``settings`` (default :class:`SplitSettings`) with ``auto`` resolved for these images, checked.

    ``auto`` becomes ``source`` when the images have their own train folder and a test or validation
    folder (:func:`own_test_folder`), else ``random``.
    """
    settings = settings or SplitSettings()
    if settings.strategy == AUTO:
        settings = replace(settings, strategy="source" if own_test_folder(images) else "random")
    settings.check()
    return settings


def _keys(images: pd.DataFrame, dataset: str, settings: SplitSettings) -> tuple[str, str]:
    images_key = stable_key(images["image_id"].astype(int).tolist())
    return images_key, stable_key("split", dataset, images_key, asdict(settings))


def split_id_for(store: Store, dataset: str, settings: SplitSettings | None = None) -> str:
    """The id :func:`dataset_split` gives ``dataset``'s split for ``settings``, without drawing or storing it."""
    images = usable_images(store, dataset)
    return _keys(images, dataset, resolve_settings(images, settings))[1]


def dataset_split(store: Store, dataset: str, settings: SplitSettings | None = None) -> Split:
    """The stored split of ``dataset`` for ``settings``, drawn and stored (own transaction) if new.

    ``settings`` None, or strategy ``auto``, draws the dataset's default split (:func:`resolve_settings`).
    A new split's parts are checked for duplicate leakage and the check is stored with it (a split
    stored before the check existed gets it now); :attr:`Split.leakage` holds it.

    Raises :class:`UserError`, writing nothing, when the dataset is unknown, has no usable images,
    or a used part would hold fewer than two images of a class.
    """
    from dsanalysis.model.leakage import check_leakage, stored_leakage, write_leakage

    images = usable_images(store, dataset)
    settings = resolve_settings(images, settings)
    images_key, split_id = _keys(images, dataset, settings)
    if not store.query("model_split_get", split_id=split_id).empty:
        members = store.query("model_split_members", split_id=split_id)
        return Split(split_id, dataset, settings, members, stored_leakage(store, split_id, images, members, settings.strategy))
    if settings.strategy == "identity":
        images = _with_identity_groups(store, images)
    part = _assign(images, settings)
    if settings.strategy == "identity":
        _check_identity_disjoint(dataset, images["group_id"].to_numpy(dtype=object), part)
    _check_counts(dataset, images, part, settings)
    members = pd.DataFrame({"image_id": images["image_id"].astype("int64"), "part": part.astype(str)})
    members = members[members["part"] != "unused"].reset_index(drop=True)
    counts = members["part"].value_counts()
    row = pd.DataFrame([{
        "split_id": split_id, "dataset": dataset, "strategy": settings.strategy,
        "test_fraction": settings.test_fraction,
        "validation_fraction": settings.validation_fraction, "seed": settings.seed,
        "group_source": settings.group_pattern or {"group": "images.group_id", "identity": IDENTITY_SOURCE}.get(settings.strategy),
        "images_key": images_key,
        "n_train": int(counts.get("train", 0)), "n_validation": int(counts.get("validation", 0)),
        "n_test": int(counts.get("test", 0)), "package_version": __version__,
    }]).astype({"group_source": "object"})
    leakage, leaks = check_leakage(split_id, images, members, settings.strategy)
    with store.transaction():
        store.execute("model_split_insert", inputs={"split_row": row, "split_rows": members})
        write_leakage(store, leakage, leaks)
    return Split(split_id, dataset, settings, members, leakage)


def settings_json(settings: SplitSettings) -> str:
    return json.dumps(asdict(settings), sort_keys=True)
