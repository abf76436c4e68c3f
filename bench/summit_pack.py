"""Summit indicator pack export time on the real snapshot, measured in one run.

    .venv/bin/python bench/summit_pack.py [--home CAEI_HOME] [--runs 7] [--cli-runs 3] [--lang ru]

Without --home a snapshot is materialised from ../shared/data (or $CAEI_MIRROR) into a temporary CAEI_HOME.
Times, as medians:
1. tables:     assets.exports.summit_pack.summit_pack (the queries and polars work, no file written)
2. in-process: assets.exports.export.export_table("summit_pack", ...) for xlsx and csv (open the snapshot, build, write)
3. CLI:        `caei export --table summit_pack --format xlsx|csv` in a subprocess, as a user runs it
4. CLI floor:  `caei export --help` in a subprocess (interpreter start and the CLI's imports, no work)
and prints the ratios in-process/tables and CLI/floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS_DIR, machine_line, markdown_table, published_home, snapshot_file  # noqa: E402


def timed(func, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def cli(args: list[str], home: Path) -> None:
    env = {**os.environ, "CAEI_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"caei {' '.join(args)} failed ({done.returncode}): {done.stderr[-1500:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a CAEI_HOME holding a published snapshot (default: materialise one)")
    parser.add_argument("--runs", type=int, default=7, help="in-process runs per format")
    parser.add_argument("--cli-runs", type=int, default=3, help="CLI runs per format")
    parser.add_argument("--lang", default="ru", choices=["ru", "en", "kk"])
    args = parser.parse_args()

    from assets.exports.export import export_table
    from assets.exports.summit_pack import summit_pack
    from assets.published.snapshots import open_snapshot

    started = time.perf_counter()
    with published_home(args.home) as published, tempfile.TemporaryDirectory() as out_dir:
        out = Path(out_dir)
        home = published.parent
        snapshot_mb = snapshot_file(published).stat().st_size / 1e6

        def tables() -> None:
            con = open_snapshot(published)
            try:
                summit_pack(con, args.lang)
            finally:
                con.close()

        tables()  # imports and the first open of the file, outside the clock
        results: dict[str, list[float]] = {"tables": timed(tables, args.runs)}
        sizes: dict[str, int] = {}
        for fmt, name in (("xlsx", "summit_pack.xlsx"), ("csv", "summit_pack.zip")):
            target = out / name

            def export(fmt=fmt, target=target) -> None:
                export_table("summit_pack", fmt=fmt, lang=args.lang, out=target, published_dir=published)

            export()
            results[f"in-process {fmt}"] = timed(export, args.runs)
            sizes[fmt] = target.stat().st_size
            cli_target = out / f"cli_{name}"
            results[f"CLI {fmt}"] = timed(
                lambda fmt=fmt, t=cli_target: cli(
                    ["export", "--table", "summit_pack", "--format", fmt, "--lang", args.lang, "--out", str(t)], home
                ),
                args.cli_runs,
            )
        results["CLI floor (export --help)"] = timed(lambda: cli(["export", "--help"], home), args.cli_runs)

    med = {k: statistics.median(v) for k, v in results.items()}
    rows = [
        [k, f"{med[k] * 1000:.0f}", f"{min(v) * 1000:.0f}", f"{max(v) * 1000:.0f}", len(v)] for k, v in results.items()
    ]
    floor = med["CLI floor (export --help)"]
    lines = [
        f"Machine: {machine_line()}; snapshot {snapshot_mb:.1f} MB; language {args.lang}.",
        "",
        markdown_table(["step", "median ms", "min ms", "max ms", "runs"], rows),
        "",
        f"Pack files: xlsx {sizes['xlsx'] / 1024:.0f} KiB, csv zip {sizes['csv'] / 1024:.0f} KiB.",
        f"In-process / tables: xlsx {med['in-process xlsx'] / med['tables']:.1f}, "
        f"csv {med['in-process csv'] / med['tables']:.1f} (the rest is opening the snapshot and writing the file).",
        f"CLI / CLI floor: xlsx {med['CLI xlsx'] / floor:.1f}, csv {med['CLI csv'] / floor:.1f} "
        f"(the floor, {floor * 1000:.0f} ms, is Python start-up and the CLI's imports).",
    ]
    text = "\n".join(lines)
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "summit_pack.md").write_text(text + "\n", encoding="utf-8")
    (RESULTS_DIR / "summit_pack.json").write_text(
        json.dumps({"seconds": results, "sizes": sizes, "machine": machine_line()}, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
