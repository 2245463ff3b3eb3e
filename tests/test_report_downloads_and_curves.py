"""The report's curves, training curves, labelled examples, CSV downloads of every table, settings tables and
unambiguous seed columns."""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path

from study_store import add_predictions_and_history, add_traits, build_study_store

TEMPLATES = Path(__file__).resolve().parents[1] / "dsanalysis" / "report" / "templates"
CSV_LINK = re.compile(r'<p class="csv"><a download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]*)">')


#: where what follows a table ends: the next table, heading or section
NEXT_BLOCK = re.compile(r"<table|<h[1-3][ >]|</section>")


def _after(text: str, end: int) -> str:
    """The text after a table up to the next table, heading or section end."""
    following = NEXT_BLOCK.search(text, end)
    return text[end:following.start() if following else len(text)]


def tables_with_downloads(html: str) -> list[tuple[int, list[list[str]] | None]]:
    """(body rows shown, the CSV linked after the table, before the next table or heading, or None) per table."""
    found = []
    for match in re.finditer(r"<table.*?</table>", html, re.S):
        shown = len(re.findall(r"<tr", match.group(0).split("<tbody>", 1)[-1]))
        link = CSV_LINK.search(_after(html, match.end()))
        rows = list(csv.reader(io.StringIO(base64.b64decode(link.group(2)).decode("utf-8")))) if link else None
        found.append((shown, rows))
    return found


def test_every_table_in_the_templates_is_followed_by_its_csv_link():
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        ends = [m.end() for m in re.finditer("</table>", text)]
        linked = [end for end in ends if "| csv_link(" in _after(text, end)]
        assert linked == ends, f"{path.name}: {len(ends)} tables, {len(linked)} followed by a csv_link"


def _report(cli, tmp_path: Path, store: Path) -> str:
    result = cli("report", "--out", tmp_path / "r", store=store)
    assert result.code == 0, result.err
    return (tmp_path / "r" / "index.html").read_text(encoding="utf-8")


def test_every_rendered_table_has_a_csv_download_of_its_rows(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta", "gamma"], seeds=(0, 1))
    add_traits(store)
    add_predictions_and_history(store)
    assert cli("analyze", "ranking", "--bootstrap", "100", store=store).code == 0
    assert cli("analyze", "traits", "--bootstrap", "100", "--permutations", "99", store=store).code == 0
    html = _report(cli, tmp_path, store)
    tables = tables_with_downloads(html)
    assert len(tables) >= 12  # summary, matrix, training runs, ranking, traits, traits versus performance, methods
    for shown, rows in tables:
        assert rows is not None, "a table without its CSV download"
        assert rows[0] and all(rows[0]) and len(rows) - 1 >= shown
    names = CSV_LINK.findall(html)
    assert len({name for name, _ in names}) == len(names)  # one file name per table
    matrix = next(rows for name, rows in ((n, list(csv.reader(io.StringIO(base64.b64decode(b).decode())))) for n, b in names)
                  if name == "cross_dataset_matrix.csv")
    header = matrix[0]
    alpha_beta = next(r for r in matrix[1:] if r[header.index("model")] == "alpha" and r[header.index("test_dataset")] == "beta")
    assert float(alpha_beta[header.index("accuracy")]) == 0.605  # mean of 0.60 and 0.61 at full precision
    assert "http://" not in html and "https://" not in html


def test_report_shows_curves_training_curves_and_labelled_examples(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0, 1))
    add_predictions_and_history(store)
    html = _report(cli, tmp_path, store)
    for section in ("examples", "curves", "training"):
        assert f'id="{section}"' in html
    for name in ("roc_curves", "det_curves", "score_histograms", "calibration", "training_curves"):
        assert html.count(f'alt="{name}"') == 1
    assert html.count('<figcaption class="label-real">real</figcaption>') == 6  # three per dataset
    assert html.count('<figcaption class="label-fake">fake</figcaption>') == 6
    examples = html.split('id="examples"', 1)[1].split("</section>", 1)[0]
    assert examples.count('<img src="data:image/jpeg;base64,') == 12


def test_settings_are_tables_and_seed_columns_say_what_they_hold(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0, 1))
    add_traits(store)
    assert cli("analyze", "ranking", "--bootstrap", "100", store=store).code == 0
    html = _report(cli, tmp_path, store)
    assert '{&#34;' not in html and '{"' not in html.split("<script>", 1)[0]  # no raw JSON block
    methods = html.split('id="methods"', 1)[1]
    assert '<td class="text">learning_rate</td><td class="text">0.001</td>' in methods
    assert '<th class="text">meso4 / default</th>' in methods
    assert '<td class="text">n_boot</td><td class="text">100</td>' in methods  # the ranking analysis' settings
    embedding = html.split('id="embedding"', 1)[1].split("</section>", 1)[0]
    assert '<td class="text">seed</td><td class="text">0</td>' in embedding
    assert '<th class="text">seed values</th>' in html and "<th>seeds (count)</th>" in html
    assert ">seeds</th>" not in html
