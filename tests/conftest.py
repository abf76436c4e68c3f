"""Shared fixtures: the real shared data, and one real materialisation into a temporary CAEI_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    mirror = os.environ.get("CAEI_MIRROR")
    data = Path(mirror) if mirror and not mirror.startswith("http") else REPO.parent / "shared" / "data"
    if not data.is_dir():
        pytest.exit(f"shared data not found at {data}; set CAEI_MIRROR to the directory that holds it", returncode=2)
    return data.resolve()


def run_caei(
    args: list[str], home: Path, mirror: Path | str | None = None, timeout: float = 600, **env
) -> subprocess.CompletedProcess:
    """Run the real `caei` command in a subprocess, as a user would."""
    environ = {**os.environ, "CAEI_HOME": str(home), **env}
    environ.pop("DAGSTER_HOME", None)
    if mirror is not None:
        environ["CAEI_MIRROR"] = str(mirror)
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    return shared_data()


@pytest.fixture(scope="session")
def published_home(tmp_path_factory, shared_data_dir) -> Path:
    """A CAEI_HOME holding a snapshot published by a full, real materialisation from the shared data."""
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
