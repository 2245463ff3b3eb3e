"""The Ray executor: a study's training and evaluation units as Ray tasks; this process alone writes the store.

The driver (this process) reads everything a task needs from the store (a run's plan, the test images,
the weights file), puts each dataset's cached decoded pixels into Ray's object store once, and
submits one task per training run and one per (run, evaluated dataset). Tasks never open the store:
training returns the weights file's bytes, history and timings, scoring returns the scores, and the
driver stores each result in its own transaction as it arrives, so work finished before an
interruption is kept. Runs in flight when the driver is interrupted are marked 'interrupted'; when
it is killed they stay 'running' and are trained again by the next ``study run``.

Without an address, ``ray.init`` starts a local Ray instance for this process; with one
(``ray start --head`` on the head node, ``ray start --address HEAD:6379`` on the others) the tasks
run on the cluster, whose nodes need the same dsanalysis installed. Tasks get their inputs through
Ray's object store, so nodes need no shared file system.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.store import Store

#: Ray re-runs a task whose worker process or node died this many times (tasks write nothing, so
#: a retry is always safe); errors raised by the task itself are not retried.
MAX_RETRIES = 3


def ray_module() -> Any:
    """Import Ray, or say how to install it."""
    try:
        import ray
    except ImportError:
        raise UserError("--executor ray needs Ray: pip install 'dsanalysis[ray]' (or pip install 'ray>=2.40')") from None
    return ray


def _train_task(plan: Any, pixels: np.ndarray, rows: np.ndarray) -> Any:
    """In a Ray worker: train one planned run on the given pixels (no store access)."""
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")  # several tasks may share one GPU
    from dsanalysis.model.training import fit_run

    return fit_run(plan, pixels, rows)


def _score_task(arch: str, weights: bytes, pixels: np.ndarray, rows: np.ndarray, batch_size: int) -> np.ndarray:
    """In a Ray worker: the scores of ``pixels[rows]`` under the given weights file's bytes."""
    import tempfile

    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    from dsanalysis.model.evaluation import score_images
    from dsanalysis.model.runtime import tensorflow
    from dsanalysis.model.weights import model_with_weights

    tensorflow()
    with tempfile.TemporaryDirectory(prefix="dsanalysis-score-") as folder:
        path = Path(folder) / "model.weights.h5"
        path.write_bytes(weights)
        _, model = model_with_weights(path, arch)
    return score_images(model, pixels, rows, batch_size)


@dataclass
class RayExecutor:
    """Runs training and evaluation units as Ray tasks with resource requests.

    Parameters
    ----------
    address
        A running cluster (``ray://HOST:10001`` or ``HOST:6379``); None starts a local Ray instance.
    cpus_per_task
        CPUs Ray reserves for each training or scoring task.
    gpus_per_task
        GPUs per task when the cluster has GPUs (fractions share one GPU); ignored without GPUs.
    """

    address: str | None = None
    cpus_per_task: float = 1.0
    gpus_per_task: float = 1.0
    name: ClassVar[str] = "ray"

    def __post_init__(self) -> None:
        self._ray: Any = None
        self._pixels: dict[tuple[str, str], tuple[Any, pd.Series]] = {}

    # -- lifetime -------------------------------------------------------------------------------
    def start(self) -> None:
        """Connect to the cluster (or start a local instance); UserError if that fails."""
        ray = ray_module()
        if not ray.is_initialized():
            # A local instance's workers do this study's heavy work: run them at normal priority
            # (Ray's default niceness of 15 starves them on a machine busy with other jobs).
            local = {} if self.address else {"_system_config": {"worker_niceness": 0}}
            try:
                ray.init(address=self.address, include_dashboard=False, logging_level="WARNING", **local)
            except (ConnectionError, RuntimeError, ValueError) as error:
                where = self.address or "a local Ray instance"
                raise UserError(f"cannot start Ray on {where}: {str(error).splitlines()[0]}") from error
        self._ray = ray

    def stop(self) -> None:
        """Drop the pixels put in the object store and disconnect (a local instance shuts down)."""
        self._pixels.clear()
        if self._ray is not None and self._ray.is_initialized():
            self._ray.shutdown()
        self._ray = None

    def _options(self) -> dict[str, Any]:
        gpus = self.gpus_per_task if self._ray.cluster_resources().get("GPU", 0) > 0 else 0
        return {"num_cpus": self.cpus_per_task, "num_gpus": gpus, "max_retries": MAX_RETRIES, "retry_exceptions": False}

    def describe(self) -> str:
        resources = self._ray.cluster_resources()
        return (f"Ray {self._ray.__version__} at {self.address or 'a local instance'}: {resources.get('CPU', 0):g} CPUs, "
                f"{resources.get('GPU', 0):g} GPUs; {self.cpus_per_task:g} CPUs per task")

    def _pixels_ref(self, store: Store, images: pd.DataFrame, dataset: str, resize: str) -> tuple[Any, pd.Series]:
        """One object-store copy of a dataset's decoded pixels (decoded here first if not cached), and image_id -> row."""
        from dsanalysis.model.cache import decoded_images

        key = (dataset, resize)
        if key not in self._pixels:
            pixels, rows = decoded_images(store.path, images, method=resize)
            self._pixels[key] = (self._ray.put(np.asarray(pixels)), pd.Series(rows, index=images["image_id"].to_numpy()))
        return self._pixels[key]

    def _collect(self, futures: dict[Any, Any], on_result: Callable[[Any, Any], None],
                 on_error: Callable[[Any, BaseException], None]) -> list[BaseException]:
        """Hand each finished task's result to ``on_result`` as it arrives; errors go to ``on_error`` and are returned.

        On Ctrl-C the tasks still pending are cancelled, ``on_error`` gets the KeyboardInterrupt for
        each, and the interrupt propagates.
        """
        ray = self._ray
        errors: list[BaseException] = []
        pending = list(futures)
        try:
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                for ref in ready:
                    try:
                        value = ray.get(ref)
                    except ray.exceptions.RayError as error:
                        # an error raised by the task itself: the original exception (one line for the CLI)
                        cause = error.cause if isinstance(error, ray.exceptions.RayTaskError) and error.cause else error
                        errors.append(cause)
                        on_error(futures[ref], cause)
                        continue
                    on_result(futures[ref], value)
        except KeyboardInterrupt as interrupt:
            for ref in pending:
                ray.cancel(ref, force=True)
                on_error(futures[ref], interrupt)
            raise
        return errors

    # -- units ----------------------------------------------------------------------------------
    def train(self, store: Store, requests: list[dict[str, Any]], report: Callable[[str], None]) -> int:
        """Train every requested run (keyword arguments of ``plan_run``) not complete yet; returns how many trained.

        Raises the first task error after every other run has finished and been stored.
        """
        from dsanalysis.model.training import finish_run, plan_run, start_run, stop_run, stored_result

        plans = [plan_run(store, **request) for request in requests]  # any UserError before a task starts
        plans = [plan for plan in plans if stored_result(store, plan.run_id) is None]
        futures: dict[Any, Any] = {}
        options = self._options()
        task = self._ray.remote(_train_task)
        for plan in plans:
            pixels, row_of = self._pixels_ref(store, plan.images, plan.dataset, plan.config["resize"])
            start_run(store, plan)
            rows = row_of[plan.images["image_id"].to_numpy()].to_numpy()
            futures[task.options(**options).remote(plan, pixels, rows)] = plan

        def stored(plan: Any, fitted: Any) -> None:
            finish_run(store, fitted)
            report(f"trained run {plan.run_id} ({plan.arch} on {plan.dataset}, {plan.config_name}, seed {plan.seed}): "
                   f"{fitted.result.epochs_run} epochs in {fitted.seconds:.0f} s; {fitted.result.learning.line()}")

        def failed(plan: Any, error: BaseException) -> None:
            stop_run(store, plan.run_id, error)

        errors = self._collect(futures, stored, failed)
        if errors:
            raise errors[0]
        return len(futures)

    def evaluate(self, store: Store, run_ids: list[str], datasets: list[str], *, resamples: int, seed: int,
                 report: Callable[[str], None], batch_size: int = 64) -> int:
        """Score every run in ``run_ids`` on each dataset's test part where not stored yet; returns how many were scored.

        The plan and record steps are those of ``evaluate_runs`` (:mod:`dsanalysis.model.evaluation`); the
        scores are computed in Ray tasks.
        """
        from dsanalysis.model.evaluation import pending_evaluations, plan_evaluation, record_evaluation, verified_weights
        from dsanalysis.model.splits import usable_images

        futures: dict[Any, Any] = {}
        options = self._options()
        task = self._ray.remote(_score_task)
        images: dict[str, pd.DataFrame] = {}
        for plan in pending_evaluations(plan_evaluation(store, run_ids, datasets, report=report), report=report):
            if plan.dataset not in images:
                images[plan.dataset] = usable_images(store, plan.dataset)
            weights = verified_weights(plan.run).read_bytes()
            pixels, row_of = self._pixels_ref(store, images[plan.dataset], plan.dataset, plan.resize)
            rows = row_of[plan.images["image_id"].to_numpy()].to_numpy()
            submitted = time.perf_counter()
            futures[task.options(**options).remote(plan.run["arch"], weights, pixels, rows, batch_size)] = (plan, submitted)

        def stored(job: Any, scores: np.ndarray) -> None:
            plan, submitted = job
            record_evaluation(store, plan, scores, resamples=resamples, seed=seed, seconds=time.perf_counter() - submitted,
                              report=report)

        errors = self._collect(futures, stored, lambda job, error: None)  # nothing stored for a failed scoring
        if errors:
            raise errors[0]
        return len(futures)
