"""The HTML report: sections from the store, escaping, failure on an empty store, light imports."""

from __future__ import annotations

import subprocess
import sys

import pytest
from study_store import add_traits, build_study_store

NASTY = "<script>alert(1)</script>"


def test_report_has_summary_and_matrix_and_escapes_data(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", NASTY])
    out = tmp_path / "report"
    result = cli("report", "--out", out, store=store)
    assert result.code == 0, result.err
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="summary"' in html and 'id="matrix"' in html
    assert NASTY not in html  # the name never reaches the page as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('<img src="data:image/svg+xml;base64,') == 2  # accuracy and AUC heatmaps
    assert "http://" not in html and "https://" not in html  # nothing fetched from a network


def test_matrix_table_shows_seed_means_and_ranges(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0, 1, 2))
    cli("report", "--out", tmp_path / "r", store=store)
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    # alpha on beta: 0.60, 0.61, 0.62 over three seeds -> mean 0.610, range 0.600-0.620
    assert "<td>3</td><td>0.610</td><td>0.600–0.620</td>" in html


def test_empty_store_says_what_to_run_and_writes_nothing(cli, tmp_path):
    from dsanalysis.store import open_store

    with open_store(tmp_path / "empty.duckdb"):
        pass
    result = cli("report", "--out", tmp_path / "r", store=tmp_path / "empty.duckdb")
    assert result.code == 1
    assert "ingest" in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "r" / "index.html").exists()


def test_store_without_runs_gives_summary_only(cli, tmp_path):
    from fixtures import write_good

    write_good(tmp_path / "d" / "real", 2, 0)
    write_good(tmp_path / "d" / "fake", 2, 9)
    cli("ingest", "d", tmp_path / "d")
    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert 'id="summary"' in html and 'id="matrix"' not in html
    assert "no model has been trained yet" in html


def test_report_and_figures_do_not_import_tensorflow(tmp_path):
    store = build_study_store(tmp_path, ["a", "b"], seeds=(0,))
    code = (
        "import sys\nfrom dsanalysis.cli import main\n"
        f"assert main(['--store', {str(store)!r}, 'report', '--out', {str(tmp_path / 'r')!r}]) == 0\n"
        f"assert main(['--store', {str(store)!r}, 'figures', '--out', {str(tmp_path / 'f')!r}]) == 0\n"
        "print('HEAVY', sorted(m for m in ('tensorflow', 'keras', 'deepface') if m in sys.modules))\n"
    )
    # run outside the checkout: `python -c` puts the working directory first on sys.path, which would
    # shadow the installed package with the source folder
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert "HEAVY []" in out


@pytest.mark.parametrize("content,message", [("column_width_in = 'wide'\n", "column_width_in must be float"),
                                             ("colour = 1\n", "unknown key 'colour'")])
def test_bad_style_file_names_the_key(cli, tmp_path, content, message):
    store = build_study_store(tmp_path, ["a", "b"], seeds=(0,))
    (tmp_path / "style.toml").write_text(content)
    result = cli("report", "--out", tmp_path / "r", "--style", tmp_path / "style.toml", store=store)
    assert result.code == 1 and message in result.err


def test_traits_and_map_sections_show_shortcuts_duplicates_and_thumbnails(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0,))
    add_traits(store)
    assert cli("report", "--out", tmp_path / "r", store=store).code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert 'id="traits"' in html and 'id="embedding"' in html
    # shortcuts come from the audit `traits` stores (never thresholded here): none is stored, and the page says so
    assert "No shortcut audit is stored" in html and "-0.90" not in html
    assert "alpha 20.0%" in html  # near-duplicate warning
    assert html.count('data:image/jpeg;base64,') == 12  # three real and three fake thumbnails per dataset
    assert 'alt="skin_tone_shares"' in html and 'alt="distribution_jpeg_quality"' in html


def test_ranking_and_traits_sections_read_the_stored_analyses(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta", "gamma"], seeds=(0, 1, 2))
    add_traits(store)
    assert cli("analyze", "ranking", "--n-boot", "200", store=store).code == 0
    assert cli("analyze", "traits", "--n-boot", "200", "--n-perm", "199", store=store).code == 0
    assert cli("report", "--out", tmp_path / "r", store=store).code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    for section in ("ranking", "traits_performance", "methods"):
        assert f'id="{section}"' in html
    # gamma's models transfer best (0.70 + seed bonus), then beta, then alpha
    assert "Models trained on gamma generalize best" in html
    assert "Dataset level: 3 datasets" in html  # the sample-size warning is shown first
    assert 'alt="critical_difference_accuracy"' in html and 'alt="traits_vs_score"' in html


def test_report_figures_match_the_figures_command(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta", "gamma"], seeds=(0, 1))
    assert cli("analyze", "ranking", "--n-boot", "200", store=store).code == 0
    assert cli("figures", "--out", tmp_path / "f", "--format", "svg", store=store).code == 0
    names = sorted(p.stem for p in (tmp_path / "f").glob("*.svg"))
    assert names == ["critical_difference_accuracy", "critical_difference_auc", "matrix_accuracy", "matrix_auc",
                     "ranking_accuracy", "ranking_auc"]


def test_models_at_chance_get_no_winner_and_no_degenerate_ranges(cli, tmp_path):
    """The issue's two-dataset study: lfw's models stayed at chance (validation check 'false'), every score is
    about 0.5. The headline names no winner, and no range is printed as 'x to x'."""
    import duckdb

    store = build_study_store(tmp_path, ["lfw", "mesonet"], seeds=(0, 1, 2))
    con = duckdb.connect(str(store))
    con.execute("UPDATE runs SET learned = CASE WHEN train_dataset = 'lfw' THEN 'false' ELSE 'true' END")
    con.execute("""UPDATE metrics AS m SET value = CASE WHEN r.train_dataset = m.dataset THEN 0.52
                                                        ELSE 0.46 + 0.01 * r.seed END
                   FROM runs AS r WHERE r.run_id = m.run_id AND m.metric = 'accuracy'""")
    con.close()
    assert cli("analyze", "ranking", "--n-boot", "200", store=store).code == 0
    assert cli("report", "--out", tmp_path / "r", store=store).code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "generalize best" not in html
    assert "No training dataset is named best: lfw ties with mesonet for the highest score" in html
    assert "yet its interval lies below chance (0.5)" in html
    assert "models reach accuracy 0.52." in html and "0.52 to 0.52" not in html
    assert "Across datasets, accuracy is 0.47 in every cell" in html and "to 0.47 (trained on" not in html
    assert "3 of 6 trained runs did not learn" in html
    assert "<td>0.520</td><td>0.520</td>" in html  # one number where every run scored alike, not 0.520–0.520
