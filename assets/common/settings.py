"""Settings: read from the environment in one place (load_settings), then passed in as an object.

The code location gives it to assets as the Dagster resource "settings"; the CLI passes it as an argument.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "seeds"


@dataclass(frozen=True)
class Settings:
    home: Path
    mirror: str | None  # a directory or an http(s) base URL that replaces every public origin
    dagster_home: Path  # DAGSTER_HOME, else home/dagster, so CLI runs show in the Dagster UI
    writer_wait: float = 600.0  # seconds a run waits for another run's warehouse writer lock

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def inbox_dir(self) -> Path:
        return self.home / "inbox"


def load_settings() -> Settings:
    home = Path(os.environ.get("CAEI_HOME") or "data").expanduser().resolve()
    mirror = os.environ.get("CAEI_MIRROR") or None
    if mirror and not mirror.startswith(("http://", "https://")):
        mirror = str(Path(mirror).expanduser().resolve())
    dagster_home = Path(os.environ.get("DAGSTER_HOME") or home / "dagster")
    return Settings(home=home, mirror=mirror, dagster_home=dagster_home)
