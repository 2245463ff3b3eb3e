"""Publication figures: every kind draws from a tidy frame, and saving twice gives identical bytes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dsanalysis.errors import UserError
from dsanalysis.figures.critical_difference import critical_difference_diagram, indistinct_groups
from dsanalysis.figures.embedding import embedding_map
from dsanalysis.figures.export import save_figure
from dsanalysis.figures.intervals import interval_plot
from dsanalysis.figures.matrix import matrix_heatmap
from dsanalysis.figures.scatter import trait_scatter_panel
from dsanalysis.figures.style import FigureStyle, load_style

STYLE = FigureStyle()


def _figures():
    names = ["a", "b", "c", "d"]
    matrix = pd.DataFrame([(r, c, 0.9 if r == c else 0.6) for r in names for c in names],
                          columns=["train_dataset", "eval_dataset", "value"])
    ranking = pd.DataFrame({"dataset": names, "score": [0.8, 0.7, 0.65, 0.6], "low": [0.75, 0.6, 0.6, 0.5],
                            "high": [0.85, 0.8, 0.7, 0.7]})
    ranks = pd.DataFrame({"dataset": names, "mean_rank": [1.2, 2.1, 3.0, 3.7]})
    points = pd.DataFrame({"dataset": names * 2, "trait": ["vendi"] * 4 + ["ita_entropy"] * 4,
                           "trait_value": [1, 2, 3, 4, 0.1, 0.5, 0.9, 1.2], "score": [0.6, 0.65, 0.7, 0.8] * 2})
    fits = pd.DataFrame({"trait": ["vendi"] * 2, "x": [1, 4], "fit": [0.6, 0.8], "ci_low": [0.55, 0.7], "ci_high": [0.65, 0.9]})
    rng = np.random.default_rng(0)
    embedding = pd.DataFrame({"x": rng.normal(size=40), "y": rng.normal(size=40), "dataset": ["a", "b"] * 20,
                              "label": ["real"] * 20 + ["fake"] * 20})
    return {
        "matrix": matrix_heatmap(matrix, STYLE, column="eval_dataset"),
        "ranking": interval_plot(ranking, STYLE, label="dataset", estimate="score", low="low", high="high"),
        "cd": critical_difference_diagram(ranks, STYLE, critical_difference=1.5),
        "scatter": trait_scatter_panel(points, STYLE, fits=fits),
        "umap": embedding_map(embedding, STYLE),
    }


def test_saving_twice_gives_identical_svg_and_pdf_and_300_dpi_png(tmp_path):
    first, second = tmp_path / "1", tmp_path / "2"
    first.mkdir()
    second.mkdir()
    for name, figure in _figures().items():
        save_figure(figure, first / name, ("svg", "pdf", "png"), STYLE)
    for name, figure in _figures().items():  # drawn anew, as a second `figures` run would
        save_figure(figure, second / name, ("svg", "pdf", "png"), STYLE)
    for name in _figures():
        for fmt in ("svg", "pdf"):
            assert (first / f"{name}.{fmt}").read_bytes() == (second / f"{name}.{fmt}").read_bytes(), (name, fmt)
        dpi = Image.open(first / f"{name}.png").info["dpi"]
        assert round(dpi[0]) == 300


def test_pdf_embeds_its_fonts(tmp_path):
    save_figure(_figures()["matrix"], tmp_path / "m", ("pdf",), STYLE)
    pdf = (tmp_path / "m.pdf").read_bytes()
    assert b"/FontFile2" in pdf  # TrueType font program embedded (pdf.fonttype 42)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="no column 'value'"):
        matrix_heatmap(pd.DataFrame({"train_dataset": ["a"], "eval_dataset": ["a"]}), STYLE)


def test_indistinct_groups_join_runs_closer_than_the_critical_difference():
    ranks = pd.Series({"a": 1.0, "b": 1.5, "c": 2.4, "d": 4.0})
    # a-b (0.5) and b-c (0.9) are within CD 1.0; a-c (1.4) is not; d is alone
    assert indistinct_groups(ranks, 1.0) == [["a", "b"], ["b", "c"]]
    assert indistinct_groups(ranks, 0.1) == []
    assert indistinct_groups(ranks, 10.0) == [["a", "b", "c", "d"]]


def test_style_file_overrides_and_validation(tmp_path):
    path = tmp_path / "journal.toml"
    path.write_text('column_width_in = 3.3\nfont_size = 7\nfont_family = "DejaVu Serif"\n')
    style = load_style(path)
    assert (style.column_width_in, style.font_size, style.font_family) == (3.3, 7, "DejaVu Serif")
    path.write_text("font_size = -2\n")
    with pytest.raises(UserError, match="font_size must be positive"):
        load_style(path)


def test_figures_command_writes_every_format_and_is_byte_identical_on_rerun(cli, tmp_path):
    from study_store import build_study_store

    store = build_study_store(tmp_path, ["a", "b", "c"], seeds=(0, 1))
    first = cli("figures", "--out", tmp_path / "f1", store=store)
    second = cli("figures", "--out", tmp_path / "f2", "--format", "svg,pdf,png", store=store)
    assert first.code == 0 and second.code == 0, first.err + second.err
    files = sorted(p.name for p in (tmp_path / "f1").iterdir())
    assert files == sorted(f"matrix_{m}.{f}" for m in ("accuracy", "auc") for f in ("pdf", "svg", "png"))
    for name in files:
        if not name.endswith(".png"):
            assert (tmp_path / "f1" / name).read_bytes() == (tmp_path / "f2" / name).read_bytes(), name


def test_figures_command_on_a_store_without_results_says_what_to_run(cli, tmp_path):
    from fixtures import write_good

    write_good(tmp_path / "d" / "real", 2, 0)
    write_good(tmp_path / "d" / "fake", 2, 9)
    cli("ingest", "d", tmp_path / "d")
    result = cli("figures", "--out", tmp_path / "f")
    assert result.code == 1 and "run `train` and `evaluate` first" in result.err
    assert cli("figures", "--format", "gif").code == 1


def test_report_and_figures_default_to_the_same_place_for_a_store(cli, tmp_path, monkeypatch):
    from study_store import build_study_store

    store = build_study_store(tmp_path, ["a", "b"], seeds=(0,))
    monkeypatch.chdir(tmp_path)
    assert cli("figures", "--format", "svg", store=store).code == 0
    assert cli("report", store=store).code == 0
    assert (tmp_path / "reports" / store.stem / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "reports" / store.stem / "figures").iterdir()) == [
        "matrix_accuracy.svg", "matrix_auc.svg"]


@pytest.mark.parametrize("k", [3, 5, 12])
def test_critical_difference_diagram_has_no_blank_band(tmp_path, k):
    """The axes span what is drawn: ink from near the top to near the bottom of the saved figure (it was ~40% blank)."""
    names = [f"dataset_{i}" for i in range(k)]
    ranks = pd.DataFrame({"dataset": names, "mean_rank": np.linspace(1.2, k - 0.2, k)})
    save_figure(critical_difference_diagram(ranks, STYLE, critical_difference=1.9), tmp_path / "cd", ("png",), STYLE)
    pixels = np.asarray(Image.open(tmp_path / "cd.png").convert("L"))
    inked = np.flatnonzero((pixels < 250).any(axis=1))
    margin = 0.2 * STYLE.png_dpi  # savefig's own padding is 0.1 inch
    assert inked[0] < margin and pixels.shape[0] - 1 - inked[-1] < margin  # no blank band above or below
