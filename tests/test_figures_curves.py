"""Detection curves and training curves: drawn from the tidy frames of stats.curves and run_history, by the
figures command and the report alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from study_store import add_predictions_and_history, build_study_store

from dsanalysis.figures.curves import (MAX_GRID_DATASETS, det_panels, drop_collinear, reliability_panels, roc_panels,
                                       score_histogram_grid)
from dsanalysis.figures.export import save_figure
from dsanalysis.figures.style import FigureStyle
from dsanalysis.figures.training import training_curves
from dsanalysis.stats.curves import averaged_roc, reliability_bins, score_histograms

STYLE = FigureStyle()
CURVE_FIGURES = ["calibration", "det_curves", "roc_curves", "score_histograms", "training_curves"]


def _scores(names: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for train in names:
        for test in names:
            for i in range(40):
                fake = i % 2 == 0
                shift = 0.3 if train == test else 0.1
                rows.append((train, test, f"run-{train}", "fake" if fake else "real",
                             float(np.clip(rng.normal(0.5 - shift if fake else 0.5 + shift, 0.15), 0, 1))))
    return pd.DataFrame(rows, columns=["train_dataset", "eval_dataset", "run_id", "label", "score_real"])


def _visible_axes(figure):
    return [ax for ax in figure.axes if ax.axison]


def test_roc_and_det_have_a_panel_per_test_set_and_a_line_per_training_set_in_domain_thicker():
    roc = averaged_roc(_scores(["a", "b", "c", "d"]), by=["train_dataset", "eval_dataset"])
    for figure in (roc_panels(roc, STYLE), det_panels(roc, STYLE)):
        axes = _visible_axes(figure)
        assert [ax.get_title() for ax in axes] == [f"tested on {n}" for n in "abcd"]
        for ax, tested in zip(axes, "abcd", strict=True):
            curves = ax.lines[1:]  # the first line is chance
            assert len(curves) == 4
            widths = {line.get_color(): line.get_linewidth() for line in curves}
            assert sorted(widths.values()) == [1.0, 1.0, 1.0, 1.8]
        legend = figure.legends[0]
        assert [t.get_text() for t in legend.get_texts()] == list("abcd")


def test_det_axes_are_normal_deviates_labelled_in_percent():
    from scipy.stats import norm

    roc = averaged_roc(_scores(["a", "b"]), by=["train_dataset", "eval_dataset"])
    ax = _visible_axes(det_panels(roc, STYLE))[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in labels and "50" in labels
    assert ax.get_xticks()[labels.index("50")] == pytest.approx(0.0)
    assert ax.get_xticks()[labels.index("1")] == pytest.approx(norm.ppf(0.01))


def test_histograms_show_each_class_with_the_threshold_and_only_in_domain_panels_for_many_datasets():
    names = ["a", "b", "c"]
    figure = score_histogram_grid(score_histograms(_scores(names), by=["train_dataset", "eval_dataset"]), STYLE,
                                  threshold=0.5)
    axes = _visible_axes(figure)
    assert len(axes) == 9
    for ax in axes:
        assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [0.5]
        assert len([line for line in ax.lines if line.get_linestyle() == "-"]) == 2  # real and fake
    many = [f"d{i}" for i in range(MAX_GRID_DATASETS + 1)]
    figure = score_histogram_grid(score_histograms(_scores(many), by=["train_dataset", "eval_dataset"]), STYLE,
                                  threshold=0.5)
    assert [ax.get_title() for ax in _visible_axes(figure)] == [f"{n} (in-domain)" for n in many]


def test_reliability_panels_draw_the_diagonal_and_a_marked_line_per_training_set():
    bins = reliability_bins(_scores(["a", "b"]), by=["train_dataset", "eval_dataset"])
    axes = _visible_axes(reliability_panels(bins, STYLE))
    assert len(axes) == 2
    for ax in axes:
        assert list(ax.lines[0].get_xdata()) == [0, 1]
        assert all(line.get_marker() == "o" for line in ax.lines[1:]) and len(ax.lines) == 3


def _history() -> pd.DataFrame:
    rows = []
    for dataset in ("a", "b"):
        for seed in (0, 1):
            run = f"{dataset}{seed}"
            for epoch in (1, 2, 3, 4):
                for metric in ("loss", "accuracy", "auc"):
                    rows.append((run, dataset, "default", seed, epoch, metric, 0.1 * epoch, 0.09 * epoch))
                rows.append((run, dataset, "default", seed, epoch, "seconds", 2.0, None))
            rows.append((run, dataset, "default", seed, 3, "best_epoch", None, 3.0))
    return pd.DataFrame(rows, columns=["run_id", "train_dataset", "config_name", "seed", "epoch", "metric", "train",
                                       "validation"])


def test_training_curves_have_a_row_per_training_dataset_and_mark_the_kept_epoch():
    figure = training_curves(_history(), STYLE)
    assert [ax.get_title() for ax in figure.axes[:3]] == ["loss", "accuracy", "AUC"]
    assert [ax.get_ylabel() for ax in figure.axes[::3]] == ["trained on\na", "trained on\nb"]
    ax = figure.axes[0]
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    markers = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(solid) == 2 and len(dashed) == 2  # two seeds, training and validation part
    assert [(m.get_xdata()[0], m.get_ydata()[0]) for m in markers] == [(3, pytest.approx(0.27))] * 2


def test_dropping_collinear_points_keeps_the_drawing():
    xs = np.linspace(0, 1, 101)
    ys = np.minimum(1.0, 2 * xs)
    thin_x, thin_y = drop_collinear(xs, ys)
    assert len(thin_x) == 3
    assert np.allclose(np.interp(xs, thin_x, thin_y), ys)


def test_new_figures_save_byte_identically(tmp_path):
    scores = _scores(["a", "b"])
    by = ["train_dataset", "eval_dataset"]

    def draw():
        roc = averaged_roc(scores, by=by)
        return {"roc": roc_panels(roc, STYLE), "det": det_panels(roc, STYLE),
                "hist": score_histogram_grid(score_histograms(scores, by=by), STYLE, threshold=0.5),
                "rel": reliability_panels(reliability_bins(scores, by=by), STYLE),
                "train": training_curves(_history(), STYLE)}

    for folder in ("1", "2"):
        (tmp_path / folder).mkdir()
        for name, figure in draw().items():
            save_figure(figure, tmp_path / folder / name, ("svg", "pdf"), STYLE)
    for path in (tmp_path / "1").iterdir():
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name


def test_figures_command_draws_curves_from_stored_predictions_and_history(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0, 1))
    add_predictions_and_history(store)
    result = cli("figures", "--out", tmp_path / "f", "--format", "svg", store=store)
    assert result.code == 0, result.err
    names = sorted(p.stem for p in (tmp_path / "f").glob("*.svg"))
    assert names == sorted(["matrix_accuracy", "matrix_auc", *CURVE_FIGURES])


def test_embedded_svg_is_compacted_without_losing_elements_or_glyph_scales():
    import io
    import re
    import xml.dom.minidom

    from dsanalysis.figures.export import _save, compact_svg

    buffer = io.BytesIO()
    _save(roc_panels(averaged_roc(_scores(["a", "b"]), by=["train_dataset", "eval_dataset"]), STYLE), buffer, "svg", STYLE)
    full = buffer.getvalue()
    small = compact_svg(full)
    assert len(small) < 0.9 * len(full)
    tags = re.compile(rb"<(\w+)")
    assert sorted(tags.findall(small)) == sorted(tags.findall(full))  # every element kept
    xml.dom.minidom.parseString(small)
    assert re.findall(rb'transform="[^"]*"', small) == re.findall(rb'transform="[^"]*"', full)
    assert not re.search(rb' d="[^"]*\d\.\d{3}', small)
