"""What the hardening (dashboard/security.py) costs the callbacks: one interleaved run, hardening on and off.

    .venv/bin/python bench/hardening.py [--home CAEI_HOME] [--repeat 300] [--lang ru]

Two bench servers (bench/_common.py: the product app plus a no-op callback, waitress, 8 threads, each its own
process) serve the same snapshot: one as `caei dashboard` does (body checks, security headers, waitress limits),
one without them. Every round times each target on both, the order of the two swapped every round, so load
from elsewhere falls on both alike. Per target: p95 over the no-op callback's p95 on the same server, and the
ratio of the two ratios (target: within 10 %, i.e. 0.9-1.1).
Results: printed, and written to bench/results/hardening.{json,md}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, bench_server, machine_line, markdown_table, p50, p95, published_home  # noqa: E402
from dashboard_callbacks import Client, Target, discover  # noqa: E402

TOLERANCE = 0.10
FLOOR = "no-op (floor)"


def interleaved(bases: dict[str, str], targets: list[Target], repeat: int) -> dict[str, dict[str, list[float]]]:
    clients = {side: Client(base) for side, base in bases.items()}
    for client in clients.values():  # one untimed call of every payload on each server: caches filled alike
        for target in targets:
            for body in target.bodies:
                client.call(body)
    times = {side: {t.name: [] for t in targets} for side in bases}
    sides = list(bases)
    for round_ in range(repeat):
        order = sides if round_ % 2 == 0 else sides[::-1]
        for target in targets:
            body = target.next_body()
            for side in order:
                times[side][target.name].append(clients[side].call(body)[0])
    for side, client in clients.items():
        if client.errors:
            print(f"errors ({side}):", *client.errors[:5], sep="\n  ")
    return times


def report(times: dict[str, dict[str, list[float]]], args, notes: list[str]) -> tuple[str, list[dict]]:
    rows, out = [], []
    floor = {side: p95(times[side][FLOOR]) for side in times}
    for name in times["on"]:
        on, off = p95(times["on"][name]) / floor["on"], p95(times["off"][name]) / floor["off"]
        ratio = on / off
        within = abs(ratio - 1) <= TOLERANCE
        out.append({"target": name, "on": on, "off": off, "ratio": ratio, "within": within})
        rows.append(
            [
                name,
                f"{p50(times['on'][name]) * 1000:.1f} / {p50(times['off'][name]) * 1000:.1f}",
                f"{p95(times['on'][name]) * 1000:.1f}",
                f"{on:.2f}",
                f"{p95(times['off'][name]) * 1000:.1f}",
                f"{off:.2f}",
                f"{ratio:.2f}",
                "yes" if within else "**no**",
            ]
        )
    table = markdown_table(
        [
            "target",
            "p50 ms on / off",
            "p95 ms on",
            "p95/no-op on",
            "p95 ms off",
            "p95/no-op off",
            "on/off",
            "within 10 %",
        ],
        rows,
    )
    met = sum(r["within"] for r in out)
    text = "\n".join(
        [
            "### Hardening on and off (`hardening.py`)",
            "",
            f"{machine_line()}. {args.repeat} interleaved rounds, language {args.lang}; on = dashboard/security.py "
            "checks and headers plus waitress limits, as `caei dashboard`; off = neither.",
            "",
            table,
            "",
            f"{met} of {len(out)} targets within 10 %.",
            *([""] + [f"- {n}" for n in notes] if notes else []),
        ]
    )
    return text, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a CAEI_HOME holding a published snapshot (default: materialise one)")
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--repeat", type=int, default=300, help="rounds: a p95 of fewer samples is mostly noise")
    args = parser.parse_args()
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        published = stack.enter_context(published_home(args.home))
        bases = {
            "on": stack.enter_context(bench_server(published, hardened=True)),
            "off": stack.enter_context(bench_server(published, hardened=False)),
        }
        targets, _cold, notes, _info = discover(bases["on"], args.lang)
        discover(bases["off"], args.lang)  # the same first calls on the other server
        print(f"{len(targets)} targets; {args.repeat} interleaved rounds ...", flush=True)
        times = interleaved(bases, targets, args.repeat)
    text, rows = report(times, args, notes)
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "hardening.md").write_text(text + "\n", encoding="utf-8")
    raw = {"args": vars(args), "machine": machine_line(), "rows": rows, "samples": times}
    (RESULTS_DIR / "hardening.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
