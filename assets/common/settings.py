"""Settings: read from the environment in one place (load_settings), then passed in as an object.

The code location gives it to assets as the Dagster resource "settings"; the CLI passes it as an argument.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "seeds"


@dataclass(frozen=True)
class Settings:
    home: Path
    mirror: str | None  # a directory or an http(s) base URL that replaces every public origin
    dagster_home: Path  # DAGSTER_HOME, else home/dagster, so CLI runs show in the Dagster UI
    writer_wait: float = 600.0  # seconds a run waits for another run's warehouse writer lock

    # Where each step keeps its files under home (derived, so a replaced home moves them all).
    raw_dir: Path = field(init=False)
    warehouse_path: Path = field(init=False)
    published_dir: Path = field(init=False)
    inbox_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        places = {
            "raw_dir": "raw",
            "warehouse_path": "warehouse.duckdb",
            "published_dir": "published",
            "inbox_dir": "inbox",
        }
        for name, place in places.items():
            object.__setattr__(self, name, self.home / place)  # the dataclass is frozen


def load_settings() -> Settings:
    home = Path(os.environ.get("CAEI_HOME") or "data").expanduser().resolve()
    mirror = os.environ.get("CAEI_MIRROR") or None
    if mirror and not mirror.startswith(("http://", "https://")):
        mirror = str(Path(mirror).expanduser().resolve())
    dagster_home = Path(os.environ.get("DAGSTER_HOME") or home / "dagster")
    return Settings(home=home, mirror=mirror, dagster_home=dagster_home)
