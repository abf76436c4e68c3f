"""Settings from the environment: CAEI_HOME and CAEI_MIRROR; everything else has a default."""

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

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.home / "dagster")


def load_settings() -> Settings:
    home = Path(os.environ.get("CAEI_HOME") or "data").expanduser().resolve()
    mirror = os.environ.get("CAEI_MIRROR") or None
    if mirror and not mirror.startswith(("http://", "https://")):
        mirror = str(Path(mirror).expanduser().resolve())
    return Settings(home=home, mirror=mirror)
