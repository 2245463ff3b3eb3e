"""A four-dataset study in which nothing transfers (tests/few_datasets_store.py): what analyze may claim.

Four datasets, three seeds, every cross-dataset score at chance: the pair-level p-values cannot go
below what relabelling 4 datasets allows (1/4! = 1/24), no interval is reported where the bootstrap
over 4 datasets is degenerate, no line is fitted through chance-level scores, and subgroup
accuracies are per-run means like the matrix, with in-domain rows kept apart from cross-dataset ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from few_datasets_store import build_few_datasets_store

from dsanalysis.stats.results import load_result
from dsanalysis.store import open_store

FAST = ["--n-boot", "200", "--n-perm", "200", "--n-random", "50"]


def _result(store_path, name, result):
    with open_store(store_path, read_only=True) as store:
        return load_result(store, name, result)


def test_pair_level_p_values_stay_at_or_above_the_four_dataset_floor(cli, store_path):
    build_few_datasets_store(store_path)
    result = cli("analyze", "traits", *FAST)
    assert result.code == 0, result.err
    pair = _result(store_path, "traits", "pair_regression")
    tested = pair[pair["p_value"].notna()]
    assert len(tested) >= 25  # a distance and 12 traits (absdiff and train terms)
    assert (tested["p_value"] >= 1 / 24 - 1e-12).all()
    assert np.allclose(tested["p_floor"], 1 / 24)
    notes = _result(store_path, "traits", "notes")
    assert notes["message"].str.contains("1/24 = 0.042").any()
    # the Mantel test of the same design has the same floor
    mantel = _result(store_path, "traits", "mantel")
    assert (mantel["p_value"] >= 1 / 24 - 1e-12).all()


def test_no_degenerate_interval_and_no_line_through_chance(cli, store_path):
    build_few_datasets_store(store_path)
    assert cli("analyze", "traits", *FAST).code == 0
    correlations = _result(store_path, "traits", "trait_correlations")
    assert correlations["r"].notna().any()
    assert correlations["ci_low"].isna().all() and correlations["ci_high"].isna().all()
    assert correlations["note"].str.contains("no interval").all()
    assert not _result(store_path, "traits", "trait_points").empty
    assert _result(store_path, "traits", "trait_fits").empty
    notes = _result(store_path, "traits", "notes")
    assert notes["message"].str.contains("indistinguishable from chance").any()


def test_subgroup_accuracy_is_the_mean_over_runs_as_in_the_matrix(cli, store_path):
    build_few_datasets_store(store_path)
    assert cli("analyze", "ranking", "--n-boot", "200").code == 0
    assert cli("analyze", "subgroups", *FAST).code == 0
    transfer = _result(store_path, "ranking", "transfer")
    matrix = transfer[transfer["metric"] == "accuracy"].set_index(["train_dataset", "eval_dataset"])["mean"]
    metrics = _result(store_path, "subgroups", "subgroup_metrics")
    skin = metrics[(metrics["attribute"] == "skin.ita") & (metrics["metric"] == "accuracy")]
    # the two skin groups partition the images: their n-weighted mean is the cell's accuracy
    weighted = skin.assign(w=skin["n"] * skin["value"]).groupby(["train_dataset", "eval_dataset"])[["w", "n"]].sum()
    recombined = weighted["w"] / weighted["n"]
    assert np.allclose(recombined, matrix.reindex(recombined.index), atol=1e-9)
    assert (skin["n_runs"] == 3).all()
    # in-domain and cross-dataset rows are marked and kept apart: in-domain first in both tables
    for table in (metrics, _result(store_path, "subgroups", "subgroup_gaps")):
        flag = table["in_domain"].astype(bool)
        assert flag.equals(pd.Series(table["train_dataset"] == table["eval_dataset"]))
        assert flag.any() and (~flag).any()
        assert not flag.iloc[flag.to_numpy().argmin():].any()  # no in-domain row after the first cross-dataset one


def test_in_domain_subgroup_figure_is_chosen_among_in_domain_gaps(store_path):
    # a cross-dataset gap with the smallest p must not pick the attribute of the in-domain figure
    from dsanalysis.figures.study import subgroup_figures
    from dsanalysis.figures.style import FigureStyle
    from dsanalysis.stats.results import save_analysis
    from dsanalysis.stats.tables import SUBGROUP_GAPS, SUBGROUP_METRICS

    metrics = pd.DataFrame([{"train_dataset": "a", "eval_dataset": e, "attribute": attribute, "subgroup": g, "n": 50,
                             "metric": "accuracy", "value": v, "ci_low": v - 0.1, "ci_high": v + 0.1, "note": ""}
                            for e in ("a", "b") for attribute in ("skin", "blur") for g, v in (("x", 0.7), ("y", 0.6))])
    gaps = pd.DataFrame({"train_dataset": ["a", "a", "a"], "eval_dataset": ["a", "a", "b"],
                         "attribute": ["skin", "blur", "blur"],
                         "metric": "accuracy", "gap": [0.1, 0.05, 0.3], "p_value": [0.3, 0.5, 0.001],
                         "in_domain": [True, True, False]})
    with open_store(store_path) as store:
        save_analysis(store, "subgroups", {}, 0, {"fingerprint": "x"},  # the declared columns, the rest missing
                      {"subgroup_metrics": metrics.reindex(columns=SUBGROUP_METRICS.names),
                       "subgroup_gaps": gaps.reindex(columns=SUBGROUP_GAPS.names)})
        figures = subgroup_figures(store, FigureStyle())
    assert list(figures) == ["subgroups_skin"]


def test_report_shows_the_floor_and_no_p_below_it(cli, store_path, tmp_path):
    build_few_datasets_store(store_path)
    assert cli("analyze", "traits", *FAST).code == 0
    assert cli("analyze", "subgroups", *FAST).code == 0
    result = cli("report", "--out", tmp_path / "r")
    assert result.code == 0, result.err
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    start = html.index("Pair level: regression")
    pair_table = html[start:html.index("</table>", start)]
    assert "smallest possible p" in pair_table and "<td>0.042</td>" in pair_table
    assert "&lt; 0.001" not in pair_table and "< 0.001" not in pair_table
    assert "indistinguishable from chance" in html
    assert "averaged over runs as in the matrix" in html
