"""Names from the data reach figures as plain text and file names that stay in the output folder."""

from __future__ import annotations

from study_store import add_traits, build_study_store

from dsanalysis.figures.export import safe_stem

HOSTILE = "$\\badcmd{x}$"


def test_a_dataset_named_like_mathtext_is_drawn_as_text(tmp_path, cli):
    store = build_study_store(tmp_path, [HOSTILE, "plain"], seeds=(0,))
    add_traits(store)
    figures = cli("figures", "--out", tmp_path / "figs", "--format", "svg", store=store)
    assert figures.code == 0, figures.err
    assert (tmp_path / "figs" / "matrix_accuracy.svg").exists()
    report = cli("report", "--out", tmp_path / "report", store=store)
    assert report.code == 0, report.err
    assert "\\badcmd" in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_figure_file_names_are_sanitised():
    assert safe_stem("subgroups_user_a/b") == "subgroups_user_a_b"
    assert safe_stem("../../etc/passwd") == "_.._etc_passwd"
    assert safe_stem(".hidden") == "hidden" and safe_stem("") == "figure"
    assert safe_stem("matrix_accuracy_meso4") == "matrix_accuracy_meso4"
