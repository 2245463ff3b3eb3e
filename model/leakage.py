"""Duplicate leakage between the parts of a split: checked when the split is drawn and stored with it.

An image of the test part leaks when the training or validation part holds a copy of it: the model
(or its early stopping) saw that image, so the in-domain score is optimistic. The validation part is
checked against the training part the same way (early stopping and the learning check then see
near-copies of training images). Two kinds of copy are counted:

* exact: a file with the same SHA-256 (``images.content_hash``);
* near: a pair the near-duplicate detector confirms (:mod:`dsanalysis.traits.duplicates`):
  re-encodes, resizes and slight crops of one image, and frames of one video that barely differ.

Each checked part gives one ``split_leakage`` row (with the warning, when the share of leaking
images reaches :data:`WARNING_SHARE`, and the threshold itself) and its pairs ``split_leaks`` rows.
"""

from __future__ import annotations

import json
import numpy as np
import pandas as pd

from dsanalysis import __version__
from dsanalysis.store import Store

#: Share of a part's images with a copy on the other side from which a warning is stored.
WARNING_SHARE = 0.05
#: (checked part, the parts it is checked against, the name of those parts).
CHECKS = (("test", ("train", "validation"), "train+validation"), ("validation", ("train",), "train"))
#: Strategies that keep whole groups (videos, identities) on one side.
GROUP_STRATEGIES = ("group", "identity")
LEAKAGE_COLUMNS = ["split_id", "part", "against", "n_images", "exact", "near", "share", "warning_share", "warning",
                   "detector", "package_version"]
LEAK_COLUMNS = ["split_id", "image_id", "part", "match_image_id", "match_part", "kind", "similarity"]


def _exact_pairs(hashes: np.ndarray, queries: np.ndarray, index: np.ndarray) -> pd.DataFrame:
    """(query, match) positions whose content hashes are equal, query in ``queries``, match in ``index``."""
    left = pd.DataFrame({"query": queries, "content_hash": hashes[queries]}).dropna()
    right = pd.DataFrame({"match": index, "content_hash": hashes[index]}).dropna()
    return left.merge(right, on="content_hash")[["query", "match"]]


def _warning(part: str, near: int, n_images: int, strategy: str) -> str | None:
    """The stored warning for ``near`` of ``n_images`` leaking images of ``part``; None below :data:`WARNING_SHARE`."""
    if not n_images or near / n_images < WARNING_SHARE:
        return None
    if strategy in GROUP_STRATEGIES:
        remedy = "its groups do not keep them apart: check the groups (--group-pattern) or the images"
    else:
        remedy = ("a group split keeps each video or identity on one side (--split group, with groups from ingest "
                  "--group-pattern or --group-pattern REGEX)")
    share = f"{near} of {n_images} {part} images ({near / n_images:.0%})"
    if part == "test":
        return f"{share} have a copy or near-duplicate in training or validation: the in-domain score is optimistic; {remedy}"
    return f"{share} have a copy or near-duplicate in training: early stopping and the learning check are optimistic; {remedy}"


def check_leakage(split_id: str, images: pd.DataFrame, members: pd.DataFrame,
                  strategy: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exact and near-duplicate leakage between a split's parts (computed, not stored).

    Parameters
    ----------
    split_id : str
        The split's id.
    images : DataFrame
        The dataset's usable images (:func:`dsanalysis.model.splits.usable_images`).
    members : DataFrame
        image_id, part of the split.
    strategy : str
        The split's (resolved) strategy, for the remedy the warning names.

    Returns
    -------
    (leakage, leaks): one row per checked part that has images (columns :data:`LEAKAGE_COLUMNS`),
    and the leaking pairs (:data:`LEAK_COLUMNS`).
    """
    from dsanalysis.traits import duplicates

    part_of = members.set_index("image_id")["part"]
    used = images[images["image_id"].isin(part_of.index)].reset_index(drop=True)
    part = used["image_id"].map(part_of).to_numpy(dtype=object)
    thumbs = duplicates.thumbnails(used["path"])
    aspect = duplicates.aspect_ratios(used)
    detector = json.dumps(duplicates.detector_params(), sort_keys=True)
    rows, pairs = [], []
    for checked, against, against_name in CHECKS:
        queries = np.flatnonzero(part == checked)
        if not len(queries):
            continue
        found = _copies(used, thumbs, aspect, queries, np.flatnonzero(np.isin(part, against)))
        n_near, n_exact = int(found["query"].nunique()), int(found.loc[found["kind"] == "exact", "query"].nunique())
        rows.append({"split_id": split_id, "part": checked, "against": against_name, "n_images": len(queries),
                     "exact": n_exact, "near": n_near, "share": n_near / len(queries), "warning_share": WARNING_SHARE,
                     "warning": _warning(checked, n_near, len(queries), strategy), "detector": detector,
                     "package_version": __version__})
        ids, positions = used["image_id"].to_numpy(dtype=np.int64), found["match"].to_numpy(dtype=np.int64)
        pairs.append(pd.DataFrame({
            "split_id": split_id, "image_id": ids[found["query"].to_numpy(dtype=np.int64)], "part": checked,
            "match_image_id": ids[positions], "match_part": part[positions].astype(str),
            "kind": found["kind"].to_numpy(dtype=object), "similarity": found["similarity"].to_numpy(dtype=np.float64)}))
    leaks = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=LEAK_COLUMNS)
    leakage = pd.DataFrame(rows, columns=LEAKAGE_COLUMNS).astype({"warning": "object"})
    return leakage, leaks[LEAK_COLUMNS]


def _copies(images: pd.DataFrame, thumbs: np.ndarray, aspect: np.ndarray, queries: np.ndarray,
            index: np.ndarray) -> pd.DataFrame:
    """Each query image's exact copies and near-duplicates among the ``index`` images (positions into ``images``).

    Returns
    -------
    DataFrame
        query, match, kind ('exact' or 'near'; an exact copy is counted once, as exact), similarity (1 for exact
        copies, else the SSIM that confirmed it).
    """
    from dsanalysis.traits import duplicates

    exact = _exact_pairs(images["content_hash"].to_numpy(dtype=object), queries, index)
    near = duplicates.near_duplicate_matches(thumbs, queries, index, aspect=aspect)
    found = pd.concat([exact.assign(kind="exact", similarity=1.0),
                       near[["query", "match"]].assign(kind="near", similarity=near["ssim"].to_numpy())],
                      ignore_index=True)
    return found.drop_duplicates(["query", "match"]).reset_index(drop=True)


def write_leakage(store: Store, leakage: pd.DataFrame, leaks: pd.DataFrame) -> None:
    """Store a split's leakage check (replacing an earlier one); call inside a transaction."""
    if leakage.empty:
        return
    store.execute("model_split_leakage_insert", inputs={
        "leakage_rows": leakage, "leak_rows": leaks.astype({"image_id": "int64", "match_image_id": "int64"})})


def stored_leakage(store: Store, split_id: str, images: pd.DataFrame, members: pd.DataFrame,
                   strategy: str) -> pd.DataFrame:
    """A stored split's leakage rows, checked and stored now (own transaction) if it has none yet."""
    found = store.query("model_split_leakage_get", split_id=split_id)
    if not found.empty:
        return found
    leakage, leaks = check_leakage(split_id, images, members, strategy)
    with store.transaction():
        write_leakage(store, leakage, leaks)
    return leakage


def leakage_lines(leakage: pd.DataFrame | None) -> list[str]:
    """What a run prints about its split's leakage: one line of counts, then each stored warning."""
    if leakage is None or leakage.empty:
        return []
    parts = []
    for row in leakage.itertuples(index=False):
        against = "training or validation" if row.against == "train+validation" else "training"
        parts.append(f"{row.near} of {row.n_images} {row.part} images have a copy or near-duplicate in {against} "
                     f"({row.exact} exact)")
    lines = ["duplicate leakage: " + "; ".join(parts)]
    lines += [f"warning: {w}" for w in leakage["warning"] if isinstance(w, str) and w]
    return lines


def check_unchecked_splits(store: Store, dataset: str, images: pd.DataFrame) -> int:
    """Check and store the leakage of every stored split of ``dataset`` drawn before the check existed.

    ``images`` are the dataset's usable images; a split's images that are no longer usable are left out.
    Returns how many splits were checked.
    """
    unchecked = store.query("model_splits_unchecked", dataset=dataset)
    for row in unchecked.itertuples(index=False):
        members = store.query("model_split_members", split_id=row.split_id)
        stored_leakage(store, row.split_id, images, members, row.strategy)
    return len(unchecked)


def in_domain_note(store: Store, split_id: str | None) -> str:
    """What an in-domain evaluation on ``split_id``'s test part adds to its line when the split's stored check
    warned about its test part ('' otherwise)."""
    if split_id is None:
        return ""
    rows = store.query("model_split_leakage_get", split_id=split_id)
    test = rows[(rows["part"] == "test") & rows["warning"].notna()]
    if test.empty:
        return ""
    row = test.iloc[0]
    return (f" (optimistic: {row['near']} of {row['n_images']} test images have a copy or near-duplicate in training "
            "or validation; sql --query split_leakage)")
