"""The three analyses of ``python -m dsanalysis analyze``: store in, tidy result tables out.

Each function reads its inputs through :mod:`dsanalysis.stats.inputs`, runs the library functions
and returns ``{result name: DataFrame}`` including a 'notes' table (section, subject, kind, message) that
lists everything that could not be estimated or limits a result, and why, each with its
kind (:mod:`dsanalysis.stats.notes`). Writing is left to the caller
(:func:`dsanalysis.stats.results.save_analysis`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from dsanalysis.detection_metrics import SCORE_RANGE, THRESHOLD, correct_calls, is_fake
from dsanalysis.stats import (correlation, fit_band, friedman, image_level, interventions, learned, mantel, mixed,
                              pair_level, profile, ranking, subgroups)
from dsanalysis.stats.inputs import StudyInputs, dataset_traits, image_descriptors, pair_traits
from dsanalysis.stats.notes import Note, note_table

TEST_METRICS = ("accuracy", "auc")
BLOCKS = ["eval_dataset", "config_name", "seed"]


@dataclass(frozen=True)
class Settings:
    """Every setting that shapes an analysis' numbers (stored as its params)."""

    n_boot: int = 1000
    n_perm: int = 5000
    confidence: float = 0.95
    seed: int = 0
    metric: str = "accuracy"  # the score traits are related to
    trait_class: str = "all"
    threshold: float = THRESHOLD
    n_random: int = 500
    bins: int = 4
    common_images: bool = False  # models scored on different images of a dataset: compare on the shared ones
    extrapolate_to: float = 2.0  # learning curves: one point at this multiple of the largest size (marked)
    design: str = ""  # interventions: JSON of the experiments' settings (a study's design; '' from the command line)

    def params(self, analysis: str | None = None) -> dict:
        """The settings that shape ``analysis`` ('ranking', 'traits', 'subgroups'), or all of them."""
        used = {"ranking": ("n_boot", "confidence", "seed", "threshold", "common_images"),
                "traits": ("n_boot", "n_perm", "confidence", "seed", "metric", "trait_class", "threshold", "common_images"),
                "subgroups": ("n_boot", "n_random", "confidence", "seed", "threshold", "bins", "common_images"),
                "interventions": ("n_boot", "confidence", "seed", "threshold", "common_images", "extrapolate_to", "design")}
        values = asdict(self)
        return values if analysis is None else {k: values[k] for k in used[analysis]}


def _notes(rows: list[Note]) -> pd.DataFrame:
    """The notes table (:mod:`dsanalysis.stats.notes`): rows of section, subject, kind, message."""
    return note_table(rows)


def _stack(frames: dict[str, pd.DataFrame], key: str) -> pd.DataFrame:
    """Concatenate frames with a leading column ``key`` holding each frame's dict key."""
    parts = [frame.assign(**{key: name})[[key, *frame.columns]] for name, frame in frames.items() if not frame.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def ranking_tables(inputs: StudyInputs, settings: Settings) -> dict[str, pd.DataFrame]:
    """Scores, ranks and the tests that say whether the ranking is meaningful.

    Returns
    -------
    dict of DataFrame
        'scores' (:func:`ranking.dataset_scores` plus n_learned and n_not_learned after n_runs, from
        :func:`learned.learned_counts`; where evaluated images are video frames also the metrics
        'video_accuracy' and 'video_auc', scored per video with intervals over trials),
        'learned_sensitivity' (:func:`learned.learned_only_ranking`), 'transfer' (:func:`ranking.transfer_matrix`),
        'friedman', 'mean_ranks', 'pairwise' (each with a leading ``metric`` column; see
        :mod:`dsanalysis.stats.friedman`), 'mixed_model' (leading ``metric``; see
        :func:`mixed.crossed_mixed_model`), 'notes'.
    """
    notes = list(inputs.notes)
    cells = inputs.cells
    tables: dict[str, pd.DataFrame] = {}
    if cells.empty:
        notes.append(("ranking", "all", "not_estimable", "nothing to rank: no evaluated complete trained runs"))
        return {"notes": _notes(notes)}
    train_sets = sorted(cells["train_dataset"].unique())
    predictions = inputs.scores if inputs.cell_source == "predictions" else None
    tables["scores"] = ranking.dataset_scores(cells, predictions, n_boot=settings.n_boot, confidence=settings.confidence,
                                              seed=settings.seed, threshold=settings.threshold)
    if not inputs.video_cells.empty:  # video level: each video scored by the mean of its frames' scores
        video = ranking.dataset_scores(inputs.video_cells, None, metrics=TEST_METRICS, n_boot=settings.n_boot,
                                       confidence=settings.confidence, seed=settings.seed, threshold=settings.threshold)
        tables["scores"] = pd.concat([tables["scores"], video.assign(metric="video_" + video["metric"])], ignore_index=True)
    counts = learned.learned_counts(inputs.runs)
    scores = tables["scores"].merge(counts[["train_dataset", "n_learned", "n_not_learned"]], on="train_dataset", how="left")
    order = list(tables["scores"].columns)
    at = order.index("n_runs") + 1
    tables["scores"] = scores[order[:at] + ["n_learned", "n_not_learned"] + order[at:]]
    sensitivity, lines = learned.learned_only_ranking(cells, inputs.runs)
    tables["learned_sensitivity"] = sensitivity
    notes.extend(("ranking", "learned runs", "sensitivity", line) for line in lines)
    tables["transfer"] = ranking.transfer_matrix(cells)
    if len(train_sets) < 2:
        notes.append(("ranking", "tests", "not_estimable", f"one training dataset ({train_sets[0]}): nothing to compare, no ranking tests"))
    missing_gen = [t for t in train_sets if not ((tables["scores"]["train_dataset"] == t)
                                                 & (tables["scores"]["scope"] == "generalization")).any()]
    for t in missing_gen:
        notes.append(("ranking", t, "not_estimable", "no evaluation on another dataset: no generalization score"))
    seeds = inputs.runs.groupby(["train_dataset", "config_name"])["seed"].nunique()
    if not seeds.empty and seeds.min() < 2:
        notes.append(("ranking", "seeds", "caution", "a single seed for some training dataset x configuration: intervals and "
                      "tests cannot separate training noise from dataset differences"))
    alpha = 1 - settings.confidence
    fr, ranks, pairs, models = {}, {}, {}, {}
    if len(train_sets) >= 2:
        for metric in TEST_METRICS:
            data = cells[cells["metric"] == metric]
            if data["value"].notna().sum() == 0:
                notes.append(("ranking", metric, "not_estimable", f"no {metric} values: no tests"))
                continue
            fr[metric] = friedman.friedman_test(data, BLOCKS, "train_dataset", "value")
            ranks[metric] = friedman.mean_ranks(data, BLOCKS, "train_dataset", "value")
            pairs[metric] = friedman.pairwise_comparisons(data, BLOCKS, "train_dataset", "value", alpha=alpha)
            models[metric] = mixed.crossed_mixed_model(data, "value", "train_dataset", ["eval_dataset", "seed", "config_name"],
                                                       confidence=settings.confidence, bounds=SCORE_RANGE)
            if fr[metric]["n_blocks"].iloc[0] < 5:
                notes.append(("ranking", metric, "caution", f"Friedman test on {int(fr[metric]['n_blocks'].iloc[0])} blocks: "
                              "too few for the chi-square approximation to be trusted"))
    tables["friedman"] = _stack(fr, "metric")
    tables["mean_ranks"] = _stack(ranks, "metric")
    tables["pairwise"] = _stack(pairs, "metric")
    tables["mixed_model"] = _stack(models, "metric")
    tables["notes"] = _notes(notes)
    return tables


def generalization_scores(inputs: StudyInputs, settings: Settings) -> pd.DataFrame:
    """dataset, score, ci_low, ci_high: generalization score of each training dataset for ``settings.metric``,
    with its bootstrap interval over trials and test images (:func:`ranking.dataset_scores`)."""
    predictions = inputs.scores if inputs.cell_source == "predictions" else None
    scores = ranking.dataset_scores(inputs.cells, predictions, metrics=(settings.metric,), n_boot=settings.n_boot,
                                    confidence=settings.confidence, seed=settings.seed, threshold=settings.threshold)
    gen = scores[scores["scope"] == "generalization"]
    gen = gen.rename(columns={"train_dataset": "dataset", "estimate": "score"})
    return gen[["dataset", "score", "ci_low", "ci_high"]]


def traits_tables(inputs: StudyInputs, traits: pd.DataFrame, pairs: pd.DataFrame, descriptors: pd.DataFrame,
                  settings: Settings) -> dict[str, pd.DataFrame]:
    """Traits versus performance at the dataset, pair and image level, and the top/bottom profile.

    Returns
    -------
    dict of DataFrame
        'trait_correlations' (:func:`correlation.trait_correlations`), 'pair_regression'
        (:func:`pair_level.pair_regression`), 'mantel' (one row per distance trait: a leading
        ``trait`` column then :func:`mantel.mantel_test`), 'image_odds_ratios'
        (:func:`image_level.image_odds_ratios`), 'profile' (:func:`profile.top_bottom_profile`),
        'trait_points' and 'trait_fits' (:func:`fit_band.trait_scatter`), 'notes'.
    """
    notes = list(inputs.notes)
    tables: dict[str, pd.DataFrame] = {}
    metric = settings.metric
    gen = generalization_scores(inputs, settings) if not inputs.cells.empty else \
        pd.DataFrame(columns=["dataset", "score", "ci_low", "ci_high"])
    n = len(gen)
    notes.append(("dataset_level", "sample size", "sample_size", correlation.sample_size_statement(n, 1 - settings.confidence)))
    # 1. dataset level
    if traits.empty:
        notes.append(("dataset_level", "traits", "not_estimable", "no dataset traits in the store: run `python -m dsanalysis traits` first"))
    else:
        merged = traits.merge(gen, on="dataset", how="inner")
        absent = sorted(set(traits["trait"]) - set(merged["trait"]))
        for trait in absent:
            notes.append(("dataset_level", trait, "not_estimable", "measured only for datasets without a generalization score"))
        no_trait = sorted(set(gen["dataset"]) - set(traits["dataset"]))
        if no_trait:
            notes.append(("dataset_level", "traits", "not_estimable", f"no traits for {', '.join(no_trait)}: left out of the correlations"))
        tables["trait_correlations"] = correlation.trait_correlations(
            merged, "trait", "value", "score", n_boot=settings.n_boot, n_perm=settings.n_perm,
            confidence=settings.confidence, seed=settings.seed)
        for trait in tables["trait_correlations"].loc[lambda f: f["note"].str.contains("constant"), "trait"].unique():
            notes.append(("dataset_level", trait, "not_estimable", "constant across datasets: its correlation cannot be estimated"))
        tables["profile"] = profile.top_bottom_profile(traits, gen, unit="dataset", score="score")
        tables["trait_points"], tables["trait_fits"] = fit_band.trait_scatter(
            traits, gen, tables["trait_correlations"], confidence=settings.confidence)
        at_chance = fit_band.chance_level_note(gen)
        if at_chance:
            notes.append(("dataset_level", "fits", "caution", at_chance))
    # 2. pair level
    transfer = ranking.transfer_matrix(inputs.cells) if not inputs.cells.empty else pd.DataFrame()
    transfer = transfer[transfer["metric"] == metric] if not transfer.empty else transfer
    if transfer.empty or (transfer["train_dataset"] != transfer["eval_dataset"]).sum() == 0:
        notes.append(("pair_level", "cells", "not_estimable", "no cross-dataset evaluations: no pair-level analysis"))
    else:
        design = pair_level.pair_design(transfer, pairs, traits)
        predictors = [c for c in design.columns if c not in ("train_dataset", "eval_dataset", "score")]
        if not predictors:
            notes.append(("pair_level", "predictors", "not_estimable", "no dataset distances or traits: nothing to regress on"))
        else:
            tables["pair_regression"] = pair_level.pair_regression(design, predictors, confidence=settings.confidence,
                                                                   n_perm=settings.n_perm, seed=settings.seed)
            statement = pair_level.permutation_statement(tables["pair_regression"])
            if statement:
                notes.append(("pair_level", "p-values", "caution", statement))
        loss = transfer.pivot_table(index="train_dataset", columns="eval_dataset", values="mean")
        loss = 1.0 - loss
        results = {}
        for trait, group in (pairs.groupby("trait") if not pairs.empty else []):
            distance = group.pivot_table(index="dataset_a", columns="dataset_b", values="value")
            distance = distance.combine_first(distance.T)
            results[trait] = mantel.mantel_test(distance, loss, n_perm=settings.n_perm, seed=settings.seed)
        if results:
            tables["mantel"] = _stack(results, "trait")
        elif not pairs.empty or predictors:
            notes.append(("pair_level", "mantel", "not_estimable", "no dataset distances (dataset_pair_traits): no Mantel test"))
    # 3. image level
    tables_image = _image_level(inputs, descriptors, settings, notes)
    if tables_image is not None:
        tables["image_odds_ratios"] = tables_image
    tables["notes"] = _notes(notes)
    return tables


def _correct(frame: pd.DataFrame, threshold: float) -> np.ndarray:
    return correct_calls(frame["score_real"].to_numpy(float), is_fake(frame["label"].to_numpy()), threshold).astype(float)


def _image_level(inputs: StudyInputs, descriptors: pd.DataFrame, settings: Settings, notes: list) -> pd.DataFrame | None:
    if inputs.predictions.empty:
        notes.append(("image_level", "predictions", "not_estimable", "no per-image predictions: no image-level analysis"))
        return None
    numeric = descriptors.dropna(subset=["value"]) if not descriptors.empty else descriptors
    if numeric.empty:
        notes.append(("image_level", "descriptors", "not_estimable", "no numeric image descriptors (image_traits): no image-level analysis"))
        return None
    wide = numeric.pivot_table(index="image_id", columns="attribute", values="value", aggfunc="mean")
    data = inputs.predictions.merge(wide, left_on="image_id", right_index=True, how="inner")
    if data.empty:
        notes.append(("image_level", "descriptors", "not_estimable", "no evaluated image has descriptors"))
        return None
    data["correct"] = _correct(data, settings.threshold)
    # repeated scorings of one image (or video/identity) by several runs form one cluster
    data["cluster"] = np.where(data["group_id"].notna(), data["eval_dataset"] + ":" + data["group_id"].astype(str),
                               data["content_hash"].astype(str))
    return image_level.image_odds_ratios(data, "correct", list(wide.columns), "cluster", confidence=settings.confidence)


#: categorical attributes with more distinct values than this are identifiers (hashes), not subgroups
MAX_CATEGORIES = 20


def quantile_bin_names(values: pd.Series, codes: pd.Series) -> pd.Series:
    """The name of each value's quantile bin with the range of values the bin holds: 'q1: 0.000–0.184' (q1 lowest;
    decimals for four significant digits of the whole spread, one number when both ends print alike), so a
    reader sees what a bin means."""
    spread = float(values.max() - values.min())
    decimals = max(0, 3 - math.floor(math.log10(spread))) if spread > 0 else 3

    def name(code: int, low: float, high: float) -> str:
        ends = [f"{low:.{decimals}f}", f"{high:.{decimals}f}"]
        return f"q{code + 1}: " + (ends[0] if ends[0] == ends[1] else "–".join(ends))

    ranges = values.groupby(codes).agg(["min", "max"])
    return codes.map({code: name(int(code), low, high) for code, (low, high) in ranges.iterrows()})


def subgroup_frame(inputs: StudyInputs, descriptors: pd.DataFrame, bins: int = 4) -> tuple[pd.DataFrame, list[str]]:
    """One row per (run, evaluated dataset, image, attribute) with the image's subgroup.

    Each run keeps its own scores: subgroup metrics are computed per run and then averaged over the
    runs, as the cross-dataset matrix is (averaging the runs' scores image by image would score an
    ensemble instead). Categorical descriptors are used as they are (unless they have more than
    ``MAX_CATEGORIES`` values, like a perceptual hash); numeric ones are cut into ``bins`` quantile
    bins over all evaluated images, named with the range of values each holds ('q1: 12.50–40.20', q1 lowest).

    Returns
    -------
    tuple
        (DataFrame: run_id, train_dataset, eval_dataset, image_id, label, score_real, attribute,
        subgroup; list of categorical attributes skipped for having too many values)
    """
    per_run = inputs.predictions[["run_id", "train_dataset", "eval_dataset", "image_id", "label", "score_real"]]
    parts = []
    categorical = descriptors.dropna(subset=["category"])
    counts = categorical.groupby("attribute")["category"].nunique()
    skipped = sorted(counts[counts > MAX_CATEGORIES].index)
    categorical = categorical[~categorical["attribute"].isin(skipped)]
    if not categorical.empty:
        parts.append(categorical[["image_id", "attribute"]].assign(subgroup=categorical["category"].astype(str)))
    numeric = descriptors[descriptors["category"].isna()].dropna(subset=["value"])
    for attribute, group in numeric.groupby("attribute"):
        if group["value"].nunique() < bins:  # few distinct numbers (e.g. a 0/1 flag): each value is a subgroup
            parts.append(group[["image_id", "attribute"]].assign(subgroup=group["value"].map("{:g}".format)))
            continue
        # heavy ties can merge quantile edges: fewer bins then, never an arbitrary split of equal values
        codes = pd.qcut(group["value"], bins, labels=False, duplicates="drop")
        parts.append(group[["image_id", "attribute"]].assign(subgroup=quantile_bin_names(group["value"], codes)))
    if not parts:
        columns = ["run_id", "train_dataset", "eval_dataset", "image_id", "label", "score_real", "attribute", "subgroup"]
        return pd.DataFrame(columns=columns), skipped
    groups = pd.concat(parts, ignore_index=True).drop_duplicates(["image_id", "attribute"])
    return per_run.merge(groups, on="image_id", how="inner"), skipped


def subgroup_tables(inputs: StudyInputs, descriptors: pd.DataFrame, settings: Settings) -> dict[str, pd.DataFrame]:
    """Performance per subgroup and the largest gaps against size-matched random groups.

    Metrics and gaps are computed per run and averaged over the runs of a training dataset (see
    :func:`subgroup_frame`). In-domain rows (a model tested on its own dataset) come first, then the
    cross-dataset ones.

    Returns
    -------
    dict of DataFrame
        'subgroup_metrics' (leading columns train_dataset, eval_dataset, in_domain) and
        'subgroup_gaps' (leading columns train_dataset, eval_dataset; in_domain after p_value,
        q_value and survives_fdr: see :func:`fdr_gaps`), with the columns of
        :mod:`dsanalysis.stats.subgroups`; 'notes'.
    """
    notes = list(inputs.notes)
    if inputs.predictions.empty:
        notes.append(("subgroups", "predictions", "not_estimable", "no per-image predictions: no subgroup analysis"))
        return {"notes": _notes(notes)}
    frame, skipped = subgroup_frame(inputs, descriptors, settings.bins)
    for attribute in skipped:
        notes.append(("subgroups", attribute, "not_estimable", f"more than {MAX_CATEGORIES} distinct values: an identifier, not a subgroup; left out"))
    if frame.empty:
        notes.append(("subgroups", "attributes", "not_estimable", "no image descriptors or user attributes for evaluated images: "
                      "run `python -m dsanalysis traits` (or add manifest columns) first"))
        return {"notes": _notes(notes)}
    metric_parts, gap_parts = [], []
    cells = sorted(frame.groupby(["train_dataset", "eval_dataset"], sort=True), key=lambda cell: cell[0][0] != cell[0][1])
    for (train, evaluated), data in cells:  # in-domain cells first (a stable sort keeps the name order within each)
        lead = {"train_dataset": train, "eval_dataset": evaluated}
        m = subgroups.subgroup_metrics(data, run="run_id", image="image_id", threshold=settings.threshold,
                                       n_boot=settings.n_boot, confidence=settings.confidence, seed=settings.seed)
        g = subgroups.subgroup_gap_test(data, run="run_id", image="image_id", threshold=settings.threshold,
                                        n_random=settings.n_random, seed=settings.seed)
        metric_parts.append(m.assign(**lead, in_domain=train == evaluated)[[*lead, "in_domain", *m.columns]])
        gap_parts.append(g.assign(**lead)[[*lead, *g.columns]])
    gaps = pd.concat(gap_parts, ignore_index=True)
    gaps, family_note = fdr_gaps(gaps, alpha=1 - settings.confidence, n_random=settings.n_random)
    notes.append(("subgroups", "multiplicity", "multiplicity", family_note))
    return {"subgroup_metrics": pd.concat(metric_parts, ignore_index=True), "subgroup_gaps": gaps,
            "notes": _notes(notes)}


def fdr_gaps(gaps: pd.DataFrame, *, alpha: float, n_random: int) -> tuple[pd.DataFrame, str]:
    """The gap tests with Benjamini-Hochberg q-values over the whole family, whether each survives (q <= alpha),
    and whether the row is in-domain; plus a note saying how many tests were run and how many survive.

    Returns
    -------
    tuple
        (``gaps`` with columns q_value, survives_fdr and in_domain inserted after p_value; the note).
    """
    from dsanalysis.stats.multiple import benjamini_hochberg

    out = gaps.copy()
    at = list(out.columns).index("p_value") + 1
    q = benjamini_hochberg(out["p_value"].to_numpy(float))
    out.insert(at, "q_value", q)
    out.insert(at + 1, "survives_fdr", np.where(np.isnan(q), False, q <= alpha))
    out.insert(at + 2, "in_domain", (out["train_dataset"] == out["eval_dataset"]).to_numpy())
    tested = out["p_value"].notna()
    surviving = int(out["survives_fdr"].sum())
    floor = 1 / (n_random + 1)
    note = (f"{int(tested.sum())} gap tests were run ({int((tested & out['in_domain']).sum())} in-domain, "
            f"{int((tested & ~out['in_domain']).sum())} "
            f"cross-dataset); Benjamini-Hochberg over all of them: {surviving} survive at q <= {alpha:.2g}. "
            f"The smallest p-value a test can reach with {n_random} random groupings is {floor:.2g}")
    return out, note


def load_traits_inputs(store, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(dataset traits, pair traits, image descriptors) from the store."""
    return dataset_traits(store, settings.trait_class), pair_traits(store), image_descriptors(store)


def interventions_tables(scores: pd.DataFrame, contrasts: pd.DataFrame, matched: StudyInputs | None,
                         settings: Settings, problems: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """What changes when the training data changes: the controlled-subset experiments' results.

    Parameters
    ----------
    scores, contrasts, problems : the :func:`dsanalysis.stats.inputs.intervention_inputs` frames (problems: why an
        intervention has no arms on a dataset, each a note).
    matched : inputs of the runs on the size-matched arms (every dataset at the same number of training
        images per class), None when there are none.

    Returns
    -------
    dict of DataFrame
        'effects' (:func:`interventions.intervention_effects`), 'learning_curves'
        (:func:`interventions.learning_curves`), 'size_matched_scores' (:func:`ranking.dataset_scores` of the
        size-matched runs, with n_per_class), 'notes'.
    """
    notes: list[Note] = [("interventions", f"{row.intervention} on {row.dataset}", "not_estimable", f"no arms: {row.reason}")
                         for row in (problems if problems is not None else pd.DataFrame()).itertuples(index=False)]
    tables: dict[str, pd.DataFrame] = {}
    if scores.empty:
        notes.append(("interventions", "all", "not_estimable", "no complete runs on intervention arms: run "
                      "`python -m dsanalysis intervene` or a study with [interventions]"))
        return {"notes": _notes(notes)}
    tables["effects"] = interventions.intervention_effects(scores, contrasts, confidence=settings.confidence)
    tables["learning_curves"] = interventions.learning_curves(scores, confidence=settings.confidence,
                                                              extrapolate_to=settings.extrapolate_to)
    for frame in (tables["effects"], tables["learning_curves"]):  # each reason once per intervention and dataset
        for row in frame[frame["note"].fillna("").astype(str).str.strip() != ""].itertuples(index=False):
            kind = "not_estimable" if pd.isna(getattr(row, "ci_low", np.nan)) else "caution"
            for part in str(row.note).split("; "):
                if part.startswith("extrapolated to"):
                    kind = "caution"
                notes.append(("interventions", f"{row.intervention} on {row.dataset}", kind, part))
    if matched is not None and not matched.cells.empty:
        ranked = ranking_tables(matched, settings)
        if "scores" in ranked:
            size = scores.loc[scores["arm"] == "matched", "n_per_class"]
            tables["size_matched_scores"] = ranked["scores"].assign(
                n_per_class=int(size.iloc[0]) if not size.empty else np.nan)
        notes.extend(("size-matched ranking", n.subject, n.kind, n.message)
                     for n in ranked["notes"].itertuples(index=False) if n.kind in ("not_estimable", "caution"))
    elif (scores["kind"] == "size").any():
        notes.append(("size-matched ranking", "all", "not_estimable", "no size-matched arms: a size intervention "
                      "over at least two datasets draws them"))
    tables["notes"] = _notes(list(dict.fromkeys(notes)))
    return tables


ANALYSES = ("ranking", "traits", "subgroups", "interventions")


def run_analysis(store, name: str, settings: Settings, inputs: StudyInputs | None = None) -> tuple[str, dict[str, pd.DataFrame]]:
    """Run one analysis on the store and save it with its provenance.

    Parameters
    ----------
    store : Store
        an open, writable store.
    name : str
        'ranking', 'traits' or 'subgroups'.
    inputs : StudyInputs, optional
        already read inputs (``study_inputs(store, common_images=settings.common_images)``), to share between analyses.

    Returns
    -------
    tuple
        (analysis_id, {result name: DataFrame}) as written to analyses / analysis_results.
    """
    from dsanalysis.stats.inputs import study_inputs
    from dsanalysis.stats.results import save_analysis

    if name not in ANALYSES:
        raise ValueError(f"unknown analysis {name!r}; use one of {', '.join(ANALYSES)}")
    if name == "interventions":
        from dsanalysis.stats.inputs import intervention_inputs

        scores, contrasts, problems = intervention_inputs(store)
        matched = study_inputs(store, common_images=settings.common_images, arm="matched")
        tables = interventions_tables(scores, contrasts, matched, settings, problems)
        summary = {**matched.summary(), "arm_scores": int(len(scores)), "arm_fingerprint": str(
            pd.util.hash_pandas_object(scores, index=False).sum())}
        return save_analysis(store, name, settings.params(name), settings.seed, summary, tables), tables
    inputs = study_inputs(store, common_images=settings.common_images) if inputs is None else inputs
    if name == "ranking":
        tables = ranking_tables(inputs, settings)
    else:
        traits, pairs, descriptors = load_traits_inputs(store, settings)
        tables = traits_tables(inputs, traits, pairs, descriptors, settings) if name == "traits" else \
            subgroup_tables(inputs, descriptors, settings)
    analysis_id = save_analysis(store, name, settings.params(name), settings.seed, inputs.summary(), tables)
    return analysis_id, tables
