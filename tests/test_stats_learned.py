"""Runs that did not learn: counts per training dataset, the learned-runs-only ranking, the between-seed SD."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stats_stores import build_stats_store

from dsanalysis.stats.learned import learned_counts, learned_only_ranking


def test_learned_counts_by_hand():
    runs = pd.DataFrame({"run_id": list("abcdef"), "train_dataset": ["x", "x", "x", "y", "y", "y"],
                         "learned": ["true", "false", None, "true", "true", "unknown"]})
    counts = learned_counts(runs).set_index("train_dataset")
    assert counts.loc["x"].tolist() == [3, 1, 1, 1] and counts.loc["y"].tolist() == [3, 2, 0, 1]
    with pytest.raises(ValueError, match="'learned'"):
        learned_counts(runs.drop(columns="learned"))


def _planted(tmp_path):
    """Three datasets, set0 best; two of set0's three runs score at chance and did not learn."""
    from dsanalysis.stats.inputs import study_inputs
    from dsanalysis.store import open_store

    path = tmp_path / "s.duckdb"
    build_stats_store(path, n_datasets=3, seeds=(0, 1, 2), n_images=200, distance_effect=0.0, with_traits=False)
    rng = np.random.default_rng(1)
    with open_store(path) as store:
        store.con.execute("UPDATE runs SET learned = 'true'")
        store.con.execute("UPDATE runs SET learned = 'false' WHERE run_id IN ('set0-default-0', 'set0-default-1')")
        ids = store.con.execute("SELECT run_id, dataset, image_id FROM predictions WHERE run_id IN "
                                "('set0-default-0', 'set0-default-1')").df()
        ids["score_real"] = rng.uniform(0, 1, len(ids))
        store.con.register("chance", ids)
        store.con.execute("UPDATE predictions AS p SET score_real = c.score_real FROM chance AS c "
                          "WHERE p.run_id = c.run_id AND p.dataset = c.dataset AND p.image_id = c.image_id")
        return path, study_inputs(store)


def test_a_planted_non_learning_run_changes_the_order_and_the_sensitivity_line_says_so(tmp_path):
    _, inputs = _planted(tmp_path)
    frame, lines = learned_only_ranking(inputs.cells, inputs.runs)
    general = frame[(frame["metric"] == "accuracy") & (frame["scope"] == "generalization")].set_index("train_dataset")
    assert general.loc["set0", "rank_all"] > 1 and general.loc["set0", "rank_learned"] == 1
    assert general.loc["set0", "n_learned"] == 1 and general.loc["set1", "n_learned"] == 3
    line = next(x for x in lines if x.startswith("generalization accuracy"))
    assert "with only the 7 of 9 runs that learned, the order changes" in line and "learned runs set0 >" in line
    # the learned-only estimate is the mean over the learned runs' cells, computed by hand
    cells = inputs.cells[(inputs.cells["metric"] == "accuracy") & (inputs.cells["run_id"] == "set0-default-2")]
    by_hand = cells.loc[cells["eval_dataset"] != "set0", "value"].mean()
    assert general.loc["set0", "estimate_learned"] == pytest.approx(by_hand)


def test_the_ranking_reports_learned_counts_seed_spread_and_the_sensitivity(tmp_path):
    from dsanalysis.stats.analyses import Settings, ranking_tables

    _, inputs = _planted(tmp_path)
    tables = ranking_tables(inputs, Settings(n_boot=100))
    scores = tables["scores"]
    assert list(scores.columns[scores.columns.get_loc("n_runs"):][:3]) == ["n_runs", "n_learned", "n_not_learned"]
    row = scores[(scores["train_dataset"] == "set0") & (scores["metric"] == "accuracy")
                 & (scores["scope"] == "in_domain")].iloc[0]
    assert (row["n_learned"], row["n_not_learned"]) == (1, 2)
    # between-seed SD: the SD of the three runs' in-domain accuracies
    cells = inputs.cells[(inputs.cells["metric"] == "accuracy") & (inputs.cells["train_dataset"] == "set0")
                         & (inputs.cells["eval_dataset"] == "set0")]
    assert row["seed_sd"] == pytest.approx(cells["value"].std(ddof=1))
    assert tables["notes"]["message"].str.contains("the order changes").any()
    assert not tables["learned_sensitivity"].empty


def test_runs_without_a_verdict_give_no_sensitivity_ranking(tmp_path):
    from dsanalysis.stats.inputs import study_inputs
    from dsanalysis.store import open_store

    path = tmp_path / "s.duckdb"
    build_stats_store(path, n_datasets=2, seeds=(0, 1), n_images=20, with_traits=False)
    with open_store(path) as store:
        inputs = study_inputs(store)
    frame, lines = learned_only_ranking(inputs.cells, inputs.runs)
    assert frame.empty and lines == ["no run has a learning verdict (validation part too small, or trained before the "
                                     "check): no learned-runs-only ranking"]


def test_a_dataset_with_no_learned_run_drops_out_without_calling_the_order_changed(tmp_path):
    _, inputs = _planted(tmp_path)
    runs = inputs.runs.copy()
    runs["learned"] = np.where(runs["train_dataset"] == "set2", "false", "true")
    _, lines = learned_only_ranking(inputs.cells, runs)
    line = next(x for x in lines if x.startswith("generalization accuracy"))
    assert "the others keep their order" in line and line.endswith("(set2: no run learned)")
