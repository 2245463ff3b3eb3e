"""The study file: TOML validated into typed settings before any work starts.

Every problem is reported with the key it concerns (``training.grid.learning_rate``) and the
study file, so a typo costs seconds, not a failed overnight run. Example::

    [study]
    name = "two-real-datasets"

    [[datasets]]
    name = "mesonet"
    path = "../shared/datasets/mesonet"        # relative to this file

    [[datasets]]
    name = "lfw"
    path = "../shared/datasets/lfw_faceswap"

    [[datasets]]
    name = "videos"
    path = "data/videos/manifest.csv"
    split = { strategy = "group" }   # this dataset's own split; unset keys come from [split]

    [split]                    # every dataset's split unless it has its own; each dataset's test
    strategy = "random"        # part is where every model is tested on it
    test_fraction = 0.3        # random (stratified) | group | source
    validation_fraction = 0.1
    seed = 0

    [training]
    architectures = ["meso4"]
    base = "default"           # a named configuration of `train --config`
    seeds = [0, 1, 2]          # trials

    [training.grid]            # every combination, kept the same for every dataset
    learning_rate = [0.001, 0.0001]
    epochs = [10]

    [traits]
    extractors = ["quality", "faces", "skin"]
    jobs = 2
    seed = 0                   # as `traits --seed`; each seed below defaults to [split]'s seed

    [analyses]
    run = ["ranking", "traits", "subgroups"]
    seed = 0                   # as `analyze --seed`

    [evaluation]
    bootstrap = 1000
    seed = 0                   # as `evaluate --seed`

    [interventions]            # controlled-subset experiments (dsanalysis.interventions.settings)
    size = [0.25, 0.5]         # learning curves and a size-matched ranking
    traits = ["faces.face_area_share"]
    seeds = [0, 1, 2]          # default: [training] seeds; trained with the first architecture and grid entry

    [report]
    out = "reports/two-real-datasets"
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dsanalysis.errors import UserError
from dsanalysis.interventions.settings import Interventions, parse_interventions
from dsanalysis.model.splits import SplitSettings


@dataclass(frozen=True)
class DatasetEntry:
    name: str
    path: Path
    layout: str = "auto"
    manifest: Path | None = None
    group_pattern: str | None = None
    numeric_label_one: str = "fake"
    follow_links: bool = False  # read files that links lead to outside the dataset's folder
    split: SplitSettings | None = None  # this dataset's own split (the study's [split] when None); no group_pattern
    max_images_per_class: int | None = None  # cap on the images used of each class (ingest --max-images-per-class)
    cap_seed: int = 0
    method: str | None = None  # FaceForensics++: one manipulation method (default: every method pooled)
    compression: str | None = None  # FaceForensics++: which compression, where several were downloaded


@dataclass(frozen=True)
class TrainingEntry:
    architectures: tuple[str, ...] = ("meso4",)
    base: str = "default"
    seeds: tuple[int, ...] = (0,)
    grid: tuple[dict[str, Any], ...] = ({},)  # one dict of overrides per configuration


@dataclass(frozen=True)
class StudyConfig:
    name: str
    source: Path | None
    datasets: tuple[DatasetEntry, ...]
    split: SplitSettings = field(default_factory=SplitSettings)  # group_pattern None: it is each dataset's
    training: TrainingEntry = field(default_factory=TrainingEntry)
    extractors: tuple[str, ...] = field(default_factory=lambda: _owners().default_extractors)
    trait_jobs: int = 1
    analyses: tuple[str, ...] = field(default_factory=lambda: _owners().default_analyses)
    bootstrap_resamples: int = 1000
    report_out: Path | None = None
    # Seeds of `evaluate --seed`, `traits --seed` and `analyze --seed` (default 0 there); a study file
    # without them uses its [split] seed, as studies did before they had their own (0 unless set).
    evaluation_seed: int = 0
    trait_seed: int = 0
    analysis_seed: int = 0
    # controlled-subset experiments ([interventions]); empty: none
    interventions: Interventions = field(default_factory=Interventions)

    def split_of(self, dataset: DatasetEntry) -> SplitSettings:
        """The split ``dataset`` is drawn with: its own ``split`` table, else the study's ``[split]``, with its
        ``group_pattern``."""
        return replace(dataset.split or self.split, group_pattern=dataset.group_pattern)


@dataclass(frozen=True)
class _Vocabularies:
    """What a study file may name, from the modules that own each word."""

    layouts: tuple[str, ...]
    strategies: tuple[str, ...]
    extractors: tuple[str, ...]
    default_extractors: tuple[str, ...]
    analyses: tuple[str, ...]
    default_analyses: tuple[str, ...]  # without 'interventions', which a study's [interventions] runs


def _owners() -> _Vocabularies:
    """Imported when first needed: the statistics and traits modules are slow to import."""
    from dsanalysis.ingest import LAYOUTS  # as `ingest --layout`
    from dsanalysis.model.splits import AUTO, STRATEGIES  # as `train --split`
    from dsanalysis.stats.analyses import ANALYSES  # as `analyze`
    from dsanalysis.traits.pipeline import DEFAULT_EXTRACTORS, EXTRACTORS  # as `traits --extractors`

    return _Vocabularies(LAYOUTS, (AUTO, *STRATEGIES), EXTRACTORS, DEFAULT_EXTRACTORS, ANALYSES,
                         tuple(a for a in ANALYSES if a != "interventions"))


class _Reader:
    """Typed access to one TOML table that names the file and the full key in every error."""

    def __init__(self, data: dict[str, Any], prefix: str, source: str):
        self.data, self.prefix, self.source = data, prefix, source

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fail(self, name: str, problem: str) -> UserError:
        return UserError(f"{self.source}: {self.key(name)} {problem}")

    def only(self, *allowed: str) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, f"is not a known key (known here: {', '.join(allowed)})")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None, *, required: bool = False) -> Any:
        if name not in self.data:
            if required:
                raise UserError(f"{self.source}: {self.key(name)} is required")
            return default
        value = self.data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(name, f"must be {_kind_name(kinds)}, not {value!r}")
        if not isinstance(value, kinds):
            raise self.fail(name, f"must be {_kind_name(kinds)}, not {value!r}")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            raise self.fail(name, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def fraction(self, name: str, default: float, *, allow_zero: bool) -> float:
        value = float(self.get(name, (int, float), default))
        if not (0 <= value < 1 if allow_zero else 0 < value < 1):
            raise self.fail(name, f"must be {'in [0, 1)' if allow_zero else 'between 0 and 1'}, not {value}")
        return value

    def seed(self, name: str, default: int) -> int:
        value = self.get(name, int, default)
        if value < 0:
            raise self.fail(name, f"must be a non-negative integer, not {value}")
        return value

    def string_list(self, name: str, default: tuple[str, ...], choices: tuple[str, ...] | None = None) -> tuple[str, ...]:
        values = self.get(name, list, list(default))
        if not values or not all(isinstance(v, str) for v in values):
            raise self.fail(name, "must be a non-empty list of strings")
        if choices is not None:
            for value in values:
                if value not in choices:
                    raise self.fail(name, f"has {value!r}; choose from {', '.join(choices)}")
        if len(set(values)) != len(values):
            raise self.fail(name, "lists a value twice")
        return tuple(values)

    def table(self, name: str) -> _Reader:
        return _Reader(self.get(name, dict, {}), f"{self.prefix}{name}.", self.source)


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table", bool: "true or false"}
    return " or ".join(dict.fromkeys(names[k] for k in kinds))


def _split(reader: _Reader, defaults: SplitSettings) -> SplitSettings:
    """A split table; keys it leaves out come from ``defaults`` (the study's [split] for a dataset's own).

    Its group pattern is the dataset's ``group_pattern`` (see :meth:`StudyConfig.split_of`), not a key here.
    """
    reader.only("strategy", "test_fraction", "validation_fraction", "seed")
    return SplitSettings(
        strategy=reader.choice("strategy", _owners().strategies, defaults.strategy),
        test_fraction=reader.fraction("test_fraction", defaults.test_fraction, allow_zero=False),
        validation_fraction=reader.fraction("validation_fraction", defaults.validation_fraction, allow_zero=True),
        seed=reader.seed("seed", defaults.seed),
    )


def _cap(reader: _Reader) -> int | None:
    from dsanalysis.ingest.ingest import MIN_IMAGES_PER_CLASS

    cap = reader.get("max_images_per_class", int)
    if cap is not None and cap < MIN_IMAGES_PER_CLASS:
        raise reader.fail("max_images_per_class", f"must be at least {MIN_IMAGES_PER_CLASS}, not {cap}")
    return cap


def _datasets(entries: Any, base: Path, source: str, study_split: SplitSettings) -> tuple[DatasetEntry, ...]:
    if not isinstance(entries, list) or not entries:
        raise UserError(f"{source}: [[datasets]] is required: at least one dataset with a name and a path")
    datasets = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise UserError(f"{source}: datasets[{index}] must be a table")
        reader = _Reader(entry, f"datasets[{index}].", source)
        reader.only("name", "path", "layout", "manifest", "group_pattern", "numeric_label_one", "follow_links", "split",
                    "max_images_per_class", "cap_seed", "method", "compression", "per_method")
        name = reader.get("name", str, required=True)
        if not name.strip() or name != name.strip():
            raise reader.fail("name", f"must be a non-empty name without leading or trailing spaces, not {name!r}")
        given = reader.get("path", str, required=True)
        if not given.strip():
            raise reader.fail("path", "must not be empty")
        path = base / given
        if not path.exists():
            raise reader.fail("path", f"names {path}, which does not exist")
        manifest = reader.get("manifest", str)
        dataset = DatasetEntry(
            name=name, path=path, layout=reader.choice("layout", _owners().layouts, "auto"),
            manifest=None if manifest is None else base / manifest,
            group_pattern=reader.get("group_pattern", str),
            numeric_label_one=reader.choice("numeric_label_one", ("fake", "real"), "fake"),
            follow_links=reader.get("follow_links", bool, False),
            split=_split(reader.table("split"), study_split) if "split" in entry else None,
            max_images_per_class=_cap(reader),
            cap_seed=reader.get("cap_seed", int, 0),
            method=reader.get("method", str),
            compression=reader.get("compression", str),
        )
        datasets.extend(_fanned_out(reader, dataset))
    names = [d.name for d in datasets]
    for name in names:
        if names.count(name) > 1:
            raise UserError(f"{source}: dataset name {name!r} is used twice in [[datasets]]")
    return tuple(datasets)


def _fanned_out(reader: _Reader, dataset: DatasetEntry) -> list[DatasetEntry]:
    """``dataset``, or with ``per_method = true`` one dataset NAME-METHOD per FaceForensics++ manipulation method,
    each paired with the originals, as ``ingest --per-method`` registers them."""
    from dsanalysis.ingest import dataset_targets

    per_method = reader.get("per_method", bool, False)
    if per_method and dataset.method is not None:
        raise reader.fail("per_method", "makes one dataset of every method: give it or method, not both")
    try:
        targets = dataset_targets(dataset.name, dataset.path, layout=dataset.layout,
                                  manifest=None if dataset.manifest is None else str(dataset.manifest),
                                  per_method=per_method, compression=dataset.compression)
    except UserError as error:
        raise reader.fail("per_method" if per_method else "compression", f"does not apply: {error}") from None
    if not per_method:
        return [dataset]
    return [replace(dataset, name=name, method=method) for name, method in targets]


def _training(reader: _Reader) -> TrainingEntry:
    reader.only("architectures", "base", "seeds", "grid")
    seeds = reader.get("seeds", list, [0])
    if not seeds or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds):
        raise reader.fail("seeds", "must be a non-empty list of non-negative integers")
    if len(set(seeds)) != len(seeds):
        raise reader.fail("seeds", "lists a seed twice")
    from dsanalysis.model.architectures import get_architecture
    from dsanalysis.model.config import CONFIGS, typed_setting

    base = reader.get("base", str, "default")
    if base not in CONFIGS:
        raise reader.fail("base", f"must be a training configuration ({', '.join(CONFIGS)}), not {base!r}")
    architectures = reader.string_list("architectures", ("meso4",))
    for arch in architectures:
        try:
            get_architecture(arch)
        except UserError as error:
            raise reader.fail("architectures", f"has {arch!r}: {error}") from None
    grid_reader = reader.table("grid")
    axes = []
    for name, values in grid_reader.data.items():
        if not isinstance(values, list) or not values:
            raise grid_reader.fail(name, "must be a non-empty list of values to try")
        for value in values:  # the checks `train` applies to its options, before any work starts
            try:
                typed_setting(name, value)
            except UserError as error:
                raise grid_reader.fail(name, f"has {value!r}: {error}") from None
        axes.append([(name, v) for v in values])
    grid = tuple(dict(combination) for combination in itertools.product(*axes)) if axes else ({},)
    return TrainingEntry(architectures=architectures, base=base, seeds=tuple(seeds), grid=grid)


def _traits(reader: _Reader, split_seed: int) -> dict[str, Any]:
    reader.only("extractors", "jobs", "seed")
    jobs = reader.get("jobs", int, 1)
    if jobs < 1:
        raise reader.fail("jobs", "must be at least 1")
    owners = _owners()
    return {"extractors": reader.string_list("extractors", owners.default_extractors, owners.extractors),
            "trait_jobs": jobs, "trait_seed": reader.seed("seed", split_seed)}


def _analyses(reader: _Reader, split_seed: int) -> dict[str, Any]:
    reader.only("run", "seed")
    owners = _owners()
    return {"analyses": reader.string_list("run", owners.default_analyses, owners.analyses), "analysis_seed": reader.seed("seed", split_seed)}


def _evaluation(reader: _Reader, split_seed: int) -> dict[str, Any]:
    reader.only("bootstrap", "bootstrap_resamples", "seed")  # bootstrap_resamples: the earlier spelling
    key = "bootstrap_resamples" if "bootstrap_resamples" in reader.data else "bootstrap"
    if "bootstrap" in reader.data and key == "bootstrap_resamples":
        raise reader.fail("bootstrap_resamples", "is the earlier spelling of bootstrap: give one of them")
    resamples = reader.get(key, int, 1000)
    if resamples < 0:
        raise reader.fail(key, "must be 0 (no intervals) or more")
    return {"bootstrap_resamples": resamples, "evaluation_seed": reader.seed("seed", split_seed)}


def _report(reader: _Reader, base: Path) -> dict[str, Any]:
    reader.only("out")
    out = reader.get("out", str)
    return {"report_out": None if out is None else base / out}


def parse_study(data: dict[str, Any], source: str = "study file", base: Path | None = None) -> StudyConfig:
    """Validate parsed TOML into a :class:`StudyConfig`; paths are relative to ``base``.

    Each table has its parse function giving :class:`StudyConfig` fields. The seeds of evaluation,
    traits and analyses default to the [split] seed, which studies used for them before they had
    their own keys, so an older study file gives the same results (the command line's default, 0,
    unless [split] sets another).
    """
    base = base or Path.cwd()
    top = _Reader(data, "", source)
    top.only("study", "datasets", "split", "training", "traits", "analyses", "evaluation", "report", "interventions")
    study = top.table("study")
    study.only("name")
    split = _split(top.table("split"), SplitSettings())
    config = StudyConfig(
        name=study.get("name", str, "study"),
        source=None,
        datasets=_datasets(data.get("datasets"), base, source, split),
        split=split,
        training=_training(top.table("training")),
        **_traits(top.table("traits"), split.seed),
        **_analyses(top.table("analyses"), split.seed),
        **_evaluation(top.table("evaluation"), split.seed),
        **_report(top.table("report"), base),
        interventions=parse_interventions(data["interventions"], source) if "interventions" in data else Interventions(),
    )
    unknown = sorted(set(config.interventions.datasets or ()) - {d.name for d in config.datasets})
    if unknown:
        raise UserError(f"{source}: [interventions] datasets: {unknown[0]!r} is not a dataset of the study")
    by_identity = [d.name for d in config.datasets if config.split_of(d).strategy == "identity"]
    if by_identity and "identity" not in config.extractors:
        raise top.table("traits").fail("extractors", f"must include 'identity': the identity split of "
                                       f"{', '.join(by_identity)} is drawn from the identity traits (measured before training)")
    return config


def load_study(path: str | Path) -> StudyConfig:
    """Read and validate a study file; relative paths in it are relative to the file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"study file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"study file {path} is not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise UserError(f"study file {path} is not UTF-8 text (is it a TOML file?)") from None
    except OSError as error:
        raise UserError(f"cannot read study file {path}: {error.strerror}") from None
    config = parse_study(data, str(path), path.resolve().parent)
    return StudyConfig(**{**config.__dict__, "source": path.resolve()})
