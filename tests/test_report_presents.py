"""The report only presents: interval labels and significance follow the levels stored with what computed them,
warnings are read as stored (never re-decided), and thumbnails are read through dsanalysis.imaging from the
paths the store gives."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
from fixtures import write_good
from stats_stores import build_stats_store
from study_store import add_traits, build_study_store

import dsanalysis.report
from dsanalysis.store import open_store

REPORT = Path(dsanalysis.report.__file__).parent
FAST = ["--bootstrap", "200", "--permutations", "199", "--random-groups", "50"]


def _section(html: str, name: str) -> str:
    return html.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def test_interval_labels_follow_the_stored_confidence(cli, store_path, tmp_path):
    """After `analyze all --confidence 0.9` every interval of the three analyses is labelled 90%, the headline's
    intervals too, and no 95% appears in their sections (but for the learning check's own level, which the
    ranking's reading names)."""
    from dsanalysis.model.learning import CONFIDENCE

    build_stats_store(store_path, n_datasets=3, seeds=(0, 1), n_images=30)
    result = cli("analyze", "all", "--confidence", "0.9", *FAST)
    assert result.code == 0, result.err
    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    for name in ("ranking", "traits_performance", "subgroups"):
        part = _section(html, name).replace(f"AUC&#39;s {100 * CONFIDENCE:g}% interval", "")
        assert "90% CI" in part and "95%" not in part, name
    ranking = _section(html, "ranking")
    assert "90% bootstrap intervals" in ranking and re.search(r"\(90% CI \d", ranking)  # figure caption, headline
    assert "90% intervals" in _section(html, "subgroups")


def test_the_friedman_verdict_tests_at_the_stored_level():
    from dsanalysis.stats.headlines import ranking_reading

    scores = pd.DataFrame({"train_dataset": ["a", "b"], "metric": "accuracy", "scope": "generalization",
                           "estimate": [0.7, 0.6], "ci_low": [0.65, 0.55], "ci_high": [0.75, 0.66]})
    friedman = pd.DataFrame({"metric": ["accuracy"], "n_blocks": [8], "p_value": [0.07], "kendall_w": [0.3]})
    at_90 = ranking_reading(scores, friedman, pd.DataFrame(), confidence=0.9)
    at_95 = ranking_reading(scores, friedman, pd.DataFrame(), confidence=0.95)
    assert "the ranking is unlikely to be chance" in at_90 and "(90% CI 0.650 to 0.750)" in at_90
    assert "the ranking may be chance" in at_95 and "(95% CI 0.650 to 0.750)" in at_95


def test_the_near_duplicate_warning_is_read_as_stored_not_re_decided(cli, tmp_path):
    """The flag and its threshold are stored by traits with the rate; the report shows the flagged datasets
    whatever their rate, with the stored threshold."""
    from dsanalysis.traits.duplicates import WARNING_RATE, warning_params

    assert warning_params(WARNING_RATE)["warning"] and not warning_params(WARNING_RATE / 2)["warning"]
    assert not warning_params(float("nan"))["warning"]
    store = build_study_store(tmp_path, ["alpha", "beta"], seeds=(0,))
    add_traits(store)  # alpha's rate is 0.2, flagged by traits; beta's 0.0
    con = duckdb.connect(str(store))
    con.execute("UPDATE dataset_traits SET params = ? WHERE dataset = 'alpha' AND trait = 'near_duplicate_rate'",
                [json.dumps({"warning": False, "warning_threshold": 0.5})])
    con.execute("UPDATE dataset_traits SET value = 0.01, params = ? WHERE dataset = 'beta' AND trait = 'near_duplicate_rate'",
                [json.dumps({"warning": True, "warning_threshold": 0.01})])
    con.close()
    assert cli("report", "--out", tmp_path / "r", store=store).code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Near-duplicates: beta 1.0% of images" in html and "alpha 20.0%" not in html
    assert "flagged by <code>traits</code> from a rate of 1.0%" in html
    rows = json.loads(cli("sql", "--query", "near_duplicates", "--format", "json", store=store).out)
    assert [(r["dataset"], r["warning"], r["warning_threshold"]) for r in rows] == [("alpha", False, 0.5), ("beta", True, 0.01)]


def test_the_report_holds_no_thresholds_or_levels_of_its_own():
    """No confidence level, significance level or warning threshold is written into the report's code or
    templates: they come with the stored results."""
    for path in sorted(REPORT.rglob("*")):
        if path.suffix not in {".py", ".html"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert "95%" not in text and "90%" not in text, path
        assert not re.search(r"(?<![\d.])0\.0[15](?![\d])", text), path  # 0.05, 0.01: significance levels
        assert not re.search(r"p_value\s*[<>]|[<>]=?\s*alpha", text), path  # no significance decided here
    tree = ast.parse((REPORT / "sections.py").read_text(encoding="utf-8"))
    floats = [node.targets[0].id for node in tree.body if isinstance(node, ast.Assign)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, float)]
    assert floats == []  # module constants are display counts, never cut-offs


def test_thumbnails_are_read_through_imaging_from_the_paths_the_store_gives(cli, store_path, tmp_path, monkeypatch):
    """Examples are images the study uses (usable_images: its paths and its cap), read by the one image reading
    path (dsanalysis.imaging.display_jpeg)."""
    import dsanalysis.imaging
    from dsanalysis.figures.style import FigureStyle
    from dsanalysis.report.sections import THUMBNAILS, _section_examples

    write_good(tmp_path / "d" / "real", 30, 0)
    write_good(tmp_path / "d" / "fake", 30, 500)
    assert cli("ingest", "d", tmp_path / "d", "--max-images-per-class", "10").code == 0
    seen: list[str] = []
    monkeypatch.setattr(dsanalysis.imaging, "display_jpeg", lambda path, side: seen.append(str(path)) or b"\xff\xd8")
    with open_store(store_path, read_only=True) as store:
        usable = store.query("usable_images", dataset="d")
        examples = _section_examples(store, FigureStyle())
    assert len(usable) == 20 and len(seen) == THUMBNAILS and set(seen) <= set(usable["path"])
    images = examples["datasets"][0]["images"]
    assert [i["label"] for i in images] == ["real"] * 3 + ["fake"] * 3
    assert all(i["uri"] == "data:image/jpeg;base64,/9g=" for i in images)


def test_display_jpeg_shrinks_a_file_and_says_none_for_a_missing_one(tmp_path):
    from PIL import Image

    from dsanalysis.imaging import display_jpeg

    path = write_good(tmp_path, 1, 0)[0]
    data = display_jpeg(path, 40)
    assert data[:2] == b"\xff\xd8"
    with Image.open(__import__("io").BytesIO(data)) as image:
        assert max(image.size) <= 40
    assert display_jpeg(tmp_path / "gone.jpg", 40) is None
