"""Lighthouse 12 scores of every page type, desktop and mobile, in one run; beside the lightest page's.

    .venv/bin/python bench/lighthouse.py [--home CAEI_HOME] [--pages /,/air] [--no-before] [--before-pages /air]
                                         [--runs 1]

Lighthouse 12.2.3 (Node 20) is installed by this script with `npm i -E` into ~/.cache/caei-bench (not the repo,
not the product) and runs /usr/bin/chromium headless (CHROME_PATH). The server is the product app under waitress
in a child process (bench/_common.py), started on 127.0.0.1. "before" is the same app serving Dash's full
plotly.min.js instead of dashboard/plotly_bundle (so without its drawing of charts only when scrolled near; the
compression of dashboard/static_compression.py is in both): both are served at once and measured page by page in
turn, as scores move with the load of this shared machine; "before" only on the page types of the first run.

Per page and profile: performance and accessibility scores, total blocking time (TBT), and the bytes over the
wire of a first visit (`total-byte-weight`: compressed, everything included); ratios against the lightest page
(the one with the fewest bytes). Targets (issue 19): desktop performance >= 0.95 and TBT <= 2x the lightest
page's; mobile performance >= 0.8; a first visit <= 1 MB; accessibility 1.0. Writes bench/results/lighthouse.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, bench_server, machine_line, markdown_table, published_home  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
TOOL_DIR = CACHE / "caei-bench" / f"lighthouse-{LIGHTHOUSE_VERSION}"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
# The page types of the first run (issue 19); "before" is measured on these (an indicator page draws the charts
# the theme pages draw, with the same bundle).
PAGE_TYPES = [
    "/",
    "/air",
    "/water",
    "/funding",
    "/summit",
    "/aral-caspian",
    "/explorer",
    "/catalogue",
    "/country/KAZ",
]


def indicator_pages() -> list[str]:
    """One indicator page per theme: the first indicator of each theme in seeds/indicators.csv (as the axe tests)."""
    from assets.sources.catalogue import read_seed

    first: dict[str, str] = {}
    for row in read_seed("indicators.csv").iter_rows(named=True):
        first.setdefault(row["theme"], row["indicator_id"])
    return [f"/indicator/{indicator_id}" for indicator_id in first.values()]


# The pages added since (the pages issue): the analysts' page and one indicator page per theme. Not the not-found
# page: Lighthouse refuses to score a page answered with status 404 ("unable to reliably load the page"); it is
# the frame of every page with one paragraph (tests/dashboard/test_budgets_browser.py checks it with axe).
PAGES = [*PAGE_TYPES, "/analysts", *indicator_pages()]
PROFILES = ("desktop", "mobile")
MB = 1_000_000
TARGETS = {"desktop_perf": 0.95, "mobile_perf": 0.8, "tbt_ratio": 2.0, "bytes": MB, "a11y": 1.0}


def lighthouse_bin() -> Path:
    binary = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm (Node 20) is needed to install Lighthouse: apt-get install nodejs npm")
        TOOL_DIR.mkdir(parents=True, exist_ok=True)
        (TOOL_DIR / "package.json").write_text('{"private": true}\n')
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {TOOL_DIR} ...", flush=True)
        subprocess.run(
            [npm, "install", "-E", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=TOOL_DIR,
            check=True,
        )
    return binary


def run_lighthouse(binary: Path, url: str, profile: str) -> dict:
    """One Lighthouse run (a fresh Chromium, storage cleared: a first visit); the numbers this bench reports."""
    command = [
        str(binary),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=performance,accessibility",
        f"--chrome-flags={CHROME_FLAGS}",
        *(["--preset=desktop"] if profile == "desktop" else []),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} ({profile}):\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    audits = report["audits"]
    failed_a11y = [
        audit_id
        for audit_id, audit in audits.items()
        if audit.get("scoreDisplayMode") == "binary"
        and audit.get("score") == 0
        and any(ref["id"] == audit_id for ref in report["categories"]["accessibility"]["auditRefs"])
    ]
    return {
        "performance": report["categories"]["performance"]["score"],
        "accessibility": report["categories"]["accessibility"]["score"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "tti_ms": audits.get("interactive", {}).get("numericValue"),
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "unused_js_bytes": audits.get("unused-javascript", {}).get("details", {}).get("overallSavingsBytes", 0),
        "a11y_failed": failed_a11y,
    }


def median_of(runs: list[dict]) -> dict:
    """The median of each number over the runs (one run: itself)."""
    merged = dict(runs[0])
    for key in ("performance", "accessibility", "tbt_ms", "bytes", "tti_ms", "lcp_ms", "unused_js_bytes"):
        values = [r[key] for r in runs if r[key] is not None]
        merged[key] = statistics.median(values) if values else None
    merged["a11y_failed"] = sorted({audit for r in runs for audit in r["a11y_failed"]})
    return merged


def measure(
    bases: dict[str, str], pages: list[str], runs: int, binary: Path, before_pages: list[str]
) -> dict[str, dict]:
    """Each page and profile on every server in turn (after, then before), so that both meet the same load."""
    results: dict[str, dict[tuple[str, str], dict]] = {label: {} for label in bases}
    for page in pages:
        for profile in PROFILES:
            for label, base in bases.items():
                if label == "before" and page not in before_pages:
                    continue
                samples = [run_lighthouse(binary, f"{base}{page}?lang=ru", profile) for _ in range(runs)]
                r = results[label][(page, profile)] = median_of(samples)
                print(
                    f"{label:6} {profile:7} {page:15} perf {r['performance']:.2f}  a11y {r['accessibility']:.2f}  "
                    f"TBT {r['tbt_ms']:6.0f} ms  {r['bytes'] / 1024:6.0f} KiB",
                    flush=True,
                )
    return results


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×" if floor else "-"


def table(results: dict[tuple[str, str], dict], pages: list[str], profile: str) -> tuple[str, list[str]]:
    """The profile's table, and the pages missing a target (with the target)."""
    rows_of = {page: results[(page, profile)] for page in pages}
    lightest = min(pages, key=lambda page: rows_of[page]["bytes"])
    floor = rows_of[lightest]
    misses = []
    rows = []
    for page in pages:
        r = rows_of[page]
        perf_target = TARGETS["desktop_perf"] if profile == "desktop" else TARGETS["mobile_perf"]
        missed = []
        if r["performance"] < perf_target:
            missed.append(f"performance {r['performance']:.2f} < {perf_target}")
        if profile == "desktop" and r["tbt_ms"] > TARGETS["tbt_ratio"] * max(floor["tbt_ms"], 1):
            missed.append(f"TBT {r['tbt_ms']:.0f} ms > 2× the lightest page's {floor['tbt_ms']:.0f} ms")
        if r["bytes"] > TARGETS["bytes"]:
            missed.append(f"{r['bytes'] / MB:.2f} MB > 1 MB")
        if r["accessibility"] < TARGETS["a11y"]:
            missed.append(f"accessibility {r['accessibility']:.2f} ({', '.join(r['a11y_failed']) or '-'})")
        if missed:
            misses.append(f"{profile} {page}: " + "; ".join(missed))
        rows.append(
            [
                f"`{page}`" + (" (lightest)" if page == lightest else ""),
                f"{r['performance']:.2f}",
                f"{r['accessibility']:.2f}",
                f"{r['tbt_ms']:.0f}",
                ratio(r["tbt_ms"], floor["tbt_ms"]),
                f"{r['bytes'] / 1024:.0f}",
                ratio(r["bytes"], floor["bytes"]),
                f"{r['lcp_ms'] / 1000:.1f}",
                f"{(r['tti_ms'] or 0) / 1000:.1f}",
                f"{r['unused_js_bytes'] / 1024:.0f}",
                "yes" if not missed else "**no**",
            ]
        )
    header = [
        "page",
        "performance",
        "accessibility",
        "TBT ms",
        "TBT vs lightest",
        "KiB over the wire",
        "bytes vs lightest",
        "LCP s",
        "TTI s",
        "unused JS KiB",
        "targets met",
    ]
    return markdown_table(header, rows), misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="a CAEI_HOME with a published snapshot (default: materialise one)")
    parser.add_argument("--pages", help="comma-separated paths (default: every page type)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and profile (median)")
    parser.add_argument("--no-before", action="store_true", help="skip the app with the full plotly.min.js")
    parser.add_argument(
        "--before-pages", help="comma-separated paths measured before too (default: the page types of the first run)"
    )
    args = parser.parse_args()
    pages = args.pages.split(",") if args.pages else PAGES
    before_pages = args.before_pages.split(",") if args.before_pages else [p for p in pages if p in PAGE_TYPES]
    binary = lighthouse_bin()
    machine = machine_line()
    with published_home(args.home) as published, contextlib.ExitStack() as servers:
        bases = {"after": servers.enter_context(bench_server(published))}
        if not args.no_before:
            bases["before"] = servers.enter_context(bench_server(published, full_plotly=True))
        measured = measure(bases, pages, args.runs, binary, before_pages)

    lines = [
        "# Lighthouse: every page type, desktop and mobile",
        "",
        f"Machine: {machine}; Lighthouse {LIGHTHOUSE_VERSION}, /usr/bin/chromium headless, "
        f"{args.runs} run(s) per page and profile (median), pages in Russian, a first visit (storage cleared).",
        "`after`: the product (plotly.js from dashboard/plotly_bundle, charts below the fold drawn when scrolled "
        "near); `before`: the same app serving Dash's full plotly.min.js, every chart drawn at load (the "
        "accessibility repairs and the brotli compression of Dash's JavaScript and page answers are in both). Both "
        "measured in this run, page by page in turn; `before` on the page types of the first run only. Desktop: "
        "`--preset=desktop`; mobile: Lighthouse's default profile (simulated slow 4G, 4× slower CPU). Bytes: "
        "`total-byte-weight`, compressed, everything a first visit loads. Ratios are against the "
        "page with the fewest bytes.",
        "",
    ]
    all_misses: list[str] = []
    for label in measured:
        for profile in PROFILES:
            shown = [p for p in pages if (p, profile) in measured[label]]
            text, misses = table(measured[label], shown, profile)
            lines += [f"## {label}: {profile}", "", text, ""]
            if label == "after":
                all_misses += misses
    lines += ["## Targets missed (after)", ""]
    lines += [f"- {miss}" for miss in all_misses] or ["- none"]
    lines.append("")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "lighthouse.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    (RESULTS_DIR / "lighthouse.json").write_text(
        json.dumps({label: {f"{p} {f}": r for (p, f), r in res.items()} for label, res in measured.items()}, indent=1),
        encoding="utf-8",
    )
    print("\n".join(lines))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
