"""The read API (/api/v1/) under many clients against the framework's floor (a no-op Dash callback on the same
server), measured in one run.

    .venv/bin/python bench/api_load.py [--home CAEI_HOME] [--clients 20] [--per-client 10]

Without --home a snapshot is materialised from ../shared/data (or $CAEI_MIRROR) into a temporary CAEI_HOME. The
product app plus one bench-only no-op callback is served by waitress (8 threads, as `caei dashboard`) in a child
process. Each target is first called once (cold), then --clients threads each call it --per-client times.
Target: every API endpoint's p95 under 20 clients <= 3x the no-op callback's p95 under 20 clients.
Results: printed, and written to bench/results/api_load.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    NOOP_INPUT_ID,
    NOOP_OUTPUT_ID,
    RESULTS_DIR,
    bench_server,
    machine_line,
    markdown_table,
    p50,
    p95,
    published_home,
)

TARGET_RATIO = 3.0
API_TARGETS = {
    "catalogue": "/api/v1/indicators?lang=ru",
    "values csv (3 places, 21 years)": "/api/v1/indicators/co2_per_capita.csv?country=KAZ~UZB~CA5&time=2000..2020",
    "values json (all)": "/api/v1/indicators/population.json?lang=kk",
    "metadata": "/api/v1/indicators/co2_per_capita.metadata.json",
    "snapshots": "/api/v1/snapshots",
    "openapi": "/api/v1/openapi.json",
}


def noop(session: requests.Session, base: str, k: int) -> float:
    body = {
        "output": f"{NOOP_OUTPUT_ID}.data",
        "outputs": {"id": NOOP_OUTPUT_ID, "property": "data"},
        "inputs": [{"id": NOOP_INPUT_ID, "property": "data", "value": k}],
        "state": [],
        "changedPropIds": [f"{NOOP_INPUT_ID}.data"],
    }
    start = time.perf_counter()
    response = session.post(base + "/_dash-update-component", json=body, timeout=60)
    response.raise_for_status()
    return time.perf_counter() - start


def get(session: requests.Session, base: str, path: str) -> float:
    start = time.perf_counter()
    response = session.get(base + path, timeout=60)
    response.raise_for_status()
    return time.perf_counter() - start


def hammer(call, clients: int, per_client: int) -> list[float]:
    """`clients` threads, each with its own keep-alive session, calling `call(session, i)` per_client times."""
    times: list[float] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        session = requests.Session()
        mine = [call(session, c * per_client + i) for i in range(per_client)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=10)
    args = parser.parse_args()
    with published_home(args.home) as published, bench_server(published) as base:
        first = requests.Session()
        cold = {name: get(first, base, path) for name, path in API_TARGETS.items()}
        floor_before = hammer(lambda s, k: noop(s, base, k), args.clients, args.per_client)
        measured = {
            name: hammer(lambda s, k, path=path: get(s, base, path), args.clients, args.per_client)
            for name, path in API_TARGETS.items()
        }
        floor_after = hammer(lambda s, k: noop(s, base, k), args.clients, args.per_client)
    floor = floor_before + floor_after
    rows = [["no-op callback (floor)", "-", f"{p50(floor) * 1000:.1f}", f"{p95(floor) * 1000:.1f}", "1.0", "-"]]
    for name, times in measured.items():
        ratio = p95(times) / p95(floor)
        rows.append(
            [
                name,
                f"{cold[name] * 1000:.1f}",
                f"{p50(times) * 1000:.1f}",
                f"{p95(times) * 1000:.1f}",
                f"{ratio:.2f}",
                "yes" if ratio <= TARGET_RATIO else "**no**",
            ]
        )
    table = markdown_table(["target", "cold ms", "p50 ms", "p95 ms", "p95 / floor p95", "<= 3x?"], rows)
    text = (
        f"### Read API under {args.clients} clients vs a no-op callback (`api_load.py`)\n\n"
        f"{machine_line()}; {args.clients} clients x {args.per_client} requests per target.\n\n{table}\n"
    )
    print(text)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "api_load.md").write_text(text, encoding="utf-8")
    raw = {"cold": cold, "floor": floor, "measured": measured, "clients": args.clients}
    (RESULTS_DIR / "api_load.json").write_text(json.dumps(raw), encoding="utf-8")


if __name__ == "__main__":
    main()
