"""CLI failures as an operator meets them (issue 15): each ends with one line saying what failed and what to do,
with no traceback, and leaves no partial file; a run killed with SIGKILL does not stay STARTED.

Full disks and read-only places are small tmpfs mounts (root only: skipped elsewhere).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from pipelines.resources import WriterLock
from tests.support.caei import REPO, run_caei


def last_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert lines, "nothing was said"
    return lines[-1]


@contextmanager
def mounted(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mount.stderr.decode().strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


# ---- settings and locks -----------------------------------------------------------------------------------


def test_a_missing_mirror_folder_is_said_once(tmp_path):
    done = run_caei(["materialize"], tmp_path / "home", mirror=tmp_path / "no_such_folder", timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0, done.stderr
    line = last_line(done)
    assert "CAEI_MIRROR" in line and str(tmp_path / "no_such_folder") in line and "unset it" in line


def _hold_lock(path: Path, seconds: float) -> None:
    lock = WriterLock(path, 0)
    lock.acquire()
    time.sleep(seconds)


def test_a_lock_wait_running_out_names_the_holder(tmp_path, shared_data_dir):
    home = tmp_path / "home"
    holder = multiprocessing.get_context("spawn").Process(target=_hold_lock, args=(home / "warehouse.lock", 120))
    holder.start()
    try:
        deadline = time.monotonic() + 60
        while not (home / "warehouse.lock").exists() or b"pid" not in (home / "warehouse.lock").read_bytes():
            assert time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.1)
        done = run_caei(["materialize", "--wait", "1", "--select", "aral_area"], home, shared_data_dir, timeout=300)
    finally:
        holder.kill()
        holder.join()
    assert done.returncode == 1
    line = last_line(done)
    assert f"pid {holder.pid} on {socket.gethostname()}" in line and "--wait" in line


# ---- full disks ---------------------------------------------------------------------------------------------


def test_a_full_disk_during_materialize_says_where_and_how_much(tmp_path, shared_data_dir):
    with mounted(tmp_path / "disk", "size=4m") as disk:
        done = run_caei(["materialize"], disk / "home", shared_data_dir, timeout=900)
    assert done.returncode == 1
    line = last_line(done)
    assert f"the disk holding {disk}" in line and "is full" in line and "free at least" in line


# ---- exports -------------------------------------------------------------------------------------------------


def export(home: Path, out: str, fmt: str = "csv", table: str = "indicators") -> subprocess.CompletedProcess:
    return run_caei(["export", "--table", table, "--format", fmt, "--out", out], home, timeout=300)


def test_export_out_to_a_folder_or_an_empty_name_is_a_usage_error(published_home, tmp_path):
    folder = export(published_home, str(tmp_path))
    assert folder.returncode == 2 and "is a folder" in last_line(folder)
    empty = export(published_home, "")
    assert empty.returncode == 2 and "--out is empty" in last_line(empty)
    missing = export(published_home, str(tmp_path / "nowhere" / "x.csv"))
    assert missing.returncode == 1 and "does not exist" in last_line(missing)
    assert os.listdir(tmp_path) == ["nowhere"] or os.listdir(tmp_path) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_to_a_read_only_place_says_so_and_writes_nothing(published_home, tmp_path, fmt):
    with mounted(tmp_path / "ro", "size=4m,ro") as place:
        done = export(published_home, str(place / f"x.{fmt}"), fmt)
        assert done.returncode == 1
        assert "cannot write in" in last_line(done) and "choose another --out" in last_line(done)
        assert os.listdir(place) == []


@pytest.mark.parametrize(("table", "fmt"), [("indicators", "csv"), ("indicators", "xlsx"), ("summit_pack", "csv")])
def test_export_to_a_full_disk_leaves_nothing_and_keeps_the_earlier_file(published_home, tmp_path, table, fmt):
    with mounted(tmp_path / "small", "size=16k") as disk:
        earlier = disk / f"x.{fmt}"
        earlier.write_bytes(b"the export of last week")
        done = export(published_home, str(earlier), fmt, table)
        assert done.returncode == 1
        line = last_line(done)
        assert f"no space left on the disk holding {disk}" in line and "nothing was written" in line
        assert "the export needs" in line and "free at least" in line
        assert sorted(os.listdir(disk)) == [earlier.name]
        assert earlier.read_bytes() == b"the export of last week"


# ---- runs killed with SIGKILL ---------------------------------------------------------------------------------


def run_status(home: Path, run_id: str | None = None):
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        runs = instance.get_runs(limit=20)
        return {r.run_id: (r.status.value, dict(r.tags)) for r in runs}


def kill_a_materialize_midway(home: Path, env: dict) -> int:
    """Start `caei materialize`, SIGKILL it once steps are under way; returns its pid."""
    killed = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "materialize"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert killed.stdout is not None
        for line in killed.stdout:
            if "[3/" in line:
                break
        killed.send_signal(signal.SIGKILL)
    finally:
        killed.kill()
        killed.wait(timeout=30)
    return killed.pid


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    answer = requests.post(url + "/graphql", json={"query": query, "variables": variables or {}}, timeout=10)
    answer.raise_for_status()
    return answer.json()["data"]


LAUNCH = """
mutation ($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""
STATUS = "query ($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status } } }"


@contextmanager
def analysts_ui(home: Path, env: dict) -> Iterator[str]:
    port = free_port()
    ui = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ui", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # dagster dev's children (daemon, code server) stop with it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # starting dagster dev is not an answer: it may take long on a busy box
        while True:
            assert ui.poll() is None, "caei ui stopped"
            try:
                if graphql(url, "{ version }"):
                    break
            except (requests.RequestException, KeyError, TypeError):
                assert time.monotonic() < deadline, "caei ui did not start"
                time.sleep(1)
        yield url
    finally:
        os.killpg(ui.pid, signal.SIGTERM)
        try:
            ui.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_killed_run_is_failed_and_then_ui_and_cli_runs_complete(tmp_path, shared_data_dir):
    home = tmp_path / "home"
    env = {**os.environ, "CAEI_HOME": str(home), "CAEI_MIRROR": str(shared_data_dir)}
    env.pop("DAGSTER_HOME", None)
    first = run_caei(["materialize", "--select", "aral_area"], home, shared_data_dir, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    pid = kill_a_materialize_midway(home, env)
    (stuck,) = [rid for rid, (_status, tags) in run_status(home).items() if tags.get("caei/pid") == str(pid)]
    assert run_status(home)[stuck][0] == "STARTED"

    # The analysts' UI (one run at a time): it fails the dead run at start, so a run launched from it is not
    # queued behind that one for ever.
    with analysts_ui(home, {**env, "DAGSTER_HOME": str(home / "dagster")}) as url:
        assert run_status(home)[stuck][0] == "FAILURE"
        keys = [{"path": [step, "aral_area"]} for step in ("raw", "staged", "indicators")]
        selector = {
            "repositoryLocationName": "caei",
            "repositoryName": "__repository__",
            "jobName": "materialize_all",
            "assetSelection": keys,
        }
        launched = graphql(url, LAUNCH, {"params": {"selector": selector, "runConfigData": {}}})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        ui_run = launched["run"]["runId"]
        deadline = time.monotonic() + 600
        status = None
        while status not in ("SUCCESS", "FAILURE", "CANCELED"):
            assert time.monotonic() < deadline, f"the UI run stayed {status}"
            time.sleep(2)
            status = graphql(url, STATUS, {"id": ui_run})["runOrError"]["status"]
        assert status == "SUCCESS"

    done = run_caei(["materialize", "--select", "aral_area"], home, shared_data_dir, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    statuses = run_status(home)
    assert statuses[stuck][0] == "FAILURE"
    assert [s for rid, (s, _t) in statuses.items() if rid != stuck] == ["SUCCESS"] * 3


def test_the_next_cli_command_fails_a_killed_run_saying_why(tmp_path, shared_data_dir):
    home = tmp_path / "home"
    env = {**os.environ, "CAEI_HOME": str(home), "CAEI_MIRROR": str(shared_data_dir)}
    env.pop("DAGSTER_HOME", None)
    pid = kill_a_materialize_midway(home, env)
    (stuck,) = [rid for rid, (_status, tags) in run_status(home).items() if tags.get("caei/pid") == str(pid)]
    done = run_caei(["materialize", "--select", "aral_area"], home, shared_data_dir, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"run {stuck} its process (pid {pid} on {socket.gethostname()}) ended without finishing it" in done.stderr
    assert run_status(home)[stuck][0] == "FAILURE"


def test_live_runs_and_other_hosts_runs_are_never_touched(tmp_path):
    from dagster import DagsterInstance, DagsterRunStatus

    from pipelines.runs import HOST_TAG, PID_TAG, STARTED_TAG, fail_runs_of_dead_processes, owner_tags

    with DagsterInstance.ephemeral() as instance:
        me = owner_tags()
        elsewhere = {PID_TAG: "1", HOST_TAG: "another-host", STARTED_TAG: "1"}
        reused = {**me, STARTED_TAG: "1"}  # this pid, but a process that started at another time
        runs = {}
        for name, tags in {"mine": me, "elsewhere": elsewhere, "reused": reused, "ui": {}}.items():
            run = instance.create_run_for_job(job_def=_tiny_job(), tags=tags)
            instance.handle_run_event(run.run_id, _started_event(run))
            runs[name] = run.run_id
        failed = fail_runs_of_dead_processes(instance, log=lambda _line: None)
        assert failed == [runs["reused"]]
        status = {name: instance.get_run_by_id(rid).status for name, rid in runs.items()}
        assert status["reused"] == DagsterRunStatus.FAILURE
        assert status["mine"] == status["elsewhere"] == status["ui"] == DagsterRunStatus.STARTED


def _tiny_job():
    from dagster import job, op

    @op
    def nothing() -> None:
        return None

    @job
    def tiny() -> None:
        nothing()

    return tiny


def _started_event(run):
    from dagster import DagsterEvent, DagsterEventType

    return DagsterEvent(event_type_value=DagsterEventType.RUN_START.value, job_name=run.job_name)


def test_an_existing_dagster_yaml_gets_run_monitoring(tmp_path):
    import yaml

    from pipelines.cli import DAGSTER_YAML
    from pipelines.runs import upgrade_dagster_yaml

    config = tmp_path / "dagster.yaml"
    config.write_text("telemetry:\n  enabled: false\nrun_monitoring:\n  poll_interval_seconds: 30\n")
    upgrade_dagster_yaml(config, DAGSTER_YAML)
    upgraded = yaml.safe_load(config.read_text())
    assert upgraded["run_monitoring"]["enabled"] is True and upgraded["run_monitoring"]["poll_interval_seconds"] == 30
    assert upgraded["telemetry"] == {"enabled": False}
    fresh = tmp_path / "new" / "dagster.yaml"
    fresh.parent.mkdir()
    upgrade_dagster_yaml(fresh, DAGSTER_YAML)
    assert yaml.safe_load(fresh.read_text())["run_monitoring"]["enabled"] is True
    assert yaml.safe_load(fresh.read_text())["run_coordinator"]["config"]["max_concurrent_runs"] == 1


def test_one_line_says_what_failed_and_what_to_do(tmp_path):
    import errno
    import sqlite3

    from assets.common.settings import Settings
    from pipelines.errors import one_line

    settings = Settings(home=tmp_path, mirror=None, dagster_home=tmp_path / "dagster")
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "raw" / "x.csv"))
    assert one_line(full, settings).startswith(f"the disk holding {tmp_path}")
    wrapped = RuntimeError("step failed")
    wrapped.__cause__ = sqlite3.OperationalError("disk I/O error")
    assert one_line(wrapped, settings).startswith(f"the disk holding {tmp_path}")
    assert "Dagster's run records" in one_line(sqlite3.OperationalError("database is locked"), settings)
    assert "--port" in one_line(OSError(errno.EADDRINUSE, "Address already in use"), settings)
    other = one_line(ValueError("first line\nsecond line"), settings)
    assert other == "ValueError: first line (run again with CAEI_DEBUG=1 to see where it failed)"


def test_a_lab_file_on_a_new_home_waits_in_the_inbox_and_says_what_to_run(tmp_path, shared_data_dir):
    lab_file = REPO / "tests" / "water_quality" / "lab_forms" / "dates.csv"
    done = run_caei(["ingest", str(lab_file)], tmp_path / "home", mirror=shared_data_dir, timeout=120)
    assert done.returncode == 1
    line = last_line(done)
    assert "dates.csv is in the lab inbox" in line and "run `caei materialize` once" in line
    assert len(done.stderr.strip().splitlines()) == 1  # no run was started: no step errors before it
    kept = tmp_path / "home" / "inbox" / "water_quality" / "dates.csv"
    assert kept.read_bytes() == lab_file.read_bytes()
