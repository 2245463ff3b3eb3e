"""Rank the training datasets and relate dataset traits to cross-dataset performance.

  analyze ranking    in-domain and generalization scores (accuracy, per-class accuracy, AUC) with
                     bootstrap intervals over trials and test images; Friedman test, Nemenyi and
                     Wilcoxon-Holm post-hoc comparisons, crossed mixed model
  analyze traits     dataset-level correlations (with the minimum detectable effect for the number
                     of datasets), pair-level regression and Mantel test, image-level odds ratios,
                     top/bottom profile
  analyze subgroups  accuracy, AUC, FPR, FNR per subgroup (ITA, face size, quality, user attributes)
                     with the largest gap against size-matched random groups
  analyze interventions  the controlled-subset experiments' effects, learning curves and size-matched
                     ranking again (after `intervene`, e.g. with another --confidence)
  analyze all        ranking, traits and subgroups

Only complete trained runs count, and every model must have been scored on the same test images of
each dataset (its test partition; --common-images compares on the images all of them scored). Results go to the store (tables analyses and analysis_results;
typed views: python -m dsanalysis sql --list, queries analysis_*); columns are documented in
the README (Statistics reference). What cannot be estimated is listed under "notes", never left as a bare gap.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dsanalysis.commands import old_spelling
from dsanalysis.errors import UserError

ORDER = 60
HELP = "rank the datasets and relate their traits to cross-dataset accuracy (statistics)"
WHAT = ("ranking", "traits", "subgroups", "interventions", "all")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", nargs="?", choices=WHAT, help="which analysis to run: ranking, traits, subgroups, interventions (again, after "
                        "`intervene`) or all (the first three)")
    # one vocabulary across commands and the study file: --bootstrap is the resample count everywhere
    # (the old --n-boot, --n-perm and --n-random spellings still work, unlisted)
    parser.add_argument("--bootstrap", dest="n_boot", metavar="N", type=int, default=1000, help="bootstrap resamples (default 1000)")
    parser.add_argument("--permutations", dest="n_perm", metavar="N", type=int, default=5000,
                        help="random permutations for permutation tests (default 5000)")
    parser.add_argument("--random-groups", dest="n_random", metavar="N", type=int, default=500,
                        help="random size-matched groupings per subgroup gap (default 500)")
    for flag, dest in (("--n-boot", "n_boot"), ("--n-perm", "n_perm"), ("--n-random", "n_random")):
        old_spelling(parser, flag, dest)
    parser.add_argument("--seed", type=int, default=0, help="seed of every bootstrap and permutation (default 0)")
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence level of intervals (default 0.95)")
    parser.add_argument("--metric", choices=["accuracy", "auc"], default="accuracy",
                        help="score that traits are related to (default accuracy)")
    parser.add_argument("--trait-class", choices=["all", "real", "fake"], default="all",
                        help="which class's dataset traits to use (default all)")
    parser.add_argument("--bins", type=int, default=4, help="quantile bins for numeric image descriptors in subgroups (default 4)")
    parser.add_argument("--common-images", action="store_true",
                        help="when models were scored on different test images of a dataset, compare them on the images "
                        "every one of them scored (noted) instead of refusing")


#: columns shown on the terminal per result table (all columns are stored)
SHOWN = {
    "scores": ["train_dataset", "metric", "scope", "estimate", "ci_low", "ci_high", "rank", "n_runs", "n_eval_datasets"],
    "friedman": ["metric", "n_blocks", "n_treatments", "statistic", "p_value", "iman_davenport_p", "kendall_w", "note"],
    "mean_ranks": ["metric", "treatment", "mean_rank", "mean_score", "n_blocks"],
    "pairwise": ["metric", "treatment_a", "treatment_b", "mean_difference", "rank_difference", "critical_difference",
                 "nemenyi_p", "wilcoxon_p_holm", "rank_biserial"],
    "mixed_model": ["metric", "term", "kind", "estimate", "ci_low", "ci_high", "p_value", "share", "note"],
    "trait_correlations": ["trait", "method", "n", "r", "ci_low", "ci_high", "p_permutation", "q_value",
                           "min_detectable_r", "note"],
    "pair_regression": ["model", "term", "estimate", "ci_low", "ci_high", "p_value", "p_floor", "q_value", "vif", "method",
                        "note"],
    "mantel": ["trait", "r", "p_value", "n_items", "exact", "note"],
    "image_odds_ratios": ["term", "odds_ratio", "ci_low", "ci_high", "p_value", "vif", "n_clusters", "note"],
    "profile": ["trait", "mean_top", "mean_bottom", "standardized_difference", "note"],
    "subgroup_gaps": ["train_dataset", "eval_dataset", "attribute", "metric", "best_subgroup", "worst_subgroup", "gap",
                      "random_gap_95", "p_value"],
    "subgroup_metrics": ["train_dataset", "eval_dataset", "attribute", "subgroup", "n", "metric", "value", "ci_low", "ci_high"],
    "effects": ["intervention", "dataset", "arm_a", "arm_b", "score", "metric", "n_seeds", "difference", "ci_low",
                "ci_high", "p_holm", "standardized_contrast", "not_learned"],
    "learning_curves": ["dataset", "score", "metric", "n_per_class", "observed_mean", "fitted", "ci_low", "ci_high",
                        "extrapolated", "slope_per_doubling"],
    "size_matched_scores": ["train_dataset", "metric", "scope", "estimate", "ci_low", "ci_high", "rank", "n_per_class"],
}
MAX_ROWS = 40


#: the columns that carry a table's estimates (counts and settings are not estimates)
ESTIMATE_COLUMNS = ("estimate", "r", "statistic", "odds_ratio", "value", "gap", "mean_rank", "mean_score",
                    "standardized_difference", "mean_difference", "p_value", "difference", "fitted")


def holds_estimates(frame) -> bool:
    """Whether any estimate column of a result table holds a number (a table without such columns counts)."""
    present = [c for c in ESTIMATE_COLUMNS if c in frame.columns]
    return not present or bool(frame[present].notna().to_numpy().any())


def _why(frame) -> str:
    """': <the reason>' from the table's notes (the most frequent one, with how many more), or ''."""
    if "note" not in frame.columns or frame["note"].isna().all():
        return ""
    counts = frame["note"].dropna().value_counts()
    others = f" (and {len(counts) - 1} other reasons)" if len(counts) > 1 else ""
    return f": {counts.index[0]}{others}"


def print_tables(name: str, tables: dict) -> None:
    """The analysis on the terminal: the notes of kind 'sample_size' first (what the number of datasets lets the
    dataset-level analysis claim), then the tables, every note last."""
    import pandas as pd

    from dsanalysis.stats.notes import of_kind

    notes = tables.get("notes", pd.DataFrame())
    print(f"== analyze {name}")
    for message in of_kind(notes, "sample_size")["message"]:
        print(f"  DATASET LEVEL: {message}")
    for result, frame in tables.items():
        if result == "notes" or frame.empty:
            continue
        if not holds_estimates(frame):
            print(f"-- {result}: nothing could be estimated ({len(frame)} rows){_why(frame)}")
            continue
        shown = frame[[c for c in SHOWN.get(result, frame.columns) if c in frame.columns]]
        print(f"-- {result} ({len(frame)} rows)")
        with pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.float_format", "{:.4g}".format):
            print(shown.head(MAX_ROWS).to_string(index=False, na_rep="-"))
        if len(frame) > MAX_ROWS:
            print(f"  ... {len(frame) - MAX_ROWS} more rows in the store")
    if not notes.empty:
        print("-- notes (what could not be estimated, and why)")
        for (section, message), group in notes.groupby(["section", "message"], sort=False):
            subjects = group["subject"].astype(str).tolist()  # one line per reason, however many subjects share it
            named = ", ".join(subjects[:4]) + (f" and {len(subjects) - 4} more" if len(subjects) > 4 else "")
            print(f"  [{section}] {named}: {message}")


def _settings(args: argparse.Namespace):
    from dsanalysis.stats.analyses import Settings

    if args.n_boot < 100:
        raise UserError(f"--bootstrap {args.n_boot} is too few for a percentile interval; use at least 100")
    if args.n_perm < 99:
        raise UserError(f"--permutations {args.n_perm} is too few; use at least 99")
    if args.n_random < 20:
        raise UserError(f"--random-groups {args.n_random} is too few; use at least 20")
    if not 0.5 < args.confidence < 1:
        raise UserError(f"--confidence {args.confidence} must be between 0.5 and 1")
    if args.bins < 2:
        raise UserError(f"--bins {args.bins} must be at least 2")
    return Settings(n_boot=args.n_boot, n_perm=args.n_perm, confidence=args.confidence, seed=args.seed,
                    metric=args.metric, trait_class=args.trait_class, n_random=args.n_random, bins=args.bins,
                    common_images=args.common_images)


def run(args: argparse.Namespace) -> int:
    from dsanalysis.stats.analyses import run_analysis
    from dsanalysis.stats.inputs import study_inputs
    from dsanalysis.store import open_store

    if args.what is None:
        raise UserError("say which analysis to run: `analyze ranking` (datasets ranked by in-domain and generalization "
                        "scores), `analyze traits` (dataset traits against those scores), `analyze subgroups` "
                        "(accuracy per subgroup of images) or `analyze all`")
    settings = _settings(args)
    if not Path(args.store).exists():
        raise UserError(f"store {args.store} does not exist; ingest, train and evaluate first")
    chosen = ["ranking", "traits", "subgroups"] if args.what == "all" else [args.what]
    with open_store(args.store) as store:
        inputs = study_inputs(store, common_images=settings.common_images)
        for name in chosen:
            analysis_id, tables = run_analysis(store, name, settings, inputs)
            print_tables(name, tables)
            print(f"stored as analysis {analysis_id} ({name}); see `python -m dsanalysis sql --list` (queries analysis_*)\n")
    return 0
