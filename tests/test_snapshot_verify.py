"""Snapshot records (sha256, columns, row counts): `caei snapshots` verifies them, `caei rollback` refuses a file
that is not the snapshot it claims to be and leaves CURRENT where it was (issue 15)."""

from __future__ import annotations

import json
import shutil

import duckdb
import polars as pl
import pytest

from assets.common.settings import SEEDS_DIR
from assets.published import snapshots
from assets.published.snapshots import (
    SnapshotDamagedError,
    current_snapshot_id,
    publish,
    record_path,
    rollback,
    snapshot_path,
    snapshots_dir,
    verify,
)
from tests.support.caei import run_caei

FORGED_ID = "20260101T000000000000Z-abcdef"


@pytest.fixture
def home(tmp_path):
    """A CAEI_HOME with two snapshots of a real seed table (the source catalogue), the newer served."""
    catalogue = pl.read_csv(SEEDS_DIR / "sources.csv", infer_schema_length=0).head(50)
    published = tmp_path / "published"
    first = publish({"indicator_values": catalogue}, published)
    second = publish({"indicator_values": catalogue.head(10)}, published)
    return tmp_path, first, second


def test_publish_records_checksum_columns_and_rows(home):
    tmp_path, first, _second = home
    path = snapshot_path(tmp_path / "published", first)
    record = json.loads(record_path(path).read_text())
    assert record["sha256"] == snapshots.file_sha256(path) and record["bytes"] == path.stat().st_size
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM indicator_values").fetchone()[0]
        columns = [c[0] for c in con.execute("DESCRIBE indicator_values").fetchall()]
    assert record["tables"]["indicator_values"]["rows"] == rows == 50
    assert [c for c, _type in record["tables"]["indicator_values"]["columns"]] == columns
    assert record["tables"]["snapshot_info"]["rows"] == 1
    assert verify(tmp_path / "published", first).checksum_recorded


def plant(published, snapshot_id, content: bytes | None = None, copy_of: str | None = None):
    target = snapshots_dir(published) / f"{snapshot_id}.duckdb"
    if copy_of:
        shutil.copyfile(snapshot_path(published, copy_of), target)
    else:
        target.write_bytes(content or b"")
    return target


def damaged_cases(published, first):
    yield "garbage", plant(published, FORGED_ID, b"not a database " * 1000), "cannot be opened"
    yield "empty file", plant(published, FORGED_ID, b""), "cannot be opened"
    empty_db = plant(published, FORGED_ID, b"")
    empty_db.unlink()
    duckdb.connect(str(empty_db)).close()
    yield "an empty database", empty_db, "lacks the table snapshot_info"
    copy = plant(published, FORGED_ID, copy_of=first)
    shutil.copyfile(record_path(snapshot_path(published, first)), record_path(copy))
    yield "another snapshot's file", copy, "does not name it"
    path = snapshot_path(published, first)
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM indicator_values")
    yield "rows deleted after publishing", path, "sha256 differs"


def test_rollback_refuses_damaged_files_and_keeps_current(home):
    tmp_path, first, second = home
    published = tmp_path / "published"
    for name, path, reason in damaged_cases(published, first):
        with pytest.raises(SnapshotDamagedError, match=reason):
            rollback(published, path.stem)
        assert current_snapshot_id(published) == second, name
        if path.stem == FORGED_ID:
            path.unlink()
            record_path(path).unlink(missing_ok=True)


def test_a_truncated_file_is_refused_by_its_size(home):
    tmp_path, first, second = home
    path = snapshot_path(tmp_path / "published", first)
    path.write_bytes(path.read_bytes()[:4096])
    with pytest.raises(SnapshotDamagedError, match="bytes"):
        rollback(tmp_path / "published", first)


def test_a_snapshot_without_a_record_is_served_if_it_reads_whole(home):
    tmp_path, first, second = home
    record_path(snapshot_path(tmp_path / "published", first)).unlink()
    found = rollback(tmp_path / "published", first)
    assert not found.checksum_recorded and found.tables["indicator_values"] == 50
    assert current_snapshot_id(tmp_path / "published") == first


def test_cli_snapshots_and_rollback_say_why(home):
    tmp_path, first, second = home
    published = tmp_path / "published"
    plant(published, FORGED_ID, b"\x00" * 8192)
    listed = run_caei(["snapshots"], tmp_path, timeout=120)
    assert listed.returncode == 1
    lines = {line.split()[1] if line.startswith("*") else line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "DAMAGED" in lines[FORGED_ID] and "cannot be opened" in lines[FORGED_ID]
    assert "checksum verified" in lines[first] and "50 rows" not in lines[second]
    refused = run_caei(["rollback", FORGED_ID], tmp_path, timeout=120)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    (line,) = refused.stderr.strip().splitlines()
    assert "rollback refused" in line and f"still serving {second}" in line
    assert current_snapshot_id(published) == second
    done = run_caei(["rollback", first], tmp_path, timeout=120)
    assert done.returncode == 0 and "checksum verified" in done.stdout
    assert current_snapshot_id(published) == first
    newline = run_caei(["rollback", first + "\n"], tmp_path, timeout=120)
    assert newline.returncode == 1 and "not a snapshot id" in newline.stderr
