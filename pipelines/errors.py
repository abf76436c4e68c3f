"""One line for a failed command: what failed and what to do, never a traceback (CAEI_DEBUG=1 shows it).

Errors arrive raw (an OSError from a write, SQLite's "disk I/O error" from Dagster's instance database, DuckDB's
IO errors) or as the text Dagster keeps of them in a run's events; both are read here.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from assets.common.settings import Settings

# The `caei` exit codes: 0 done, 1 failed (the reason is printed), 2 usage.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# What a first run writes under CAEI_HOME from the shared data (raw 11 MB, warehouse 54 MB, one snapshot 19 MB,
# Dagster's records 7 MB: measured December 2026), rounded up.
FIRST_RUN_BYTES = 100 * 1024 * 1024
# Words of errors that mean the disk is full (SQLite says "disk I/O error" when a write fails for lack of space).
DISK_FULL_WORDS = ("no space left", "database or disk is full", "disk i/o error", "errno 28", "not enough space")


def debug() -> bool:
    return os.environ.get("CAEI_DEBUG", "") not in ("", "0")


def size_text(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_disk_full(exc: BaseException) -> bool:
    for error in chain(exc):
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(error, sqlite3.OperationalError | duckdb.Error) and text_says_disk_full(str(error)):
            return True
    return False


def text_says_disk_full(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in DISK_FULL_WORDS)


def existing_folder(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def run_needs_bytes(settings: Settings) -> int:
    """About what a run writes: the warehouse and a snapshot again (DuckDB rewrites its tables), plus Dagster's
    records; a first run's measured total when nothing is there yet."""
    sizes = [p.stat().st_size for p in (settings.warehouse_path,) if p.exists()]
    snapshots = sorted((settings.published_dir / "snapshots").glob("*.duckdb"))
    sizes += [snapshots[-1].stat().st_size] if snapshots else []
    return max(sum(sizes) + 16 * 1024 * 1024, FIRST_RUN_BYTES) if sizes else FIRST_RUN_BYTES


def disk_full_line(folder: Path, needed: int | None) -> str:
    folder = existing_folder(folder)
    free = shutil.disk_usage(folder).free
    if needed is not None and needed > free:
        need = f"; it needs about {size_text(needed)}: free at least {size_text(needed - free)}, then run it again"
    else:
        need = "; free some space, then run it again"
    return f"the disk holding {folder} is full ({size_text(free)} free){need}"


def one_line(exc: BaseException, settings: Settings | None, needed: int | None = None) -> str:
    """What failed and what to do, for an exception that stopped a command."""
    if is_disk_full(exc):
        where = next(
            (Path(e.filename) for e in chain(exc) if isinstance(e, OSError) and e.filename),
            settings.home if settings else Path.cwd(),
        )
        if needed is None and settings is not None:
            needed = run_needs_bytes(settings)
        return disk_full_line(where.parent if where.suffix else where, needed)
    for error in chain(exc):
        if isinstance(error, sqlite3.Error):
            place = settings.dagster_home if settings else "DAGSTER_HOME"
            return f"Dagster's run records in {place} cannot be written ({error}); check that folder, then run again"
        if isinstance(error, PermissionError | IsADirectoryError | NotADirectoryError | FileNotFoundError):
            return f"cannot use {error.filename}: {error.strerror}; check the path and its permissions"
        if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
            return "the port is already in use (another server?): stop it or choose another --port"
        if isinstance(error, OSError) and error.errno == errno.EROFS:
            return f"cannot write {error.filename}: the place is read-only; choose another"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first} (run again with CAEI_DEBUG=1 to see where it failed)"


def error_texts(error) -> Iterator[str]:
    """The messages of a Dagster SerializableErrorInfo and of its causes."""
    while error is not None:
        yield error.message or ""
        error = getattr(error, "cause", None) or getattr(error, "context", None)


def run_errors(result) -> list[tuple[str, Any]]:
    """(what failed, SerializableErrorInfo) of every event of a finished run that carries an error, in order."""
    found = []
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        if error is not None:
            found.append((event.step_key or event.event_type_value.lower().replace("_", " "), error))
    return found


def run_failure_line(errors: list[tuple[str, Any]], settings: Settings) -> str | None:
    """The closing line for a failed run when one cause explains it: a full disk, or another run's writer lock."""
    texts = [text for _label, error in errors for text in error_texts(error)]
    if any(text_says_disk_full(text) for text in texts):
        return disk_full_line(settings.home, run_needs_bytes(settings))
    for _label, error in errors:
        if getattr(error, "cls_name", "") == "WriterBusyError":
            return (error.message or "").strip().splitlines()[-1].split(": ", 1)[-1]
    return None
