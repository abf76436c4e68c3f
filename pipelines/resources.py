"""Resources: the warehouse IO manager (polars frames <-> DuckDB tables) with its one-writer lock."""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import duckdb
import polars as pl
from dagster import ConfigurableIOManager, InitResourceContext, InputContext, OutputContext
from pydantic import PrivateAttr

from pipelines.settings import load_settings


class WriterBusyError(RuntimeError):
    pass


class WriterLock:
    """An exclusive flock on CAEI_HOME/warehouse.lock: one pipeline writer at a time.

    A second writer waits (printing who holds the lock) up to `wait_seconds`, then stops with a clear
    message, instead of meeting DuckDB's file-lock error.
    """

    def __init__(self, path: Path, wait_seconds: float, log=print):
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
                        f"another pipeline run ({holder}) is writing {self.path.parent}; waited {self.wait_seconds:.0f} s. "
                        "Try again when it has finished (`caei materialize --wait SECONDS` waits longer)."
                    ) from None
                if not announced:
                    self.log(f"waiting for another pipeline run ({holder}) to finish writing {self.path.parent} ...")
                    announced = True
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class WarehouseIOManager(ConfigurableIOManager):
    """Stores each asset's polars frame as the DuckDB table "<step>"."<name>" of CAEI_HOME/warehouse.duckdb.

    The asset key's first part is the step (raw, staged, indicators, ...), so the warehouse reads like the
    data's path. The run holds the writer lock from start to end.
    """

    wait_seconds: float = float(os.environ.get("CAEI_WRITER_WAIT", "600"))
    _lock: WriterLock | None = PrivateAttr(default=None)
    _con: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        log = context.log.warning if context.log else print  # warning: shown by the CLI progress logger
        self._lock = WriterLock(load_settings().home / "warehouse.lock", self.wait_seconds, log=log)
        self._lock.acquire()
        # One connection for the whole run: opening and checkpointing the file per asset cost more than the work.
        self._con = self._connect()

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        try:
            if self._con is not None:
                self._con.close()
                self._con = None
        finally:
            if self._lock:
                self._lock.release()

    @staticmethod
    def _table(key_path: list[str]) -> tuple[str, str]:
        schema, name = (key_path[0], "__".join(key_path[1:])) if len(key_path) > 1 else ("main", key_path[0])
        return schema, name

    def _connect(self) -> duckdb.DuckDBPyConnection:
        path = load_settings().warehouse_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path))

    def handle_output(self, context: OutputContext, obj) -> None:
        if obj is None:
            return
        if not isinstance(obj, pl.DataFrame):
            raise TypeError(f"{context.asset_key.to_user_string()}: assets must return polars DataFrames, got {type(obj).__name__}")
        schema, name = self._table(list(context.asset_key.path))
        con = self._con or self._connect()
        try:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            con.register("frame", obj)
            con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{name}" AS SELECT * FROM frame')
            con.unregister("frame")
        finally:
            if con is not self._con:
                con.close()
        context.add_output_metadata({"rows": obj.height, "table": f"{schema}.{name}"})

    def load_input(self, context: InputContext) -> pl.DataFrame:
        schema, name = self._table(list(context.asset_key.path))
        if self._con is not None:
            return self._con.execute(f'SELECT * FROM "{schema}"."{name}"').pl()
        with self._connect() as con:
            return con.execute(f'SELECT * FROM "{schema}"."{name}"').pl()
