"""Materialisation against Dagster's own floor and against reading the raw inputs, measured in one run.

    CAEI_MIRROR=../shared/data .venv/bin/python bench/materialize_floor.py \
        [--repeat 3] [--instance persistent,ephemeral]

1. full:  the real `materialize_all` job into a fresh temporary CAEI_HOME (fetch, parse, compute, check, write the
          warehouse, publish), run exactly as `caei materialize` runs it: in-process executor, the progress logger.
2. floor: Dagster's own cost for this graph: the same asset keys, the same data inputs and non-data deps (so the same
          input/output events), the same asset checks (same keys, same blocking), the same job, executor, logger and
          instance, with empty bodies and an IO manager that stores nothing.
3. read:  reading every raw input file once (bytes + sha256), the least any pipeline must do.

`--instance persistent` (default) is what the product runs: a sqlite DAGSTER_HOME written like `caei` writes it
(each event is committed to disk); `ephemeral` is Dagster's in-memory instance, where the floor is lowest and
our own work weighs most. Full and floor always use the same instance type. Every measurement runs in its own
fresh process (as the CLI does), so each pays its own lazy imports; only `execute_in_process` is timed.
Prints medians per instance type and the ratios full/floor (issue #7 target <= 2) and full/read, in wall time
and in CPU time (this process and its DuckDB threads): on a shared machine the wall time of the persistent
instance follows the disk's sync latency (the floor alone makes ~11,500 fdatasync calls), the CPU time much less.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# ------------------------------------------------------------------ the floor: same graph, empty bodies


def _with_params(fn, names: list[str]):
    """Give `fn(*args, **kwargs)` a signature with these parameter names, so Dagster wires the same inputs."""
    fn.__signature__ = inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
    return fn


def floor_definitions(defs):
    """Definitions with the product's keys, inputs, deps and checks, but bodies that do nothing."""
    from dagster import (
        AssetCheckResult,
        AssetIn,
        AssetSelection,
        ConfigurableIOManager,
        Definitions,
        asset,
        asset_check,
        define_asset_job,
        in_process_executor,
    )

    from pipelines.progress import step_progress_logger

    class NothingIOManager(ConfigurableIOManager):
        def handle_output(self, context, obj) -> None:
            pass

        def load_input(self, context):
            return None

    graph = defs.resolve_asset_graph()
    assets = []
    for key in sorted(graph.get_all_asset_keys()):
        real = graph.get(key).assets_def
        data_ins, deps = {}, []
        for input_def in real.node_def.input_defs:
            upstream = real.keys_by_input_name[input_def.name]
            if input_def.dagster_type.is_nothing:
                deps.append(upstream)
            else:
                data_ins[input_def.name] = AssetIn(key=upstream)

        def body(*args, **kwargs):
            return None

        assets.append(
            asset(key=key, group_name=real.group_names_by_key[key], ins=data_ins, deps=deps)(
                _with_params(body, list(data_ins))
            )
        )

    checks = []
    for real in defs.asset_checks or []:
        (spec,) = real.check_specs
        names = [i.name for i in real.node_def.input_defs]
        extra = {
            n: AssetIn(key=real.keys_by_input_name[n]) for n in names if real.keys_by_input_name[n] != spec.asset_key
        }
        checked = [n for n in names if n not in extra]  # the checked asset's own input

        def check_body(*args, **kwargs):
            return AssetCheckResult(passed=True)

        checks.append(
            asset_check(asset=spec.asset_key, name=spec.name, blocking=spec.blocking, additional_ins=extra)(
                _with_params(check_body, checked + list(extra))
            )
        )

    job = define_asset_job("materialize_all", selection=AssetSelection.all(), executor_def=in_process_executor)
    return Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[job],
        resources={"io_manager": NothingIOManager()},
        executor=in_process_executor,
        loggers={"console": step_progress_logger},
    )


# ------------------------------------------------------------------ one measurement in its own process


def _instance(kind: str):
    from dagster import DagsterInstance

    if kind == "ephemeral":
        return DagsterInstance.ephemeral()
    from assets.common.settings import load_settings
    from pipelines.cli import prepare_dagster_home  # the CLI's DAGSTER_HOME and dagster.yaml

    prepare_dagster_home(load_settings())
    return DagsterInstance.get()


def child(what: str, kind: str, out: Path) -> None:
    from pipelines.definitions import defs

    if what == "floor":
        defs = floor_definitions(defs)
    job = defs.resolve_job_def("materialize_all")
    with _instance(kind) as instance:
        start, cpu_start = time.perf_counter(), time.process_time()
        result = job.execute_in_process(run_config={"loggers": {"console": {}}}, instance=instance, raise_on_error=True)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        n_steps = len({e.step_key for e in result.get_step_success_events()})
    assert result.success
    out.write_text(json.dumps({"seconds": elapsed, "cpu": cpu, "steps": n_steps}))


def measure(what: str, kind: str, mirror: str) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"caei_bench_{what}_") as home:
        out = Path(home) / "result.json"
        env = {**os.environ, "CAEI_HOME": home, "CAEI_MIRROR": mirror, "DAGSTER_HOME": str(Path(home) / "dagster")}
        subprocess.run(
            [sys.executable, __file__, "--child", what, kind, str(out)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=REPO,
        )
        return json.loads(out.read_text())


def run_read(mirror: Path) -> float:
    from assets.sources.catalogue import sources

    start = time.perf_counter()
    for entry in sources().values():
        hashlib.sha256((mirror / entry.mirror_path).read_bytes()).hexdigest()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instance", default="persistent", help="comma-separated: persistent, ephemeral")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], Path(args.child[2]))
        return
    mirror = os.environ.get("CAEI_MIRROR")
    if not mirror or not Path(mirror).is_dir():
        sys.exit("set CAEI_MIRROR to the data directory (e.g. ../shared/data)")
    mirror = str(Path(mirror).resolve())
    kinds = [k.strip() for k in args.instance.split(",") if k.strip()]
    times = {(w, k): [] for w in ("full", "floor") for k in kinds}
    cpus = {(w, k): [] for w in ("full", "floor") for k in kinds}
    steps = {}
    read = []
    for i in range(args.repeat):
        for kind in kinds:
            for what in ("full", "floor") if i % 2 == 0 else ("floor", "full"):  # alternate: load drifts
                got = measure(what, kind, mirror)
                times[(what, kind)].append(got["seconds"])
                cpus[(what, kind)].append(got["cpu"])
                steps[(what, kind)] = got["steps"]
                print(
                    f"  run {i + 1}: {what:5} {kind:10} {got['seconds']:7.2f} s wall, {got['cpu']:7.2f} s cpu "
                    f"({got['steps']} steps)",
                    flush=True,
                )
        read.append(run_read(Path(mirror)))
    r = statistics.median(read)
    print(f"read raw inputs            : {r:7.3f} s (median of {args.repeat})")
    for kind in kinds:
        f, fl = statistics.median(times[("full", kind)]), statistics.median(times[("floor", kind)])
        fc, flc = statistics.median(cpus[("full", kind)]), statistics.median(cpus[("floor", kind)])
        print(
            f"[{kind}] full materialisation : {f:7.2f} s wall, {fc:7.2f} s cpu (median of {args.repeat}; "
            f"{steps[('full', kind)]} steps)"
        )
        print(
            f"[{kind}] dagster floor        : {fl:7.2f} s wall, {flc:7.2f} s cpu (same graph, empty bodies; "
            f"{steps[('floor', kind)]} steps)"
        )
        print(f"[{kind}] ratio full / floor   : {f / fl:7.2f} wall, {fc / flc:5.2f} cpu  (target <= 2)")
        print(f"[{kind}] ratio full / read    : {f / r:7.1f}")


if __name__ == "__main__":
    main()
