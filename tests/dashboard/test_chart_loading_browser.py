"""Charts below the fold are drawn when scrolled near, not at load (issue 19: blocking time), and printing draws them
all: in headless Chromium on the Aral & Caspian page (six charts, most of them far below the first screen)."""

from __future__ import annotations

import pytest

from tests.support.browser import assert_clean

pytestmark = pytest.mark.timeout(180)

URL = "/aral-caspian?lang=ru"
DRAWN = "() => Array.from(document.querySelectorAll('.dash-graph')).map(g => !!g.querySelector('.main-svg'))"


def open_first_screen(page, base: str) -> list[bool]:
    page.goto(base + URL, wait_until="networkidle")
    page.wait_for_selector("#snapshot-stamp", timeout=30_000)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg')", timeout=30_000)
    page.wait_for_load_state("networkidle")
    return page.evaluate(DRAWN)


def test_a_chart_far_below_is_drawn_when_scrolled_to_and_keeps_its_place_meanwhile(live_server, page_and_record):
    page, record = page_and_record
    drawn = open_first_screen(page, live_server.url)
    assert len(drawn) >= 4 and drawn[0] and not drawn[-1], drawn  # the first drawn, the last one waits
    last = page.locator(".dash-graph").last
    # the waiting chart holds its figure's height already, so the page does not jump when it is drawn
    waiting_height = last.evaluate("g => g.getBoundingClientRect().height")
    assert waiting_height >= 150
    last.scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({DRAWN})().every(Boolean) || ({DRAWN})().slice(-1)[0]", timeout=20_000)
    assert page.evaluate(DRAWN)[-1]
    assert abs(last.evaluate("g => g.getBoundingClientRect().height") - waiting_height) <= 40
    assert_clean(record)


def test_printing_draws_every_chart_first(live_server, page_and_record):
    page, record = page_and_record
    assert not all(open_first_screen(page, live_server.url))
    # the print button opens the browser's dialog (stubbed here) once every chart is drawn
    page.evaluate(
        "() => { window.print = () => { window.__drawnWhenPrinted = "
        "Array.from(document.querySelectorAll('.dash-graph')).every(g => g.querySelector('.main-svg')); }; }"
    )
    page.click("#print-button")
    page.wait_for_function("() => window.__drawnWhenPrinted !== undefined", timeout=20_000)
    assert page.evaluate("() => window.__drawnWhenPrinted") is True
    # Ctrl+P (the browser's own print) announces itself with `beforeprint`: every chart is drawn then too
    page.reload(wait_until="networkidle")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot .main-svg')", timeout=30_000)
    assert not all(page.evaluate(DRAWN))
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function(f"() => ({DRAWN})().every(Boolean)", timeout=20_000)
    assert_clean(record)
