"""index.html of the toy catalogue in headless Chromium: no console errors, the filter hides and shows
rows, sorting reorders them, a claim link scrolls to its section, markup in a claim shows as text.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package (the ``dev`` extra);
``.ci/run`` installs them. Without them the test is skipped and says which is missing.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from theorycheck.report import write_reports

FIXTURES = Path(__file__).parent.parent / "fixtures"
MARKUP_ID = 'toy2024/<b id="injected">bold</b>'
MARKUP_PAPER = "evil<i>2024</i>"


def _browser() -> tuple[str, str]:
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[dev]')")
    chromium = next(
        (p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None
    )
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        missing = " and ".join(
            name for name, found in (("chromium", chromium), ("chromedriver", driver)) if not found
        )
        pytest.skip(f"no headless browser: {missing} not on PATH (apt-get install chromium chromium-driver)")
    return chromium, driver


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy catalogue's report, plus one record whose id, paper and statement hold markup."""
    root = tmp_path_factory.mktemp("browser") / "cat"
    shutil.copytree(FIXTURES / "toy_catalogue", root, ignore=shutil.ignore_patterns("__pycache__"))
    run = subprocess.run(
        [sys.executable, "-m", "theorycheck", "run", "-n", "0", "--executor", "inprocess"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr  # the toy catalogue has a VIOLATED and an ERROR
    doc = json.loads((root / "reports" / "claims.json").read_text())
    evil: dict[str, Any] = copy.deepcopy(next(c for c in doc["claims"] if c["id"] == "toy2024/true_rate"))
    evil["id"] = MARKUP_ID
    evil["paper"]["key"] = MARKUP_PAPER
    evil["statement"] = "<script>window.injected = 1</script><img src=x onerror='window.injected = 2'>"
    evil["mutants"][0]["name"] = "<u>mutant</u>"
    doc["claims"].append(evil)
    write_reports(doc, root / "reports")
    return root / "reports" / "index.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,700"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def _rows(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#claims tbody tr")


def _select(driver: Any, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, element_id)).select_by_value(value)


def test_report_works_in_a_real_browser(browser: Any, report: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(report.as_uri())
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    rows = _rows(browser)
    assert len(rows) == 4 and all(r.is_displayed() for r in rows)

    # the verdict filter hides the other rows and shows them again
    _select(browser, "filter-verdict", "VIOLATED")
    shown = [r for r in _rows(browser) if r.is_displayed()]
    assert [r.get_attribute("data-verdict") for r in shown] == ["VIOLATED"]
    assert browser.find_element(By.ID, "shown").text == "1 of 4 claims shown"
    _select(browser, "filter-verdict", "")
    assert all(r.is_displayed() for r in _rows(browser))
    # the paper filter, with a paper key that holds markup
    _select(browser, "filter-paper", MARKUP_PAPER)
    assert [r.get_attribute("data-paper") for r in _rows(browser) if r.is_displayed()] == [MARKUP_PAPER]
    _select(browser, "filter-paper", "")

    # sorting by a column reorders the rows, both ways
    header = browser.find_element(By.XPATH, "//table[@id='claims']//th[.//button[text()='claim']]/button")
    header.click()
    ids = [r.find_element(By.CSS_SELECTOR, "td").text for r in _rows(browser)]
    assert ids == sorted(ids, key=str.lower) or ids == sorted(ids)
    header.click()
    assert [r.find_element(By.CSS_SELECTOR, "td").text for r in _rows(browser)] == ids[::-1]

    # a claim link scrolls to the claim's section (far below the table before the click)
    browser.execute_script("window.scrollTo(0, 0)")
    link = browser.find_element(By.LINK_TEXT, "toy2024/true_rate")
    target = link.get_attribute("href").split("#", 1)[1]
    where = f"return document.getElementById('{target}').getBoundingClientRect().top"
    assert browser.execute_script(where) > 700
    link.click()
    WebDriverWait(browser, 10).until(lambda d: -2 <= d.execute_script(where) <= 60)
    assert browser.execute_script("return location.hash") == f"#{target}"

    # markup in a claim shows as text and never runs
    heading = browser.find_element(By.PARTIAL_LINK_TEXT, "toy2024/<b")
    assert heading.text == MARKUP_ID
    assert browser.execute_script("return document.getElementById('injected')") is None
    assert browser.execute_script("return window.injected === undefined")
    assert "<u>mutant</u>" in browser.find_element(By.TAG_NAME, "body").text
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
