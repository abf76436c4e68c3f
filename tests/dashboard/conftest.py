"""Fixtures of the dashboard tests: the app served on 127.0.0.1, headless Chromium and a page recording what it
logs and requests (one server and one browser per session), and a published dir holding two snapshots."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from assets.published.snapshots import current_snapshot_id, snapshot_path, snapshots_dir
from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, BrowserRecord, LiveServer


@pytest.fixture(scope="session")
def live_server(published_home: Path) -> Iterator[LiveServer]:
    with LiveServer(published_home / "published") as server:
        yield server


@pytest.fixture(scope="session")
def empty_live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A dashboard whose CAEI_HOME has nothing published."""
    with LiveServer(tmp_path_factory.mktemp("empty_home") / "published") as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API allows one instance per thread: one browser for the whole session.
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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


@pytest.fixture
def two_snapshots(published_home, tmp_path):
    """A published dir with snapshot A (real) served, and B = A with every indicator value doubled, not yet served."""
    published = tmp_path / "published"
    shutil.copytree(published_home / "published", published)
    first = current_snapshot_id(published)
    second = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-b0b0b0"
    shutil.copyfile(snapshot_path(published, first), snapshots_dir(published) / f"{second}.duckdb")
    with duckdb.connect(str(snapshots_dir(published) / f"{second}.duckdb")) as con:
        con.execute("UPDATE indicator_values SET value = value * 2")
        con.execute("UPDATE snapshot_info SET snapshot_id = ?", [second])
    return published, first, second
