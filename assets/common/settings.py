"""Settings: read from the environment in one place (load_settings), then passed in as an object.

The code location gives it to assets as the Dagster resource "settings"; the CLI passes it as an argument.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "seeds"


class SettingsError(ValueError):
    """A setting from the environment that cannot be used; the message names it and what it expects."""


@dataclass(frozen=True)
class FetchPolicy:
    """How sources are fetched over HTTP: CAEI_FETCH_TIMEOUT, CAEI_FETCH_RETRIES, CAEI_FETCH_BACKOFF."""

    timeout: float | tuple[float, ...] = (10, 60)  # seconds: (connect, read between bytes), or one for both
    retries: int = 4  # retries after the first attempt
    backoff: float = 0.5  # seconds before the first retry, doubled for each further one


@dataclass(frozen=True)
class Settings:
    home: Path
    mirror: str | None  # a directory or an http(s) base URL that replaces every public origin
    dagster_home: Path  # DAGSTER_HOME, else home/dagster, so CLI runs show in the Dagster UI
    writer_wait: float = 600.0  # seconds a run waits for another run's warehouse writer lock
    fetch: FetchPolicy = FetchPolicy()
    lab_file_max_bytes: int = 100 * 1024 * 1024  # CAEI_LAB_FILE_MAX_MB: a larger inbox file is refused, not read
    # CSP frame-ancestors of the dashboard's embed paths (/embed/...), CAEI_EMBED_ANCESTORS; every other path 'self'.
    embed_ancestors: str = "*"  # any site may frame a chart by default, as OWID's embeds

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
    return Settings(
        home=home,
        mirror=mirror,
        dagster_home=dagster_home,
        fetch=_fetch_policy(),
        lab_file_max_bytes=_lab_file_max_bytes(),
        embed_ancestors=_embed_ancestors(os.environ.get("CAEI_EMBED_ANCESTORS", "").strip()),
    )


def _lab_file_max_bytes() -> int:
    text = os.environ.get("CAEI_LAB_FILE_MAX_MB", "").strip()
    if not text:
        return Settings.lab_file_max_bytes
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = -1
    if megabytes <= 0:
        raise SettingsError(f"CAEI_LAB_FILE_MAX_MB={text!r} is not valid (expected a positive number of megabytes)")
    return int(megabytes * 1024 * 1024)


def _embed_ancestors(text: str) -> str:
    """Space-separated CSP sources ('self', 'none', https://host); no ';' or ',' that would start another directive."""
    if not text:
        return Settings.embed_ancestors
    if not re.fullmatch(r"[A-Za-z0-9'*:/.\- ]+", text):
        raise SettingsError(
            f"CAEI_EMBED_ANCESTORS={text!r} is not valid (expected CSP sources such as 'self' https://intranet.example)"
        )
    return text


def _fetch_policy() -> FetchPolicy:
    # Operators on slow links (and the fault tests, which must stay fast) tune the retry policy here.
    default = FetchPolicy()

    def env(name: str, cast, fallback):
        text = os.environ.get(name, "").strip()
        if not text:
            return fallback
        try:
            return cast(text)
        except ValueError:
            raise SettingsError(f"{name}={text!r} is not valid (expected {cast.__doc__})") from None

    def seconds(text: str) -> float | tuple[float, ...]:
        """seconds, or connect,read seconds"""
        parts = [float(p) for p in text.split(",")]
        if len(parts) > 2 or any(p <= 0 for p in parts):
            raise ValueError(text)
        return tuple(parts) if len(parts) == 2 else parts[0]

    def count(text: str) -> int:
        """a whole number >= 0"""
        value = int(text)
        if value < 0:
            raise ValueError(text)
        return value

    def delay(text: str) -> float:
        """seconds >= 0"""
        value = float(text)
        if value < 0:
            raise ValueError(text)
        return value

    return FetchPolicy(
        timeout=env("CAEI_FETCH_TIMEOUT", seconds, default.timeout),
        retries=env("CAEI_FETCH_RETRIES", count, default.retries),
        backoff=env("CAEI_FETCH_BACKOFF", delay, default.backoff),
    )
