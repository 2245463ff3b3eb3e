"""A study as units of work, each with a deterministic key, so a rerun skips what is done.

Units in dependency order: ingest each dataset; train every (architecture, dataset, configuration,
seed); evaluate every trained model on every dataset's test partition (one unit per tested dataset,
so one decoded pass serves all models; the unit first registers the split the study defines for the
dataset as its partition); traits; the controlled-subset experiments of ``[interventions]`` (one unit:
arms, their training, evaluation and analysis, each step keyed and resumable); analyses; report. Each unit's work is idempotent in
the store (runs, evaluations, traits and analyses are keyed by their settings), which is what makes
an interrupted study resumable with no duplicate rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dsanalysis.provenance import stable_key
from dsanalysis.study.config import DatasetEntry, StudyConfig


@dataclass(frozen=True)
class Unit:
    kind: str
    label: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return stable_key(self.kind, self.params)


def split_params(study: StudyConfig, dataset: DatasetEntry) -> dict[str, Any]:
    """A unit's ``split`` and ``group_pattern`` params: the settings of the split the study draws on ``dataset``
    (the group pattern a param of its own, as units have always been keyed)."""
    split = asdict(study.split_of(dataset))
    return {"split": {k: v for k, v in split.items() if k != "group_pattern"}, "group_pattern": split["group_pattern"]}


def intervention_design(study: StudyConfig) -> dict[str, Any]:
    """Every setting of a study's controlled-subset experiments: the interventions, and how their arms are trained
    (the study's first architecture and grid entry, the interventions' seeds or else the study's)."""
    chosen = study.interventions
    datasets = None if chosen.datasets is None else list(chosen.datasets)
    return {"interventions": [i.params() | {"datasets": datasets} for i in chosen.interventions],
            "arch": study.training.architectures[0], "base": study.training.base,
            "overrides": study.training.grid[0] if study.training.grid else {},
            "seeds": list(chosen.seeds or study.training.seeds)}


def study_units(study: StudyConfig) -> list[Unit]:
    """Every unit of ``study`` in an order that respects dependencies."""
    from dsanalysis.model.config import resolve_config

    units = [Unit("ingest", f"ingest {d.name}", {"dataset": d.name, "path": str(d.path), "layout": d.layout,
                                                 "manifest": None if d.manifest is None else str(d.manifest),
                                                 "group_pattern": d.group_pattern, "numeric_label_one": d.numeric_label_one,
                                                 "follow_links": d.follow_links}
                  # set only when capped, so the ingest units of uncapped studies keep their keys
                  | ({"max_images_per_class": d.max_images_per_class, "cap_seed": d.cap_seed}
                     if d.max_images_per_class is not None else {})
                  | {k: v for k, v in (("method", d.method), ("compression", d.compression)) if v is not None})
             for d in study.datasets]
    traits = Unit("traits", "dataset traits", {"extractors": list(study.extractors), "jobs": study.trait_jobs})
    identity_split = any(study.split_of(d).strategy == "identity" for d in study.datasets)
    if study.extractors and identity_split:  # an identity split is drawn from the traits: measure them first
        units.append(traits)
    for arch in study.training.architectures:
        for dataset in study.datasets:
            for overrides in study.training.grid:
                for seed in study.training.seeds:
                    settings = resolve_config(study.training.base, overrides)[0]  # the name `runs` will show
                    units.append(Unit("train", f"train {arch} on {dataset.name} ({settings}, seed {seed})", {
                        "arch": arch, "dataset": dataset.name, "base": study.training.base, "overrides": overrides,
                        "seed": seed} | split_params(study, dataset)))
    for dataset in study.datasets:
        units.append(Unit("evaluate", f"evaluate every model on {dataset.name}",
                          {"dataset": dataset.name, "resamples": study.bootstrap_resamples} | split_params(study, dataset)))
    if study.extractors and not identity_split:
        units.append(traits)
    if study.interventions:
        names = ", ".join(i.name for i in study.interventions.interventions)
        units.append(Unit("interventions", f"interventions ({names})", {"design": intervention_design(study)}))
    for name in study.analyses:
        units.append(Unit("analysis", f"analyze {name}", {"name": name}))
    units.append(Unit("report", "report", {"out": None if study.report_out is None else str(study.report_out)}))
    return units
