"""Faults of a source's origin, seen through the real `caei materialize` command.

A copy of the shared data is served over HTTP (tests/faults/mirror_server.py) with one source, the
Aral area table, made faulty. Each case starts from a copy of one good CAEI_HOME (published from the
directory mirror) and re-materialises that source and everything downstream of it, publish included.
The user must see: exit code 1, the source id and the reason, the retries, the previous snapshot still
served, and the Dagster run recorded as failed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assets.published.snapshots import current_snapshot_id, list_snapshots, open_snapshot
from assets.sources.catalogue import sources
from tests.faults.mirror_server import MirrorServer
from tests.support.caei import REPO, run_caei

SOURCE_ID = "aral_area"
RETRIES = 2  # so 3 attempts
# Fast, but the read timeout still leaves a healthy local server ample time to answer.
FAST_FETCH = {"CAEI_FETCH_RETRIES": str(RETRIES), "CAEI_FETCH_TIMEOUT": "5,1.5", "CAEI_FETCH_BACKOFF": "0.01"}


def downstream_selection(source_id: str) -> str:
    """The source's raw asset and every asset after it, publish included (for `--select`)."""
    from dagster import AssetKey, AssetSelection

    from pipelines.definitions import defs

    keys = AssetSelection.assets(AssetKey(["raw", source_id])).downstream().resolve(defs.resolve_asset_graph())
    assert AssetKey(["published", "snapshot"]) in keys
    return ",".join(sorted(k.to_user_string() for k in keys))


@pytest.fixture(scope="module")
def selection() -> str:
    return downstream_selection(SOURCE_ID)


@pytest.fixture(scope="module")
def mirror(shared_data_dir):
    server = MirrorServer(shared_data_dir).start()
    yield server
    server.stop()


@pytest.fixture
def home(published_home, tmp_path) -> Path:
    """A private copy of the good, published CAEI_HOME (warehouse, snapshots, Dagster storage)."""
    copy = tmp_path / "home"
    shutil.copytree(published_home, copy, symlinks=True)
    return copy


def runs_recorded(home: Path) -> tuple[int, str]:
    """(number of runs, status of the newest) in the Dagster storage under CAEI_HOME/dagster, as the UI reads it."""
    code = textwrap.dedent("""
        from dagster import DagsterInstance
        with DagsterInstance.get() as instance:
            runs = instance.get_runs()
            print(len(runs), runs[0].status.value if runs else "NO_RUN")
    """)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DAGSTER_HOME": str(home / "dagster")},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    n, status = done.stdout.strip().splitlines()[-1].split()
    return int(n), status


def assert_previous_snapshot_served(home: Path, served_before: str, *, only: bool = True) -> None:
    published = home / "published"
    assert current_snapshot_id(published) == served_before
    listed = {s.snapshot_id: s.current for s in list_snapshots(published)}
    assert listed[served_before] is True
    if only:
        assert list(listed) == [served_before]
    con = open_snapshot(published)
    try:
        assert con.execute("SELECT snapshot_id FROM snapshot_info").fetchone()[0] == served_before
        # The Aral table still holds the published values (1986 total: 41.39 thousand km2 in the raw file).
        assert con.execute("SELECT area_km2 FROM aral_area WHERE year = 1986 AND basin = 'total'").fetchone()[
            0
        ] == pytest.approx(41390)
    finally:
        con.close()


FAULT_REASONS = {
    # fault: (text the user must read, attempts the server must have seen)
    "500": ("HTTP 500 Internal Server Error", RETRIES + 1),
    "hang": ("timed out", RETRIES + 1),
    "truncate": ("the response was cut short", RETRIES + 1),
    "garbage": ("not UTF-8 text", 1),
    "schema": ("missing column(s) ['Small']", 1),
}


@pytest.mark.parametrize("fault", list(FAULT_REASONS))
def test_a_faulty_source_fails_the_run_loudly_and_the_last_good_snapshot_stays(fault, home, mirror, selection):
    entry = sources()[SOURCE_ID]
    served_before = current_snapshot_id(home / "published")
    n_runs, status = runs_recorded(home)
    assert status == "SUCCESS"
    mirror.fault, mirror.fault_path = fault, entry.mirror_path
    mirror.hits.clear()

    done = run_caei(["materialize", "--select", selection], home, mirror.base_url, timeout=900, **FAST_FETCH)

    output = done.stdout + done.stderr
    reason, attempts = FAULT_REASONS[fault]
    assert done.returncode == 1, output[-3000:]
    failures = [line for line in done.stderr.splitlines() if line.startswith("caei: FAILED")]
    assert failures, output[-3000:]
    assert SOURCE_ID in failures[0] and reason in failures[0], failures
    assert "the previously published snapshot is still served" in done.stderr
    assert mirror.hits[entry.mirror_path] == attempts
    if attempts > 1:  # every retry is announced, and the final message counts the attempts
        assert f"source '{SOURCE_ID}': attempt {RETRIES} of {attempts} failed" in done.stderr
        assert f"({attempts} attempts)" in failures[0]
    assert "published snapshot" not in done.stdout
    assert_previous_snapshot_served(home, served_before)
    assert runs_recorded(home) == (n_runs + 1, "FAILURE")


def test_the_same_selection_publishes_when_the_mirror_is_healthy(home, mirror, selection):
    """The control case: the faults above, not the selection or the HTTP mirror, made the runs fail."""
    served_before = current_snapshot_id(home / "published")
    mirror.fault = mirror.fault_path = None

    done = run_caei(["materialize", "--select", selection], home, mirror.base_url, timeout=900, **FAST_FETCH)

    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert current_snapshot_id(home / "published") != served_before
    assert runs_recorded(home)[1] == "SUCCESS"


# ---------------------------------------------------------------- a crash in the middle of publishing

CRASHING_CLI = """
import os, sys
from assets.published import snapshots
point = sys.argv[1]
if point == "while_writing":  # the process dies while the new snapshot's tables are being written
    real_connect = snapshots.duckdb.connect
    class Dying:
        def __init__(self, con): self.con, self.n = con, 0
        def __getattr__(self, name): return getattr(self.con, name)
        def execute(self, *a, **k):
            self.n += 1
            if self.n == 8: os._exit(137)
            return self.con.execute(*a, **k)
    snapshots.duckdb = type("duckdb", (), {"connect": staticmethod(lambda *a, **k: Dying(real_connect(*a, **k)))})
else:  # "before_pointer": the new file is complete and in place, the process dies before CURRENT moves
    snapshots._write_pointer = lambda *a, **k: os._exit(137)
from pipelines.cli import main
sys.exit(main(["materialize", "--select", "published/snapshot"]))
"""


@pytest.mark.parametrize("point", ["while_writing", "before_pointer"])
def test_a_process_killed_while_publishing_leaves_the_previous_snapshot_served(point, home):
    published = home / "published"
    served_before = current_snapshot_id(published)
    pointer_before = (published / "CURRENT").read_bytes()
    env = {**{k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}, "CAEI_HOME": str(home)}

    done = subprocess.run(
        [sys.executable, "-c", CRASHING_CLI, point], cwd=REPO, env=env, capture_output=True, text=True, timeout=900
    )

    assert done.returncode == 137, (done.stdout + done.stderr)[-3000:]
    assert (published / "CURRENT").read_bytes() == pointer_before
    assert_previous_snapshot_served(home, served_before, only=point == "while_writing")
    left = sorted(p.name for p in (published / "snapshots").iterdir())
    if point == "while_writing":
        # Only a hidden temporary file stays behind; it is never listed nor served, and the next publish removes it.
        assert [n for n in left if n.startswith(".tmp-")], left
    else:
        # A complete but unannounced file may stay; it is not served (CURRENT decides), and rollback could name it.
        assert len([n for n in left if n.endswith(".duckdb") and not n.startswith(".")]) == 2, left
        listing = run_caei(["snapshots"], home).stdout.splitlines()
        assert [line for line in listing if "never served" in line] == [
            line for line in listing if not line.startswith("*")
        ], listing

    again = run_caei(["materialize", "--select", "published/snapshot"], home)
    assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
    served_now = current_snapshot_id(published)
    assert served_now != served_before
    assert not [p for p in (published / "snapshots").iterdir() if p.name.startswith(".tmp-")]
    con = open_snapshot(published)
    try:
        assert con.execute("SELECT snapshot_id FROM snapshot_info").fetchone()[0] == served_now
    finally:
        con.close()
