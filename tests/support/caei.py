"""Plain helpers for tests that run the product as a user would: the repository root, the shared data and the
real `caei` command in a subprocess. Fixtures built on them live in tests/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


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
