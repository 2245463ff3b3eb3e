"""The shortcut audit end to end: ingest, traits, sql and report on images whose JPEG settings give the
label away (as in the shared LFW sample: every real at quality 90, every fake at 95)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fixtures import jpeg_bytes


def _write(folder: Path, count: int, start_seed: int, quality: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"img{i:03d}.jpg").write_bytes(jpeg_bytes(start_seed + i, quality=quality))


def _section(html: str, section: str) -> str:
    match = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
    assert match, section
    return match.group(1)


def _sql(cli, query: str) -> list[dict]:
    result = cli("sql", "--query", query, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_jpeg_setting_that_gives_the_label_away_is_warned_about_everywhere(cli, tmp_path):
    _write(tmp_path / "shortcut" / "real", 12, 1, quality=90)
    _write(tmp_path / "shortcut" / "fake", 12, 100, quality=95)
    assert cli("ingest", "shortcut", tmp_path / "shortcut").code == 0
    traits = cli("traits", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "0")
    assert traits.code == 0, traits.err
    assert "shortcut warning" in traits.out and "JPEG quality" in traits.out

    rows = {r["descriptor"]: r for r in _sql(cli, "analysis_shortcuts")}
    quality, table = rows["jpeg_quality"], rows["jpeg_qtable"]
    assert quality["separation"] == 1.0 and quality["warning"] and quality["direction"] == "higher in fakes"
    assert quality["threshold"] == 0.8 and 0.5 < quality["ci_low"] < 1.0 and quality["ci_high"] == 1.0
    assert table["separation"] == 1.0 and table["warning"] and table["kind"] == "categorical"
    assert rows["chroma_subsampling"]["separation"] == pytest.approx(0.5, abs=0.1)  # all 4:2:0: no warning
    assert not rows["chroma_subsampling"]["warning"]
    # every descriptor has a result or a reason, never a silent gap
    assert all(r["separation"] is not None or r["note"] for r in rows.values())
    categories = [r for r in _sql(cli, "analysis_shortcut_categories") if r["descriptor"] == "jpeg_qtable"]
    assert sorted((r["n_real"], r["n_fake"]) for r in categories) == [(0, 12), (12, 0)]
    # the standardized difference stays undefined (no spread within either class), but says why
    smd = cli("sql", "--query", "dataset_traits", "--param", "trait_like=jpeg_quality.smd", "--format", "json")
    (smd_row,) = json.loads(smd.out)
    assert smd_row["value"] is None and "no spread within either class" in json.loads(smd_row["params"])["missing_reason"]
    warnings = _sql(cli, "analysis_shortcut_warnings")
    assert [w["dataset"] for w in warnings] == ["shortcut"] and "JPEG quantization table" in warnings[0]["message"]

    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    summary = _section(html, "summary")
    first = summary.split("<p", 2)[1]  # the first paragraph of the study summary
    assert "warning" in first and "JPEG quality" in summary.split("<h3>")[0] and "AUC 1.000" in summary.split("<h3>")[0]
    traits_section = _section(html, "traits")
    assert "JPEG quantization table" in traits_section and "JPEG quality" in traits_section
    assert "1.000" in traits_section


def test_no_warning_when_nothing_separates_the_classes(cli, tmp_path):
    _write(tmp_path / "fair" / "real", 10, 1, quality=90)
    _write(tmp_path / "fair" / "fake", 10, 100, quality=90)
    assert cli("ingest", "fair", tmp_path / "fair").code == 0
    assert cli("traits", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "0").code == 0
    rows = {r["descriptor"]: r for r in _sql(cli, "analysis_shortcuts")}
    assert rows["jpeg_quality"]["separation"] == 0.5 and rows["jpeg_quality"]["direction"] == "none"
    assert not rows["jpeg_quality"]["warning"] and not rows["jpeg_qtable"]["warning"]
    assert _sql(cli, "analysis_shortcut_warnings") == []
    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Shortcut warning" not in html and "shortcut audit" in _section(html, "traits")


@pytest.mark.slow
def test_the_shared_lfw_sample_warns_of_its_jpeg_shortcut(cli, tmp_path, lfw_dir):
    assert cli("ingest", "lfw", lfw_dir).code == 0
    traits = cli("traits", "lfw", "--extractors", "quality", "--jobs", "2", "--no-embedding", "--bootstrap", "0")
    assert traits.code == 0, traits.err
    rows = {r["descriptor"]: r for r in _sql(cli, "analysis_shortcuts")}
    for descriptor in ("jpeg_quality", "jpeg_qtable"):
        assert rows[descriptor]["separation"] == 1.0 and rows[descriptor]["warning"], descriptor
        assert rows[descriptor]["n_real"] == 500 and rows[descriptor]["n_fake"] == 500
    assert (rows["jpeg_quality"]["median_real"], rows["jpeg_quality"]["median_fake"]) == (90.0, 95.0)
    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    head = _section(html, "summary").split("<h3>")[0]
    assert "JPEG quality" in head and "JPEG quantization table" in head and "AUC 1.000" in head
