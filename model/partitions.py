"""Each dataset's test partition: the one split whose test part every model is scored on.

The cross-dataset matrix and every paired statistic compare models on the same test images of each
dataset. So each dataset has one registered partition (table ``partitions``):

* a study registers the split its file defines for the dataset (``[split]``, or the dataset's own
  ``split`` table), before it evaluates;
* outside a study, the first ``train`` on a dataset registers the split that run trains on
  (``train --set-partition`` replaces it); later ``train`` commands without split options train
  on the registered partition;
* a dataset nobody trained on gets its partition from the first ``evaluate`` on it (the evaluate
  command's split options; by default the dataset's own train/test folders when it has them, else
  random 70/30, seed 0).

Evaluation then scores a model on the dataset it was trained on on the test part of its own split
(never on images it trained on), and every other model, imported weights included, on the test
part of the dataset's partition (or of a split named with ``evaluate --split-id``). The two
coincide unless a model was trained on another split of the dataset; the statistics check that
every model was scored on the same images (:mod:`dsanalysis.stats.pairing`).
"""

from __future__ import annotations

from typing import Any

from dsanalysis.errors import UserError
from dsanalysis.model.splits import Split, SplitSettings, dataset_split
from dsanalysis.store import Store

REGISTRARS = ("study", "train", "evaluate")


def partition_settings(store: Store, dataset: str) -> SplitSettings | None:
    """The settings of ``dataset``'s registered partition, None when it has none."""
    row = store.query("partition_get", dataset=dataset)
    return None if row.empty else SplitSettings.from_row(row.iloc[0].to_dict())


def register_partition(store: Store, split: Split, registered_by: str) -> None:
    """Make ``split`` its dataset's test partition (replacing any other), in one transaction."""
    if registered_by not in REGISTRARS:
        raise ValueError(f"registered_by must be one of {REGISTRARS}, not {registered_by!r}")
    with store.transaction():
        store.execute("partition_set", dataset=split.dataset, split_id=split.split_id, registered_by=registered_by)


def dataset_partition(store: Store, dataset: str, settings: SplitSettings | None = None,
                      registered_by: str = "evaluate") -> tuple[Split, bool]:
    """``dataset``'s test partition, drawn with ``settings`` (default: the default split) and registered if it has none.

    A registered partition is re-drawn with its own settings, so a dataset whose images changed
    since gets the split of its current images (and that split is registered in its place).

    Returns
    -------
    (the partition's :class:`Split`, whether this call registered it)
    """
    registered = store.query("partition_get", dataset=dataset)
    if registered.empty:
        split = dataset_split(store, dataset, settings or SplitSettings())
        register_partition(store, split, registered_by)
        return split, True
    split = dataset_split(store, dataset, SplitSettings.from_row(registered.iloc[0].to_dict()))
    if split.split_id != registered["split_id"].iloc[0]:
        register_partition(store, split, str(registered["registered_by"].iloc[0]))
    return split, False


def set_partition(store: Store, dataset: str, settings: SplitSettings, registered_by: str) -> tuple[Split, bool]:
    """Make the split drawn with ``settings`` ``dataset``'s test partition (drawn and stored if new).

    Returns
    -------
    (the partition's :class:`Split`, whether this call changed the registered partition)
    """
    split = dataset_split(store, dataset, settings)
    registered = store.query("partition_get", dataset=dataset)
    if not registered.empty and registered["split_id"].iloc[0] == split.split_id:
        return split, False
    register_partition(store, split, registered_by)
    return split, True


def named_split(store: Store, split_id: str, datasets: list[str]) -> Split:
    """The stored split ``split_id`` (a unique prefix is enough) of one of ``datasets``; UserError otherwise."""
    found = store.query("model_split_by_prefix", prefix=split_id)
    if found.empty:
        raise UserError(f"no split {split_id!r} in {store.path}; list splits with `python -m dsanalysis sql --query partitions`"
                        " or `sql \"SELECT * FROM splits\"`")
    if len(found) > 1:
        raise UserError(f"split prefix {split_id!r} is ambiguous: it starts {', '.join(found['split_id'])}")
    row = found.iloc[0].to_dict()
    if row["dataset"] not in datasets:
        raise UserError(f"split {row['split_id']} is a split of {row['dataset']!r}, which is not evaluated here "
                        f"(--on {' '.join(datasets)})")
    return dataset_split(store, row["dataset"], SplitSettings.from_row(row))


def evaluation_split(store: Store, dataset: str, run: dict[str, Any], partition: Split) -> Split:
    """The split whose test part ``run`` is scored on in ``dataset``.

    A model is scored on the dataset it was trained on by the test part of its own split (it trained on
    the rest); on every other dataset by ``partition`` (the dataset's partition or a named split).
    """
    if run.get("train_dataset") == dataset and run.get("split_id") is not None:
        own = store.query("model_split_get", split_id=run["split_id"])
        if own.empty:
            raise UserError(f"run {run['run_id']} names split {run['split_id']}, which is not in the store")
        return dataset_split(store, dataset, SplitSettings.from_row(own.iloc[0].to_dict()))
    return partition


def describe(settings: SplitSettings) -> str:
    """'random 70/30, validation 10%, seed 0' and the like, for messages."""
    if settings.strategy == "source":
        shape = "the dataset's own train/test folders"
    elif settings.strategy == "auto":
        shape = "the dataset's own train/test folders if it has them, else random"
    else:
        test = round(settings.test_fraction * 100)
        shape = f"{settings.strategy} {100 - test}/{test}"
        if settings.group_pattern:
            shape += f" (groups from {settings.group_pattern!r})"
    return f"{shape}, validation {round(settings.validation_fraction * 100)}% of training, seed {settings.seed}"
