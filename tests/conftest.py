"""Shared fixtures (the real shared data, one real materialisation per session) and the test kinds.

Every test is one of four kinds, chosen here from what it uses unless it is marked explicitly:
`load` (tests/load), `browser` (headless Chromium), `integration` (a materialisation, the `caei` command,
the published snapshot or a server), otherwise `unit` -- the fast tests `scripts/check` runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.caei import run_caei, shared_data

KINDS = ("unit", "integration", "browser", "load")
BROWSER_FIXTURES = {"browser", "live_server", "empty_live_server", "page_and_record"}
# The session's materialisation, and the HTTP servers on 127.0.0.1 of tests/test_fetch.py and test_worldbank_api.py
INTEGRATION_FIXTURES = {"published_home", "server", "api"}
# Names whose call in a test's own body means another process or a materialisation, however small the input.
INTEGRATION_CALLS = {"run_caei", "materialize", "materialize_to_memory", "subprocess", "Popen", "multiprocessing"}


def _kind(item: pytest.Item) -> str:
    if Path(str(item.path)).parent.name == "load":
        return "load"
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & BROWSER_FIXTURES:
        return "browser"
    code = getattr(getattr(item, "function", None), "__code__", None)
    if fixtures & INTEGRATION_FIXTURES or (code is not None and INTEGRATION_CALLS & set(code.co_names)):
        return "integration"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marked = [kind for kind in KINDS if item.get_closest_marker(kind)]
        if len(marked) > 1:
            raise pytest.UsageError(f"{item.nodeid} is marked {' and '.join(marked)}: a test is of one kind")
        if not marked:
            item.add_marker(_kind(item))


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    return shared_data()


@pytest.fixture(scope="session")
def published_home(tmp_path_factory, shared_data_dir) -> Path:
    """A CAEI_HOME holding a snapshot published by a full, real materialisation from the shared data.

    Tests only read it; a test that writes into a home copies this one first."""
    home = tmp_path_factory.mktemp("caei_home")
    done = run_caei(["materialize"], home, shared_data_dir)
    assert done.returncode == 0, f"materialize failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return home


@pytest.fixture
def caei_home_env(published_home, monkeypatch) -> Path:
    """In-process readers (dashboard, exports) pointed at the published home."""
    monkeypatch.setenv("CAEI_HOME", str(published_home))
    return published_home


@pytest.fixture(scope="session")
def snapshot(published_home):
    from assets.published.snapshots import open_snapshot

    con = open_snapshot(published_home / "published")
    yield con
    con.close()
