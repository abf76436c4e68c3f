"""Page weight and time to the first figure in headless Chromium, measured in one run.

    .venv/bin/python bench/page_weight.py [--home CAEI_HOME] [--runs 5] [--path "/?lang=ru"] [--all-pages]

Without --home a snapshot is materialised from ../shared/data (or $CAEI_MIRROR) into a temporary CAEI_HOME.
The same bench server as bench/dashboard_callbacks.py (the product app, waitress, a child process) is loaded
by /usr/bin/chromium through Playwright, each run in a fresh browser context (empty cache), and the Chrome
DevTools Protocol counts what came over the wire: `Network.loadingFinished.encodedDataLength` (compressed,
headers included) per request, and the decoded body sizes beside it. Time to the first figure is taken in
the page (a MutationObserver notes `performance.now()` when `.js-plotly-plot .main-svg` first exists).
The first run meets a fresh server (cold query caches) and is reported apart. Target: <= 2 MB compressed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, bench_server, machine_line, markdown_table, published_home  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGET_BYTES = 2 * 1024 * 1024
FIGURE_SELECTOR = ".js-plotly-plot .main-svg"
OTHER_PAGES = ["/country/KAZ", "/explorer", "/catalogue", "/aral-caspian", "/water", "/funding", "/summit", "/air"]
# Records the moment the first plotly figure is drawn, relative to the navigation start.
FIRST_FIGURE_PROBE = """
(() => {
  const seen = () => document.querySelector('%s');
  const note = () => {
    if (window.__firstFigureMs === undefined && seen()) { window.__firstFigureMs = performance.now(); }
  };
  new MutationObserver(note).observe(document, {childList: true, subtree: true});
})();
""".replace("%s", FIGURE_SELECTOR)


def load_once(browser, url: str, timeout_s: float = 90, needs_figure: bool = True) -> dict:
    """One page load in a fresh context: bytes per request (compressed and decoded) and the timings."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_init_script(FIRST_FIGURE_PROBE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests: dict[str, dict] = {}

    def on_response(event):
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        requests.setdefault(event["requestId"], {}).update(
            url=response["url"],
            status=response["status"],
            mime=response.get("mimeType", ""),
            encoding=headers.get("content-encoding", ""),
        )

    def on_data(event):
        entry = requests.setdefault(event["requestId"], {})
        entry["decoded"] = entry.get("decoded", 0) + event["dataLength"]

    def on_finished(event):
        requests.setdefault(event["requestId"], {})["wire"] = event["encodedDataLength"]

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
    # pages without a plotly figure (the country profile, the catalogue) are done when their footer is drawn
    page.wait_for_selector(
        FIGURE_SELECTOR if needs_figure else ".site-footer", state="attached", timeout=timeout_s * 1000
    )
    page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
    if not needs_figure and page.locator(".js-plotly-plot").count():  # a figure container: wait until it is drawn
        page.wait_for_selector(FIGURE_SELECTOR, state="attached", timeout=timeout_s * 1000)
    wall = time.perf_counter() - start
    first_figure_ms = page.evaluate("window.__firstFigureMs")
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    figures = page.locator(".js-plotly-plot").count()
    context.close()
    finished = [r for r in requests.values() if "wire" in r and "url" in r]
    return {
        "url": url,
        "requests": len(finished),
        "wire_bytes": sum(r["wire"] for r in finished),
        "decoded_bytes": sum(r.get("decoded", 0) for r in finished),
        "first_figure_ms": first_figure_ms,
        "dom_content_loaded_ms": json.loads(timing)["domContentLoadedEventEnd"],
        "network_idle_s": wall,
        "figures": figures,
        "uncompressed_responses": [r["url"] for r in finished if not r["encoding"] and r.get("decoded", 0) > 10_000],
        "largest": sorted(
            (
                {"url": r["url"], "wire": r["wire"], "decoded": r.get("decoded", 0), "encoding": r["encoding"]}
                for r in finished
            ),
            key=lambda r: -r["wire"],
        )[:8],
    }


def short(url: str, base: str) -> str:
    path = url.removeprefix(base)
    return path if len(path) <= 70 else path[:67] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a CAEI_HOME holding a published snapshot (default: materialise one)")
    parser.add_argument("--path", default="/?lang=ru", help="the page measured (default: the overview in Russian)")
    parser.add_argument("--runs", type=int, default=5, help="loads of --path after the first (cold) one")
    parser.add_argument("--all-pages", action="store_true", help="also load every other page once (warm)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with published_home(args.home) as published, bench_server(published) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        print(f"bench server {base}; chromium {browser.version}", flush=True)
        cold = load_once(browser, base + args.path)
        print(
            f"  cold server: {cold['wire_bytes'] / 1024:.0f} KiB, first figure {cold['first_figure_ms']:.0f} ms",
            flush=True,
        )
        warm = []
        for _ in range(args.runs):
            warm.append(load_once(browser, base + args.path))
            print(
                f"  warm: {warm[-1]['wire_bytes'] / 1024:.0f} KiB, first figure {warm[-1]['first_figure_ms']:.0f} ms",
                flush=True,
            )
        others = []
        if args.all_pages:
            for path in OTHER_PAGES:
                # the first load caches this page's queries, as for any later visitor
                load_once(browser, f"{base}{path}?lang=ru", needs_figure=False)
                others.append(load_once(browser, f"{base}{path}?lang=ru", needs_figure=False))
                print(f"  {path}: {others[-1]['wire_bytes'] / 1024:.0f} KiB", flush=True)
        browser.close()

    last = warm[-1] if warm else cold
    wire = statistics.median(r["wire_bytes"] for r in warm or [cold])
    first_figure = statistics.median(r["first_figure_ms"] for r in warm or [cold])
    lines = [
        f"Machine: {machine_line()}; headless Chromium, fresh context (empty cache) per load, {args.runs} warm loads.",
        "",
        markdown_table(
            [
                "page",
                "requests",
                "over the wire (compressed)",
                "decoded",
                "vs 2 MB",
                "first figure ms (median)",
                "first figure ms (cold server)",
                "DOMContentLoaded ms",
            ],
            [
                [
                    args.path,
                    last["requests"],
                    f"{wire / 1024:.0f} KiB",
                    f"{last['decoded_bytes'] / 1024:.0f} KiB",
                    f"{wire / TARGET_BYTES:.2f}",
                    f"{first_figure:.0f}",
                    f"{cold['first_figure_ms']:.0f}",
                    f"{statistics.median(r['dom_content_loaded_ms'] for r in warm or [cold]):.0f}",
                ]
            ],
        ),
        "",
        f"Target ≤ 2 MB compressed: {'met' if wire <= TARGET_BYTES else 'NOT met'} "
        f"({wire / TARGET_BYTES:.2f} of the budget).",
        "",
        "Largest responses of one load:",
        "",
        markdown_table(
            ["response", "wire KiB", "decoded KiB", "encoding"],
            [
                [
                    f"`{short(r['url'], base)}`",
                    f"{r['wire'] / 1024:.0f}",
                    f"{r['decoded'] / 1024:.0f}",
                    r["encoding"] or "none",
                ]
                for r in last["largest"]
            ],
        ),
    ]
    if last["uncompressed_responses"]:
        lines += [
            "",
            "Sent without compression (> 10 kB): "
            + ", ".join(f"`{short(u, base)}`" for u in last["uncompressed_responses"]),
        ]
    if others:
        lines += [
            "",
            "Other pages (one warm load each, same measure):",
            "",
            markdown_table(
                ["page", "requests", "wire KiB", "decoded KiB", "vs 2 MB", "figures", "first figure ms"],
                [
                    [
                        short(r["url"], base),
                        r["requests"],
                        f"{r['wire_bytes'] / 1024:.0f}",
                        f"{r['decoded_bytes'] / 1024:.0f}",
                        f"{r['wire_bytes'] / TARGET_BYTES:.2f}",
                        r["figures"],
                        "-" if r["first_figure_ms"] is None else f"{r['first_figure_ms']:.0f}",
                    ]
                    for r in others
                ],
            ),
        ]
    text = "\n".join(lines)
    print()
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "page_weight.md").write_text(text + "\n", encoding="utf-8")
    (RESULTS_DIR / "page_weight.json").write_text(
        json.dumps({"cold": cold, "warm": warm, "others": others, "machine": machine_line()}, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
