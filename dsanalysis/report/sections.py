"""Report structure: what each section shows, read from the store and shaped for its template.

Each ``_section_*`` function returns the section's template context, or None when the store holds
no data for it (the section is then left out). Figures are drawn by ``dsanalysis.figures`` and
embedded as ``data:`` URIs, so the page works offline as a single file.

The report only presents: every warning, flag and significance decision is read as stored, and every
interval's level and test's significance level comes from the stored parameters of what computed it
(:mod:`dsanalysis.stats.levels`); nothing here holds a threshold of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dsanalysis import __version__
from dsanalysis.errors import UserError
from dsanalysis.figures.style import FigureStyle
from dsanalysis.provenance import library_versions, now
from dsanalysis.store import Store


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    template: str


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with NaN/NA turned into None, so templates see one kind of missing value."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _section_summary(store: Store, style: FigureStyle) -> dict[str, Any]:
    from dsanalysis.stats.results import load_result

    datasets = store.query("datasets")
    if datasets.empty:
        raise UserError(
            f"store {store.path} has no datasets yet: run `python -m dsanalysis ingest NAME PATH` first "
            "(or `python -m dsanalysis report --demo` for the built-in demo)"
        )
    runs = store.query("report_runs_overview")
    problems = store.query("ingest_problems")
    problems = problems[problems["status"] == "rejected"]
    n_complete = int(runs["complete_runs"].sum()) if not runs.empty else 0
    names = ", ".join(datasets["dataset"].astype(str))
    reading = (
        f"This study covers {len(datasets)} dataset(s) ({names}) with {int(datasets['usable'].sum()):,} usable images"
        + (f" and {n_complete} trained model(s)." if n_complete else "; no model has been trained yet, "
           "so only dataset descriptions can be shown (run `python -m dsanalysis train`).")
    )
    return {
        "title": names,
        "store_path": str(store.path),
        "generated_at": now().isoformat(sep=" "),
        "package_version": __version__,
        "versions": library_versions(),
        "datasets": _records(datasets),
        "problems": _records(problems),
        "runs": _records(runs),
        "reading": reading,
        "shortcuts": _records(load_result(store, "shortcuts", "warnings")),  # shown first: the stored warnings
    }


def _section_matrix(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.export import svg_data_uri
    from dsanalysis.figures.study import matrix_figures
    from dsanalysis.stats.headlines import matrix_reading
    from dsanalysis.stats.levels import evaluation_levels

    cells = store.query("cross_dataset_summary")
    if cells.empty:
        return None
    figures = [{"name": name, "uri": svg_data_uri(figure, style)} for name, figure in matrix_figures(store, style).items()]
    reading = matrix_reading(cells)  # what the sentences may claim is decided with the statistics
    videos = store.query("cross_dataset_video_summary")
    return {"figures": figures, "cells": _records(cells), "reading": reading, "video_cells": _records(videos),
            "levels": evaluation_levels(store)}


def _uris(figures: dict[str, Any], style: FigureStyle) -> list[dict[str, Any]]:
    """Each figure as name, SVG data URI and whether it spans two columns (shown wide)."""
    from dsanalysis.figures.export import svg_data_uri

    return [{"name": name, "uri": svg_data_uri(figure, style), "wide": figure.get_figwidth() > 1.5 * style.column_width_in}
            for name, figure in figures.items()]


def _section_curves(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.study import curve_figures
    from dsanalysis.stats.levels import evaluation_thresholds

    figures = curve_figures(store, style)
    return {"figures": _uris(figures, style), "thresholds": evaluation_thresholds(store)} if figures else None


def _section_training(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.study import training_figures
    from dsanalysis.stats.levels import learning_levels

    figures = training_figures(store, style)
    if not figures:
        return None
    runs = store.query("runs")
    runs = runs[(runs["kind"] == "trained") & (runs["status"] == "complete")]
    keep = ["train_dataset", "config_name", "seed", "epochs_run", "learned", "validation_auc", "validation_auc_ci_low",
            "validation_auc_ci_high", "learned_reason", "run_id"]
    return {"figures": _uris(figures, style), "levels": learning_levels(),
            "runs": _records(runs.sort_values(["train_dataset", "config_name", "seed"])[keep])}


def _notes_of(store: Store, analysis: str, sections: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The stored notes of ``analysis`` (of ``sections`` only, when given)."""
    from dsanalysis.stats.results import load_result

    notes = load_result(store, analysis, "notes")
    if notes.empty or not sections:
        return notes
    return notes[notes["section"].isin(sections)]


def _section_ranking(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.study import ranking_figures
    from dsanalysis.stats.headlines import ranking_reading
    from dsanalysis.stats.levels import analysis_levels
    from dsanalysis.stats.results import load_result

    scores = load_result(store, "ranking", "scores")
    if scores.empty:
        return None
    friedman = load_result(store, "ranking", "friedman")
    pairwise = load_result(store, "ranking", "pairwise")
    mixed = load_result(store, "ranking", "mixed_model")
    levels = analysis_levels(store, "ranking")
    # which dataset may be called best, at which levels, and how a range is worded, is decided with the statistics
    stored = {} if levels.confidence is None else {"confidence": levels.confidence}
    reading = ranking_reading(scores, friedman, load_result(store, "ranking", "notes"), **stored)
    keep = ["mean", "difference", "test", "variance"]
    return {
        "reading": reading,
        "levels": levels,
        "figures": _uris(ranking_figures(store, style), style),
        "scores": _records(scores.sort_values(["metric", "scope", "rank"])),
        "friedman": _records(friedman),
        "pairwise": _records(pairwise),
        "mixed": _records(mixed[mixed["kind"].isin(keep)] if not mixed.empty else mixed),
        "notes": _records(_notes_of(store, "ranking", ("ranking",))),
    }


def _section_traits_performance(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.study import trait_figures
    from dsanalysis.stats.levels import analysis_levels
    from dsanalysis.stats.notes import of_kind
    from dsanalysis.stats.results import load_result

    correlations = load_result(store, "traits", "trait_correlations")
    notes = _notes_of(store, "traits")
    if correlations.empty and notes.empty:
        return None
    n_correlations = 0 if correlations.empty else int(correlations["r"].notna().sum())
    if n_correlations:  # rows without a coefficient (too few datasets) are explained by the notes instead
        correlations = correlations[correlations["r"].notna()].sort_values(["q_value", "p_permutation"], na_position="last")
    pair = load_result(store, "traits", "pair_regression")
    if not pair.empty:  # as for correlations: rows with no estimate are explained by the notes
        pair = pair[pair["estimate"].notna()].sort_values(["q_value", "p_value"], na_position="last")
    mantel = load_result(store, "traits", "mantel")
    mantel = mantel[mantel["r"].notna()] if not mantel.empty else mantel
    odds = load_result(store, "traits", "image_odds_ratios")
    profile = load_result(store, "traits", "profile")
    sample_size = of_kind(notes, "sample_size")
    return {
        "sample_size": sample_size["message"].tolist(),  # shown first
        "levels": analysis_levels(store, "traits"),
        "figures": _uris(trait_figures(store, style), style),
        "correlations": _records(correlations.head(30)) if n_correlations else [],
        "n_correlations": n_correlations,
        "pair": _records(pair.head(30)) if not pair.empty else [],
        "mantel": _records(mantel),
        "odds": _records(odds),
        "profile": _records(profile.head(15)) if not profile.empty else [],
        "notes": _records(notes.drop(index=sample_size.index))[:40],
    }


def _section_subgroups(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.study import subgroup_figures
    from dsanalysis.stats.levels import analysis_levels
    from dsanalysis.stats.notes import of_kind
    from dsanalysis.stats.results import load_result

    gaps = load_result(store, "subgroups", "subgroup_gaps")
    if gaps.empty:
        return None
    notes = _notes_of(store, "subgroups", ("subgroups",))
    if "survives_fdr" in gaps.columns:  # the statistics decided which gaps count (q-values over the family)
        gaps = gaps[gaps["survives_fdr"].astype(bool) & gaps["in_domain"].astype(bool)]
    gaps = gaps.sort_values(["p_value", "gap"], ascending=[True, False], na_position="last")
    metrics = load_result(store, "subgroups", "subgroup_metrics")
    in_domain = metrics[(metrics["train_dataset"] == metrics["eval_dataset"]) & metrics["metric"].isin(["accuracy", "auc"])]
    return {
        "figures": _uris(subgroup_figures(store, style), style),
        "family": next(iter(of_kind(notes, "multiplicity")["message"]), ""),
        "levels": analysis_levels(store, "subgroups"),
        "gaps": _records(gaps.head(30)),
        "metrics": _records(in_domain.head(60)),
        "notes": _records(notes),
    }


def _flat_settings(text: str | None, prefix: str = "") -> dict[str, Any]:
    """A stored JSON settings object as setting -> value, nested objects flattened to dotted names and lists
    joined with commas; {} for no settings."""
    import json

    data = json.loads(text) if isinstance(text, str) and text else (text or {})
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat_settings(value, f"{name}."))  # type: ignore[arg-type]
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"  # as written in a study file, not Python's True
        else:
            flat[name] = ", ".join(map(str, value)) if isinstance(value, list) else value
    return flat


def _settings_table(columns: dict[str, str | None]) -> dict[str, Any]:
    """Settings side by side: a row per setting, a column per heading of ``columns`` (heading -> JSON text).

    Returns
    -------
    dict
        columns (the headings), rows (setting, values: one per column, None where a column lacks the setting)
        and records (the same rows as dicts, for the CSV download).
    """
    flat = {heading: _flat_settings(text) for heading, text in columns.items()}
    names = list(dict.fromkeys(name for values in flat.values() for name in values))
    rows = [{"setting": name, "values": [flat[h].get(name) for h in columns]} for name in names]
    records = [{"setting": r["setting"], **dict(zip(columns, r["values"], strict=True))} for r in rows]
    return {"columns": list(columns), "rows": rows, "records": records}


def _section_methods(store: Store, style: FigureStyle) -> dict[str, Any]:
    splits = store.query("report_splits")
    evaluations = _records(store.query("report_evaluation_settings"))
    analyses = _records(store.query("report_analyses"))
    traits = store.query("report_trait_extractors")
    configs = _records(store.query("report_runs_overview"))
    return {
        "splits": _records(splits),
        "configs": configs,
        "config_settings": _settings_table({f"{c['arch']} / {c['config_name']}": c["config"] for c in configs}),
        "evaluations": evaluations,
        "evaluation_settings": _settings_table({f"resize {e['resize']} ({e['evaluations']} evaluations)": e["params"]
                                                for e in evaluations}),
        "analyses": analyses,
        "analysis_settings": _settings_table({a["name"]: a["params"] for a in analyses}),
        "extractors": _records(traits),
    }


#: dataset-level traits shown in the traits table, in this order, with their column headings
TRAIT_COLUMNS = {
    "images": "images", "real_fake_ratio": "real:fake", "groups": "groups",
    "descriptor_vendi_score": "descriptor Vendi score", "descriptor_mean_pairwise_distance": "descriptor spread",
    "identity_vendi_score": "identity Vendi score", "near_duplicate_rate": "near-duplicate rate",
    "ita_category.entropy": "skin-tone entropy (nats)", "ita_category.simpson": "skin-tone Simpson",
    "ita_deg.mean": "mean ITA (deg)", "jpeg_quality.mean": "mean JPEG quality", "sharpness.mean": "mean sharpness",
    "noise_sigma.mean": "mean noise", "face_area_share.mean": "mean face share", "yaw_proxy.sd": "yaw spread (sd)",
}
#: the six ITA categories from very light to dark (Del Bino and Bernerd 2013)
ITA_ORDER = ["very_light", "light", "intermediate", "tan", "brown", "dark"]
#: per-image descriptors whose per-dataset quantiles are drawn
DISTRIBUTIONS = {"jpeg_quality": "JPEG quality", "sharpness": "sharpness (Laplacian variance)",
                 "face_area_share": "face box / image area", "ita_deg": "ITA (degrees)"}
#: descriptors listed per dataset in the shortcut-audit table besides those with a warning
AUDIT_ROWS = 3


def _section_traits(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.distributions import category_shares, quantile_boxes
    from dsanalysis.figures.export import svg_data_uri
    from dsanalysis.traits.summaries import QUANTILES

    traits = store.query("dataset_traits")
    if traits.empty:
        return None
    overall = traits[traits["class"] == "all"]
    wide = overall.pivot_table(index="dataset", columns="trait", values="value", aggfunc="first")
    columns = [(t, h) for t, h in TRAIT_COLUMNS.items() if t in wide.columns]
    table = [{"dataset": name, "values": [None if pd.isna(wide.at[name, t]) else float(wide.at[name, t]) for t, _ in columns]}
             for name in wide.index]

    figures = []
    shares = overall[overall["trait"].str.startswith("ita_category.share.")].assign(
        category=lambda f: f["trait"].str.removeprefix("ita_category.share."))
    if not shares.empty:
        figure = category_shares(shares.rename(columns={"value": "share"}), style, order=ITA_ORDER)
        figures.append({"name": "skin_tone_shares", "caption": "Share of images per ITA skin-tone category "
                        "(very light to dark), from face skin pixels; images without a measurable face are left out.",
                        "uri": svg_data_uri(figure, style)})
    # the stored quantile traits ('.q05' ... '.q95' of traits.summaries.QUANTILES), drawn as boxes
    names = [f"q{round(100 * q):02d}" for q in QUANTILES]
    whiskers, box_ends = (f"{100 * QUANTILES[i]:g}-{100 * QUANTILES[-1 - i]:g}%" for i in (0, 1))
    for descriptor, label in DISTRIBUTIONS.items():
        rows = overall[overall["trait"].str.startswith(f"{descriptor}.q")]
        if rows.empty:
            continue
        quantiles = rows.assign(q=rows["trait"].str.removeprefix(f"{descriptor}."))
        box = quantiles.pivot_table(index="dataset", columns="q", values="value", aggfunc="first").reset_index()
        if set(names) <= set(box.columns):
            figures.append({"name": f"distribution_{descriptor}", "uri": svg_data_uri(quantile_boxes(box, style, xlabel=label), style),
                            "caption": f"{label} per dataset: box {box_ends}, line median, whiskers {whiskers}."})

    near = store.query("near_duplicates")  # the rate and its warning, both decided and stored by `traits`
    duplicates = near[near["warning"].fillna(False).astype(bool)]
    splits = store.query("report_splits")  # leakage and its warning are stored with each split when it is drawn
    leakage = splits[splits["test_leak_warning"].notna()]
    reading = (
        f"Traits of {wide.shape[0]} dataset(s), measured on every usable image. A property that separates the fakes "
        "from the reals is a shortcut a detector can learn instead of the manipulation itself; near-duplicates "
        "straddling a train/test split inflate test accuracy."
    )
    return {
        "columns": [h for _, h in columns], "table": table, "figures": figures, "reading": reading,
        "audit": _shortcut_audit(store),
        "duplicates": _records(duplicates[["dataset", "near_duplicate_rate", "images_checked", "warning_threshold"]]),
        "leakage": _records(leakage[["dataset", "split_id", "strategy", "test_leak_warning"]]),
        "identities": _identities(store, traits),
    }


#: per-dataset identity traits shown in the identity table (class 'all' unless given), with their headings
IDENTITY_COLUMNS = {
    ("identities_at_0.5", "all"): "identities at 0.5", ("identities", "all"): "identities at 0.6",
    ("identities_at_0.7", "all"): "identities at 0.7", ("images_per_identity", "all"): "images per identity",
    ("identity_largest_share", "all"): "largest identity share", ("identity_entropy", "all"): "identity entropy (nats)",
    ("identity_vendi_score", "all"): "identity Vendi score",
    ("fake_identity_in_real_share", "fake"): "fakes showing a real identity",
    ("identity_coverage", "all"): "images with a face descriptor",
}


def _identities(store: Store, traits: pd.DataFrame) -> dict[str, Any] | None:
    """Who is in each dataset: the stored identity traits per dataset, and the stored identity-leakage warnings;
    None when no dataset has identity traits."""
    keys = pd.MultiIndex.from_frame(traits[["trait", "class"]])
    shown = traits[keys.isin(list(IDENTITY_COLUMNS))]
    if shown.empty:
        return None
    wide = shown.pivot_table(index="dataset", columns=["trait", "class"], values="value", aggfunc="first")
    columns = [(key, heading) for key, heading in IDENTITY_COLUMNS.items() if key in wide.columns]
    rows = [{"dataset": name, "values": [None if pd.isna(wide.at[name, key]) else float(wide.at[name, key])
                                         for key, _ in columns]} for name in wide.index]
    leakage = store.query("identity_leakage")
    return {"columns": [heading for _, heading in columns], "rows": rows,
            "leakage": _records(leakage[leakage["warning"].fillna(False).astype(bool)]),
            "threshold": float(leakage["warning_threshold"].dropna().iloc[0]) if leakage["warning_threshold"].notna().any()
            else None}


def _shortcut_audit(store: Store) -> dict[str, Any] | None:
    """The stored shortcut audit for the traits section: its warnings, and per dataset the descriptors with a
    warning plus the :data:`AUDIT_ROWS` best separating others; None when no audit is stored."""
    from dsanalysis.stats.levels import analysis_levels
    from dsanalysis.stats.results import load_result

    audit = load_result(store, "shortcuts", "separation")
    if audit.empty:
        return None
    audit = audit.assign(warning=audit["warning"].astype(bool))  # decided and stored by the statistics
    ordered = audit.sort_values(["dataset", "warning", "separation"], ascending=[True, False, False], kind="mergesort")
    shown = ordered[ordered["warning"] | (ordered[~ordered["warning"]].groupby("dataset").cumcount() < AUDIT_ROWS)
                    .reindex(ordered.index, fill_value=False)]
    return {"rows": _records(shown), "warnings": _records(audit[audit["warning"]]), "levels": analysis_levels(store, "shortcuts"),
            "threshold": float(audit["threshold"].dropna().iloc[0]) if audit["threshold"].notna().any() else None,
            "datasets": int(audit["dataset"].nunique()), "descriptors": int(len(audit)), "others": AUDIT_ROWS}


#: example images shown per dataset, half real and half fake
THUMBNAILS = 6
#: side of a thumbnail (pixels)
THUMBNAIL_SIDE = 96


def _thumbnail_uri(path: str) -> str | None:
    """The image at ``path`` (as the store gives it) as a JPEG thumbnail data URI; None when it cannot be read."""
    import base64

    from dsanalysis.imaging import display_jpeg

    data = display_jpeg(path, THUMBNAIL_SIDE)
    return None if data is None else "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def _section_examples(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    """Labelled real and fake example images of each dataset (small JPEG thumbnails), or None when no file can
    be read any more. The examples are images the study uses (``usable_images``: its paths, its cap), the first
    of each class in the order of their content hashes (spread over the dataset, not consecutive frames)."""
    datasets = []
    for dataset in store.query("registered_dataset_names")["dataset"].astype(str):
        usable = store.query("usable_images", dataset=dataset).sort_values(["label", "content_hash", "image_id"],
                                                                            ascending=[False, True, True])
        picked = usable.groupby("label", sort=False).head(THUMBNAILS // 2)
        images = [{"uri": uri, "label": row.label, "path": row.rel_path}
                  for row in picked.itertuples(index=False) if (uri := _thumbnail_uri(row.path))]
        if images:
            datasets.append({"dataset": dataset, "images": images})
    return {"datasets": datasets, "per_class": THUMBNAILS // 2} if datasets else None


def _section_embedding(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.export import png_data_uri
    from dsanalysis.figures.study import embedding_figures

    figures = embedding_figures(store, style)
    if not figures:
        return None
    points = store.query("report_embedding")
    figure = figures["umap_map"]
    params = points["params"].iloc[0] if "params" in points.columns else None
    reading = (
        f"Every image ({len(points):,}) placed on a 2-D map by UMAP of its standardized descriptors (quality, face "
        "geometry, skin tone). Datasets that occupy separate regions differ in how their images look, whatever their "
        "labels; real and fake mixing within a dataset's region means the descriptors alone do not separate them."
    )
    return {"uri": png_data_uri(figure, style, dpi=150), "reading": reading, "settings": _settings_table({"value": params})}


#: (section, builder) in page order; builders return None when the store holds nothing for them.
def _interventions_methods(arms: pd.DataFrame, confidence: float | None, runs: pd.DataFrame) -> str:
    """The methods paragraph of the controlled-subset experiments, written from the stored arms, their runs and the
    analysis' stored confidence level."""
    kinds = sorted(set(arms["intervention"]))
    seeds = sorted(int(s) for s in set(runs["seed"]))
    configs = sorted(set(runs["arch"] + " with configuration " + runs["config_name"].fillna("default")))
    training = " and ".join(configs) if configs else "one configuration for every arm"
    subset_seeds = ", ".join(str(int(v)) for v in sorted(set(arms["subset_seed"])))
    level_text = "" if confidence is None else f"{confidence:.0%} "
    return (f"Controlled-subset experiments ({', '.join(kinds)}): inside each dataset, Meso-4 was trained on subsets "
            f"(arms) of the training part of its test partition that differ in one thing and hold the same number of "
            f"real and of fake images within an intervention (subset seed {subset_seeds}); the validation and test parts "
            f"are the whole dataset's. {len(arms)} arms, {len(runs)} runs, trained with {training}"
            + (f" over seeds {', '.join(str(s) for s in seeds)}" if seeds else "")
            + ", each tested on every dataset's test part. An effect is the mean over seeds of the paired difference "
            f"between two arms' scores, with a {level_text}t interval over seeds (unadjusted) and a Holm-adjusted p-value "
            "across the interventions; a learning curve is a least-squares fit of the score on log2 of the training "
            "images per class. Runs that did not learn are kept and counted.")


def _section_interventions(store: Store, style: FigureStyle) -> dict[str, Any] | None:
    from dsanalysis.figures.study import intervention_figures
    from dsanalysis.stats.levels import analysis_levels
    from dsanalysis.stats.results import load_result

    effects = load_result(store, "interventions", "effects")
    curves = load_result(store, "interventions", "learning_curves")
    matched = load_result(store, "interventions", "size_matched_scores")
    if effects.empty and curves.empty and matched.empty:
        return None
    arms = store.query("arms")
    arms = arms[arms["complete_runs"] > 0]
    levels = analysis_levels(store, "interventions")
    arm_runs = store.query("runs", status="complete")
    arm_runs = arm_runs[arm_runs["arm_id"].isin(arms["arm_id"])]
    if not matched.empty:
        full = load_result(store, "ranking", "scores")
        if not full.empty:
            full = full[["train_dataset", "metric", "scope", "estimate", "rank"]].rename(
                columns={"estimate": "full_estimate", "rank": "full_rank"})
            matched = matched.merge(full, on=["train_dataset", "metric", "scope"], how="left")
        matched = matched[matched["metric"].isin(["accuracy", "auc"])].sort_values(["metric", "scope", "rank"])
    return {
        "methods": _interventions_methods(arms, levels.confidence, arm_runs),
        "levels": levels,
        "figures": _uris(intervention_figures(store, style), style),
        "effects": _records(effects),
        "curves": _records(curves),
        "matched": _records(matched),
        "matched_size": None if matched.empty else matched["n_per_class"].iloc[0],
        "arms": _records(arms.drop(columns=["arm_id", "split_id"])),
        "notes": _records(_notes_of(store, "interventions")),
    }


SECTIONS: list[tuple[Section, Any]] = [
    (Section("summary", "Study summary", "summary.html"), _section_summary),
    (Section("examples", "Example images", "examples.html"), _section_examples),
    (Section("matrix", "Cross-dataset matrix", "matrix.html"), _section_matrix),
    (Section("curves", "Scores and detection curves", "curves.html"), _section_curves),
    (Section("training", "Training curves", "training.html"), _section_training),
    (Section("ranking", "Dataset ranking", "ranking.html"), _section_ranking),
    (Section("traits", "Dataset traits", "traits.html"), _section_traits),
    (Section("traits_performance", "Traits versus performance", "traits_performance.html"), _section_traits_performance),
    (Section("subgroups", "Subgroup performance", "subgroups.html"), _section_subgroups),
    (Section("interventions", "What changes when the training data changes", "interventions.html"),
     _section_interventions),
    (Section("embedding", "Map of all images", "embedding.html"), _section_embedding),
    (Section("methods", "Methods", "methods.html"), _section_methods),
]


def build_report_context(store: Store, style: FigureStyle | None = None) -> dict[str, Any]:
    """Everything the report template needs, section by section, read from ``store``."""
    style = style or FigureStyle()
    context: dict[str, Any] = {"sections": []}
    for section, builder in SECTIONS:
        data = builder(store, style)
        if data is None:
            continue
        context[section.id] = data
        context["sections"].append(section)
    return context


