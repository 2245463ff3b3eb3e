"""Train a detector on one dataset's training part and store the run, its curves and weights.

The split is drawn once per dataset and settings and reused by every run. By default it is the
dataset's own: a dataset ingested with train and test (or validation) folders is tested on its test
(or validation) folder and trains on its train folder, 10% of which (of each class, at random) is
held out for validation; any other dataset gets a stratified random 70/30 split with 10% of the
training part held out. When a split is drawn, exact copies and near-duplicates between its parts are
counted and stored with it (sql --query split_leakage); every run prints them when it starts. The first run on a
dataset makes its split the dataset's test partition: later runs without split options train on
it, and every model trained elsewhere is tested on its test part. A run is identified by
(architecture, dataset, split, configuration, seed): asking again for a stored complete run does
not train twice (use --force to retrain). Evaluate it afterwards with `evaluate RUN_ID` or
`evaluate --all`.

Examples:
  python -m dsanalysis train mesonet
  python -m dsanalysis train lfw --arch meso4 --config default --epochs 5 --seed 1
  python -m dsanalysis train mesonet --split random
  python -m dsanalysis train mesonet --split group --group-pattern '/(\\d+)_\\d+\\.jpg$'
"""

from __future__ import annotations

import argparse

ORDER = 40
HELP = "train Meso-4 (or another registered architecture) on one dataset"


def add_split_arguments(parser: argparse.ArgumentParser, title: str) -> None:
    group = parser.add_argument_group(title)
    group.add_argument("--split", dest="split_strategy", choices=["auto", "random", "group", "source", "identity"],
                       help="auto (the default): the dataset's own train/test (or validation) folders when it has them, "
                       "else random; random: stratified by label; group: whole groups (videos, identities) on one side; "
                       "source: the dataset's own train/test (or validation) folders; identity: whole people on one side, "
                       "from the face descriptors (run `traits --extractors faces,identity` first)")
    group.add_argument("--test-fraction", type=float, help="share of each class in the test part (default 0.3; "
                       "without --split it asks for a random split)")
    group.add_argument("--validation-fraction", type=float,
                       help="share of the training part held out for validation/early stopping (default 0.1; 0: none)")
    group.add_argument("--split-seed", type=int, help="seed of the split draw (default 0)")
    group.add_argument("--group-pattern", metavar="REGEX", help="for --split group: regular expression with one capture "
                       "group drawing the group from each relative path (default: the groups found at ingest)")


_SPLIT_OPTIONS = ("split_strategy", "test_fraction", "validation_fraction", "split_seed", "group_pattern")


def split_settings(args: argparse.Namespace):  # -> SplitSettings | None
    """The split the options ask for (unset ones at their defaults), None when no split option was given.

    Without --split the strategy is 'group' when --group-pattern is given, 'random' when --test-fraction
    is, else 'auto' (the dataset's own folders when it has them, resolved when the split is drawn).
    """
    from dsanalysis.model.splits import AUTO, SplitSettings

    if all(getattr(args, name) is None for name in _SPLIT_OPTIONS):
        return None
    default = SplitSettings()
    strategy = args.split_strategy or ("group" if args.group_pattern else "random" if args.test_fraction is not None else AUTO)
    given = [strategy, *[getattr(args, name) for name in _SPLIT_OPTIONS[1:]]]
    fields = ("strategy", "test_fraction", "validation_fraction", "seed", "group_pattern")
    return SplitSettings(*[getattr(default, f) if value is None else value for f, value in zip(fields, given, strict=True)])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from dsanalysis.model.config import CONFIGS

    parser.add_argument("dataset", help="registered dataset to train on")
    parser.add_argument("--arch", default="meso4", help="registered architecture: meso4 (default), mesoinception4")
    parser.add_argument("--config", default="default", choices=sorted(CONFIGS),
                        help="named training configuration (default: MesoNet's recipe with binary cross-entropy, 25 epochs, "
                        "up to 2 restarts when no learning shows by epoch 8; mse10: the original loss, 10 epochs)")
    parser.add_argument("--seed", type=int, default=0, help="seed of weight initialisation, shuffling, dropout (default 0)")
    parser.add_argument("--force", action="store_true", help="retrain even if this exact run is stored")
    add_override_arguments(parser)
    add_split_arguments(parser, "split (default: the dataset's test partition, or for its first run the dataset's own "
                        "train/test folders when it has them, else random 70/30 seed 0)")
    parser.add_argument("--set-partition", action="store_true",
                        help="make this run's split the dataset's test partition, on which every other model is then "
                        "scored (the first run on a dataset sets it anyway)")


#: the configuration settings the command line overrides (model/config.py), by option destination
OVERRIDE_KEYS = ("learning_rate", "epochs", "batch_size", "loss", "schedule", "early_stopping_patience", "restore_best",
                 "bn_momentum", "head_init_scale", "class_weight", "augment", "resize", "deterministic", "restarts",
                 "probe_epoch")


def overrides_from(args: argparse.Namespace) -> dict:
    """The configuration overrides the options gave (None for those not given)."""
    return {key: getattr(args, key) for key in OVERRIDE_KEYS}


def add_override_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that override single settings of the named configuration (``train``, ``intervene``)."""
    settings = parser.add_argument_group("overrides of the configuration's settings")
    settings.add_argument("--lr", dest="learning_rate", type=float, help="initial learning rate")
    settings.add_argument("--epochs", type=int, help="epochs")
    settings.add_argument("--batch-size", type=int, help="batch size")
    settings.add_argument("--loss", choices=["mse", "bce"], help="mean squared error or binary cross-entropy")
    settings.add_argument("--schedule", choices=["constant", "step"], help="learning-rate schedule (step: /10 every 1000 iterations)")
    settings.add_argument("--patience", dest="early_stopping_patience", type=int,
                          help="early stopping after this many epochs without validation-loss improvement (0: off)")
    settings.add_argument("--restore-best", action=argparse.BooleanOptionalAction, default=None,
                          help="keep the weights of the epoch with the lowest validation loss")
    settings.add_argument("--bn-momentum", type=float, help="batch-norm moving-average momentum (Keras default 0.99)")
    settings.add_argument("--head-init-scale", type=float, help="scale of the output layer's initial Keras kernel "
                          "(default 0.1; 1: Keras' own, as the original code)")
    settings.add_argument("--class-weight", choices=["none", "balanced"], help="weight classes inversely to their frequency")
    settings.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                          help="flips, small zoom/rotation, brightness and hue changes")
    settings.add_argument("--resize", choices=["nearest", "bilinear", "area"], help="how images reach 256x256")
    settings.add_argument("--deterministic", action=argparse.BooleanOptionalAction, default=None,
                          help="TensorFlow op determinism (same seed and machine: same predictions)")
    settings.add_argument("--restarts", type=int, help="fresh starts (new weights and batch order) allowed when the "
                          "validation check shows no learning at the probe epoch (default 2; 0: off)")
    settings.add_argument("--probe-epoch", type=int, help="epoch at which a run is checked for a restart")


def _say(line: str) -> None:
    print(line, flush=True)  # progress lines appear as they happen, also when piped


def run(args: argparse.Namespace) -> int:
    from dsanalysis.model.training import train_run

    result = train_run(args.store, args.dataset, arch=args.arch, config_name=args.config, overrides=overrides_from(args),
                       seed=args.seed, split=split_settings(args), set_partition=args.set_partition,
                       force=args.force, report=_say)
    learned = f"; {result.learning.line()}" if result.learning else ""
    if not result.trained:
        print(f"run {result.run_id} is already stored and complete (use --force to retrain){learned}")
    else:
        speed = f", {result.images_per_second:.0f} training images/s after the first epoch" if result.images_per_second else ""
        print(f"run {result.run_id}: {result.epochs_run} epochs{speed}{learned}")
    print(f"next: python -m dsanalysis evaluate {result.run_id}")
    return 0
