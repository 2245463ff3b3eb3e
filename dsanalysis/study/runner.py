"""Running a study's units, and planning what is left.

The local executor runs every unit in this process, in dependency order. With a
:class:`~dsanalysis.study.ray_executor.RayExecutor`, the pending training units run together as
Ray tasks, then the pending evaluations; ingest, traits, analyses and the report always run here.
Every unit writes its results in transactions keyed by its settings, so a study killed at any
moment resumes with the same command: Ctrl-C marks the run in progress 'interrupted' and raises
:class:`StudyInterrupted`; SIGKILL leaves it 'running', and both are trained again on the next run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dsanalysis.progress import progress
from dsanalysis.store import Store
from dsanalysis.study.config import StudyConfig
from dsanalysis.study.units import Unit, study_units

if TYPE_CHECKING:
    from dsanalysis.model.splits import SplitSettings
    from dsanalysis.study.ray_executor import RayExecutor

Report = Callable[[str], None]


def trained_run_id(store: Store, unit: Unit) -> str | None:
    """The run id a train unit produces, computed without training (None before the dataset is ingested)."""
    from dsanalysis.model.config import resolve_config
    from dsanalysis.model.splits import split_id_for
    from dsanalysis.model.training import run_key

    p = unit.params
    if store.query("datasets").query("dataset == @p['dataset']").empty:
        return None
    _, config = resolve_config(p["base"], p["overrides"])
    split_id = split_id_for(store, p["dataset"], split_from_params(p))
    return run_key(p["arch"], p["dataset"], split_id, config, p["seed"])


def split_from_params(params: dict[str, Any]) -> SplitSettings:
    """The split settings of a train or evaluate unit (see :func:`dsanalysis.study.units.split_params`)."""
    from dsanalysis.model.splits import SplitSettings

    return SplitSettings(**params["split"], group_pattern=params["group_pattern"])


def _run_status(store: Store, run_id: str | None) -> str:
    if run_id is None:
        return "pending"
    row = store.query("model_run_get", run_id=run_id)
    return "done" if not row.empty and row["status"].iloc[0] == "complete" else "pending"


def unit_status(store: Store, study: StudyConfig, unit: Unit) -> str:
    """'done' when the store already holds the unit's complete result, else 'pending'."""
    if unit.kind == "ingest":
        registered = store.query("datasets")
        return "done" if unit.params["dataset"] in set(registered["dataset"]) else "pending"
    if unit.kind == "train":
        return _run_status(store, trained_run_id(store, unit))
    if unit.kind == "evaluate":
        from dsanalysis.model.splits import split_id_for

        run_ids = [trained_run_id(store, u) for u in study_units(study) if u.kind == "train"]
        if any(r is None for r in run_ids):
            return "pending"
        dataset = unit.params["dataset"]
        partition = store.query("partition_get", dataset=dataset)
        split_id = split_id_for(store, dataset, split_from_params(unit.params))
        if partition.empty or partition["split_id"].iloc[0] != split_id:
            return "pending"
        done = store.query("study_evaluations_done", dataset=dataset, split_id=split_id)
        return "done" if set(run_ids) <= set(done["run_id"]) else "pending"
    if unit.kind == "traits":
        from dsanalysis.traits.pipeline import traits_up_to_date

        names = [d.name for d in study.datasets]
        if not set(names) <= set(store.query("registered_dataset_names")["dataset"]):
            return "pending"
        return "done" if traits_up_to_date(store, names, unit.params["extractors"]) else "pending"
    if unit.kind == "interventions":
        return "done" if _analysis_current(store, study, "interventions", intervention_settings(study, unit)) is not None \
            else "pending"
    if unit.kind == "analysis":
        return "done" if _analysis_current(store, study, unit.params["name"]) is not None else "pending"
    if unit.kind == "report":
        return "done" if _report_current(store, unit) else "pending"
    return "pending"


def _latest_input(store: Store, *, with_analyses: bool = False) -> Any:
    """When the inputs of the analyses (images, runs, evaluations, dataset traits; with ``with_analyses`` also the
    analyses, the report's inputs) last changed, or None."""
    row = store.query("study_latest_inputs").iloc[0]
    columns = ["images_at", "runs_at", "evaluations_at", "traits_at"] + (["analyses_at"] if with_analyses else [])
    times = [row[c] for c in columns if pd.notna(row[c])]
    return max(times) if times else None


def _analysis_current(store: Store, study: StudyConfig, name: str, settings: Any = None) -> Any:
    """The creation time of a stored analysis ``name`` with the study's settings (or ``settings``) made after its
    inputs last changed."""
    from dsanalysis.stats.analyses import Settings
    from dsanalysis.stats.inputs import params_json

    settings = settings or Settings(seed=study.analysis_seed)
    found = store.query("study_analysis_done", analysis_name=name, params=params_json(settings.params(name)))
    latest = _latest_input(store)
    if found.empty or latest is None or found["created_at"].iloc[0] < latest:
        return None
    return found["created_at"].iloc[0]


def _report_current(store: Store, unit: Unit) -> bool:
    """Whether the report file exists and was written after the newest analysis and input."""
    import datetime as dt

    from dsanalysis.output import default_out_dir

    out = Path(unit.params["out"]) if unit.params["out"] else default_out_dir(store.path)
    page = out / "index.html"
    latest = _latest_input(store, with_analyses=True)
    return page.is_file() and latest is not None and dt.datetime.fromtimestamp(page.stat().st_mtime) >= latest


@dataclass
class UnitOutcome:
    unit: Unit
    status: str  # 'ran' or 'skipped'
    seconds: float


def run_unit(store: Store, study: StudyConfig, unit: Unit, report: Report) -> None:
    """Do one unit's work (each underlying step skips what the store already holds)."""
    p = unit.params
    if unit.kind == "ingest":
        from dsanalysis.ingest import ingest_dataset

        summary = ingest_dataset(store, p["dataset"], p["path"], layout=p["layout"], manifest=p["manifest"],
                                 numeric_label_one=p["numeric_label_one"], group_pattern=p["group_pattern"],
                                 follow_links=p.get("follow_links", False),
                                 max_images_per_class=p.get("max_images_per_class"), cap_seed=p.get("cap_seed", 0),
                                 method=p.get("method"), compression=p.get("compression"))
        report(summary.lines()[0])
    elif unit.kind == "train":
        from dsanalysis.model.training import train_run

        with store.released():  # others may read the store (report, sql) while the network trains
            result = train_run(store.path, p["dataset"], report=report, **train_request(unit))
        learned = f"; {result.learning.line()}" if result.learning else ""
        report(f"{unit.label}: run {result.run_id} {'trained' if result.trained else 'already complete'}{learned}")
    elif unit.kind == "evaluate":
        from dsanalysis.model.evaluation import evaluate_runs

        study_partition(store, unit, report)
        evaluated = evaluate_runs(store, study_run_ids(store, study), [p["dataset"]], part="test",
                                  resamples=p["resamples"], seed=study.evaluation_seed)
        report(f"{unit.label}: {len(evaluated)} evaluations")
    elif unit.kind == "traits":
        from dsanalysis.traits.pipeline import run_traits

        summary = run_traits(store, [d.name for d in study.datasets], extractors=tuple(p["extractors"]), jobs=p["jobs"],
                             seed=study.trait_seed)
        report(summary.lines()[0])
    elif unit.kind == "interventions":
        from dsanalysis.interventions.plan import ArmTraining, run_interventions
        from dsanalysis.stats.analyses import run_analysis

        design = p["design"]
        training = ArmTraining(design["arch"], design["base"], design["overrides"], tuple(design["seeds"]))
        names = [d.name for d in study.datasets]
        run_interventions(store, study.interventions, names, training, eval_datasets=names,
                          resamples=study.bootstrap_resamples, eval_seed=study.evaluation_seed,
                          traits_seed=study.trait_seed, traits_jobs=study.trait_jobs, report=report)
        analysis_id, _ = run_analysis(store, "interventions", intervention_settings(study, unit))
        report(f"{unit.label}: stored as analysis {analysis_id}")
    elif unit.kind == "analysis":
        from dsanalysis.stats.analyses import Settings, run_analysis

        analysis_id, _ = run_analysis(store, p["name"], Settings(seed=study.analysis_seed))
        report(f"{unit.label}: stored as analysis {analysis_id}")
    elif unit.kind == "report":
        from dsanalysis.output import default_out_dir
        from dsanalysis.report.render import render_report, write_report
        from dsanalysis.report.sections import build_report_context

        out = Path(p["out"]) if p["out"] else default_out_dir(store.path)
        path = write_report(render_report(build_report_context(store)), out)
        report(f"report: {path}")
    else:
        raise ValueError(f"unknown unit kind {unit.kind!r}")


def intervention_settings(study: StudyConfig, unit: Unit) -> Any:
    """The analysis settings of a study's interventions unit: the study's analysis seed, and its design."""
    import json

    from dsanalysis.stats.analyses import Settings

    return Settings(seed=study.analysis_seed, design=json.dumps(unit.params["design"], sort_keys=True))


def study_partition(store: Store, unit: Unit, report: Report) -> None:
    """Register the split the study defines for an evaluate unit's dataset as the dataset's test partition."""
    from dsanalysis.model.partitions import describe, set_partition

    dataset = unit.params["dataset"]
    split, changed = set_partition(store, dataset, split_from_params(unit.params), "study")
    if changed:
        report(f"{dataset}: test partition {split.split_id} ({describe(split.settings)}, {len(split.part('test'))} "
               "test images): every model is tested on it")


def train_request(unit: Unit) -> dict[str, Any]:
    """Keyword arguments of ``train_run`` / ``plan_run`` (besides the dataset) for a train unit."""
    p = unit.params
    return {"arch": p["arch"], "config_name": p["base"], "overrides": p["overrides"], "seed": p["seed"],
            "split": split_from_params(p)}


def study_run_ids(store: Store, study: StudyConfig) -> list[str]:
    """The run ids of the study's train units that the store can already name (their datasets ingested)."""
    run_ids = [trained_run_id(store, u) for u in study_units(study) if u.kind == "train"]
    return [r for r in run_ids if r]


class StudyInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during a study: the unit in progress was left not done; completed units are kept."""

    def __init__(self, unit: Unit, interruption: KeyboardInterrupt):
        super().__init__(unit.label)
        self.unit, self.interruption = unit, interruption


def _run_batch(executor: RayExecutor, store: Store, study: StudyConfig, units: list[Unit], report: Report) -> None:
    """The executor's batch for ``units`` (all train units, or all evaluate units, still pending)."""
    if units[0].kind == "train":
        executor.train(store, [{"dataset": u.params["dataset"], **train_request(u)} for u in units], report)
    else:
        for unit in units:
            study_partition(store, unit, report)
        executor.evaluate(store, study_run_ids(store, study), [u.params["dataset"] for u in units],
                          resamples=units[0].params["resamples"], seed=study.evaluation_seed, report=report)


def run_study(store: Store, study: StudyConfig, report: Report = print,
              executor: RayExecutor | None = None) -> list[UnitOutcome]:
    """Run every unit in order; finished units cost only the check that they are finished.

    ``executor`` None runs everything in this process; a started :class:`RayExecutor` runs the
    pending training units as one batch of Ray tasks, then the pending evaluations likewise.
    Raises :class:`StudyInterrupted` on Ctrl-C.
    """
    outcomes = []
    units = study_units(study)
    batched: set[str] = set()
    for number, unit in enumerate(progress(units, total=len(units), desc=f"study {study.name}", unit="unit"), start=1):
        started = time.perf_counter()
        try:
            if unit.key in batched:
                outcomes.append(UnitOutcome(unit, "ran", 0.0))  # done in its kind's batch
                continue
            # ingest always runs (it is incremental: it finds changed files); the rest is skipped once done
            if unit.kind != "ingest" and unit_status(store, study, unit) == "done":
                outcomes.append(UnitOutcome(unit, "skipped", time.perf_counter() - started))
                continue
            if executor is not None and unit.kind in ("train", "evaluate"):
                batch = [u for u in units[number - 1:] if u.kind == unit.kind and unit_status(store, study, u) != "done"]
                report(f"[{number}/{len(units)}] {len(batch)} {unit.kind} units on {executor.name}")
                _run_batch(executor, store, study, batch, report)
                batched.update(u.key for u in batch)
            else:
                report(f"[{number}/{len(units)}] {unit.label}")
                run_unit(store, study, unit, report)
        except KeyboardInterrupt as interruption:
            raise StudyInterrupted(unit, interruption) from None
        outcomes.append(UnitOutcome(unit, "ran", time.perf_counter() - started))
    return outcomes


def plan_frame(store: Store | None, study: StudyConfig) -> pd.DataFrame:
    """kind, label, status ('done', 'pending'; everything is pending without a store), key."""
    rows = []
    for unit in study_units(study):
        status = "pending" if store is None else unit_status(store, study, unit)
        rows.append({"kind": unit.kind, "unit": unit.label, "status": status, "key": unit.key})
    return pd.DataFrame(rows)
