"""Published snapshots: complete read-only DuckDB files, swapped in atomically.

published/
  snapshots/<id>.duckdb   one complete serving database per publish (never written after the swap)
  snapshots/<id>.json     its record: the file's sha256 and size, each table's columns and row count
  CURRENT                 the id being served (replaced atomically with os.replace)
  served.log              every id CURRENT has named, in order (a snapshot missing from it was never served)

Readers (dashboard, exports) open only the file CURRENT names, read-only, so the pipeline's writer
never holds a lock they need, and a crash while publishing leaves the previous snapshot served. `verify` checks a
file against its record (read-only) before `rollback` serves it and when `caei snapshots` lists it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

# UTC time to the microsecond, so ids sort by age. Test ids whole (`is_snapshot_id`): `$` would let "id\n" through.
SNAPSHOT_ID = re.compile(r"\d{8}T\d{12}Z-[0-9a-f]{6}")
KEEP_SNAPSHOTS = 5
# A page answers its callbacks from the snapshot its layout was built from: keep every snapshot at least this long
# after publishing, so pages opened before a burst of refreshes keep working (a page older than this asks for a reload).
KEEP_YOUNGER_THAN = dt.timedelta(hours=2)


class SnapshotDamagedError(RuntimeError):
    """A file named like a snapshot that is not the complete snapshot its record describes."""


class NoSnapshotError(RuntimeError):
    """No snapshot to answer from. The message may reach a browser: it names ids, never server paths."""


def is_snapshot_id(text: object) -> bool:
    return isinstance(text, str) and SNAPSHOT_ID.fullmatch(text) is not None


SERVED_LOG = "served.log"


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: str
    created_at: dt.datetime
    path: Path
    current: bool
    # Complete and checked, but its publish stopped before CURRENT named it (a crash in between); rollback can serve it.
    never_served: bool = False


@dataclass(frozen=True)
class Verified:
    """What `verify` found: the file is the snapshot its record describes (or, without a record, readable)."""

    snapshot_id: str
    tables: dict[str, int]  # rows per table
    checksum_recorded: bool  # False for snapshots published before records were kept: schema checked only


# Tables every snapshot holds, whatever published it (a file without them cannot serve a page).
REQUIRED_TABLES = ("snapshot_info",)


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
    return [line for line in lines if is_snapshot_id(line)]


def current_snapshot_id(published_dir: Path) -> str:
    pointer = published_dir / "CURRENT"
    if not pointer.exists():
        raise NoSnapshotError("nothing is published yet: run `caei materialize` first")
    snapshot_id = pointer.read_text(encoding="ascii", errors="replace").strip()
    if not is_snapshot_id(snapshot_id):
        raise NoSnapshotError(f"published/CURRENT holds {snapshot_id[:40]!r}, which is not a snapshot id")
    return snapshot_id


def snapshot_path(published_dir: Path, snapshot_id: str) -> Path:
    if not is_snapshot_id(snapshot_id):  # ids come from users (rollback, URLs): keep paths inside the folder
        raise NoSnapshotError(
            f"{str(snapshot_id)[:40]!r} is not a snapshot id (expected e.g. 20260101T120000123456Z-1a2b3c)"
        )
    path = snapshots_dir(published_dir) / f"{snapshot_id}.duckdb"
    if not path.exists():
        raise NoSnapshotError(f"snapshot {snapshot_id} is not kept (`caei snapshots` lists those that are)")
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
    for leftover in folder.glob(".tmp-*"):  # from a publish that crashed before its swap (files and records)
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
    _write_record(folder, snapshot_id, tmp)  # before the file gets its name: a named file always has its record
    os.replace(tmp, folder / f"{snapshot_id}.duckdb")
    _fsync_dir(folder)
    _write_pointer(published_dir, snapshot_id)
    prune(published_dir, keep, keep_younger_than)
    return snapshot_id


def record_path(path: Path) -> Path:
    return path.with_suffix(".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _table_layout(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Each table's columns (name, type) in order and its row count."""
    columns: dict[str, list[list[str]]] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall():
        columns.setdefault(table, []).append([column, dtype])
    return {
        table: {"columns": cols, "rows": (con.execute(f'SELECT count(*) FROM "{table}"').fetchone() or (0,))[0]}
        for table, cols in columns.items()
    }


def _write_record(folder: Path, snapshot_id: str, file: Path) -> None:
    with duckdb.connect(str(file), read_only=True) as con:
        tables = _table_layout(con)
    record = {"snapshot_id": snapshot_id, "sha256": file_sha256(file), "bytes": file.stat().st_size, "tables": tables}
    tmp = folder / f".tmp-{snapshot_id}.json.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / f"{snapshot_id}.json")


def verify(published_dir: Path, snapshot_id: str) -> Verified:
    """Check a kept snapshot read-only: its record's checksum and size, then each table's columns and row count.

    Raises NoSnapshotError (no such id) or SnapshotDamagedError with the reason. A snapshot published before
    records were kept has no checksum to compare: it must still open, hold the tables every snapshot holds and
    name itself in snapshot_info.
    """
    path = snapshot_path(published_dir, snapshot_id)
    record = None
    if record_path(path).exists():
        try:
            record = json.loads(record_path(path).read_text(encoding="utf-8"))
            record["sha256"], record["tables"]  # noqa: B018  # the keys verify reads
        except (ValueError, KeyError, TypeError):
            raise SnapshotDamagedError(
                f"snapshot {snapshot_id}: its record ({snapshot_id}.json) is unreadable"
            ) from None
        size = path.stat().st_size
        if size != record.get("bytes", size):
            raise SnapshotDamagedError(
                f"snapshot {snapshot_id}: the file has {size} bytes, {record['bytes']} were published"
            )
        if file_sha256(path) != record["sha256"]:
            raise SnapshotDamagedError(f"snapshot {snapshot_id}: the file's sha256 differs from the one published")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = _table_layout(con)
            named = con.execute("SELECT snapshot_id FROM snapshot_info").fetchall() if "snapshot_info" in found else []
    except duckdb.Error as error:
        reason = str(error).splitlines()[0].replace(str(path), path.name)[:200]
        raise SnapshotDamagedError(f"snapshot {snapshot_id} cannot be opened as a DuckDB database ({reason})") from None
    expected = record["tables"] if record else {name: None for name in REQUIRED_TABLES}
    for table, layout in expected.items():
        if table not in found:
            raise SnapshotDamagedError(f"snapshot {snapshot_id} lacks the table {table}")
        if layout and found[table]["columns"] != layout["columns"]:
            raise SnapshotDamagedError(f"snapshot {snapshot_id}: the columns of {table} differ from those published")
        if layout and found[table]["rows"] != layout["rows"]:
            raise SnapshotDamagedError(
                f"snapshot {snapshot_id}: {table} has {found[table]['rows']} rows, {layout['rows']} were published"
            )
    if [row[0] for row in named] != [snapshot_id]:
        raise SnapshotDamagedError(f"snapshot {snapshot_id}: its snapshot_info does not name it")
    return Verified(snapshot_id, {t: v["rows"] for t, v in found.items()}, record is not None)


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
        if is_snapshot_id(sid):
            created = dt.datetime.strptime(sid.split("-")[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
            # only snapshots made since the log began can be known never served (ids sort by age)
            never_served = bool(served) and sid > min(served) and sid not in served and sid != current
            out.append(SnapshotInfo(sid, created, path, sid == current, never_served))
    return sorted(out, key=lambda s: s.snapshot_id, reverse=True)


def rollback(published_dir: Path, snapshot_id: str) -> Verified:
    """Serve `snapshot_id` again, once `verify` finds it whole (else CURRENT stays and the error says why)."""
    verified = verify(published_dir, snapshot_id)
    _write_pointer(published_dir, snapshot_id)
    return verified


def prune(published_dir: Path, keep: int, keep_younger_than: dt.timedelta = KEEP_YOUNGER_THAN) -> None:
    """Keep the newest `keep` snapshots, any younger than `keep_younger_than` and, always, the one being served."""
    cutoff = dt.datetime.now(dt.UTC) - keep_younger_than
    for info in list_snapshots(published_dir)[keep:]:
        if not info.current and info.created_at < cutoff:
            info.path.unlink(missing_ok=True)
            record_path(info.path).unlink(missing_ok=True)
