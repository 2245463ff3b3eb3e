"""The analyze command and the store-facing layer, on small synthetic stores (no training)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from dsanalysis.stats.results import load_result, long_cells
from dsanalysis.store import open_store
from stats_stores import build_stats_store

FAST = ["--n-boot", "200", "--n-perm", "200", "--n-random", "50"]


def _result(store_path, name, result):
    with open_store(store_path, read_only=True) as store:
        return load_result(store, name, result)


def _no_silent_nan(frame: pd.DataFrame) -> None:
    """Every missing number sits in a row whose note says why."""
    numeric = frame.select_dtypes("number")
    missing = numeric.isna().any(axis=1)
    notes = frame["note"].fillna("") if "note" in frame.columns else pd.Series("", index=frame.index)
    assert not (missing & (notes == "")).any(), frame[missing & (notes == "")]


@pytest.mark.slow
def test_analyze_all_writes_every_table_with_provenance(cli, store_path):
    truth = build_stats_store(store_path, n_datasets=4, seeds=(0, 1), n_images=40)
    result = cli("analyze", "all", *FAST)
    assert result.code == 0, result.err
    assert "DATASET LEVEL: 4 datasets" in result.out
    scores = _result(store_path, "ranking", "scores")
    gen = scores[(scores["metric"] == "accuracy") & (scores["scope"] == "generalization")].set_index("train_dataset")
    assert gen.loc["set0", "rank"] == 1 or gen.loc["set0", "estimate"] > gen.loc["set3", "estimate"]  # planted skill
    assert (gen["ci_low"] <= gen["estimate"]).all() and (gen["estimate"] <= gen["ci_high"]).all()
    for name, results in {"ranking": ["transfer", "friedman", "mean_ranks", "pairwise", "mixed_model"],
                          "traits": ["trait_correlations", "pair_regression", "mantel", "image_odds_ratios", "profile"],
                          "subgroups": ["subgroup_metrics", "subgroup_gaps"]}.items():
        for table in results:
            stored = _result(store_path, name, table)
            assert not stored.empty, (name, table)
            # the typed named query shows exactly the stored columns, in order
            with open_store(store_path, read_only=True) as store:
                typed = store.query(f"analysis_{table}")
            assert list(typed.columns) == ["row_index", *stored.columns], table
            assert len(typed) == len(stored), table
    odds = _result(store_path, "traits", "image_odds_ratios").set_index("term")
    assert odds.loc["quality.blur", "ci_high"] < 1  # planted: blurrier images are called wrong more often
    pair = _result(store_path, "traits", "pair_regression").set_index("model")
    assert pair.loc["univariate:distance:frechet_distance", "estimate"] < 0  # planted: distance hurts transfer
    notes = _result(store_path, "subgroups", "notes")
    assert notes["subject"].eq("quality.phash").any()  # a hash is an identifier, not a subgroup
    assert set(_result(store_path, "subgroups", "subgroup_metrics")["attribute"]) == {"quality.blur", "skin.ita"}
    _no_silent_nan(_result(store_path, "traits", "trait_correlations"))
    _no_silent_nan(_result(store_path, "traits", "pair_regression"))
    with duckdb.connect(str(store_path), read_only=True) as con:
        analyses = con.execute("SELECT name, params, seed, inputs, library_versions FROM analyses ORDER BY name").df()
    assert list(analyses["name"]) == ["ranking", "subgroups", "traits"]
    assert analyses["params"].str.contains('"n_boot": 200').all() and analyses["library_versions"].str.contains("statsmodels").all()
    assert len(truth["datasets"]) == 4


def test_rerun_replaces_the_analysis_and_typed_queries_read_it(cli, store_path):
    build_stats_store(store_path, n_datasets=3, seeds=(0, 1), n_images=30)
    assert cli("analyze", "ranking", *FAST).code == 0
    assert cli("analyze", "ranking", *FAST).code == 0
    with duckdb.connect(str(store_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM analyses").fetchone()[0] == 1
    out = cli("sql", "--query", "analysis_scores", "--format", "csv")
    assert out.code == 0, out.err
    typed = pd.read_csv(pd.io.common.StringIO(out.out))
    stored = _result(store_path, "ranking", "scores")
    assert list(typed.columns[1:]) == list(stored.columns)
    assert np.allclose(typed["estimate"], stored["estimate"])
    assert cli("sql", "--query", "analysis_pairwise").code == 0


def test_two_datasets_single_seed_is_explained_not_a_crash(cli, store_path):
    build_stats_store(store_path, n_datasets=2, seeds=(0,), n_images=30)
    result = cli("analyze", "all", *FAST)
    assert result.code == 0, result.err
    assert "2 datasets cannot support any trait claim" in result.out
    assert "a single seed" in result.out
    correlations = _result(store_path, "traits", "trait_correlations")
    assert correlations["r"].isna().all() and correlations["note"].str.contains("at least 3").all()
    pair = _result(store_path, "traits", "pair_regression")
    assert pair["estimate"].isna().all() and pair["note"].str.contains("at least 3 datasets").all()
    notes = _result(store_path, "traits", "notes")
    assert notes["message"].str.contains("cannot support any trait claim").any()
    _no_silent_nan(_result(store_path, "ranking", "scores"))
    # every stored note has a declared kind; the sample-size statement is the one of kind 'sample_size'
    from dsanalysis.stats.notes import NOTE_KINDS, of_kind

    for name in ("ranking", "traits", "subgroups"):
        assert _result(store_path, name, "notes")["kind"].isin(list(NOTE_KINDS)).all(), name
    assert of_kind(notes, "sample_size")["message"].str.startswith("2 datasets cannot support").tolist() == [True]
    assert "DATASET LEVEL: 2 datasets cannot support any trait claim" in result.out
    assert of_kind(_result(store_path, "ranking", "notes"), "caution")["message"].str.contains("a single seed").any()


def test_analyze_highlights_notes_by_kind_not_by_their_wording(capsys):
    """The terminal puts the notes of kind 'sample_size' first, whatever they say; a note of another kind that
    happens to speak of datasets and claims is listed with the others only."""
    from dsanalysis.commands.analyze import print_tables
    from dsanalysis.stats.notes import note_table

    notes = note_table([("dataset_level", "traits", "not_estimable", "no traits for 2 datasets: no claim is detectable"),
                        ("dataset_level", "sample size", "sample_size", "five sets: only strong effects show")])
    print_tables("traits", {"notes": notes})
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "  DATASET LEVEL: five sets: only strong effects show"
    assert "DATASET LEVEL: no traits" not in out
    assert "[dataset_level] traits: no traits for 2 datasets" in out


def test_notes_of_an_undeclared_kind_are_refused():
    from dsanalysis.stats.notes import note_table

    with pytest.raises(ValueError, match="unknown note kind"):
        note_table([("ranking", "seeds", "warning!", "one seed")])


def test_metrics_without_predictions_still_rank_with_a_note(cli, store_path):
    build_stats_store(store_path, n_datasets=3, seeds=(0, 1), n_images=20, with_predictions=False, with_traits=False)
    with open_store(store_path) as store:
        runs = store.con.execute("SELECT run_id, train_dataset FROM runs").df()
        rows = [{"run_id": r.run_id, "dataset": d, "part": "test", "level": "image", "metric": "accuracy",
                 "value": 0.9 if d == r.train_dataset else 0.6, "n": 20}
                for r in runs.itertuples() for d in ("set0", "set1", "set2")]
        with store.transaction():
            store.con.register("m", pd.DataFrame(rows))
            store.con.execute("INSERT INTO metrics BY NAME SELECT * FROM m")
    result = cli("analyze", "ranking", *FAST)
    assert result.code == 0, result.err
    assert "scores come from the metrics table" in result.out
    scores = _result(store_path, "ranking", "scores")
    assert set(scores["metric"]) == {"accuracy"}
    assert np.allclose(scores.loc[scores["scope"] == "in_domain", "estimate"], 0.9)


def test_only_complete_trained_runs_count(cli, store_path):
    build_stats_store(store_path, n_datasets=3, seeds=(0, 1), n_images=20)
    with open_store(store_path) as store, store.transaction():
        store.con.execute("UPDATE runs SET status = 'failed' WHERE seed = 1")
    assert cli("analyze", "ranking", *FAST).code == 0
    scores = _result(store_path, "ranking", "scores")
    assert (scores["n_runs"] == 1).all()


def test_empty_store_and_bad_settings_give_one_line_errors(cli, store_path, tmp_path):
    missing = cli("analyze", "ranking", store=tmp_path / "none.duckdb")
    assert missing.code == 1 and "does not exist" in missing.err
    with open_store(store_path):
        pass
    empty = cli("analyze", "ranking")
    assert empty.code == 0 and "no complete trained runs" in empty.out
    bad = cli("analyze", "ranking", "--bootstrap", "5")
    assert bad.code == 1 and "--bootstrap 5 is too few" in bad.err


def test_long_cells_round_trip_keeps_types_order_and_infinity(store_path):
    frame = pd.DataFrame({"name": ["a", None], "x": [1.5, np.nan], "flag": [True, False], "vif": [np.inf, 2.0],
                          "note": ["", "why"]})
    cells = long_cells("id", "t", frame)
    assert len(cells) == 10
    from dsanalysis.stats.results import save_analysis

    with open_store(store_path) as store:
        analysis_id = save_analysis(store, "demo", {"k": 1}, 0, {"fingerprint": "x"}, {"t": frame})
        back = load_result(store, "demo", "t", analysis_id)
    assert list(back.columns) == list(frame.columns)
    assert back.loc[0, "name"] == "a" and back.loc[0, "x"] == 1.5 and np.isnan(back.loc[1, "x"])
    assert list(back["flag"]) == [1.0, 0.0] and np.isinf(back.loc[0, "vif"]) and back.loc[1, "vif"] == 2.0


def test_stats_never_imports_plotting_templating_or_tensorflow(tmp_path):
    code = ("import sys, dsanalysis.stats.analyses, dsanalysis.stats.results, dsanalysis.commands.analyze; "
            "bad = [m for m in ('tensorflow', 'matplotlib', 'jinja2', 'keras', 'deepface') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_near_perfect_detector_gets_intervals_inside_zero_and_one(cli, store_path):
    """set0's models call all but one image of a class right on every dataset (accuracy and AUC near 1), the
    others are near chance: every ranking interval and every mixed-model mean interval stays in [0, 1]."""
    build_stats_store(store_path, n_datasets=3, seeds=(0, 1, 2), n_images=40, with_traits=False)
    with open_store(store_path) as store:
        store.con.execute("""
            UPDATE predictions AS p SET score_real = CASE
                WHEN i.label = 'real' THEN (CASE WHEN i.rel_path = 'real/0.jpg' THEN 0.45 ELSE 0.9 END)
                ELSE (CASE WHEN i.rel_path = 'fake/1.jpg' THEN 0.55 ELSE 0.1 END) END
            FROM images AS i WHERE i.image_id = p.image_id AND p.run_id LIKE 'set0-%'""")
    assert cli("analyze", "ranking", *FAST).code == 0
    scores = _result(store_path, "ranking", "scores")
    assert ((scores["ci_low"] >= 0) & (scores["ci_high"] <= 1)).all(), scores
    best = scores[(scores["train_dataset"] == "set0") & (scores["metric"] == "auc")]
    assert (best["estimate"] > 0.99).all() and (best["ci_high"] > 0.99).all()
    mixed = _result(store_path, "ranking", "mixed_model")
    means = mixed[mixed["kind"] == "mean"]
    assert ((means["ci_low"] >= 0) & (means["ci_high"] <= 1)).all(), means
    assert means.loc[means["term"] == "set0", "note"].str.contains("cut at 1").all()
