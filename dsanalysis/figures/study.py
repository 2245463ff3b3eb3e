"""The study's figures, read from the store: one function per figure family, shared by the
``figures`` command and the HTML report so both always show the same picture."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsanalysis.figures.style import FigureStyle

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from dsanalysis.store import Store


def matrix_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """Cross-dataset heatmaps, ``matrix_<metric>`` (with ``_<arch>`` when several architectures)."""
    from dsanalysis.figures.matrix import matrix_heatmap

    cells = store.query("cross_dataset_summary")
    figures: dict[str, Figure] = {}
    archs = sorted(cells["arch"].unique()) if not cells.empty else []
    for arch in archs:
        part = cells[cells["arch"] == arch]
        suffix = "" if len(archs) == 1 else f"_{arch}"
        for metric, label in (("accuracy", "accuracy"), ("auc", "AUC")):
            figures[f"matrix_{metric}{suffix}"] = matrix_heatmap(
                part, style, row="model", column="test_dataset", value=metric, value_label=label
            )
    return figures


def _by_arch(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(file-name suffix, rows) per architecture: no suffix when there is one, ``_<arch>`` when several."""
    archs = sorted(frame["arch"].unique())
    return [("" if len(archs) == 1 else f"_{arch}", frame[frame["arch"] == arch]) for arch in archs]


def curve_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """``roc_curves``, ``det_curves``, ``score_histograms`` and ``calibration`` (with ``_<arch>`` when several
    architectures): the curves :mod:`dsanalysis.stats.curves` computes from the stored per-image predictions
    of complete trained runs (each dataset's test part), averaged or pooled over each training dataset's runs."""
    from dsanalysis.detection_metrics import THRESHOLD
    from dsanalysis.figures.curves import det_panels, reliability_panels, roc_panels, score_histogram_grid
    from dsanalysis.stats import curves

    scored = store.query("stats_predictions")
    if scored.empty:
        return {}
    scored = scored.merge(store.query("runs")[["run_id", "arch"]], on="run_id")
    by = ["train_dataset", "eval_dataset"]
    figures: dict[str, Figure] = {}
    for suffix, part in _by_arch(scored):
        roc = curves.averaged_roc(part, by=by)
        if not roc.empty:
            figures[f"roc_curves{suffix}"] = roc_panels(roc, style)
            figures[f"det_curves{suffix}"] = det_panels(roc, style)
        figures[f"score_histograms{suffix}"] = score_histogram_grid(curves.score_histograms(part, by=by), style,
                                                                    threshold=THRESHOLD)
        figures[f"calibration{suffix}"] = reliability_panels(curves.reliability_bins(part, by=by), style)
    return figures


def training_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """``training_curves`` (with ``_<arch>`` when several architectures): loss, accuracy and AUC per epoch of
    every run, as stored in ``run_history``."""
    from dsanalysis.figures.training import CURVE_METRICS, training_curves

    history = store.query("run_history")
    history = history[history["train_dataset"].notna()]
    if history.empty or not history["metric"].isin(list(CURVE_METRICS)).any():
        return {}
    history = history.merge(store.query("runs")[["run_id", "arch"]], on="run_id")
    return {f"training_curves{suffix}": training_curves(part, style) for suffix, part in _by_arch(history)}


def embedding_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """The joint UMAP map of all images, coloured by dataset and by label (``umap_map``)."""
    from dsanalysis.figures.embedding import embedding_map

    points = store.query("report_embedding")
    return {} if points.empty else {"umap_map": embedding_map(points, style)}


def _result(store: Store, analysis: str, result: str):  # noqa: ANN202
    from dsanalysis.stats.results import load_result  # reading stored tables only; nothing is computed

    return load_result(store, analysis, result)


def ranking_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """``ranking_<metric>``: in-domain and generalization scores with intervals; ``critical_difference_<metric>``."""
    from dsanalysis.figures.critical_difference import critical_difference_diagram
    from dsanalysis.figures.intervals import interval_plot

    figures: dict[str, Figure] = {}
    scores = _result(store, "ranking", "scores")
    if scores.empty:
        return figures
    for metric in ("accuracy", "auc"):
        part = scores[scores["metric"] == metric]
        if part.empty:
            continue
        general = part[part["scope"] == "generalization"].sort_values("estimate", ascending=False)
        order = list(general["train_dataset"]) + [d for d in part["train_dataset"].unique() if d not in set(general["train_dataset"])]
        part = part.assign(order=part["train_dataset"].map({d: i for i, d in enumerate(order)})).sort_values(["order", "scope"])
        part = part.assign(scope=part["scope"].str.replace("_", "-"))
        figures[f"ranking_{metric}"] = interval_plot(part, style, label="train_dataset", estimate="estimate", low="ci_low",
                                                     high="ci_high", series="scope", xlabel=f"{metric} (trained on row)",
                                                     reference=0.5)
    ranks = _result(store, "ranking", "mean_ranks")
    pairwise = _result(store, "ranking", "pairwise")
    for metric in ("accuracy", "auc"):
        r = ranks[ranks["metric"] == metric] if not ranks.empty else ranks
        p = pairwise[pairwise["metric"] == metric] if not pairwise.empty else pairwise
        if r.empty or p.empty or p["critical_difference"].isna().all():
            continue
        figures[f"critical_difference_{metric}"] = critical_difference_diagram(
            r.rename(columns={"treatment": "dataset"}), style, critical_difference=float(p["critical_difference"].iloc[0]))
    return figures


def trait_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """``traits_vs_score``: leading dataset traits against the generalization score, fitted band where estimable."""
    from dsanalysis.figures.scatter import trait_scatter_panel

    points = _result(store, "traits", "trait_points")
    if points.empty:
        return {}
    fits = _result(store, "traits", "trait_fits")
    return {"traits_vs_score": trait_scatter_panel(points, style, fits=fits)}


def subgroup_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """``subgroups_<attribute>``: in-domain accuracy per subgroup of the attribute with the clearest gap."""
    from dsanalysis.figures.intervals import interval_plot

    metrics = _result(store, "subgroups", "subgroup_metrics")
    gaps = _result(store, "subgroups", "subgroup_gaps")
    if metrics.empty or gaps.empty:
        return {}
    in_domain = gaps["in_domain"].astype(bool) if "in_domain" in gaps.columns else \
        gaps["train_dataset"] == gaps["eval_dataset"]
    accuracy = gaps[(gaps["metric"] == "accuracy") & gaps["p_value"].notna() & in_domain]  # the figure is in-domain
    if accuracy.empty:
        return {}
    attribute = accuracy.sort_values(["p_value", "gap"], ascending=[True, False])["attribute"].iloc[0]
    # every in-domain subgroup is drawn: one without an estimate (too few images, one class) shows its stored reason
    part = metrics[(metrics["attribute"] == attribute) & (metrics["metric"] == "accuracy")
                   & (metrics["train_dataset"] == metrics["eval_dataset"])]
    if part["value"].isna().all():
        return {}
    part = part.assign(series=part["eval_dataset"].astype(str)).sort_values(["subgroup", "series"])
    return {f"subgroups_{attribute.replace('.', '_')}": interval_plot(
        part, style, label="subgroup", estimate="value", low="ci_low", high="ci_high", series="series",
        xlabel=f"in-domain accuracy by {attribute}", reference=0.5, missing_note="note")}


def intervention_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """``intervention_effects_<metric>`` (forest plot), ``learning_curve_<metric>``, ``size_matched_<metric>``."""
    from dsanalysis.figures import interventions as draw

    figures: dict[str, Figure] = {}
    effects = _result(store, "interventions", "effects")
    curves = _result(store, "interventions", "learning_curves")
    matched = _result(store, "interventions", "size_matched_scores")
    full = _result(store, "ranking", "scores")
    for metric in draw.METRICS:
        made = {f"intervention_effects_{metric}": None if effects.empty else draw.effects_forest(effects, style, metric),
                f"learning_curve_{metric}": None if curves.empty else draw.learning_curve(curves, style, metric),
                f"size_matched_{metric}": None if matched.empty or full.empty else
                draw.size_matched_beside_full(matched, full, style, metric)}
        figures.update({name: figure for name, figure in made.items() if figure is not None})
    return figures


#: every figure family, in the order the figures command writes them
FIGURE_FAMILIES = (matrix_figures, curve_figures, training_figures, ranking_figures, trait_figures, embedding_figures,
                   subgroup_figures, intervention_figures)


def study_figures(store: Store, style: FigureStyle) -> dict[str, Figure]:
    """Every figure the store has data for, by file stem."""
    figures: dict[str, Figure] = {}
    for family in FIGURE_FAMILIES:
        figures.update(family(store, style))
    return figures
