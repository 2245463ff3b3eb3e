"""Headline sentences: a best dataset is named only when its interval is above chance and above every other's,
and no range is printed as 'x to x'."""

from __future__ import annotations

import pandas as pd
import pytest

from dsanalysis.stats.headlines import best_dataset, matrix_reading, ranking_headline, value_range


def _scores(rows: list[tuple], learned: bool = False) -> pd.DataFrame:
    """Generalization accuracy rows (train_dataset, estimate, ci_low, ci_high[, n_learned, n_not_learned])."""
    columns = ["train_dataset", "estimate", "ci_low", "ci_high"] + (["n_learned", "n_not_learned"] if learned else [])
    frame = pd.DataFrame(rows, columns=columns).assign(metric="accuracy", scope="generalization")
    return frame.assign(n_runs=3)


@pytest.mark.parametrize("low,high,expected", [(0.52, 0.52, "0.52"), (0.5201, 0.5249, "0.52"), (0.47, 0.55, "0.47 to 0.55"),
                                               (0.474, 0.476, "0.47 to 0.48")])
def test_a_range_whose_ends_print_alike_is_one_number(low, high, expected):
    assert value_range(low, high) == expected


def test_the_issue_case_two_models_at_chance_names_no_winner():
    # lfw's runs stayed at chance (validation check 'false'); both generalization scores are below 0.5
    scores = _scores([("lfw", 0.475, 0.46, 0.49, 0, 3), ("mesonet", 0.47, 0.45, 0.49, 3, 0)], learned=True)
    assert best_dataset(scores) == (None, "at_chance")
    sentence = ranking_headline(scores)
    assert "generalize best" not in sentence
    assert sentence.startswith("No training dataset is named best: lfw scores highest, accuracy 0.475 (95% CI 0.460 to 0.490),")
    assert "lies below chance (0.5)" in sentence


def test_overlapping_intervals_name_no_winner_and_say_with_whom():
    scores = _scores([("a", 0.70, 0.65, 0.75), ("b", 0.68, 0.63, 0.73), ("c", 0.55, 0.52, 0.58)])
    assert best_dataset(scores) == (None, "overlap")
    sentence = ranking_headline(scores)
    assert "generalize best" not in sentence
    assert "overlaps that of b, 0.680 (95% CI 0.630 to 0.730)" in sentence and "c, " not in sentence


def test_a_separated_interval_above_chance_names_the_winner():
    scores = _scores([("b", 0.65, 0.60, 0.70), ("a", 0.80, 0.77, 0.83)])
    assert best_dataset(scores) == ("a", "best")
    assert ranking_headline(scores).startswith("Models trained on a generalize best: accuracy 0.800 (95% CI 0.770 to 0.830)")


@pytest.mark.parametrize("rows,reason,words", [
    ([("a", 0.80, 0.77, 0.83, 0, 3), ("b", 0.6, 0.55, 0.65, 3, 0)], "not_learned", "none of its 3 checked runs learned"),
    ([("a", 0.80, 0.80, 0.80, 3, 0), ("b", 0.6, 0.6, 0.6, 3, 0)], "no_interval", "its interval could not be estimated"),
    ([("a", 0.56, 0.49, 0.62, 3, 0), ("b", 0.5, 0.45, 0.55, 3, 0)], "at_chance",
     "its interval includes chance (0.5); every dataset's interval includes chance"),
])
def test_no_winner_without_learning_an_interval_or_a_score_above_chance(rows, reason, words):
    scores = _scores(rows, learned=True)
    assert best_dataset(scores) == (None, reason)
    sentence = ranking_headline(scores)
    assert words in sentence and "generalize best" not in sentence
    if reason == "no_interval":
        assert "0.800 to 0.800" not in sentence and "(95% CI 0.800, zero width)" in sentence


def test_a_tie_is_not_worded_as_one_dataset_scoring_highest():
    scores = _scores([("lfw", 0.47, 0.46, 0.48), ("mesonet", 0.4701, 0.46, 0.48)])
    sentence = ranking_headline(scores)
    assert "mesonet ties with lfw for the highest score, accuracy 0.470" in sentence and "scores highest" not in sentence


def test_runs_without_a_verdict_do_not_block_a_winner():
    scores = _scores([("a", 0.80, 0.77, 0.83, 0, 0), ("b", 0.6, 0.55, 0.65, 0, 0)], learned=True)
    assert best_dataset(scores) == ("a", "best")


def test_one_training_dataset_is_not_called_best():
    sentence = ranking_headline(_scores([("a", 0.80, 0.77, 0.83)]))
    assert "generalize best" not in sentence and "nothing to rank" in sentence


def _cells(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kind", "train_dataset", "test_dataset", "in_domain", "accuracy", "runs",
                                       "runs_not_learned"])


def test_matrix_sentence_prints_no_degenerate_range_and_counts_runs_that_did_not_learn():
    cells = _cells([("trained", "lfw", "lfw", True, 0.52, 1, 1), ("trained", "lfw", "mesonet", False, 0.474, 1, 1),
                    ("trained", "mesonet", "lfw", False, 0.471, 1, 0), ("trained", "mesonet", "mesonet", True, 0.5201, 1, 0)])
    reading = matrix_reading(cells)
    assert "models reach accuracy 0.52." in reading and "0.52 to 0.52" not in reading
    assert "Across datasets, accuracy is 0.47 in every cell" in reading and "to 0.47" not in reading
    assert "1 of 2 trained runs did not learn" in reading


def test_matrix_sentence_keeps_real_ranges():
    cells = _cells([("trained", "a", "a", True, 0.9, 3, 0), ("trained", "a", "b", False, 0.6, 3, 0),
                    ("trained", "b", "a", False, 0.7, 3, 0), ("trained", "b", "b", True, 0.8, 3, 0)])
    reading = matrix_reading(cells)
    assert "models reach accuracy 0.80 to 0.90." in reading
    assert "ranges from 0.60 (trained on a, tested on b) to 0.70 (trained on b, tested on a)" in reading
    assert "did not learn" not in reading
