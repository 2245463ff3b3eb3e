"""The report in a real browser (headless Chromium): loads without console errors, every figure is
visible with a non-zero size (ROC, DET, score histograms, calibration, training curves and the labelled
example images among them), every table has a CSV download that decodes to its rows, and data that looks
like markup shows as text.

Needs Debian's chromium and chromium-driver (.ci/run installs them) and selenium (the test extra);
skips with the reason otherwise. The screenshot is kept as reports/test-artifacts/report.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from study_store import add_predictions_and_history, build_study_store

NASTY = "<script>alert(1)</script>"
ARTIFACTS = Path(__file__).resolve().parents[1] / "reports" / "test-artifacts"


def _driver():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.skip("headless Chromium is absent: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,2400"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=chromedriver)
    return webdriver.Chrome(options=options, service=service)


def _check_csv_downloads(driver) -> None:  # noqa: ANN001 - a selenium WebDriver
    """Every table is followed (before the next table) by a visible CSV download whose data: URI the browser
    reads back as a header and at least the table's rows."""
    tables = driver.find_elements("css selector", "table")
    assert tables
    for table in tables:
        paragraph = table.find_element("xpath", "following-sibling::p[@class='csv'][1]")
        assert paragraph.find_element("xpath", "preceding-sibling::table[1]") == table, "a table without its CSV"
        link = paragraph.find_element("tag name", "a")
        assert link.is_displayed() and link.get_attribute("download").endswith(".csv")
        text = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.text()).then(done, e => done('error: ' + e));", link.get_attribute("href"))
        shown = len(table.find_elements("css selector", "tbody tr"))
        lines = text.strip("\n").split("\n")
        assert not text.startswith("error") and lines[0] and len(lines) - 1 >= shown


@pytest.mark.slow
def test_report_renders_in_headless_chromium(cli, tmp_path):
    store = build_study_store(tmp_path, ["alpha", NASTY])
    add_predictions_and_history(store)
    out = tmp_path / "report"
    assert cli("report", "--out", out, store=store).code == 0
    driver = _driver()
    try:
        driver.get((out / "index.html").as_uri())
        from selenium.common.exceptions import NoAlertPresentException

        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018 - the injected script must not have run
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        images = driver.find_elements("css selector", "figure img")
        assert images, "the report has no figures"
        for image in images:
            driver.execute_script("arguments[0].scrollIntoView();", image)
            assert image.is_displayed()
            assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", image)
            assert image.size["width"] > 0 and image.size["height"] > 0
        shown = {image.get_attribute("alt") for image in images}
        assert {"roc_curves", "det_curves", "score_histograms", "calibration", "training_curves"} <= shown
        labels = [c.text for c in driver.find_elements("css selector", "#examples figure figcaption")]
        assert sorted(set(labels)) == ["fake", "real"] and len(labels) == 12
        _check_csv_downloads(driver)
        assert NASTY in driver.find_element("tag name", "body").text
        driver.execute_script("window.scrollTo(0, 0);")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "report.png"))
    finally:
        driver.quit()
