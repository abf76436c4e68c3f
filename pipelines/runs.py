"""Runs left behind by a process that died (kill -9, power cut), and the instance configuration.

A `caei materialize` or `caei ingest` run executes in the CLI's own process: killed, it stays STARTED in Dagster's
records for ever, and the analysts' UI, which runs one at a time, queues everything behind it. Each CLI run is
tagged with its process (pid, host and the process's start time, so a reused pid is not taken for it); at start,
`caei materialize`, `caei ingest` and `caei ui` mark the runs whose process is gone as failed, saying so. Runs
without these tags (launched by the UI) are left to Dagster's run monitoring, switched on in dagster.yaml
(`upgrade_dagster_yaml`), as is every run whose process is alive and a queued run.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML, installed with Dagster

PID_TAG, HOST_TAG, STARTED_TAG = "caei/pid", "caei/host", "caei/process_start"
# Dagster's run monitoring (its daemon, run by `caei ui`): fails runs stuck STARTING, notices dead run workers.
RUN_MONITORING = {"enabled": True, "start_timeout_seconds": 180, "cancel_timeout_seconds": 180}


def process_start(pid: int) -> str | None:
    """The start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def owner_tags() -> dict[str, str]:
    """Tags naming this process, for the runs it executes."""
    pid = os.getpid()
    return {PID_TAG: str(pid), HOST_TAG: socket.gethostname(), STARTED_TAG: process_start(pid) or ""}


def owner_is_gone(tags: dict[str, str]) -> bool:
    """True when the tags name a process of this host that no longer runs (a reused pid is another process)."""
    if tags.get(HOST_TAG) != socket.gethostname() or not tags.get(PID_TAG, "").isdigit():
        return False  # another host's process, or not a CLI run: not ours to judge
    started = process_start(int(tags[PID_TAG]))
    return started is None or (bool(tags.get(STARTED_TAG)) and started != tags[STARTED_TAG])


def fail_runs_of_dead_processes(instance: Any, log: Callable[[str], object] = print) -> list[str]:
    """Mark runs left NOT_STARTED, STARTING or STARTED by a CLI process that died as failed. Returns their ids."""
    from dagster import DagsterRunStatus, RunsFilter

    stuck = (DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED)
    failed = []
    for run in instance.get_runs(filters=RunsFilter(statuses=list(stuck), tags={HOST_TAG: socket.gethostname()})):
        if owner_is_gone(run.tags):
            reason = (
                f"its process (pid {run.tags[PID_TAG]} on {run.tags[HOST_TAG]}) ended without finishing it "
                "(killed or crashed); marked failed by the next caei command"
            )
            instance.report_run_failed(run, message=reason)
            log(f"caei: run {run.run_id} {reason}")
            failed.append(run.run_id)
    return failed


def upgrade_dagster_yaml(path: Path, written_by_caei: str) -> None:
    """Write the instance configuration, or add run monitoring to an existing one (other settings kept)."""
    if not path.exists():
        _write(path, written_by_caei)
        return
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    monitoring = config.get("run_monitoring") or {}
    if monitoring.get("enabled") is True:
        return
    config["run_monitoring"] = {**RUN_MONITORING, **{k: v for k, v in monitoring.items() if k != "enabled"}}
    header = "# Upgraded by `caei`: run monitoring on (runs whose worker died are failed, not left STARTED).\n"
    _write(path, header + yaml.safe_dump(config, sort_keys=False))


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
