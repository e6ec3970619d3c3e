"""The HTML report in a real browser: it loads from a file with no console
errors and no network, and its timeline picture is there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import CHROMIUM, Page

from harness.chaos import runner, scenario
from harness.report import html

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian package `chromium`; .ci/run installs it)"
)
APP = Path(__file__).parent / "apps" / "ask"


def test_the_html_report_loads_in_chromium_without_console_errors(tmp_path):
    shutil.copy(APP / "app.py", tmp_path / "app.py")
    (tmp_path / "s.yaml").write_text(
        (APP / "sunset.yaml")
        .read_text()
        .replace('ANTHROPIC_BASE_URL: "{anthropic.url}"}', 'ANTHROPIC_BASE_URL: "{anthropic.url}", FALLBACK: "0"}')
    )
    result = runner.run(scenario.load(tmp_path / "s.yaml"))  # a failing run: the report shows failures
    report = tmp_path / "report.html"
    report.write_text(html.render([result]))
    page = Page()
    try:
        page.open(report.as_uri())
        assert page.errors() == []
        assert page.text("document.querySelectorAll('svg circle').length") == len(result.exchanges)
        assert page.text("document.querySelectorAll('td.bad').length") >= 2
        assert "failed" in page.text("document.querySelector('h1 + p').innerText")
        # Self-contained: nothing was fetched but the file itself.
        fetched = {e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"}
        assert fetched and all(url.startswith("file://") for url in fetched)
    finally:
        page.close()
