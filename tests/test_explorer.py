"""The explorer: its Python arithmetic equals the library's bounds, and the page (headless
Chromium, Debian's package) shows the same numbers when its sliders move."""

from __future__ import annotations

import math
import shutil

import pytest

from causal.cli import main
from causal.measures import OddsRatio, RiskRatio
from causal.report.explorer import adjusted, bias_factor
from causal.sensitivity import Confounding, Selection, e_value, multi_bound
from tests.conftest import THEW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
THEW_OR = OddsRatio(2.54, ci=(1.32, 4.89), rare_outcome=False)
#: five slider positions: (rr_eu, rr_ud, rr_uy_s, rr_su)
POSITIONS = [(1.0, 1.0, 1.0, 1.0), (1.5, 2.0, 1.0, 1.0), (2.57, 2.57, 1.0, 1.0),
             (3.2, 1.8, 1.4, 1.6), (6.0, 9.5, 2.2, 3.0)]


def _library(measure, rr_eu, rr_ud, rr_uy_s, rr_su):
    biases = [Confounding(rr_au=rr_eu, rr_uy=rr_ud)]
    biases.append(Selection(rr_uy_a1=rr_uy_s, rr_su_a1=rr_su, rr_uy_a0=rr_uy_s,
                            rr_su_a0=rr_su))
    return multi_bound(tuple(biases), measure)


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("measure", [THEW_OR, RiskRatio(0.62, ci=(0.45, 0.86))])
def test_python_arithmetic_equals_multi_bound(measure, position):
    rr_eu, rr_ud, rr_uy_s, rr_su = position
    bound = _library(measure, *position)
    result = e_value(measure)
    point, lower, upper = adjusted(result.rr_point, result.rr_ci, rr_eu=rr_eu, rr_ud=rr_ud,
                                   rr_uy_s=rr_uy_s, rr_su=rr_su)
    assert bias_factor(rr_eu=rr_eu, rr_ud=rr_ud, rr_uy_s=rr_uy_s, rr_su=rr_su) == \
        pytest.approx(bound.bound, rel=1e-12)
    assert point == pytest.approx(bound.corrected_point, rel=1e-12)
    nearest = lower if result.rr_point >= 1 else upper
    assert nearest == pytest.approx(bound.corrected_ci_limit, rel=1e-12)


def test_prevalence_form_at_the_tipping_point_reaches_the_null():
    from causal.sensitivity import tip

    result = tip(RiskRatio(2.0), prevalence_treated=0.6, prevalence_control=0.1)
    gamma = result.summary().set_index("quantity")["estimate"].iloc[0]
    point, _, _ = adjusted(2.0, None, rr_ud=float(gamma), p1=0.6, p0=0.1)
    assert point == pytest.approx(1.0, rel=1e-9)


def _same_4_digits(shown: str, value: float) -> bool:
    return float(shown) == float(f"{value:.4g}")


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not "
                                    "installed (.ci/run installs it)")


def _open(playwright, path, problems):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    page = browser.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"network request: {r.url}")
            if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri(), wait_until="load")
    return browser, page


@needs_chromium
def test_explore_page_sliders_match_the_library(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "thew.html"
    assert main(["explore", "or", "2.54", "--ci", "1.32", "4.89", "--common-outcome",
                 "--out", str(out)]) == 0
    problems: list[str] = []
    seen = []
    with sync_playwright() as playwright:
        browser, page = _open(playwright, out, problems)
        try:
            for position in POSITIONS:
                for name, value in zip(("rr_eu", "rr_ud", "rr_uy_s", "rr_su"), position,
                                       strict=True):
                    page.locator(f'input[name="{name}"]').fill(str(value))
                shown = {k: page.locator(f'[data-out="{k}"]').inner_text()
                         for k in ("point", "lower", "upper", "bound")}
                seen.append((position, shown))
            page.locator('input[name="mode"][value="prev"]').check()
            page.locator('input[name="p1"]').fill("0.6")
            page.locator('input[name="p0"]').fill("0.1")
            page.locator('input[name="rr_ud"]').fill("3")
            page.locator('input[name="rr_uy_s"]').fill("1")
            page.locator('input[name="rr_su"]').fill("1")
            prevalence_point = page.locator('[data-out="point"]').inner_text()
        finally:
            browser.close()
    assert problems == []
    for position, shown in seen:
        library = _library(THEW_OR, *position)
        assert _same_4_digits(shown["point"], library.corrected_point), (position, shown)
        assert _same_4_digits(shown["lower"], library.corrected_ci_limit), (position, shown)
        assert _same_4_digits(shown["bound"], library.bound), (position, shown)
        assert _same_4_digits(shown["upper"], library.rr_ci[1] / library.bound)
    result = e_value(THEW_OR)
    expected, _, _ = adjusted(result.rr_point, result.rr_ci, rr_ud=3.0, p1=0.6, p0=0.1)
    assert _same_4_digits(prevalence_point, expected)
    assert seen[0][1]["point"] == f"{math.sqrt(2.54):.4g}"  # no bias: sqrt(OR), the RR scale


@needs_chromium
def test_report_carries_the_explorer_and_markdown_does_not(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "thew"
    assert main(["report", str(THEW), "--out", str(out), "--quiet"]) == 0
    assert "causal-explorer" not in (out / "report.md").read_text(encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser, page = _open(playwright, out / "report.html", problems)
        try:
            page.locator('section#evalue input[name="rr_eu"]').fill("2")
            page.locator('section#evalue input[name="rr_ud"]').fill("2")
            shown = page.locator('section#evalue [data-out="point"]').inner_text()
        finally:
            browser.close()
    assert problems == []
    library = multi_bound((Confounding(rr_au=2.0, rr_uy=2.0),), THEW_OR)
    assert _same_4_digits(shown, library.corrected_point)
