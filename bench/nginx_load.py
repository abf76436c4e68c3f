"""The production deployment under load: nginx (TLS) in front of gunicorn, against gunicorn alone, at 20 and 100
clients, in one run on the same stack.

    scripts/deploy-smoke --bench        (starts the stack of deploy/, runs its checks, then this)
    .venv/bin/python bench/nginx_load.py --nginx https://HOST:PORT --direct http://127.0.0.1:8050 [--ca CERT]
        [--clients 20,100] [--seconds 15]

Each client is a thread with its own keep-alive connection that loops over a viewer's mix for --seconds: a page
view (the routing callback of a page, as the browser sends it, in three languages), an API read (values, the
snapshot list) and a static bundle. Answers are cached (pre-computed pages, the API's answer cache, nginx's bundle
cache) after a warm-up pass, so this is the steady state between publishes. Printed: requests per second, p50
and p95 per level, and the ratios nginx / direct and 100 / 20 clients. The clients share the machine (and its
CPUs) with the servers. Results: bench/results/nginx_load.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, machine_line, markdown_table, p50, p95  # noqa: E402

from dashboard.prewarm import BROWSER_ENCODINGS, router_request  # noqa: E402
from dashboard.response_cache import CALLBACK_PATH  # noqa: E402

PAGES = [("/", "?lang=en"), ("/explorer", ""), ("/water", "?lang=kk"), ("/country/KAZ", "?lang=en"), ("/air", "")]
API = ["/api/v1/indicators/co2_per_capita.csv?country=KAZ~UZB~CA5&time=2000..2020", "/api/v1/snapshots"]


def bundle_path(session: requests.Session, base: str) -> str:
    page = session.get(base + "/", timeout=30)
    page.raise_for_status()
    src = [p.split('"')[0] for p in page.text.split('src="')[1:] if p.startswith("/_dash-component-suites/")]
    return max(src, key=len)  # any fingerprinted bundle; the longest name is a real component bundle


def viewer_mix(bundle: str) -> list[tuple[str, str, dict | None]]:
    """(method, path, json body) of one round of a viewer's requests."""
    mix: list[tuple[str, str, dict | None]] = [("POST", CALLBACK_PATH, router_request(p, s)) for p, s in PAGES]
    mix += [("GET", path, None) for path in API]
    mix.append(("GET", bundle, None))
    return mix


def new_session(verify: str | bool) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # loopback: no proxy, and our own certificate rather than the environment's bundle
    s.verify = verify
    s.headers["Accept-Encoding"] = BROWSER_ENCODINGS
    return s


def run_level(base: str, verify: str | bool, mix: list, clients: int, seconds: float) -> dict:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client(offset: int) -> None:
        session = new_session(verify)
        mine, bad = [], []
        start_gate.wait()
        end = time.monotonic() + seconds
        k = offset
        while time.monotonic() < end:
            method, path, body = mix[k % len(mix)]
            k += 1
            t0 = time.perf_counter()
            try:
                answer = session.request(method, base + path, json=body, timeout=60)
                answer.content  # noqa: B018 - the whole body, as a browser reads it
                if answer.status_code != 200:
                    bad.append(f"{path}: {answer.status_code}")
            except requests.RequestException as problem:
                bad.append(f"{path}: {problem.__class__.__name__}")
            mine.append(time.perf_counter() - t0)
        with lock:
            times.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    start_gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {"requests": len(times), "rps": len(times) / wall, "p50": p50(times), "p95": p95(times), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nginx", required=True, help="https://HOST:PORT of nginx")
    parser.add_argument("--direct", required=True, help="http://127.0.0.1:PORT of gunicorn")
    parser.add_argument("--ca", default=os.environ.get("CAEI_SMOKE_CA"), help="nginx's certificate (self-signed)")
    parser.add_argument("--clients", default="20,100")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    targets = {"nginx (TLS)": (args.nginx, args.ca or True), "gunicorn direct": (args.direct, True)}
    mix = viewer_mix(bundle_path(new_session(args.ca or True), args.nginx))
    for base, verify in targets.values():  # warm: every worker computes each view (pre-computing may still run)
        run_level(base, verify, mix, 20, 5)
    results = {
        (name, clients): run_level(base, verify, mix, clients, args.seconds)
        for clients in levels
        for name, (base, verify) in targets.items()
    }
    rows = []
    for (name, clients), r in results.items():
        rows.append(
            [
                name,
                str(clients),
                str(r["requests"]),
                f"{r['rps']:.0f}",
                f"{r['p50'] * 1000:.0f}",
                f"{r['p95'] * 1000:.0f}",
                str(len(r["errors"])),
            ]
        )
    table = markdown_table(["through", "clients", "requests", "req/s", "p50 ms", "p95 ms", "errors"], rows)
    ratio_rows = []
    for clients in levels:
        via, direct = results[("nginx (TLS)", clients)], results[("gunicorn direct", clients)]
        ratio_rows.append(
            [f"nginx / direct at {clients}", f"{via['rps'] / direct['rps']:.2f}", f"{via['p95'] / direct['p95']:.2f}"]
        )
    if len(levels) > 1:
        low, high = levels[0], levels[-1]
        for name in targets:
            a, b = results[(name, low)], results[(name, high)]
            ratio_rows.append(
                [f"{name}: {high} / {low} clients", f"{b['rps'] / a['rps']:.2f}", f"{b['p95'] / a['p95']:.2f}"]
            )
    ratios = markdown_table(["ratio", "req/s", "p95"], ratio_rows)
    text = (
        "### The deployment under load: nginx in front of gunicorn (`nginx_load.py`)\n\n"
        f"{machine_line()}; {args.seconds:.0f} s per level; mix per round: {len(PAGES)} page views (routing "
        f"callback), {len(API)} API reads, 1 static bundle.\n\n{table}\n\n{ratios}\n"
    )
    print(text)
    failed = {f"{n} at {c}": r["errors"][:5] for (n, c), r in results.items() if r["errors"]}
    if failed:
        print(f"errors (first five per level): {failed}")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "nginx_load.md").write_text(text, encoding="utf-8")
    raw = {f"{n}|{c}": {k: v for k, v in r.items() if k != "errors"} for (n, c), r in results.items()}
    (RESULTS_DIR / "nginx_load.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
