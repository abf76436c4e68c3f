"""The dashboard pages in a real browser (Debian's Chromium driven by Playwright), against a published snapshot.

Needs the session fixture `published_home` (a CAEI_HOME holding a real published snapshot, built by the
pipeline in tests/conftest.py). The app is served by werkzeug in a thread rather than by Dash's test
server: that one hangs together with Playwright screenshots (STACK-NOTES).
Screenshots go to tests/artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from dashboard.app import create_app
from dashboard.i18n import format_number

pytestmark = pytest.mark.timeout(180)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LOCAL_HOST = "127.0.0.1"
PLOTLY_SVG = ".js-plotly-plot .main-svg"


def open_dropdown(page, selector: str, attempts: int = 5) -> None:
    """Open a Dash dropdown. Its code arrives as a lazily loaded chunk, and a click that lands before the
    chunk does opens nothing: click until the menu's options show."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    for _attempt in range(attempts):
        page.click(selector)
        try:
            page.locator("[role=option]").first.wait_for(timeout=3_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"the dropdown {selector} did not open")


def plain_spaces(text: str) -> str:
    """Browsers hand back no-break and narrow spaces as they are; compare with plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


# ---- servers and browser ---------------------------------------------------------------------------------


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: they would bury the failure output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    def __init__(self, published_dir: Path):
        self.app = create_app(published_dir)
        self._server = make_server(LOCAL_HOST, 0, self.app.server, threaded=True, request_handler=QuietRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="dash-live-server", daemon=True)
        self.url = f"http://{LOCAL_HOST}:{self._server.server_port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


# Several test modules import these fixtures, and pytest then makes one session instance per module. The
# browser and the server behind them are shared: Playwright's sync API allows one instance per thread.
_SHARED: dict[str, object] = {}
_USERS: dict[str, int] = {}


def _acquire(name: str, start):
    if name not in _SHARED:
        _SHARED[name] = start()
    _USERS[name] = _USERS.get(name, 0) + 1
    return _SHARED[name]


def _release(name: str, stop) -> None:
    _USERS[name] -= 1
    if _USERS[name] == 0:
        stop(_SHARED.pop(name))


@pytest.fixture(scope="session")
def live_server(published_home: Path) -> Iterator[LiveServer]:
    server = _acquire(f"live_server:{published_home}", lambda: LiveServer(published_home / "published").__enter__())
    yield server
    _release(f"live_server:{published_home}", lambda s: s.__exit__(None, None, None))


@pytest.fixture(scope="session")
def empty_live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A dashboard whose CAEI_HOME has nothing published."""
    with LiveServer(tmp_path_factory.mktemp("empty_home") / "published") as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")

    def start():
        playwright = sync_playwright().start()
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        return playwright, launched

    def stop(shared) -> None:
        playwright, launched = shared
        launched.close()
        playwright.stop()

    yield _acquire("browser", start)[1]
    _release("browser", stop)


@dataclass
class BrowserRecord:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requested_urls: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        outside = []
        for url in self.requested_urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.hostname != LOCAL_HOST:
                outside.append(url)
        return outside


@pytest.fixture
def page_and_record(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    record = BrowserRecord()
    page.on("console", lambda msg: record.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    page.on("request", lambda request: record.requested_urls.append(request.url))
    yield page, record
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # git-ignored: screenshots are for looking at only
    return ARTIFACTS


def open_page(page, url: str, expected_graphs: int) -> str:
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=expected_graphs, timeout=20_000
    )
    page.wait_for_selector("#snapshot-stamp")
    page.wait_for_load_state("networkidle")
    return plain_spaces(page.inner_text("body"))


def assert_clean(record: BrowserRecord) -> None:
    assert record.console_errors == []
    assert record.page_errors == []
    assert record.requested_urls, "no request was recorded"
    assert record.outside_requests() == []


# ---- expectations read straight from the snapshot --------------------------------------------------------


def snapshot_file(published_home: Path) -> Path:
    published = published_home / "published"
    snapshot_id = (published / "CURRENT").read_text(encoding="utf-8").strip()
    return published / "snapshots" / f"{snapshot_id}.duckdb"


def query_one(published_home: Path, sql: str, params: list | None = None):
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()


@pytest.fixture(scope="session")
def latest_regional_value(published_home: Path) -> float:
    """A published Central Asia value of the latest year of its indicator: one the overview shows big."""
    row = query_one(
        published_home,
        """
        SELECT value FROM region_aggregates
        WHERE geo_id = 'CA5' AND status = 'published' AND value IS NOT NULL
          AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')
        QUALIFY year = max(year) OVER (PARTITION BY indicator_id)
        ORDER BY indicator_id LIMIT 1
        """,
    )
    if row is None:
        pytest.skip("the snapshot has no published regional aggregate")
    return float(row[0])


@pytest.fixture(scope="session")
def first_aral_total(published_home: Path) -> float:
    row = query_one(published_home, "SELECT area_km2 FROM aral_area WHERE basin = 'total' ORDER BY year LIMIT 1")
    assert row is not None, "aral_area has no total"
    return float(row[0])


# ---- tests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_overview_shows_regional_values_and_country_chart(
    live_server, page_and_record, artifacts_dir, lang, latest_regional_value
):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/?lang={lang}", expected_graphs=1)
    page.screenshot(path=str(artifacts_dir / f"overview-{lang}.png"), full_page=True)

    assert page.locator(f"#overview-country-graph {PLOTLY_SVG}").count() >= 1
    assert page.locator("#overview-country-graph .bars .point").count() >= 1  # bars were drawn
    assert plain_spaces(format_number(latest_regional_value, lang)) in text
    heading = {"ru": "Центральная Азия: главное", "en": "Central Asia at a glance"}[lang]
    assert heading in text
    assert ("Данные на" if lang == "ru" else "Data as of") in text
    assert page.locator(".card").count() >= 1
    assert_clean(record)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_aral_caspian_shows_both_seas_with_caveats(live_server, page_and_record, artifacts_dir, lang, first_aral_total):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/aral-caspian?lang={lang}", expected_graphs=3)
    page.screenshot(path=str(artifacts_dir / f"aral-caspian-{lang}.png"), full_page=True)

    for graph_id in ("aral-area-graph", "caspian-annual-graph", "caspian-obs-graph"):
        assert page.locator(f"#{graph_id} {PLOTLY_SVG}").count() >= 1, graph_id
    assert plain_spaces(format_number(first_aral_total, lang, decimals=0, compact=False)) in text
    caveat = plain_spaces(page.inner_text("#aral-caveat"))
    assert "2018" in caveat and "2019" in caveat
    assert "DAHITI" in plain_spaces(page.inner_text("#datum-note"))
    assert page.locator("#datum-difference-table tbody tr").count() >= 1
    assert_clean(record)


def test_caspian_series_stay_two_traces(live_server, page_and_record):
    """The Baltic-system statements are markers of their own trace, never part of the DAHITI line."""
    page, _record = page_and_record
    open_page(page, f"{live_server.url}/aral-caspian?lang=en", expected_graphs=3)
    traces = page.evaluate(
        "() => document.getElementById('caspian-annual-graph').querySelector('.js-plotly-plot')"
        ".data.map(t => ({name: t.name, mode: t.mode}))"
    )
    baltic = [tr for tr in traces if "Baltic" in tr["name"]]
    dahiti_lines = [tr for tr in traces if "DAHITI" in tr["name"] and "lines" in (tr["mode"] or "")]
    assert len(baltic) == 1 and baltic[0]["mode"] == "markers"
    assert len(dahiti_lines) == 1


def test_language_switch_keeps_the_page(live_server, page_and_record):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/aral-caspian?lang=ru", expected_graphs=3)
    page.click("#lang-en")
    # every page frame carries its language: wait for the English one rather than for some English text,
    # which the Russian page has too (source titles are English)
    page.wait_for_selector('.page[lang="en"] #caspian', timeout=20_000)
    assert page.url.endswith("/aral-caspian?lang=en")
    assert page.inner_text("#caspian h2") == "Caspian Sea level"
    page.click("#nav-overview")
    page.wait_for_selector('.page[lang="en"] .countries', timeout=20_000)
    assert page.url.endswith("/?lang=en")
    assert page.inner_text("h1") == "Central Asia at a glance"
    assert_clean(record)


def test_choosing_another_indicator_redraws_the_country_chart(live_server, page_and_record, artifacts_dir):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/?lang=en", expected_graphs=1)
    caption_before = page.inner_text("#overview-country-table caption")
    open_dropdown(page, "#overview-country-indicator")
    options = page.locator("[role=option]")
    options.first.wait_for(timeout=10_000)
    labels = [label.strip() for label in options.all_inner_texts()]
    target = next((label for label in labels if label and label != caption_before), None)
    if target is None:
        pytest.skip("the snapshot has a single indicator with country values")
    options.filter(has_text=target).first.click()
    page.wait_for_function(
        "want => document.querySelector('#overview-country-table caption')?.innerText.trim() === want",
        arg=target,
        timeout=20_000,
    )
    assert page.locator(f"#overview-country-graph {PLOTLY_SVG}").count() >= 1
    page.screenshot(path=str(artifacts_dir / "overview-country-switched-en.png"), full_page=True)
    assert_clean(record)


@pytest.mark.parametrize("path", ["/", "/aral-caspian"])
def test_pages_without_a_snapshot_say_how_to_make_one(empty_live_server, page_and_record, artifacts_dir, path):
    page, record = page_and_record
    page.goto(f"{empty_live_server.url}{path}?lang=ru", wait_until="networkidle")
    page.wait_for_selector("#no-snapshot", timeout=20_000)
    assert "caei materialize" in page.inner_text("#no-snapshot")
    page.screenshot(path=str(artifacts_dir / f"no-snapshot{path.replace('/', '-') or '-'}.png"), full_page=True)
    assert_clean(record)


def test_a_new_publish_is_picked_up_without_restart(published_home, browser, tmp_path):
    """The app re-reads CURRENT on every request: swapping the pointer changes what a reload shows."""
    # ids in the pipeline's format (assets.snapshots.SNAPSHOT_ID), or the pointer is refused
    first_id, second_id = "20260101T000000000001Z-aaaaaa", "20260101T000000000002Z-bbbbbb"
    published = tmp_path / "published"
    (published / "snapshots").mkdir(parents=True)

    def publish(snapshot_id: str) -> None:
        target = published / "snapshots" / f"{snapshot_id}.duckdb"
        shutil.copyfile(snapshot_file(published_home), target)
        with duckdb.connect(str(target)) as con:
            con.execute("UPDATE snapshot_info SET snapshot_id = ?", [snapshot_id])
        pointer_tmp = published / "CURRENT.tmp"
        pointer_tmp.write_text(snapshot_id + "\n", encoding="utf-8")
        os.replace(pointer_tmp, published / "CURRENT")

    publish(first_id)
    with LiveServer(published) as server:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(f"{server.url}/aral-caspian?lang=en", wait_until="networkidle")
            page.wait_for_selector("#snapshot-stamp")
            assert first_id in page.inner_text("#snapshot-stamp")
            publish(second_id)
            page.reload(wait_until="networkidle")
            page.wait_for_selector("#snapshot-stamp")
            assert second_id in page.inner_text("#snapshot-stamp")
        finally:
            context.close()
