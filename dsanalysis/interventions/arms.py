"""Building an intervention's arms from a dataset's training part and storing them (tables arms, arm_members).

Arms are drawn from the training part of the dataset's test partition (:mod:`dsanalysis.model.partitions`),
the split every model of the study is tested on, so an arm's runs are tested on exactly the images the
whole-training-part runs are; the validation part (early stopping, learning check) stays whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import UserError
from dsanalysis.interventions import subsets
from dsanalysis.interventions.settings import Intervention
from dsanalysis.provenance import now, stable_key
from dsanalysis.store import Store


@dataclass(frozen=True)
class StoredArm:
    """One stored arm: what a training run on it needs to name it."""

    arm_id: str
    intervention: str
    kind: str
    dataset: str
    split_id: str
    arm: str
    n_images: int


def training_part(store: Store, dataset: str) -> tuple[str, pd.DataFrame]:
    """The split id of ``dataset``'s test partition and its training part's images.

    Returns
    -------
    (split_id, DataFrame with the usable_images columns of the training part's images, in image_id order)
    """
    from dsanalysis.model.partitions import dataset_partition
    from dsanalysis.model.splits import usable_images

    split, _ = dataset_partition(store, dataset)
    images = usable_images(store, dataset)
    train = images[images["image_id"].isin(split.part("train"))]
    return split.split_id, train.sort_values("image_id").reset_index(drop=True)


def _trait_column(store: Store, dataset: str, train: pd.DataFrame, trait: str) -> tuple[pd.DataFrame, bool]:
    """``train`` with the column ``trait`` ('extractor.trait'), and whether the trait is categorical."""
    extractor, _, name = trait.partition(".")
    long = store.query("traits_image_values", dataset=dataset)
    rows = long[(long["extractor"] == extractor) & (long["trait"] == name)]
    if rows.empty:
        known = sorted(set(long["extractor"] + "." + long["trait"]))
        hint = f"; stored: {', '.join(known[:12])}{' ...' if len(known) > 12 else ''}" if known else \
            "; no traits are stored: run `python -m dsanalysis traits` first"
        raise UserError(f"intervention trait {trait!r} is not stored for {dataset}{hint}")
    categorical = rows["category"].notna().any() and rows["value"].isna().all()
    column = rows.set_index("image_id")["category" if categorical else "value"]
    return train.assign(**{trait: train["image_id"].map(column)}), bool(categorical)


def _descriptor_vectors(store: Store, dataset: str, train: pd.DataFrame) -> np.ndarray:
    """Standardized descriptor vectors of the training images (standardized on the training part itself)."""
    from dsanalysis.traits import vectors
    from dsanalysis.traits.pipeline import wide_traits

    wide = wide_traits(store, dataset, train)  # one row per training image, in train's order
    standardizer = vectors.fit_standardizer(wide)
    if not standardizer["columns"]:
        raise UserError(f"diversity arms of {dataset} need image descriptors; run `python -m dsanalysis traits` first")
    return vectors.standardized_vectors(wide, standardizer)


def draw_arms(store: Store, intervention: Intervention, dataset: str, train: pd.DataFrame,
              matched_per_class: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The arms of one intervention on one dataset's training part ``train`` (:func:`training_part`), not yet stored.

    Returns
    -------
    (members: arm, image_id; measures: :func:`~dsanalysis.interventions.subsets.arm_measures` columns
    plus kind and measure; params: the settings that shaped them)
    Raises :class:`UserError` when the arms cannot be drawn (the reason from :class:`subsets.ArmError`).
    """
    params = intervention.params()
    try:
        if intervention.kind == "size":
            members = subsets.size_arms(train, intervention.fractions, intervention.seed, matched_per_class)
            measures = subsets.arm_measures(members, train, "none")
            kind, measure = "size", None
            params = {**params, "matched_per_class": matched_per_class}
        elif intervention.kind == "trait":
            train, categorical = _trait_column(store, dataset, train, intervention.trait)
            if categorical:
                members = subsets.categorical_arms(train, intervention.trait, intervention.seed)
                measures = subsets.arm_measures(members, train, "entropy", values=intervention.trait)
                kind, measure = "categorical", "category_entropy_nats"
            else:
                members = subsets.trait_arms(train, intervention.trait, intervention.seed)
                measures = subsets.arm_measures(members, train, "value", values=intervention.trait)
                kind, measure = "trait", intervention.trait
        elif intervention.kind == "diversity":
            x = _descriptor_vectors(store, dataset, train)
            members = subsets.diversity_arms(train, x, intervention.seed, intervention.share)
            measures = subsets.arm_measures(members, train, "distance", vectors=x)
            kind, measure = "diversity", "mean_pairwise_distance"
        else:
            raise ValueError(f"unknown intervention kind {intervention.kind!r}")
    except subsets.ArmError as error:
        raise UserError(f"intervention {intervention.name} on {dataset}: {error}") from None
    measures = measures.assign(kind=kind, measure=measure, fraction=measures["n_real"].add(measures["n_fake"]) / len(train))
    return members, measures, params


def store_arms(store: Store, intervention: Intervention, dataset: str, split_id: str, members: pd.DataFrame,
               measures: pd.DataFrame, params: dict) -> list[StoredArm]:
    """Write the arms (skipping those already stored: an arm's id keys its settings and members), one transaction."""
    arm_rows, member_rows, stored = [], [], []
    for row in measures.itertuples(index=False):
        ids = members.loc[members["arm"] == row.arm, "image_id"].astype("int64").sort_values().to_numpy()
        arm_id = stable_key("arm", dataset, split_id, intervention.name, row.arm, params, ids.tolist())
        stored.append(StoredArm(arm_id, intervention.name, row.kind, dataset, split_id, row.arm, len(ids)))
        if not store.query("arm_get", arm_id=arm_id).empty:
            continue
        arm_rows.append({"arm_id": arm_id, "intervention": intervention.name, "kind": row.kind, "dataset": dataset,
                         "split_id": split_id, "arm": row.arm,
                         "trait": intervention.trait if intervention.kind == "trait" else None,
                         "fraction": float(row.fraction), "n_real": int(row.n_real), "n_fake": int(row.n_fake),
                         "seed": intervention.seed, "measure": row.measure,
                         "measure_mean": _number(row.measure_mean), "measure_sd": _number(row.measure_sd),
                         "parent_mean": _number(row.parent_mean), "parent_sd": _number(row.parent_sd),
                         "params": json.dumps(params, sort_keys=True), "created_at": now(),
                         "package_version": __version__})
        member_rows.append(pd.DataFrame({"arm_id": arm_id, "image_id": ids}))
    if arm_rows:
        with store.transaction():
            store.execute("arms_insert", inputs={"arm_rows": pd.DataFrame(arm_rows),
                                                 "arm_member_rows": pd.concat(member_rows, ignore_index=True)})
    return stored


def _number(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def build_arms(store: Store, intervention: Intervention, datasets: list[str],
               on_problem: Callable[[str, str], None] | None = None) -> list[StoredArm]:
    """Draw and store the arms of ``intervention`` on every dataset of ``datasets``.

    A size intervention over several datasets adds a ``matched`` arm to each: the largest number of
    images per class that every dataset's training part holds, the basis of the size-matched ranking.
    A dataset whose arms cannot be drawn (too few images, the trait missing for most of them) raises
    :class:`UserError`, or with ``on_problem`` is passed to it as (dataset, reason) and left out.
    """
    parts = {dataset: training_part(store, dataset) for dataset in datasets}
    matched = None
    if intervention.kind == "size" and intervention.matched and len(datasets) > 1:
        matched = min(int(train["label"].value_counts().reindex(["real", "fake"], fill_value=0).min())
                      for _, train in parts.values())
    stored = []
    for dataset, (split_id, train) in parts.items():
        try:
            members, measures, params = draw_arms(store, intervention, dataset, train, matched)
        except UserError as problem:  # stored, so the analysis can say why the dataset has no arms
            with store.transaction():
                store.execute("arm_problem_set", intervention=intervention.name, dataset=dataset, reason=str(problem),
                              params=json.dumps(intervention.params(), sort_keys=True))
            if on_problem is None:
                raise
            on_problem(dataset, str(problem))
            continue
        stored += store_arms(store, intervention, dataset, split_id, members, measures, params)
        with store.transaction():
            store.execute("arm_problem_clear", intervention=intervention.name, dataset=dataset)
    return stored
