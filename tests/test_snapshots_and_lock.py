"""Snapshot store and the one-writer lock, without Dagster."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time

import duckdb
import polars as pl
import pytest

from assets.published.snapshots import NoSnapshotError, current_snapshot_id, list_snapshots, open_snapshot, publish
from pipelines.resources import WriterBusyError, WriterLock


def test_publish_swaps_and_prunes(tmp_path):
    ids = [
        publish({"indicator_values": pl.DataFrame({"v": [i]})}, tmp_path, keep=3, keep_younger_than=dt.timedelta(0))
        for i in range(5)
    ]
    assert current_snapshot_id(tmp_path) == ids[-1]
    assert [s.snapshot_id for s in list_snapshots(tmp_path)] == sorted(ids, reverse=True)[:3]
    con = open_snapshot(tmp_path)
    assert con.execute("SELECT v FROM indicator_values").fetchone()[0] == 4
    with pytest.raises(duckdb.InvalidInputException, match="read-only"):
        con.execute("CREATE TABLE x (a INT)")
    con.close()


def test_recent_snapshots_outlive_the_keep_count_so_open_pages_keep_answering(tmp_path):
    ids = [publish({"indicator_values": pl.DataFrame({"v": [i]})}, tmp_path, keep=2) for i in range(4)]
    assert [s.snapshot_id for s in list_snapshots(tmp_path)] == sorted(ids, reverse=True)  # all younger than 2 h
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    stale = publish({"indicator_values": pl.DataFrame({"v": [9]})}, tmp_path, keep=2, now=old)
    newest = publish({"indicator_values": pl.DataFrame({"v": [10]})}, tmp_path, keep=2)
    kept = [s.snapshot_id for s in list_snapshots(tmp_path)]
    assert stale not in kept and newest in kept and set(ids) <= set(kept)


def test_crash_while_writing_keeps_previous_snapshot(tmp_path):
    good = publish({"indicator_values": pl.DataFrame({"v": [1]})}, tmp_path)
    with pytest.raises(duckdb.InvalidInputException):  # an object duckdb cannot write, midway through
        publish({"indicator_values": pl.DataFrame({"v": [2]}), "broken": object()}, tmp_path)
    assert current_snapshot_id(tmp_path) == good
    assert len(list_snapshots(tmp_path)) == 1


def test_nothing_published_is_a_clear_error(tmp_path):
    with pytest.raises(NoSnapshotError, match="caei materialize"):
        current_snapshot_id(tmp_path)


def _hold_lock(path, seconds):
    lock = WriterLock(path, 0)
    lock.acquire()
    time.sleep(seconds)
    lock.release()


def test_second_writer_waits_then_stops_with_a_clear_message(tmp_path):
    holder = multiprocessing.get_context("spawn").Process(target=_hold_lock, args=(tmp_path / "warehouse.lock", 3))
    holder.start()
    deadline = time.monotonic() + 60
    while b"pid" not in (tmp_path / "warehouse.lock").read_bytes() if (tmp_path / "warehouse.lock").exists() else True:
        assert time.monotonic() < deadline, "the first writer never took the lock"
        time.sleep(0.1)
    messages = []
    with pytest.raises(WriterBusyError, match=r"another pipeline run \(pid \d+ on \S+\) is writing"):
        WriterLock(tmp_path / "warehouse.lock", 0.5, log=messages.append).acquire()
    assert messages and "waiting" in messages[0]
    holder.join()
    lock = WriterLock(tmp_path / "warehouse.lock", 5)  # free again once the first run ends
    lock.acquire()
    lock.release()


def test_a_snapshot_whose_publish_stopped_before_the_pointer_is_listed_as_never_served(tmp_path, monkeypatch):
    from assets.published import snapshots

    served = publish({"indicator_values": pl.DataFrame({"v": [1]})}, tmp_path)

    def dies_before_the_pointer(*_args):
        raise KeyboardInterrupt("killed")

    real_write_pointer = snapshots._write_pointer
    monkeypatch.setattr(snapshots, "_write_pointer", dies_before_the_pointer)
    with pytest.raises(KeyboardInterrupt):
        publish({"indicator_values": pl.DataFrame({"v": [2]})}, tmp_path)
    monkeypatch.setattr(snapshots, "_write_pointer", real_write_pointer)

    listed = {s.snapshot_id: s for s in list_snapshots(tmp_path)}
    (unannounced,) = [sid for sid in listed if sid != served]
    assert current_snapshot_id(tmp_path) == served
    assert listed[unannounced].never_served and not listed[served].never_served
    snapshots.rollback(tmp_path, unannounced)  # complete and checked: it can be served on purpose
    assert not any(s.never_served for s in list_snapshots(tmp_path))
