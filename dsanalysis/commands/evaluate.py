"""Score runs on the test part (or all images) of datasets and store predictions and metrics.

Each (run, dataset, part) stores one prediction per image (score_real = P(real)) and metrics:
accuracy at 0.5 (overall, on fake and on real images), balanced accuracy, ROC AUC, average
precision, equal error rate, TPR at FPR 1% and 10% (fake = positive class for all of these), log
loss, Brier score and the number of images, with seeded bootstrap 95% intervals for accuracy and
AUC; group-level metrics (scores averaged per video/identity) where images have groups. Each
dataset is decoded once for all models. Stored evaluations are skipped unless --force.

Examples:
  python -m dsanalysis evaluate --all
  python -m dsanalysis evaluate 3f2a9c0d1e4b5a6f --on lfw
  python -m dsanalysis evaluate --weights ../shared/mesonet/weights/Meso4_DF.h5 --on mesonet --part all
  python -m dsanalysis sql --query cross_dataset_matrix
"""

from __future__ import annotations

import argparse

from dsanalysis.commands.train import add_split_arguments, split_settings
from dsanalysis.commands import old_spelling
from dsanalysis.errors import UserError

ORDER = 50
HELP = "score trained runs or published weights on datasets; store predictions and metrics"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_ids", nargs="*", metavar="RUN_ID", help="runs to evaluate (see `sql --query runs`; a unique prefix is enough)")
    parser.add_argument("--all", action="store_true", help="every complete trained run")
    parser.add_argument("--weights", metavar="FILE", help="evaluate a weights file (e.g. the published Meso4_DF.h5), "
                        "stored as an imported run keyed by the file's SHA-256")
    parser.add_argument("--arch", help="architecture of --weights (default: the registered one the file fits)")
    parser.add_argument("--on", nargs="+", metavar="DATASET", help="datasets to evaluate on (default: every registered one)")
    parser.add_argument("--part", choices=["test", "all"], default="test",
                        help="test: the test part of each dataset's split (default); all: every usable image")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for intervals (default 1000; 0: none)")
    parser.add_argument("--seed", dest="bootstrap_seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    old_spelling(parser, "--bootstrap-seed", "bootstrap_seed")
    parser.add_argument("--force", action="store_true", help="re-score evaluations that are already stored")
    parser.add_argument("--split-id", metavar="SPLIT", help="score on the test part of this stored split (id or unique "
                        "prefix) of its dataset instead of the dataset's test partition")
    add_split_arguments(parser, "split of a dataset that has no test partition yet (nobody trained on it): drawn once, "
                        "then registered as its partition")
    parser.epilog = ("With --part test, a model is scored on the test part of its own split on the dataset it was trained "
                     "on, and on the test part of each other dataset's partition (sql --query partitions).")


def _say(line: str) -> None:
    print(line, flush=True)  # progress lines appear as they happen, also when piped


def run(args: argparse.Namespace) -> int:
    from dsanalysis.model.evaluation import evaluate_runs, full_run_id, imported_run
    from dsanalysis.store import open_store

    if not args.run_ids and not args.all and not args.weights:
        raise UserError("give RUN_ID(s), --all or --weights FILE")
    if args.bootstrap < 0:
        raise UserError(f"--bootstrap must be 0 or more, not {args.bootstrap}")
    with open_store(args.store) as store:
        run_ids = list(dict.fromkeys(full_run_id(store, r) for r in args.run_ids))  # unique prefixes accepted
        if args.all:
            complete = store.query("model_runs_complete")
            run_ids += [r for r in complete.loc[complete["kind"] == "trained", "run_id"] if r not in run_ids]
        if args.weights:
            run_ids.append(imported_run(store, args.weights, args.arch))
        if not run_ids:
            raise UserError("no complete trained runs in the store; train one with `python -m dsanalysis train DATASET`")
        datasets = args.on or store.query("datasets")["dataset"].tolist()
        if not datasets:
            raise UserError("no datasets registered; add one with `python -m dsanalysis ingest NAME PATH`")
        results = evaluate_runs(store, run_ids, datasets, part=args.part, default_split=split_settings(args), split_id=args.split_id,
                                resamples=args.bootstrap, seed=args.bootstrap_seed, force=args.force, report=_say)
    for result in results:
        if result.skipped:
            print(f"{result.run_id} on {result.dataset} {result.part}: already stored (accuracy {result.accuracy:.4f}, "
                  f"AUC {result.auc:.4f}; --force re-scores)")
    print("query: python -m dsanalysis sql --query cross_dataset_matrix (or evaluation_metrics, source_split_accuracy)")
    return 0
