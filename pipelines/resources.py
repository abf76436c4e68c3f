"""Resources: the warehouse IO manager (polars frames <-> DuckDB tables) with its one-writer lock."""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb
import polars as pl
from dagster import AssetKey, ConfigurableIOManager, InitResourceContext, InputContext, OutputContext
from pydantic import PrivateAttr

from assets.common.keys import WAREHOUSE_SCHEMA

# Types DuckDB gives back to polars unchanged: a frame made only of these is handed on without reading it back.
SAME_AFTER_ROUND_TRIP = frozenset(
    {
        pl.Boolean,
        pl.String,
        pl.Date,
        pl.Datetime("us"),
        pl.Float32,
        pl.Float64,
        pl.Int8,
        pl.Int16,
        pl.Int32,
        pl.Int64,
        pl.UInt8,
        pl.UInt16,
        pl.UInt32,
        pl.UInt64,
    }
)


class WriterBusyError(RuntimeError):
    pass


class WriterLock:
    """An exclusive flock on CAEI_HOME/warehouse.lock: one pipeline writer at a time.

    A second writer waits (printing who holds the lock) up to `wait_seconds`, then stops with a clear
    message, instead of meeting DuckDB's file-lock error.
    """

    def __init__(self, path: Path, wait_seconds: float, log: Callable[[str], object] = print):
        self.path, self.wait_seconds, self.log = path, wait_seconds, log
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise WriterBusyError(
                        f"another pipeline run ({holder}) is writing {self.path.parent}; "
                        f"waited {self.wait_seconds:.0f} s. "
                        "Try again when it has finished (`caei materialize --wait SECONDS` waits longer)."
                    ) from None
                if not announced:
                    self.log(f"waiting for another pipeline run ({holder}) to finish writing {self.path.parent} ...")
                    announced = True
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        # Who holds it, for the message of a run that waits, and for finding the runs of a process that died.
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class WarehouseIOManager(ConfigurableIOManager):
    """Stores each asset's polars frame as the DuckDB table "<step>"."<name>" of the warehouse file.

    The asset key's first part is the step (raw, staged, indicators, ...), so the warehouse reads like the
    data's path; an asset whose metadata names a WAREHOUSE_SCHEMA (a quarantine, a ledger, ...) sits there
    instead, under the same key. The run holds the writer lock (warehouse.lock beside the file) from start to
    end, and writes through one connection in one transaction, committed when the run ends (failed runs too:
    the steps that succeeded keep their tables). (A commit per table cost a disk sync and a WAL write for each
    of the ~180 tables.) Frames written in this run are handed to downstream steps as they are, without
    reading them back, when their column types are ones DuckDB returns unchanged.
    """

    warehouse_path: str
    wait_seconds: float  # for another run's writer lock
    _lock: WriterLock | None = PrivateAttr(default=None)
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _written: dict[tuple[str, str], pl.DataFrame] = PrivateAttr(default_factory=dict)
    _schemas: set[str] = PrivateAttr(default_factory=set)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        log = context.log.warning if context.log else print  # warning: shown by the CLI progress logger
        self._lock = WriterLock(Path(self.warehouse_path).with_suffix(".lock"), self.wait_seconds, log=log)
        self._lock.acquire()
        try:
            self._con = self._connect()
            # The tables are small (at most a few hundred thousand rows): one DuckDB thread writes them as fast
            # as several, and does not compete with the run's own Python work for the cores.
            self._con.execute("SET threads = 1")
            self._con.execute("BEGIN TRANSACTION")
        except BaseException:
            self._lock.release()
            raise
        self._written, self._schemas = {}, set()

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        try:
            if self._con is not None:
                try:
                    self._con.execute("COMMIT")
                finally:
                    self._con.close()
                    self._con = None
        finally:
            self._written, self._schemas = {}, set()
            if self._lock:
                self._lock.release()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        path = Path(self.warehouse_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path))

    def _write(self, con: duckdb.DuckDBPyConnection, schema: str, name: str, frame: pl.DataFrame) -> None:
        if schema not in self._schemas or con is not self._con:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            if con is self._con:
                self._schemas.add(schema)
        con.register("frame", frame)
        try:
            con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{name}" AS SELECT * FROM frame')
        finally:
            con.unregister("frame")

    def _write_in_run(self, con: duckdb.DuckDBPyConnection, schema: str, name: str, frame: pl.DataFrame) -> None:
        try:
            self._write(con, schema, name, frame)
        except duckdb.Error:
            # A failed statement aborts the whole transaction: start a new one holding this run's earlier
            # tables again, so one bad write loses only its own table, as with a commit per table.
            con.execute("ROLLBACK")
            con.execute("BEGIN TRANSACTION")
            self._schemas = set()
            for (s, n), earlier in self._written.items():
                self._write(con, s, n, earlier)
            raise
        self._written[(schema, name)] = frame

    def _written_in_run(self, schema: str, name: str) -> pl.DataFrame | None:
        frame = self._written.get((schema, name))
        if frame is not None and all(dtype in SAME_AFTER_ROUND_TRIP for dtype in frame.schema.values()):
            return frame  # polars frames are not changed in place by the assets: sharing it is safe
        return None

    def handle_output(self, context: OutputContext, obj: pl.DataFrame | None) -> None:
        if obj is None:
            return
        if not isinstance(obj, pl.DataFrame):
            raise TypeError(
                f"{context.asset_key.to_user_string()}: assets must return polars DataFrames, got {type(obj).__name__}"
            )
        schema, name = _table(context.asset_key, context.definition_metadata)
        if self._con is not None:
            self._write_in_run(self._con, schema, name, obj)
        else:
            with self._connect() as con:
                self._write(con, schema, name, obj)
        context.add_output_metadata({"rows": obj.height, "table": f"{schema}.{name}"})

    def load_input(self, context: InputContext) -> pl.DataFrame:
        # Read where the upstream asset's own metadata placed its table.
        upstream = context.upstream_output
        schema, name = _table(context.asset_key, upstream.definition_metadata if upstream else None)
        frame = self._written_in_run(schema, name)
        if frame is not None:
            return frame
        if self._con is not None:
            return self._con.execute(f'SELECT * FROM "{schema}"."{name}"').pl()
        with self._connect() as con:
            return con.execute(f'SELECT * FROM "{schema}"."{name}"').pl()


def _table(key: AssetKey, metadata: Mapping[str, object] | None) -> tuple[str, str]:
    """(schema, table) of an asset: the key's step, or the asset's WAREHOUSE_SCHEMA metadata."""
    path = key.path
    schema, name = (path[0], "__".join(path[1:])) if len(path) > 1 else ("main", path[0])
    named = (metadata or {}).get(WAREHOUSE_SCHEMA)
    return (str(named) if named else schema), name
