"""Materialisation against Dagster's own floor and against reading the raw inputs, measured in one run.

    CAEI_MIRROR=../shared/data .venv/bin/python bench/materialize_floor.py [--repeat 3]

1. full:  the real `materialize_all` job, in-process, into a temporary CAEI_HOME (fetch, parse, compute, check, publish)
2. floor: the same asset graph (same keys, same dependencies, same checks count) whose bodies do nothing,
          with an IO manager that stores nothing: what Dagster itself costs for this graph
3. read:  reading every raw input file once (bytes + sha256), the least any pipeline must do
Prints medians and the ratios full/floor (target <= 2) and full/read.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def run_full(home: Path) -> float:
    os.environ["CAEI_HOME"] = str(home)
    from dagster import DagsterInstance

    from pipelines.definitions import defs

    job = defs.resolve_job_def("materialize_all")
    start = time.perf_counter()
    result = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=True)
    elapsed = time.perf_counter() - start
    assert result.success
    return elapsed


def run_floor() -> float:
    from dagster import AssetSpec, IOManager, asset, in_process_executor, io_manager, materialize

    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()

    class NothingIOManager(IOManager):
        def handle_output(self, context, obj):
            pass

        def load_input(self, context):
            return None

    def empty_asset(key):
        deps = [AssetSpec(k) for k in graph.get(key).parent_keys]

        @asset(key=key, deps=[d.key for d in deps])
        def _empty():
            return None

        return _empty

    empty = [empty_asset(k) for k in graph.get_all_asset_keys()]
    start = time.perf_counter()
    result = materialize(empty, resources={"io_manager": io_manager(lambda _: NothingIOManager())})
    elapsed = time.perf_counter() - start
    assert result.success
    return elapsed


def run_read(mirror: Path) -> float:
    from assets.catalogue import sources

    start = time.perf_counter()
    for entry in sources().values():
        hashlib.sha256((mirror / entry.mirror_path).read_bytes()).hexdigest()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mirror = os.environ.get("CAEI_MIRROR")
    if not mirror or not Path(mirror).is_dir():
        sys.exit("set CAEI_MIRROR to the data directory (e.g. ../shared/data)")
    full, floor, read = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as home:
            full.append(run_full(Path(home)))
        floor.append(run_floor())
        read.append(run_read(Path(mirror)))
    f, fl, r = (statistics.median(x) for x in (full, floor, read))
    print(f"full materialisation : {f:7.2f} s (median of {args.repeat})")
    print(f"dagster floor        : {fl:7.2f} s (same graph, empty bodies)")
    print(f"read raw inputs      : {r:7.3f} s")
    print(f"ratio full / floor   : {f / fl:7.2f}  (target <= 2)")
    print(f"ratio full / read    : {f / r:7.1f}")


if __name__ == "__main__":
    main()
