"""Training one run: an architecture on one dataset's training part, with a stored configuration and seed.

A run's id is ``stable_key(arch, train dataset, split id, config, seed)``, so asking for the same
run twice trains once. The run row is committed as 'running' before training starts and turned
'complete' (with its history, weights path and timings) in one transaction afterwards; an error
marks it 'failed', Ctrl-C 'interrupted', a killed process leaves 'running', and each is replaced
cleanly by the next attempt. Weights go to ``<store>_files/runs/<run_id>.weights.h5``.

The steps are separate so that a worker process can train without the store: :func:`plan_run`
reads what the run needs, :func:`start_run` records it, :func:`fit_run` trains on cached pixels and
returns a :class:`Fitted` (weights file bytes, history, timings), and :func:`finish_run` or
:func:`stop_run` records the outcome; :func:`train_run` does all of them in this process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import StoreInUseError, UserError
from dsanalysis.model.architectures import get_architecture
from dsanalysis.model.cache import decoded_images
from dsanalysis.model.config import keyed_settings, resolve_config
from dsanalysis.model.data import image_batches, label_values
from dsanalysis.model.learning import LearningCheck, learning_check
from dsanalysis.model.leakage import leakage_lines
from dsanalysis.model.partitions import describe
from dsanalysis.model.splits import Split, SplitSettings, dataset_split, usable_images
from dsanalysis.model.weights import file_sha256
from dsanalysis.provenance import library_versions_json, now, stable_key
from dsanalysis.store import Store, artifacts_dir, open_store


@dataclass(frozen=True)
class TrainResult:
    run_id: str
    trained: bool  # False when a complete run with this id was already stored
    epochs_run: int
    images_per_second: float | None
    learning: LearningCheck | None = None  # None for runs stored before the check existed


def run_key(arch: str, dataset: str, split_id: str, config: dict[str, Any], seed: int, arm_id: str | None = None) -> str:
    """The deterministic id of a training run (``arm_id``: trained on that arm of the training part only)."""
    if arm_id is None:
        return stable_key("run", arch, dataset, split_id, keyed_settings(config), seed)
    return stable_key("run", arch, dataset, split_id, keyed_settings(config), seed, arm_id)


class StepSchedule:
    """The paper's schedule: learning rate times ``factor`` every ``every`` iterations, floored at ``floor``."""

    def __init__(self, initial: float, every: int, factor: float, floor: float):
        self.initial, self.every, self.factor, self.floor = initial, every, factor, floor

    def build(self) -> Any:
        import keras
        from keras import ops

        initial, every, factor, floor = self.initial, self.every, self.factor, self.floor

        class _Schedule(keras.optimizers.schedules.LearningRateSchedule):
            def __call__(self, step: Any) -> Any:
                steps = ops.floor(ops.cast(step, "float32") / every)
                return ops.maximum(initial * ops.power(factor, steps), floor)

            def get_config(self) -> dict[str, Any]:
                return {"initial": initial, "every": every, "factor": factor, "floor": floor}

        return _Schedule()


def _callbacks(epochs: int, steps: int, images: int, report: Callable[[str], None] | None, restore_best: bool,
               patience: int) -> tuple[list[Any], dict[str, list[float]]]:
    import keras

    timing: dict[str, list[float]] = {"seconds": []}

    class EpochLog(keras.callbacks.Callback):
        """Times the training part of each epoch; a tqdm bar per epoch on terminals; one line per epoch."""

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.started, self.stopped = time.perf_counter(), None
            self.bar = None
            if sys.stderr.isatty():
                from tqdm import tqdm

                self.bar = tqdm(total=steps, desc=f"epoch {epoch + 1}/{epochs}", unit="batch", leave=False)

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if self.bar is not None:
                self.bar.update(1)

        def on_test_begin(self, logs: Any = None) -> None:
            if self.stopped is None:
                self.stopped = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            seconds = (self.stopped or time.perf_counter()) - self.started
            timing["seconds"].append(seconds)
            if self.bar is not None:
                self.bar.close()
            if report is not None:
                logs = logs or {}
                parts = [f"{k} {v:.4f}" for k, v in logs.items() if k in ("loss", "accuracy", "val_loss", "val_accuracy")]
                report(f"epoch {epoch + 1}/{epochs}: {', '.join(parts)} ({images / seconds:.0f} img/s)")

    class BestWeights(keras.callbacks.Callback):
        """Keep the weights of the epoch with the lowest validation loss (model selection, never on test)."""

        def on_train_begin(self, logs: Any = None) -> None:
            self.best, self.weights = np.inf, None

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            loss = (logs or {}).get("val_loss")
            if loss is not None and loss < self.best:
                self.best, self.weights = loss, self.model.get_weights()
                timing["best_epoch"] = [epoch + 1]

        def on_train_end(self, logs: Any = None) -> None:
            if self.weights is not None:
                self.model.set_weights(self.weights)

    callbacks: list[Any] = [EpochLog()]
    if restore_best:
        callbacks.append(BestWeights())
    if patience > 0:
        callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience))
    return callbacks, timing


def restart_seed(seed: int, attempt: int) -> int:
    """The seed of a run's ``attempt``-th fresh start (0: the run's own seed)."""
    return seed + 7919 * attempt


def _probe(epoch: int, val_inputs: Any, val_labels: np.ndarray, seed: int) -> Any:
    """A callback that, at the end of ``epoch``, runs the learning check on the validation part and stops
    training when it says 'false' (its verdict in ``.check``; None when training ended before)."""
    import keras

    class Probe(keras.callbacks.Callback):
        check: LearningCheck | None = None

        def on_epoch_end(self, done: int, logs: Any = None) -> None:
            if done + 1 != epoch:
                return
            scores = self.model.predict(val_inputs, verbose=0).reshape(-1)
            self.check = learning_check(val_labels, scores, seed=seed)
            if self.check.learned == "false":
                self.model.stop_training = True

    return Probe()


def compiled_model(arch: str, config: dict[str, Any]) -> Any:
    """A freshly initialised ``arch`` (output kernel scaled by ``head_init_scale``) compiled with the configuration's
    optimizer, schedule and loss."""
    import keras

    model = get_architecture(arch).build()
    rate: Any = config["learning_rate"]
    if config["schedule"] == "step":
        rate = StepSchedule(rate, config["step_every"], config["step_factor"], config["min_learning_rate"]).build()
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = config["bn_momentum"]
    if config["head_init_scale"] != 1.0:  # why: model/config.py
        output = model.layers[-1]
        if not isinstance(output, keras.layers.Dense):
            raise ValueError(f"head_init_scale needs {arch}'s last layer to be Dense, not {type(output).__name__}")
        output.kernel.assign(output.kernel * config["head_init_scale"])
    loss = {"mse": "mean_squared_error", "bce": "binary_crossentropy"}[config["loss"]]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate), loss=loss,
                  metrics=[keras.metrics.BinaryAccuracy(name="accuracy"), keras.metrics.AUC(name="auc")])
    return model


def _history_rows(history: dict[str, list[float]], timing: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for key, values in history.items():
        part, metric = ("validation", key[4:]) if key.startswith("val_") else ("train", key)
        rows.extend({"epoch": e + 1, "part": part, "metric": metric, "value": float(v)} for e, v in enumerate(values))
    rows.extend({"epoch": e + 1, "part": "train", "metric": "seconds", "value": float(v)} for e, v in enumerate(timing["seconds"]))
    return pd.DataFrame(rows, columns=["epoch", "part", "metric", "value"]).astype({"epoch": "int32", "value": "float64"})


@contextlib.contextmanager
def _opened(store: Store | str | Path) -> Iterator[Store]:
    """The caller's open store as it is, or a path opened for just this block."""
    if isinstance(store, Store):
        yield store
    else:
        with open_store(store) as opened:
            yield opened


@dataclass(frozen=True)
class RunPlan:
    """What training one run needs, read from the store beforehand, so a worker trains without the store."""

    run_id: str
    arch: str
    dataset: str
    config_name: str
    config: dict[str, Any]
    seed: int
    split: Split
    images: pd.DataFrame  # the dataset's usable images (usable_images), in the order pixel rows follow
    # whether starting the run makes its split the dataset's test partition even when it has another one
    # (a dataset without a partition always gets the split of its first run)
    set_partition: bool = False
    partition: str | None = None  # split id of the dataset's registered partition when planned (None: none yet)
    arm_id: str | None = None  # trains on this arm (arms table) of the training part instead of all of it
    arm_images: tuple[int, ...] = ()  # the arm's image ids (a subset of the split's training part)


@dataclass(frozen=True)
class Fitted:
    """A trained run before it is stored: what a worker hands back to the process that writes the store."""

    result: TrainResult
    history: pd.DataFrame  # epoch, part, metric, value
    weights: bytes  # the Keras ``.weights.h5`` file
    seconds: float


def plan_run(store: Store, dataset: str, *, arch: str = "meso4", config_name: str = "default",
             overrides: dict[str, Any] | None = None, seed: int = 0, split: SplitSettings | None = None,
             set_partition: bool = False, arm_id: str | None = None) -> RunPlan:
    """Resolve a run's configuration, split (drawn and stored on first use) and images; trains nothing.

    ``split`` None trains on the dataset's registered test partition, or on the default split when
    it has none (:mod:`dsanalysis.model.partitions`). ``arm_id`` trains on a stored arm of the
    training part (:mod:`dsanalysis.interventions`) with the split's validation part unchanged.

    Raises :class:`UserError` for an unknown dataset, architecture or setting, or an unusable split.
    """
    get_architecture(arch)
    name, config = resolve_config(config_name, overrides)
    registered = store.query("partition_get", dataset=dataset)
    if split is None:
        split = SplitSettings.from_row(registered.iloc[0].to_dict()) if not registered.empty else SplitSettings()
    chosen = dataset_split(store, dataset, split)
    arm_images: tuple[int, ...] = ()
    if arm_id is not None:
        arm = store.query("arm_get", arm_id=arm_id)
        if arm.empty:
            raise UserError(f"no arm {arm_id!r} in the store (query: arms)")
        if arm["dataset"].iloc[0] != dataset or arm["split_id"].iloc[0] != chosen.split_id:
            raise UserError(f"arm {arm_id} is a subset of {arm['dataset'].iloc[0]}'s split {arm['split_id'].iloc[0]}, "
                            f"not of {dataset}'s split {chosen.split_id}")
        members = store.query("arm_members_get", arm_id=arm_id)["image_id"]
        outside = set(members) - set(chosen.part("train"))
        if outside:
            raise UserError(f"arm {arm_id}: {len(outside)} of its images are no longer in the training part of split "
                            f"{chosen.split_id} (the dataset changed); build the arms again")
        arm_images = tuple(int(i) for i in members)
    run_id = run_key(arch, dataset, chosen.split_id, config, seed, arm_id)
    return RunPlan(run_id, arch, dataset, name, config, seed, chosen, usable_images(store, dataset), set_partition,
                   None if registered.empty else str(registered["split_id"].iloc[0]), arm_id, arm_images)


def partition_note(plan: RunPlan) -> str | None:
    """A line for a run whose split is not its dataset's test partition (None when it is, or will be)."""
    if plan.set_partition or plan.partition is None or plan.partition == plan.split.split_id:
        return None
    return (f"note: this run trains on split {plan.split.split_id}, not {plan.dataset}'s test partition "
            f"{plan.partition}: it is tested on {plan.dataset} on its own split's test part, other models on the "
            "partition's, so the statistics will not pair them (--set-partition makes this split the partition)")


def stored_result(store: Store, run_id: str) -> TrainResult | None:
    """The stored outcome of a complete run, None when the run is absent, running, failed or interrupted."""
    stored = store.query("model_run_get", run_id=run_id)
    if stored.empty or stored["status"].iloc[0] != "complete":
        return None
    row = stored.iloc[0]
    ips = None if pd.isna(row["images_per_second"]) else float(row["images_per_second"])
    return TrainResult(run_id, False, int(row["epochs_run"]), ips, stored_learning(row.to_dict()))


def stored_learning(row: dict[str, Any]) -> LearningCheck | None:
    """The :class:`LearningCheck` stored in a runs row (None when the run predates the check)."""
    if pd.isna(row.get("learned")):
        return None

    def number(key: str) -> float | None:
        value = row.get(key)
        return None if value is None or pd.isna(value) else float(value)

    return LearningCheck(str(row["learned"]), number("learned_auc"), number("learned_ci_low"), number("learned_ci_high"),
                         0, 0, str(row.get("learned_reason") or ""))


def this_process() -> str:
    """'host:pid' of this process, as a run being trained records who trains it."""
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def live_claim(store: Store, run_id: str) -> str | None:
    """'host:pid' of another live process on this machine training ``run_id`` now, else None.

    A claim whose process is gone (killed) or is this one does not count; one from another machine
    cannot be checked and is taken as live while the run is 'running'.
    """
    import socket

    row = store.query("model_run_get", run_id=run_id)
    if row.empty or row["status"].iloc[0] != "running" or pd.isna(row["claimed_by"].iloc[0]):
        return None
    claim = str(row["claimed_by"].iloc[0])
    host, _, pid = claim.rpartition(":")
    if claim == this_process() or not pid.isdigit():
        return None
    if host != socket.gethostname():
        return claim
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return claim
    return claim


def start_run(store: Store, plan: RunPlan) -> None:
    """Record the run as 'running' and claimed by this process, replacing whatever an earlier attempt of it left,
    and register its split as the dataset's test partition when the dataset has none or ``plan.set_partition``
    (one transaction). :class:`UserError` when another live process is training the same run."""
    holder = live_claim(store, plan.run_id)
    if holder is not None:
        raise UserError(f"run {plan.run_id} is being trained by another process ({holder}) since it started; "
                        "wait for it to finish (then this command finds it complete), or stop that process")
    run_row = pd.DataFrame([{
        "run_id": plan.run_id, "kind": "trained", "arch": plan.arch, "train_dataset": plan.dataset,
        "split_id": plan.split.split_id, "config_name": plan.config_name, "config": json.dumps(plan.config, sort_keys=True),
        "seed": plan.seed, "status": "running", "started_at": now(), "package_version": __version__,
        "library_versions": library_versions_json(), "claimed_by": this_process(), "arm_id": plan.arm_id,
    }])
    with store.transaction():
        store.execute("model_run_start", inputs={"run_row": run_row})
        if plan.set_partition or store.query("partition_get", dataset=plan.dataset).empty:
            store.execute("partition_set", dataset=plan.dataset, split_id=plan.split.split_id, registered_by="train")


def set_run_partition(store: Store, plan: RunPlan) -> None:
    """Register the planned run's split as its dataset's test partition (``--set-partition`` of a stored run)."""
    with store.transaction():
        store.execute("partition_set", dataset=plan.dataset, split_id=plan.split.split_id, registered_by="train")


def _runs_folder(store_path: Path) -> Path:
    return artifacts_dir(store_path) / "runs"


def save_fitted(store_path: Path, fitted: Fitted) -> Path:
    """Write a trained run to disk before the store records it: the weights file (atomically) and a pending
    record (history, timings, learning check) that :func:`pending_fitted` reads back if the store cannot be had.

    Returns
    -------
    The weights file, ``<store>_files/runs/<run_id>.weights.h5``.
    """
    run_id = fitted.result.run_id
    folder = _runs_folder(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}.weights.h5"
    tmp = folder / f"{run_id}.partial.weights.h5"
    tmp.write_bytes(fitted.weights)
    os.replace(tmp, path)
    check = fitted.result.learning
    record = {"run_id": run_id, "epochs_run": fitted.result.epochs_run, "images_per_second": fitted.result.images_per_second,
              "seconds": fitted.seconds, "weights_sha256": file_sha256(path),
              "learning": None if check is None else dataclasses.asdict(check),
              "history": fitted.history.to_dict("records")}
    pending = folder / f"{run_id}.pending.json"
    pending.with_suffix(".tmp").write_text(json.dumps(record), encoding="utf-8")
    os.replace(pending.with_suffix(".tmp"), pending)
    return path


def pending_fitted(store_path: Path, run_id: str) -> Fitted | None:
    """A run trained earlier whose store was in use when it finished (:func:`save_fitted`), None if there is none
    or its weights file no longer matches."""
    folder = _runs_folder(store_path)
    pending, weights = folder / f"{run_id}.pending.json", folder / f"{run_id}.weights.h5"
    if not pending.is_file() or not weights.is_file():
        return None
    record = json.loads(pending.read_text(encoding="utf-8"))
    if file_sha256(weights) != record["weights_sha256"]:
        return None
    check = None if record["learning"] is None else LearningCheck(**record["learning"])
    history = pd.DataFrame(record["history"], columns=["epoch", "part", "metric", "value"]).astype(
        {"epoch": "int32", "value": "float64"})
    result = TrainResult(run_id, True, int(record["epochs_run"]), record["images_per_second"], check)
    return Fitted(result, history, weights.read_bytes(), float(record["seconds"]))


def record_fitted(store: Store, fitted: Fitted, path: Path) -> None:
    """Mark the run complete with its history, weights file and learning check (one transaction) and drop its
    pending record. A run another process has completed meanwhile is left as it is."""
    run_id = fitted.result.run_id
    stored = store.query("model_run_get", run_id=run_id)
    if not stored.empty and stored["status"].iloc[0] == "complete":
        return
    with store.transaction():
        store.execute("model_run_history_insert", inputs={"run_history_rows": fitted.history.assign(run_id=run_id)})
        check = fitted.result.learning
        store.execute("model_run_complete", run_id=run_id, weights_path=str(path.resolve()),
                      weights_sha256=file_sha256(path), train_seconds=fitted.seconds,
                      epochs_run=fitted.result.epochs_run, images_per_second=fitted.result.images_per_second,
                      learned=check.learned, learned_auc=check.auc, learned_ci_low=check.ci_low,
                      learned_ci_high=check.ci_high, learned_reason=check.reason)
    (_runs_folder(store.path) / f"{run_id}.pending.json").unlink(missing_ok=True)


def finish_run(store: Store, fitted: Fitted) -> Path:
    """Write the weights file and record the run complete (:func:`save_fitted`, then :func:`record_fitted`).

    Returns
    -------
    The weights file, ``<store>_files/runs/<run_id>.weights.h5``.
    """
    path = save_fitted(store.path, fitted)
    record_fitted(store, fitted, path)
    return path


def stop_run(store: Store, run_id: str, error: BaseException) -> None:
    """Mark a run that did not finish: 'interrupted' after Ctrl-C, else 'failed', with the error's first line
    (never a complete run, nor one another process has claimed since)."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    status = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
    with store.transaction():
        store.execute("model_run_stop", run_id=run_id, status=status, error=f"{type(error).__name__}: {message}"[:500],
                      claimed_by=this_process())


def train_run(
    store: Store | str | Path,
    dataset: str,
    *,
    arch: str = "meso4",
    config_name: str = "default",
    overrides: dict[str, Any] | None = None,
    seed: int = 0,
    split: SplitSettings | None = None,
    set_partition: bool = False,
    force: bool = False,
    report: Callable[[str], None] | None = None,
    arm_id: str | None = None,
) -> TrainResult:
    """Train ``arch`` on ``dataset``'s training part (or find the stored run) and store everything.

    Given a path, the store is opened only to read the split and record the run, not while the
    network trains, so other commands (``sql``, ``evaluate`` of other runs) can use it meanwhile;
    given an open :class:`Store`, that connection is used throughout.

    Raises :class:`UserError`, writing no run, for an unknown dataset or architecture, a dataset
    without usable images, or a split part with fewer than two images of a class.
    """
    store_path = store.path if isinstance(store, Store) else Path(store)
    with _opened(store) as opened:
        plan = plan_run(opened, dataset, arch=arch, config_name=config_name, overrides=overrides, seed=seed, split=split,
                        set_partition=set_partition, arm_id=arm_id)
        done = None if force else stored_result(opened, plan.run_id)
        if done is not None:
            if set_partition:
                set_run_partition(opened, plan)
            return done
        earlier = None if force else pending_fitted(store_path, plan.run_id)
        if earlier is not None:  # trained before, but its store was in use when it finished
            record_fitted(opened, earlier, _runs_folder(store_path) / f"{plan.run_id}.weights.h5")
            if report is not None:
                report(f"run {plan.run_id} was trained earlier and its store was in use then: recorded it now, "
                       "without training again")
            return earlier.result
        start_run(opened, plan)
    try:
        if report is not None:
            split_line = (f"split {plan.split.split_id} ({describe(plan.split.settings)}: {len(plan.split.part('train'))} "
                          f"train, {len(plan.split.part('validation'))} validation, {len(plan.split.part('test'))} test images)")
            if plan.arm_id is not None:
                split_line += f"; trained on arm {plan.arm_id} ({len(plan.arm_images)} of the training images)"
            report(f"run {plan.run_id} started: {plan.arch} on {dataset}, {plan.config_name}, seed {seed}, {split_line}")
            for line in leakage_lines(plan.split.leakage):
                report(line)
            note = partition_note(plan)
            if note:
                report(note)
        pixels, rows = decoded_images(store_path, plan.images, method=plan.config["resize"])
        fitted = fit_run(plan, pixels, rows, report)
        path = save_fitted(store_path, fitted)  # on disk before the store is asked for: nothing finished is lost
    except BaseException as error:
        with contextlib.suppress(StoreInUseError), _opened(store) as opened:
            stop_run(opened, plan.run_id, error)
        raise
    try:
        with _opened(store) as opened:
            record_fitted(opened, fitted, path)
    except StoreInUseError as error:
        raise StoreInUseError(f"run {plan.run_id} finished training and is saved ({path.name} and its history beside "
                              f"it), but {error}; run the same command again to record it without training") from None
    return fitted.result


def fit_run(plan: RunPlan, pixels: np.ndarray, rows: np.ndarray, report: Callable[[str], None] | None = None) -> Fitted:
    """Train the planned run on cached pixels (``decoded_images`` of ``plan.images``); reads and writes no store.

    ``rows[i]`` is the row in ``pixels`` of ``plan.images`` row i. Seeds, the input pipeline and the
    model are set up here alone, so a worker process trains exactly what this process would.
    """
    from dsanalysis.model.runtime import tensorflow

    config, seed, chosen = plan.config, plan.seed, plan.split
    tensorflow(seed=seed, deterministic=config["deterministic"])  # restart_seed(seed, 0) == seed
    position = pd.Series(np.arange(len(plan.images)), index=plan.images["image_id"].to_numpy())
    targets = label_values(plan.images["label"])
    train_ids = np.asarray(plan.arm_images, dtype=np.int64) if plan.arm_id is not None else chosen.part("train").to_numpy()
    train_at = position[train_ids].to_numpy()
    val_at = position[chosen.part("validation").to_numpy()].to_numpy()
    weights = None
    if config["class_weight"] == "balanced":
        y = targets[train_at]
        n_real = y.sum()
        per_class = {1.0: len(y) / (2 * n_real), 0.0: len(y) / (2 * (len(y) - n_real))}
        weights = np.array([per_class[float(v)] for v in y], dtype=np.float32)
    batch = config["batch_size"]
    val_data = image_batches(pixels, rows[val_at], targets[val_at], batch_size=batch) if len(val_at) else None
    val_labels = plan.images["label"].to_numpy()[val_at]
    steps = int(np.ceil(len(train_at) / batch))
    abandoned: list[LearningCheck] = []
    started = time.perf_counter()
    for attempt in range(config["restarts"] + 1):
        attempt_seed = restart_seed(seed, attempt)
        if attempt:
            tensorflow(seed=attempt_seed, deterministic=config["deterministic"])
        train_data = image_batches(pixels, rows[train_at], targets[train_at], batch_size=batch, shuffle=True,
                                   seed=attempt_seed, weights=weights, augment=config["augment"])
        model = compiled_model(plan.arch, config)
        callbacks, timing = _callbacks(config["epochs"], steps, len(train_at), report,
                                       config["restore_best"] and val_data is not None,
                                       config["early_stopping_patience"] if val_data is not None else 0)
        probe = None
        if attempt < config["restarts"] and val_data is not None and config["probe_epoch"] < config["epochs"]:
            probe = _probe(config["probe_epoch"], image_batches(pixels, rows[val_at], batch_size=batch), val_labels,
                           attempt_seed)
            callbacks.append(probe)
        history = model.fit(train_data, validation_data=val_data, epochs=config["epochs"], callbacks=callbacks,
                            verbose=0, shuffle=False)  # the pipeline reshuffles every epoch (seeded)
        if probe is None or probe.check is None or probe.check.learned != "false":
            break
        abandoned.append(probe.check)
        if report is not None:
            report(f"no sign of learning by epoch {config['probe_epoch']} ({probe.check.reason}); starting again "
                   f"from new weights (restart {attempt + 1} of at most {config['restarts']}, seed "
                   f"{restart_seed(seed, attempt + 1)})")
    seconds = time.perf_counter() - started
    epochs_run = len(timing["seconds"])
    after_first = timing["seconds"][1:]
    ips = float(len(train_at) / np.median(after_first)) if after_first else None

    validation_scores = model.predict(image_batches(pixels, rows[val_at], batch_size=batch), verbose=0).reshape(-1) \
        if len(val_at) else np.zeros(0)
    check = learning_check(val_labels, validation_scores, seed=seed)
    if abandoned:
        check = dataclasses.replace(check, reason=f"{check.reason}; after {len(abandoned)} restart"
                                    f"{'s' if len(abandoned) > 1 else ''} (at epoch {config['probe_epoch']}: "
                                    + ", ".join(f"AUC {c.auc:.3f}" for c in abandoned) + ")")

    with tempfile.TemporaryDirectory(prefix="dsanalysis-weights-") as folder:
        path = Path(folder) / f"{plan.run_id}.weights.h5"
        model.save_weights(path)
        data = path.read_bytes()
    history_rows = _history_rows(history.history, timing)
    if config["restarts"]:
        history_rows.loc[len(history_rows)] = [0, "train", "restarts", float(len(abandoned))]
    if "best_epoch" in timing:
        best = timing["best_epoch"][0]
        history_rows.loc[len(history_rows)] = [best, "validation", "best_epoch", float(best)]
    return Fitted(TrainResult(plan.run_id, True, epochs_run, ips, check), history_rows, data, seconds)
