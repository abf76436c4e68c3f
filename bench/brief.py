"""Country brief build time on the real snapshot: cold (an empty cache) and served from the cache.

    .venv/bin/python bench/brief.py [--home CAEI_HOME] [--country KAZ] [--lang ru] [--runs 3]

Without --home a snapshot is materialised from ../shared/data (or $CAEI_MIRROR) into a temporary CAEI_HOME.
Times, as medians, per format (pdf: headless Chromium printing; docx: python-docx, charts drawn by Chromium):
1. cold:   assets.exports.brief.files.cached_brief into an empty cache (content, rendering, the file)
2. cached: the same call once the file is in the cache
3. CLI cached: `caei brief ...` in a subprocess, the brief already cached (what a repeated download costs)
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, RESULTS_DIR, machine_line, markdown_table, published_home  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a CAEI_HOME holding a published snapshot (default: materialise one)")
    parser.add_argument("--country", default="KAZ")
    parser.add_argument("--lang", default="ru", choices=["ru", "en", "kk"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from assets.exports.brief.files import cached_brief
    from assets.published.snapshots import open_snapshot

    results: dict[str, list[float]] = {}
    with published_home(args.home) as published, tempfile.TemporaryDirectory() as tmp:
        for fmt in ("pdf", "docx"):
            cold, warm = [], []
            for run in range(args.runs):
                cache = Path(tmp) / f"cache_{fmt}_{run}"
                con = open_snapshot(published)
                try:
                    start = time.perf_counter()
                    cached_brief(con, cache, args.country, args.lang, fmt)
                    cold.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    cached_brief(con, cache, args.country, args.lang, fmt)
                    warm.append(time.perf_counter() - start)
                finally:
                    con.close()
            results[f"{fmt} cold"], results[f"{fmt} cached"] = cold, warm
            env = {**os.environ, "CAEI_HOME": str(published.parent)}
            env.pop("DAGSTER_HOME", None)
            command = [
                sys.executable,
                "-m",
                "pipelines.cli",
                "brief",
                "--country",
                args.country,
                "--lang",
                args.lang,
                "--format",
                fmt,
                "--out",
                str(Path(tmp) / f"out.{fmt}"),
            ]
            subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)  # fills the home's cache
            cli = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
                cli.append(time.perf_counter() - start)
            results[f"{fmt} CLI cached"] = cli
            if not args.home:
                shutil.rmtree(published.parent / "cache", ignore_errors=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    rows = [
        [k, f"{med[k] * 1000:.0f}", f"{min(v) * 1000:.0f}", f"{max(v) * 1000:.0f}", len(v)] for k, v in results.items()
    ]
    lines = [
        f"Machine: {machine_line()}; brief {args.country} {args.lang}.",
        "",
        markdown_table(["step", "median ms", "min ms", "max ms", "runs"], rows),
        "",
        *(
            f"{fmt}: cold / cached {med[f'{fmt} cold'] / max(med[f'{fmt} cached'], 1e-6):.0f}x"
            for fmt in ("pdf", "docx")
        ),
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "brief.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
