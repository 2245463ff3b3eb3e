"""The declared interventions: a study file's ``[interventions]`` table or the ``intervene`` command's options.

.. code-block:: toml

    [interventions]
    size = [0.25, 0.5]                 # nested fractions of each training part: learning curves, and a
                                       # size-matched ranking (every dataset at the size all of them reach)
    traits = ["faces.face_area_share"] # one low/high intervention per numeric trait; a categorical trait
                                       # gives concentrated/balanced arms
    diversity = true                   # diverse / narrow / random subsets of the descriptor vectors
    diversity_share = 0.5              # each diversity arm holds this share of each class
    datasets = ["a", "b"]              # default: every dataset of the study
    seeds = [0, 1, 2]                  # training seeds of every arm (default: the study's)
    subset_seed = 0                    # seed of the subset choice

Every arm is trained with the study's first architecture and configuration (so arms differ only in
their images) and tested on every dataset's test part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsanalysis.errors import UserError

KINDS = ("size", "trait", "diversity")
KEYS = ("size", "traits", "diversity", "diversity_share", "datasets", "seeds", "subset_seed")


@dataclass(frozen=True)
class Intervention:
    """One intervention: a kind and what it varies; its arms are drawn on each dataset it applies to."""

    kind: str
    fractions: tuple[float, ...] = ()  # size
    matched: bool = True  # size: add the size-matched arm when it spans several datasets
    trait: str | None = None  # trait: 'extractor.trait'
    share: float = 0.5  # diversity
    seed: int = 0  # subset seed

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"intervention kind must be one of {', '.join(KINDS)}, not {self.kind!r}")

    @property
    def name(self) -> str:
        """'size', 'trait:<extractor.trait>' or 'diversity'."""
        return f"trait:{self.trait}" if self.kind == "trait" else self.kind

    def params(self) -> dict[str, Any]:
        """Every setting that shapes the arms (stored with each arm)."""
        out: dict[str, Any] = {"kind": self.kind, "seed": self.seed}
        if self.kind == "size":
            out.update(fractions=list(self.fractions), matched=self.matched)
        elif self.kind == "trait":
            out["trait"] = self.trait
        else:
            out["share"] = self.share
        return out


@dataclass(frozen=True)
class Interventions:
    """The interventions of a study or command, the datasets they apply to (None: every one) and the training
    seeds of their arms (None: the study's)."""

    interventions: tuple[Intervention, ...] = ()
    seeds: tuple[int, ...] | None = None
    datasets: tuple[str, ...] | None = None
    extractors: tuple[str, ...] = field(default=())  # traits extractors the arms need

    def __bool__(self) -> bool:
        return bool(self.interventions)


def _fail(where: str, key: str, problem: str) -> UserError:
    return UserError(f"{where}: [interventions] {key}: {problem}")


def _number_list(value: Any, where: str, key: str) -> tuple[float, ...]:
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise _fail(where, key, "must be a list of numbers")
    return tuple(float(v) for v in value)


def _text_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(where, key, "must be a list of names")
    return tuple(value)


def build_interventions(*, size: tuple[float, ...] = (), traits: tuple[str, ...] = (), diversity: bool = False,
                        diversity_share: float = 0.5, datasets: tuple[str, ...] | None = None,
                        seeds: tuple[int, ...] | None = None, subset_seed: int = 0,
                        where: str = "intervene") -> Interventions:
    """Validated :class:`Interventions` (a :class:`UserError` naming the bad setting otherwise)."""
    for fraction in size:
        if not 0 < fraction <= 1:
            raise _fail(where, "size", f"fractions must lie in (0, 1], not {fraction:g}")
    fractions = tuple(sorted({f for f in size if f < 1}))  # 1.0 is the whole training part: the study's own runs
    for trait in traits:
        if trait.count(".") != 1 or not all(trait.split(".")):
            raise _fail(where, "traits", f"{trait!r} is not 'extractor.trait' (e.g. 'faces.face_area_share')")
    if not 0 < diversity_share < 1:
        raise _fail(where, "diversity_share", f"must lie strictly between 0 and 1, not {diversity_share:g}")
    if seeds is not None and not seeds:
        raise _fail(where, "seeds", "must name at least one seed")
    found: list[Intervention] = []
    if size:
        found.append(Intervention("size", fractions=fractions, seed=subset_seed))
    found += [Intervention("trait", trait=t, seed=subset_seed) for t in dict.fromkeys(traits)]
    if diversity:
        found.append(Intervention("diversity", share=diversity_share, seed=subset_seed))
    extractors = tuple(dict.fromkeys(t.split(".")[0] for t in traits))
    if diversity:
        extractors = tuple(dict.fromkeys((*extractors, "quality", "faces", "skin")))
    return Interventions(tuple(found), seeds, datasets, extractors)


def parse_interventions(table: Any, where: str) -> Interventions:
    """The ``[interventions]`` table of a study file (``where`` names the file in messages)."""
    if not isinstance(table, dict):
        raise UserError(f"{where}: [interventions] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise _fail(where, unknown[0], f"unknown key (known: {', '.join(KEYS)})")
    diversity = table.get("diversity", False)
    if not isinstance(diversity, bool):
        raise _fail(where, "diversity", "must be true or false")
    share = table.get("diversity_share", 0.5)
    if not isinstance(share, (int, float)) or isinstance(share, bool):
        raise _fail(where, "diversity_share", "must be a number")
    seeds = table.get("seeds")
    if seeds is not None and (not isinstance(seeds, list) or not all(isinstance(s, int) and not isinstance(s, bool)
                                                                      for s in seeds)):
        raise _fail(where, "seeds", "must be a list of integers")
    subset_seed = table.get("subset_seed", 0)
    if not isinstance(subset_seed, int) or isinstance(subset_seed, bool):
        raise _fail(where, "subset_seed", "must be an integer")
    return build_interventions(
        size=_number_list(table.get("size", []), where, "size"),
        traits=_text_list(table.get("traits", []), where, "traits"),
        diversity=diversity, diversity_share=float(share),
        datasets=_text_list(table["datasets"], where, "datasets") if "datasets" in table else None,
        seeds=None if seeds is None else tuple(seeds), subset_seed=subset_seed, where=where)
