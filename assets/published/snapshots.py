"""Published snapshots: complete read-only DuckDB files, swapped in atomically.

published/
  snapshots/<id>.duckdb   one complete serving database per publish (never written after the swap)
  CURRENT                 the id being served (replaced atomically with os.replace)
  served.log              every id CURRENT has named, in order (a snapshot missing from it was never served)

Readers (dashboard, exports) open only the file CURRENT names, read-only, so the pipeline's writer
never holds a lock they need, and a crash while publishing leaves the previous snapshot served.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

SNAPSHOT_ID = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{6}$")  # UTC time to the microsecond, so ids sort by age
KEEP_SNAPSHOTS = 5
# A page answers its callbacks from the snapshot its layout was built from: keep every snapshot at least this long
# after publishing, so pages opened before a burst of refreshes keep working (a page older than this asks for a reload).
KEEP_YOUNGER_THAN = dt.timedelta(hours=2)


class NoSnapshotError(RuntimeError):
    pass


SERVED_LOG = "served.log"


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: str
    created_at: dt.datetime
    path: Path
    current: bool
    # Complete and checked, but its publish stopped before CURRENT named it (a crash in between); rollback can serve it.
    never_served: bool = False


def snapshots_dir(published_dir: Path) -> Path:
    return published_dir / "snapshots"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_pointer(published_dir: Path, snapshot_id: str) -> None:
    tmp = published_dir / f".CURRENT.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(snapshot_id + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, published_dir / "CURRENT")
    _fsync_dir(published_dir)
    with open(published_dir / SERVED_LOG, "a", encoding="ascii") as log:
        log.write(snapshot_id + "\n")


def served_ids(published_dir: Path) -> list[str]:
    """The ids CURRENT has named since the log began (older installations have none before that)."""
    log = published_dir / SERVED_LOG
    lines = log.read_text(encoding="ascii").split() if log.exists() else []
    return [line for line in lines if SNAPSHOT_ID.match(line)]


def current_snapshot_id(published_dir: Path) -> str:
    pointer = published_dir / "CURRENT"
    if not pointer.exists():
        raise NoSnapshotError(f"nothing is published yet in {published_dir}: run `caei materialize` first")
    snapshot_id = pointer.read_text(encoding="ascii").strip()
    if not SNAPSHOT_ID.match(snapshot_id):
        raise NoSnapshotError(f"{pointer} holds {snapshot_id!r}, which is not a snapshot id")
    return snapshot_id


def snapshot_path(published_dir: Path, snapshot_id: str) -> Path:
    if not SNAPSHOT_ID.match(snapshot_id):  # ids come from users (rollback, URLs): keep paths inside the folder
        raise NoSnapshotError(f"{snapshot_id!r} is not a snapshot id (expected e.g. 20260101T120000123456Z-1a2b3c)")
    path = snapshots_dir(published_dir) / f"{snapshot_id}.duckdb"
    if not path.exists():
        raise NoSnapshotError(f"snapshot {snapshot_id} does not exist in {snapshots_dir(published_dir)}")
    return path


def current_snapshot_path(published_dir: Path) -> Path:
    return snapshot_path(published_dir, current_snapshot_id(published_dir))


def open_snapshot(published_dir: Path, snapshot_id: str | None = None) -> duckdb.DuckDBPyConnection:
    path = snapshot_path(published_dir, snapshot_id or current_snapshot_id(published_dir))
    return duckdb.connect(str(path), read_only=True)


def publish(
    tables: dict[str, pl.DataFrame],
    published_dir: Path,
    *,
    keep: int = KEEP_SNAPSHOTS,
    keep_younger_than: dt.timedelta = KEEP_YOUNGER_THAN,
    now: dt.datetime | None = None,
) -> str:
    """Write every table into a new snapshot file, then swap CURRENT to it. Returns the snapshot id."""
    now = now or dt.datetime.now(dt.UTC)
    snapshot_id = f"{now:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
    folder = snapshots_dir(published_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".tmp-*"):  # from a publish that crashed before its swap
        leftover.unlink(missing_ok=True)
    tmp = folder / f".tmp-{snapshot_id}.duckdb"
    info = pl.DataFrame(
        {
            "snapshot_id": [snapshot_id],
            "created_at": [now.replace(tzinfo=None)],
            "n_values": [tables["indicator_values"].height if "indicator_values" in tables else 0],
        }
    )
    con = duckdb.connect(str(tmp))
    try:
        for name, frame in {**tables, "snapshot_info": info}.items():
            con.register("frame", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
            con.unregister("frame")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, folder / f"{snapshot_id}.duckdb")
    _fsync_dir(folder)
    _write_pointer(published_dir, snapshot_id)
    prune(published_dir, keep, keep_younger_than)
    return snapshot_id


def list_snapshots(published_dir: Path) -> list[SnapshotInfo]:
    folder = snapshots_dir(published_dir)
    try:
        current = current_snapshot_id(published_dir)
    except NoSnapshotError:
        current = None
    served = served_ids(published_dir)
    out = []
    for path in sorted(folder.glob("*.duckdb")) if folder.exists() else []:
        sid = path.stem
        if SNAPSHOT_ID.match(sid):
            created = dt.datetime.strptime(sid.split("-")[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
            # only snapshots made since the log began can be known never served (ids sort by age)
            never_served = bool(served) and sid > min(served) and sid not in served and sid != current
            out.append(SnapshotInfo(sid, created, path, sid == current, never_served))
    return sorted(out, key=lambda s: s.snapshot_id, reverse=True)


def rollback(published_dir: Path, snapshot_id: str) -> None:
    snapshot_path(published_dir, snapshot_id)  # validates the id and that the file exists
    _write_pointer(published_dir, snapshot_id)


def prune(published_dir: Path, keep: int, keep_younger_than: dt.timedelta = KEEP_YOUNGER_THAN) -> None:
    """Keep the newest `keep` snapshots, any younger than `keep_younger_than` and, always, the one being served."""
    cutoff = dt.datetime.now(dt.UTC) - keep_younger_than
    for info in list_snapshots(published_dir)[keep:]:
        if not info.current and info.created_at < cutoff:
            info.path.unlink(missing_ok=True)
