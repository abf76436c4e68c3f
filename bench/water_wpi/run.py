"""Benchmark: WPI per site and month on generated tables (FOR SCALE ONLY), polars vs DuckDB vs pandas.

Each engine runs in its own process (peak memory = that process's max RSS; CPU time = all its threads),
all read the same Parquet input, and their results are asserted equal. Usage:
    .venv/bin/python bench/water_wpi/run.py --rows 10000000 [--rows 50000000] [--work /tmp/wpi_bench] [--repeat 3]
pandas is the optional `bench` extra (`uv pip install -p .venv/bin/python pandas`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
ENGINES = ("polars", "duckdb", "pandas")
DATA_VERSION = 2  # bump when generate.py changes what it writes, so stale tables in --work are not reused


def run(rows: int, work: Path, engines: tuple[str, ...], repeat: int = 1) -> dict[str, tuple[float, float, float]]:
    src = work / f"v{DATA_VERSION}_rows_{rows}"
    if not (src / "measurements.parquet").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--out", str(src)], check=True)
    samples: dict[str, list[tuple[float, float, float]]] = {e: [] for e in engines}
    sites = {}
    for _round in range(repeat):  # engines interleaved, so a slow moment of the machine falls on all of them
        for engine in engines:
            out = src / f"wpi_{engine}.parquet"
            done = subprocess.run(
                [sys.executable, str(HERE / "engines.py"), engine, "--src", str(src), "--out", str(out)],
                capture_output=True,
                text=True,
            )
            if done.returncode:
                print(f"{engine}: FAILED\n{done.stderr[-2000:]}")
                samples.pop(engine, None)
                continue
            if engine in samples:
                name, seconds, cpu, peak, n = done.stdout.split()
                samples[engine].append((float(seconds), float(peak), float(cpu)))
                sites[engine] = int(n)
    results = {}
    for engine, runs in samples.items():
        # median time and CPU of the runs, the highest peak memory
        results[engine] = (
            statistics.median(r[0] for r in runs),
            max(r[1] for r in runs),
            statistics.median(r[2] for r in runs),
        )
        seconds, peak, cpu = results[engine]
        print(
            f"{rows:>11,} rows  {engine:7} {seconds:8.2f} s  (CPU {cpu:6.2f} s)  peak {peak:7.0f} MiB"
            f"  {sites[engine]:,} site-months  (median of {len(runs)}: {', '.join(f'{r[0]:.2f}' for r in runs)} s)"
        )
    frames = {
        e: pl.read_parquet(src / f"wpi_{e}.parquet").cast({"site": pl.Int32, "month": pl.Int16}).sort("site", "month")
        for e in results
    }
    reference = frames.get("duckdb") if "duckdb" in frames else next(iter(frames.values()))
    for engine, frame in frames.items():
        assert frame.select("site", "month").equals(reference.select("site", "month")), f"{engine}: other site-months"
        diff = (frame["wpi"] - reference["wpi"]).abs().max()
        assert diff is None or diff < 1e-9, f"{engine}: WPI differs by {diff}"
    if "polars" in results:
        for other in ("duckdb", "pandas"):
            if other in results:
                print(
                    f"    polars is {results[other][0] / results['polars'][0]:.2f}x as fast as {other}"
                    f" (CPU time {results[other][2] / results['polars'][2]:.2f}x less)"
                )
        print(f"    polars peak memory {results['polars'][1] / 1024:.2f} GiB (target < 4)")
    return results


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, action="append", required=True)
    p.add_argument("--work", type=Path, default=Path("/tmp/caei_wpi_bench"))
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--repeat", type=int, default=3, help="runs per engine (interleaved); the median is reported")
    args = p.parse_args()
    for rows in args.rows:
        run(rows, args.work, tuple(args.engines.split(",")), args.repeat)
