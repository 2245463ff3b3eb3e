"""Controlled-subset experiments: train on subsets of a dataset's training part that differ in one thing.

Each intervention draws arms from the training part of every chosen dataset's test partition (the
test parts are never touched), seeded, class-stratified and equal in size within the intervention:
  --size F,F     nested fractions of the training part: a learning curve per dataset, and, over two or
                 more datasets, a size-matched ranking (every dataset at the largest number of images
                 per class all of them reach)
  --trait NAME   the lower and the upper half of an image trait within each class ('extractor.trait',
                 e.g. faces.face_area_share, quality.jpeg_quality, skin.ita_deg); a categorical trait
                 (e.g. skin.ita_category) gives a concentrated arm against a balanced one
  --diversity    diverse (greedy k-center), narrow and random subsets of the image descriptor vectors
Every arm is trained over the seeds with one configuration, tested on every dataset, and the analysis
'interventions' stores the effects (paired by seed, t intervals, Holm across interventions), the
learning curves and the size-matched ranking (sql --list: analysis_intervention_effects, ...). The
traits an intervention needs are measured first. Everything is keyed by its settings: run the same
command again to resume.

Examples:
  python -m dsanalysis intervene --size 0.25,0.5 --seeds 0,1,2
  python -m dsanalysis intervene --trait faces.face_area_share --datasets mesonet --seeds 0,1,2 --epochs 10
  python -m dsanalysis intervene --diversity --trait skin.ita_category --config default
"""

from __future__ import annotations

import argparse

ORDER = 58
HELP = "controlled-subset experiments: train on subsets that differ in one trait, size or diversity"


def _numbers(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, not {text!r}") from None


def _integers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, not {text!r}") from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from dsanalysis.commands.train import add_override_arguments
    from dsanalysis.model.config import CONFIGS

    what = parser.add_argument_group("interventions (at least one)")
    what.add_argument("--size", type=_numbers, default=(), metavar="F,F",
                      help="fractions of each training part, e.g. 0.25,0.5 (1 is the whole part, trained anyway)")
    what.add_argument("--trait", dest="traits", action="append", default=[], metavar="EXTRACTOR.TRAIT",
                      help="an image trait to split each class at its median (repeatable)")
    what.add_argument("--diversity", action="store_true", help="diverse, narrow and random subsets")
    what.add_argument("--diversity-share", type=float, default=0.5,
                      help="share of each class in every diversity arm (default 0.5)")
    parser.add_argument("--datasets", type=_names, help="datasets to draw arms from (default: every registered one)")
    parser.add_argument("--eval-datasets", type=_names, help="datasets every arm is tested on (default: every registered one)")
    parser.add_argument("--seeds", type=_integers, default=(0, 1, 2), help="training seeds of every arm (default 0,1,2)")
    parser.add_argument("--subset-seed", type=int, default=0, help="seed of the subset choice (default 0)")
    parser.add_argument("--arch", default="meso4", help="registered architecture (default meso4)")
    parser.add_argument("--config", default="default", choices=sorted(CONFIGS), help="named training configuration")
    parser.add_argument("--bootstrap", dest="resamples", metavar="N", type=int, default=1000,
                        help="bootstrap resamples of each evaluation's intervals and the analysis (default 1000)")
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence level of intervals (default 0.95)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the evaluations' and the analysis' bootstraps (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="processes measuring traits the arms need (default 1)")
    add_override_arguments(parser)


def _say(line: str) -> None:
    print(line, flush=True)


def run(args: argparse.Namespace) -> int:
    from dsanalysis.commands.train import overrides_from
    from dsanalysis.errors import UserError
    from dsanalysis.interventions.plan import ArmTraining, run_interventions
    from dsanalysis.interventions.settings import build_interventions
    from dsanalysis.stats.analyses import Settings, run_analysis
    from dsanalysis.store import open_store

    interventions = build_interventions(size=args.size, traits=tuple(args.traits), diversity=args.diversity,
                                        diversity_share=args.diversity_share, datasets=args.datasets, seeds=args.seeds,
                                        subset_seed=args.subset_seed)
    if not interventions:
        raise UserError("name at least one intervention: --size, --trait or --diversity")
    if not 0 < args.confidence < 1:
        raise UserError(f"--confidence must lie strictly between 0 and 1, not {args.confidence}")
    with open_store(args.store) as store:
        registered = store.query("registered_dataset_names")["dataset"].tolist()
        for name in (*(args.datasets or ()), *(args.eval_datasets or ())):
            if name not in registered:
                raise UserError(f"dataset {name!r} is not registered (registered: {', '.join(registered) or 'none'})")
        datasets = list(args.datasets or registered)
        training = ArmTraining(args.arch, args.config, overrides_from(args), tuple(args.seeds))
        run_interventions(store, interventions, datasets, training, eval_datasets=list(args.eval_datasets or registered),
                          resamples=args.resamples, eval_seed=args.seed, traits_seed=args.seed, traits_jobs=args.jobs,
                          report=_say)
        analysis_id, tables = run_analysis(store, "interventions", Settings(n_boot=args.resamples, seed=args.seed,
                                                                            confidence=args.confidence))
    effects = tables.get("effects")
    if effects is not None and not effects.empty:
        shown = effects[effects["metric"] == "accuracy"]
        for row in shown.itertuples(index=False):
            interval = "no interval" if row.ci_low != row.ci_low else f"[{row.ci_low:+.3f}, {row.ci_high:+.3f}]"
            print(f"{row.intervention} on {row.dataset}, {row.score} accuracy: {row.arm_b} - {row.arm_a} = "
                  f"{row.difference:+.3f} {interval}, p_holm {row.p_holm:.3g}")
    print(f"stored as analysis {analysis_id}; see sql analysis_intervention_effects, report")
    return 0
