"""Running controlled-subset experiments: traits, arms, training, evaluation and the analysis, each resumable.

Every step skips what the store already holds (arms and runs are keyed by their settings), so an
interrupted ``intervene`` or study resumes with the same command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsanalysis.interventions.arms import StoredArm, build_arms
from dsanalysis.interventions.settings import Interventions
from dsanalysis.progress import progress
from dsanalysis.store import Store

Report = Callable[[str], None]


@dataclass(frozen=True)
class ArmTraining:
    """How every arm is trained: the same architecture, configuration and seeds for all of them."""

    arch: str = "meso4"
    config_name: str = "default"
    overrides: dict[str, Any] | None = None
    seeds: tuple[int, ...] = (0,)


def run_interventions(store: Store, interventions: Interventions, datasets: list[str], training: ArmTraining, *,
                      eval_datasets: list[str], resamples: int = 1000, eval_seed: int = 0, traits_seed: int = 0,
                      traits_jobs: int = 1, report: Report = print) -> list[StoredArm]:
    """Measure the traits the arms need, draw and store the arms, train each over the seeds, test every arm run
    (and the whole-training-part runs of a size intervention) on every dataset of ``eval_datasets``.

    A dataset whose arms of an intervention cannot be drawn (too few images, the trait missing for most of
    them) is left out of that intervention with a line saying why; the others go on.

    Returns
    -------
    The stored arms.
    """
    from dsanalysis.model.evaluation import evaluate_runs
    from dsanalysis.model.training import train_run
    from dsanalysis.traits.pipeline import run_traits, traits_up_to_date

    chosen = [d for d in datasets if interventions.datasets is None or d in interventions.datasets]
    if interventions.extractors and not traits_up_to_date(store, chosen, interventions.extractors):
        summary = run_traits(store, chosen, extractors=interventions.extractors, jobs=traits_jobs, seed=traits_seed,
                             embed=False)
        report(summary.lines()[0])
    arms: list[StoredArm] = []
    for intervention in interventions.interventions:
        problems: dict[str, str] = {}
        built = build_arms(store, intervention, chosen, on_problem=problems.__setitem__)
        arms += built
        for dataset in chosen:
            mine = ", ".join(f"{a.arm} ({a.n_images} images)" for a in built if a.dataset == dataset)
            report(f"intervention {intervention.name} on {dataset}: " + (mine or f"left out: {problems.get(dataset)}"))
    sized = any(i.kind == "size" for i in interventions.interventions)
    todo: list[tuple[str, str | None, int]] = [(a.dataset, a.arm_id, seed) for a in arms for seed in training.seeds]
    if sized:  # the whole training part tops each learning curve
        todo += [(dataset, None, seed) for dataset in chosen for seed in training.seeds]
    ids = []
    for dataset, arm_id, seed in progress(todo, total=len(todo), desc="interventions: training", unit="run"):
        with store.released():  # others may read the store while the network trains
            result = train_run(store.path, dataset, arch=training.arch, config_name=training.config_name,
                               overrides=training.overrides, seed=seed, arm_id=arm_id)
        ids.append(result.run_id)
        if result.trained:
            learned = f"; {result.learning.line()}" if result.learning else ""
            report(f"{dataset}, arm {arm_id or '(whole training part)'}, seed {seed}: run {result.run_id} trained{learned}")
    evaluated = evaluate_runs(store, ids, eval_datasets, part="test", resamples=resamples, seed=eval_seed)
    report(f"interventions: {len(ids)} runs tested on {len(eval_datasets)} dataset(s) ({len(evaluated)} evaluations)")
    return arms
