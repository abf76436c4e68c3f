"""Read access to the published snapshots: the only dashboard module that talks to DuckDB.

A page's layout is built from the snapshot `published/CURRENT` names at that moment (re-read on every request,
so a new publish is picked up without a restart); the layout carries that snapshot's id (the `snapshot-pin`
store) and the page's callbacks answer from the same snapshot, so no view ever mixes two publishes. Every
response names the snapshot it was built from (`X-CAEI-Snapshot`). A snapshot file never changes once
published, so query results are cached per snapshot file. Connections are read-only and short-lived: many
processes may read a snapshot at once, and the pipeline never writes to a published file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

# The pipeline owns the layout of published/ (CURRENT + snapshots/<id>.duckdb): read it with its functions.
# NoSnapshotError is re-exported so the pages need to know only this module.
from assets.common.geography import REGION_ID as REGION_ID  # the pages read it from here
from assets.published.snapshots import (  # noqa: F401
    NoSnapshotError,
    current_snapshot_path,
    is_snapshot_id,
    snapshot_path,
)

# The id of the dcc.Store, in every page's layout, holding the snapshot id the layout was built from.
PIN_STORE_ID = "snapshot-pin"
SNAPSHOT_HEADER = "X-CAEI-Snapshot"
# Flask config key under which create_app() stores the published directory of its app.
PUBLISHED_DIR_CONFIG_KEY = "CAEI_PUBLISHED_DIR"


class SnapshotGoneError(NoSnapshotError):
    """The snapshot a page was built from has been pruned since (the page must be reloaded)."""


class SnapshotContentError(RuntimeError):
    """The snapshot lacks a table or column the dashboard reads (e.g. published by an older pipeline)."""


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot file; all reads go through `query`."""

    path: Path

    @property
    def snapshot_id(self) -> str:
        return self.path.stem

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> pl.DataFrame:
        """Run a parameterised read-only query (values only as `?` parameters, never formatted in)."""
        return _cached_query(str(self.path), sql, _hashable(params))


def open_current_snapshot(published_dir: Path) -> Snapshot:
    """The snapshot CURRENT points to now; raises NoSnapshotError when nothing is published."""
    return Snapshot(current_snapshot_path(published_dir))


def published_dir_of_current_app() -> Path:
    """The published directory configured by create_app() for the app serving this request."""
    import flask  # only needed inside a request; keeps this module importable without an app

    return Path(flask.current_app.config[PUBLISHED_DIR_CONFIG_KEY])


def pin_snapshot(snapshot_id: str | None) -> None:
    """Make this request answer from `snapshot_id` (the snapshot its page was built from), not from CURRENT."""
    import flask

    flask.g.caei_pinned_snapshot = snapshot_id or None


def snapshot_for_request() -> Snapshot:
    """The snapshot this request answers from: the pinned one (callbacks, downloads), else CURRENT now.

    The id is remembered for the response header. A pinned id is validated as a snapshot id before it becomes a
    path (it comes from the browser).
    """
    import flask

    published = published_dir_of_current_app()
    pinned = flask.g.get("caei_pinned_snapshot")
    if pinned:
        try:
            snap = Snapshot(snapshot_path(published, str(pinned)))
        except NoSnapshotError as gone:
            # Name the id only when it is one: the pin comes from the browser, and this text goes back to it.
            if not is_snapshot_id(pinned):
                raise SnapshotGoneError(
                    "this page names its data by what is not a snapshot id: reload the page"
                ) from gone
            raise SnapshotGoneError(
                f"the data this page was built from ({pinned}) are no longer kept: reload the page"
            ) from gone
    else:
        snap = open_current_snapshot(published)
    flask.g.caei_snapshot_id = snap.snapshot_id
    return snap


def snapshot_id_for_response() -> str | None:
    """The snapshot id this request read from, else the one CURRENT names (e.g. for the index page)."""
    import flask

    used = flask.g.get("caei_snapshot_id")
    if used:
        return used
    pinned = flask.g.get("caei_pinned_snapshot")
    if pinned:  # the pinned snapshot is gone or forged: the answer is a refusal about it, not about CURRENT
        return pinned if is_snapshot_id(pinned) else None
    try:
        return open_current_snapshot(published_dir_of_current_app()).snapshot_id
    except NoSnapshotError:
        return None


def _hashable(params: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


@lru_cache(maxsize=512)
def _cached_query(path: str, sql: str, params: tuple[Any, ...]) -> pl.DataFrame:
    # DuckDB reads a Python list as a LIST parameter; a tuple would become a STRUCT.
    args = [list(p) if isinstance(p, tuple) else p for p in params]
    try:
        # Default config on connect: DuckDB refuses a second connection to a file open in this process with
        # another configuration (e.g. exports reading the same snapshot).
        with duckdb.connect(path, read_only=True) as con:
            # No replacement scans: a table missing from the snapshot must be an error, not a Python object
            # of the same name (DuckDB would otherwise scan e.g. a function aral_area of the calling module).
            con.execute("SET python_enable_replacements = false")
            return con.execute(sql, args).pl()
    except (duckdb.CatalogException, duckdb.BinderException) as missing:
        raise SnapshotContentError(
            f"Snapshot {Path(path).stem} cannot answer a dashboard query: {missing}"
        ) from missing


def snapshot_info(snap: Snapshot) -> dict[str, Any]:
    """snapshot_id, created_at (naive datetime in UTC), n_values."""
    rows = snap.query("SELECT snapshot_id, created_at, n_values FROM snapshot_info LIMIT 1").to_dicts()
    if not rows:
        return {"snapshot_id": snap.snapshot_id, "created_at": None, "n_values": None}
    info = rows[0]
    created_at = info.get("created_at")
    if isinstance(created_at, dt.datetime) and created_at.tzinfo is not None:
        info["created_at"] = created_at.astimezone(dt.UTC).replace(tzinfo=None)
    return info
