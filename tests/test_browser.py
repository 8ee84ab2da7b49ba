"""The Thew report as a reader sees it: rendered in headless Chromium (Debian's package).

Fails on any console error or failed request, checks that every figure loaded with a non-zero
size, and saves one screenshot per report section under the test's temporary folder.
"""

from __future__ import annotations

import shutil

import pytest

from causal.cli import main
from tests.conftest import THEW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(.ci/run installs it)")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_thew_report_renders_without_errors(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "thew2024"
    assert main(["report", str(THEW), "--out", str(out), "--quiet"]) == 0
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
            page.on("request", lambda r: problems.append(f"network request: {r.url}")
                    if not r.url.startswith(("file:", "data:")) else None)
            page.goto((out / "report.html").as_uri(), wait_until="load")
            images = page.evaluate(
                "Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, "
                "w: i.naturalWidth, h: i.naturalHeight}))")
            sections = page.evaluate("Array.from(document.querySelectorAll('section[id]'))"
                                     ".map(s => s.id)")
            shots = tmp_path / "screenshots"
            shots.mkdir()
            for key in sections:
                page.locator(f"section#{key}").screenshot(path=str(shots / f"{key}.png"))
        finally:
            browser.close()
    assert problems == []
    assert images, "the report has no figures"
    assert all(i["complete"] and i["w"] > 0 and i["h"] > 0 for i in images), images
    assert {"verdict", "summary", "claim", "audit", "evalue", "reproducibility"} <= set(sections)
    assert all((shots / f"{key}.png").stat().st_size > 0 for key in sections)
