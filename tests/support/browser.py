"""Plain helpers of the browser tests: the live dashboard server, Chromium's settings, page reading and
checks, the allow-list of Latin-script words, and values read straight from a published snapshot.
The fixtures built on them live in tests/dashboard/conftest.py.

The app is served by werkzeug in a thread rather than by Dash's test server: that one hangs together with
Playwright screenshots (STACK-NOTES).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
from werkzeug.serving import WSGIRequestHandler, make_server

from dashboard.app import create_app

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
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts
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


# ---- the server -------------------------------------------------------------------------------------------


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


# ---- reading and checking a page ------------------------------------------------------------------------


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


# Scrolls to each chart in turn, as a reader going down the page would, then back to the top: charts below the
# fold are drawn only when scrolled near (dashboard/plotly_bundle/draw_when_near.js).
SCROLL_PAST_CHARTS = """async () => {
    // two frames, or 250 ms where the renderer skips frames (a busy headless browser): never a hang
    const frame = () => new Promise(done => {
        requestAnimationFrame(() => requestAnimationFrame(done));
        setTimeout(done, 250);
    });
    for (const graph of document.querySelectorAll('.dash-graph')) {
        graph.scrollIntoView({block: 'center'});
        await frame();
    }
    window.scrollTo(0, 0);
    await frame();
}"""


def wait_for_charts(page, expected_graphs: int, timeout: int = 20_000) -> None:
    """Wait until `expected_graphs` charts are drawn, scrolling past each one (charts far below wait for it)."""
    if expected_graphs:
        page.wait_for_selector(".dash-graph", state="attached", timeout=timeout)
    page.evaluate(SCROLL_PAST_CHARTS)
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=expected_graphs, timeout=timeout
    )


def open_page(page, url: str, expected_graphs: int) -> str:
    page.goto(url, wait_until="networkidle")
    wait_for_charts(page, expected_graphs)
    page.wait_for_selector("#snapshot-stamp")
    page.wait_for_load_state("networkidle")
    return plain_spaces(page.inner_text("body"))


def assert_clean(record: BrowserRecord) -> None:
    assert record.console_errors == []
    assert record.page_errors == []
    assert record.requested_urls, "no request was recorded"
    assert record.outside_requests() == []


# Latin-script words allowed on Russian and Kazakh pages: codes, units, proper names of data sets and
# organisations that are written in Latin script in Russian texts too.
ALLOWED_LATIN = {
    # proper names of data sets in the sources' Russian and Kazakh display titles, and a version's "v" (v1.1.0)
    "AidData",
    "AirData.kz",
    "AirNow",
    "Kaggle",
    "Shapers",
    "Asia",  # SWITCH-Asia, the EU programme (a summit partner)
    "Natural",
    "Earth",
    "v",
    # codes of countries and regions
    "KAZ",
    "KGZ",
    "TJK",
    "TKM",
    "UZB",
    "CA5",
    "ISO3",
    # units, chemistry, formats
    "CO",
    "CO₂",
    "CO₂e",
    "PM2",
    "PM10",
    "PM2.5",
    "NO2",
    "SO2",
    "O3",
    "km",
    "kWh",
    "GDP",
    "PPP",
    "CSV",
    "XLSX",
    "SHA",
    "UTC",
    "BY",
    "CC",
    "NC",
    "ODC",
    "PDDL",
    "SA",
    # proper names of data sets and organisations
    "Climate",
    "Watch",
    "DAHITI",
    "OECD",
    "CRS",
    "OWID",
    "FAOSTAT",
    "FAO",
    "CAEI",
    "Global",
    "Carbon",
    "Budget",
    "WHO",
    "UNESCO",
    "caei",
    "materialize",
    "RU",
    "EN",
    "KK",
    "WDI",
    "AR5",
    "µg",
    # Roman numerals (water-quality classes)
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
}


def latin_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-zµ0-9][A-Za-zµ0-9.₂]*[A-Za-z][A-Za-zµ0-9.₂]*|[A-Za-z]", text)


# Where English may stay on a Russian or Kazakh page: the catalogue's folded details for analysts (citations, the
# original names of sources, publishers and licences, the pipeline's messages) and codes set as code.
ENGLISH_ALLOWED_IN = "details.analyst-codes, script, style, code, .modebar-container"
WEB_ADDRESS = re.compile(r"https?://\S+")


def english_words_outside_allow_list(page) -> list[str]:
    """Latin-script words of the visible page outside the allow-list. Text marked lang="en" counts too: a page in
    Russian or Kazakh names sources, publishers and licences in its language. Only the analysts' details, codes
    and web addresses (an address is not an English word) are skipped."""
    text = page.evaluate(
        """skip => {
            const walker = document.createTreeWalker(document.querySelector('.page'), NodeFilter.SHOW_TEXT);
            const parts = [];
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!node.parentElement.closest(skip)) parts.push(node.textContent);
            }
            return parts.join(' ');
        }""",
        ENGLISH_ALLOWED_IN,
    )
    words = {w.rstrip(".") for w in latin_words(WEB_ADDRESS.sub(" ", text))}
    return sorted(w for w in words if w not in ALLOWED_LATIN and not is_code(w))


def is_code(word: str) -> bool:
    """Acronyms and dotted codes (WDI series NY.GDP.MKTP.CD, SDG 7.a.1, IRENA) are not English words."""
    return bool(re.fullmatch(r"[A-Z0-9][A-Z0-9.₂]+", word)) or bool(
        re.fullmatch(r"\w+(\.\w+)+", word) and re.search(r"\d", word)
    )


# Internal identifiers viewers must not read: snake_case ids (source, indicator, check ids), file names, line
# citations (`:L52`), and ISO3 country codes (what a viewer reads is the country's name).
INTERNAL_ID_PATTERNS = {
    "snake_case id": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "file name": re.compile(r"\b[\w.-]+\.(?:csv|pdf|md|txt|xlsx?|json|duckdb)\b", re.IGNORECASE),
    "line citation": re.compile(r":L\d+"),
    "ISO3 code": re.compile(r"\b(?:AFG|ARM|AZE|CHN|GEO|IRN|KAZ|KGZ|MNG|RUS|TJK|TKM|TUR|UZB|CA5)\b"),
}


def internal_ids(text: str) -> dict[str, list[str]]:
    """The internal identifiers in a text, by kind (empty when there are none)."""
    found = {kind: sorted(set(pattern.findall(text))) for kind, pattern in INTERNAL_ID_PATTERNS.items()}
    return {kind: hits for kind, hits in found.items() if hits}


def viewer_text(page) -> str:
    """What a viewer reads on the page: every visible text of `.page`, English-marked spans included, but not
    the folded details for analysts (`<details>`), scripts, or the chart toolbar."""
    return plain_spaces(
        page.evaluate(
            """() => {
                const skip = 'details, script, style, .modebar-container';
                const walker = document.createTreeWalker(document.querySelector('.page'), NodeFilter.SHOW_TEXT);
                const parts = [];
                while (walker.nextNode()) {
                    const node = walker.currentNode;
                    if (!node.parentElement.closest(skip)) parts.push(node.textContent);
                }
                return parts.join(' ');
            }"""
        )
    )


# Chemical symbols in the chemical basis of a value (Cu, total; as NH4+; mg O2/l): the same in every language.
CHEMICAL_SYMBOLS = {"As", "B", "Cd", "Cl", "Cr", "Cr6", "Cu", "F", "Fe", "Fe2", "Hg", "Mn", "N", "Ni", "O", "Pb", "Zn"}


def theme_english_words(page) -> list[str]:
    """English words of a theme page outside the product pages' allow-list and the chemical symbols."""
    return [word for word in english_words_outside_allow_list(page) if word not in CHEMICAL_SYMBOLS]


# ---- expectations read straight from the snapshot --------------------------------------------------------


def snapshot_file(published_home: Path) -> Path:
    published = published_home / "published"
    snapshot_id = (published / "CURRENT").read_text(encoding="utf-8").strip()
    return published / "snapshots" / f"{snapshot_id}.duckdb"


def query_one(published_home: Path, sql: str, params: list | None = None):
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()
