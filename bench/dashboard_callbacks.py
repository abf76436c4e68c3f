"""Dashboard callbacks against the framework's floor (a no-op callback on the same server), measured in one run.

    .venv/bin/python bench/dashboard_callbacks.py [--home CAEI_HOME] [--repeat 15] [--clients 20] \
        [--per-client 2] [--ladder 1,5,10,20,40] [--ladder-seconds 6] [--processes 2]

Without --home a snapshot is materialised from ../shared/data (or $CAEI_MIRROR) into a temporary CAEI_HOME.
The product app (dashboard.app.create_app) plus one bench-only no-op callback is served by waitress (8 threads,
as `caei dashboard`) in a child process. Callbacks are discovered from GET /_dash-dependencies; their payloads
are what a browser sends: each page is first rendered through the Dash-pages routing callback and the inputs'
and states' values (language store, snapshot pin, dropdown options ...) are read from the rendered layout.

1. cold:       the first call of each payload on the fresh server (query caches empty for that payload)
2. sequential: one client, requests interleaved round-robin over all targets (noise falls on all alike)
3. concurrent: --clients threads hammering one target at a time (floor before and after)
4. ladder:     a mixed workload (every page render and callback in turn) at 1, 5, 10, 20, 40 clients,
               against one server process and then against --processes of them (clients round-robin):
               requests/s and p95, to see where one server stops keeping up
Target: every callback's p95 <= 3x the floor's p95, alone and under 20 clients.
Results: printed, and written to bench/results/dashboard_callbacks.{json,md}.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    NOOP_INPUT_ID,
    NOOP_OUTPUT_ID,
    RESULTS_DIR,
    SERVER_THREADS,
    bench_server,
    machine_line,
    markdown_table,
    p50,
    p95,
    published_home,
)

TARGET_RATIO = 3.0
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
PAGES = [
    "/",
    "/country/KAZ",
    "/explorer",
    "/catalogue",
    "/aral-caspian",
    "/water",
    "/funding",
    "/summit",
    "/air",
    "/analysts",
    "/indicator/co2_per_capita",
]
SNAPSHOT_HEADER = "X-CAEI-Snapshot"
MAX_VARIANTS = 6  # distinct payloads per callback (each its own cache entry); cycled through when timing


# ---- payloads ----------------------------------------------------------------------------------------------


def parse_outputs(output: str) -> list[dict[str, str]]:
    """`..a.figure...b.children..` (several outputs) or `a.figure` (one) -> [{id, property}, ...]."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=False)) for p in parts]


def components_by_id(tree: Any, found: dict[str, dict] | None = None) -> dict[str, dict]:
    """Every component with a string id in a serialised Dash layout -> its props."""
    found = {} if found is None else found
    if isinstance(tree, dict):
        props = tree.get("props")
        if "type" in tree and isinstance(props, dict) and isinstance(props.get("id"), str):
            found.setdefault(props["id"], props)
        for value in (props if isinstance(props, dict) and "type" in tree else tree).values():
            components_by_id(value, found)
    elif isinstance(tree, list):
        for item in tree:
            components_by_id(item, found)
    return found


def option_values(options: Any) -> list:
    if isinstance(options, dict):
        return list(options)
    values = []
    for option in options or []:
        value = option.get("value") if isinstance(option, dict) else option
        if value is not None and not (isinstance(option, dict) and option.get("disabled")):
            values.append(value)
    return values


@dataclass
class Target:
    """One thing a client asks the server to do: a callback with the payloads a user would send."""

    name: str
    kind: str  # floor, page, callback
    bodies: list[dict]
    note: str = ""
    cycle: Any = field(default=None, repr=False)

    def next_body(self) -> dict:
        if self.cycle is None:
            self.cycle = itertools.cycle(self.bodies)
        return next(self.cycle)


def router_body(path: str, lang: str, states: list[dict]) -> dict:
    return {
        "output": ROUTER_OUTPUT,
        "outputs": parse_outputs(ROUTER_OUTPUT),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": f"?lang={lang}"},
        ],
        "state": [{**s, "value": None} for s in states],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    }


def callback_bodies(dep: dict, props_by_id: dict[str, dict]) -> tuple[list[dict], str]:
    """Payloads for one callback: the layout's values, with the first choice input (dropdown, checklist,
    radio) set to other options in turn, or each button clicked. Returns ([], reason) when the callback's
    inputs are in no rendered layout."""
    inputs, states = dep["inputs"], dep.get("state", [])
    missing = [i["id"] for i in inputs + states if i["id"] not in props_by_id]
    if missing:
        return [], f"not on any rendered page: {', '.join(map(str, missing))}"

    def dep_values(items):
        return [
            {"id": i["id"], "property": i["property"], "value": props_by_id[i["id"]].get(i["property"])} for i in items
        ]

    base_inputs, base_states = dep_values(inputs), dep_values(states)
    outputs = parse_outputs(dep["output"])
    variants: list[tuple[int, Any]] = []
    for index, item in enumerate(inputs):
        props = props_by_id[item["id"]]
        if item["property"] == "n_clicks":
            variants.append((index, "click"))
        elif item["property"] == "value" and "options" in props and not variants:
            current = props.get("value")
            values = [v for v in option_values(props["options"]) if v != current and [v] != current]
            if isinstance(current, list):  # a multi-select: the user adds or removes one option
                values = [[v] for v in values] + ([current[:-1]] if len(current) > 1 else [])
            variants += [(index, v) for v in values[:MAX_VARIANTS]]
    if not variants:
        variants = [(0, base_inputs[0]["value"])]
    bodies = []
    clicks = 0
    for index, value in variants:
        body_inputs = [dict(i) for i in base_inputs]
        if value == "click":
            clicks += 1
            value = clicks
        body_inputs[index]["value"] = value
        changed = inputs[index]
        bodies.append(
            {
                "output": dep["output"],
                "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": body_inputs,
                "state": base_states,
                "changedPropIds": [f"{changed['id']}.{changed['property']}"],
            }
        )
    return bodies, ""


def noop_body(k: int) -> dict:
    return {
        "output": f"{NOOP_OUTPUT_ID}.data",
        "outputs": {"id": NOOP_OUTPUT_ID, "property": "data"},
        "inputs": [{"id": NOOP_INPUT_ID, "property": "data", "value": k}],
        "state": [],
        "changedPropIds": [f"{NOOP_INPUT_ID}.data"],
    }


# ---- HTTP --------------------------------------------------------------------------------------------------


class Client:
    """One browser-like client: keep-alive connection, gzip accepted (the app compresses)."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers.update({"Content-Type": "application/json", "Accept-Encoding": "gzip, deflate"})
        self.errors: list[str] = []
        self.snapshot_headers: set[str] = set()

    def call(self, body: dict) -> tuple[float, requests.Response]:
        start = time.perf_counter()
        response = self.session.post(self.base + "/_dash-update-component", data=json.dumps(body), timeout=120)
        _ = response.content  # the whole body, decompressed, as a browser needs it
        elapsed = time.perf_counter() - start
        if response.status_code not in (200, 204):
            self.errors.append(f"{body['output'][:60]}: HTTP {response.status_code} {response.text[:200]}")
        if SNAPSHOT_HEADER in response.headers:
            self.snapshot_headers.add(response.headers[SNAPSHOT_HEADER])
        return elapsed, response


# ---- discovery ---------------------------------------------------------------------------------------------


def discover(base: str, lang: str) -> tuple[list[Target], dict[str, list[float]], list[str], dict]:
    """Targets and their cold (first-call) timings on the fresh server."""
    client = Client(base)
    deps = client.session.get(base + "/_dash-dependencies", timeout=30).json()
    server_deps = [d for d in deps if not d.get("clientside_function")]
    router = next((d for d in server_deps if d["output"] == ROUTER_OUTPUT), None)
    router_states = router.get("state", []) if router else []
    notes: list[str] = []
    cold: dict[str, list[float]] = {}
    targets = [Target("no-op (floor)", "floor", [noop_body(k) for k in range(3)])]

    props_by_id = components_by_id(client.session.get(base + "/_dash-layout", timeout=30).json())
    for path in PAGES:
        body = router_body(path, lang, router_states)
        elapsed, response = client.call(body)
        name = f"page {path}"
        cold[name] = [elapsed]
        if response.status_code != 200:
            notes.append(f"{name}: HTTP {response.status_code}, left out")
            continue
        page_props = components_by_id(response.json())
        for key, props in page_props.items():
            props_by_id.setdefault(key, props)
        targets.append(Target(name, "page", [body], note=f"{len(response.content)} B"))

    for dep in server_deps:
        if dep["output"] in (ROUTER_OUTPUT, f"{NOOP_OUTPUT_ID}.data"):
            continue
        outputs = parse_outputs(dep["output"])
        name = outputs[0]["id"] + (f" (+{len(outputs) - 1})" if len(outputs) > 1 else "")
        bodies, reason = callback_bodies(dep, props_by_id)
        if not bodies:
            notes.append(f"callback {name}: {reason}; left out")
            continue
        states = ", ".join(f"{s['id']}.{s['property']}" for s in dep.get("state", []))
        target = Target(f"cb {name}", "callback", bodies, note=f"{len(bodies)} payloads; state: {states or '-'}")
        cold[target.name] = [client.call(b)[0] for b in bodies]
        targets.append(target)
    notes += client.errors
    info = {
        "n_dependencies": len(deps),
        "n_server_callbacks": len(server_deps),
        "snapshot_header": sorted(client.snapshot_headers),
        "snapshot_pin_state": any(s.get("id") == "snapshot-pin" for d in server_deps for s in d.get("state", [])),
    }
    return targets, cold, notes, info


# ---- runs --------------------------------------------------------------------------------------------------


def sequential(base: str, targets: list[Target], repeat: int) -> dict[str, list[float]]:
    client = Client(base)
    for target in targets:  # one untimed call each, so every payload's queries are cached
        for body in target.bodies:
            client.call(body)
    times: dict[str, list[float]] = {t.name: [] for t in targets}
    for _ in range(repeat):
        for target in targets:
            times[target.name].append(client.call(target.next_body())[0])
    if client.errors:
        print("errors:", *client.errors[:5], sep="\n  ")
    return times


def hammer(
    base: str | list[str],
    clients: int,
    per_client: int | None,
    pick: Callable[[int, int], dict],
    seconds: float | None = None,
) -> tuple[list[float], float, list[str]]:
    """`clients` threads, each with its own connection, sending requests back to back (a fixed count, or
    for `seconds`). Several bases: client i talks to base i mod n (a round-robin balancer).
    Returns every latency, the wall time and the errors."""
    bases = [base] if isinstance(base, str) else base
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def run(index: int) -> None:
        client = Client(bases[index % len(bases)])
        client.call(pick(index, -1))  # connect and warm this connection before the clock starts
        barrier.wait()
        mine, k = [], 0
        deadline = time.perf_counter() + seconds if seconds else None
        while (deadline and time.perf_counter() < deadline) or (per_client and k < per_client):
            mine.append(client.call(pick(index, k))[0])
            k += 1
        with lock:
            latencies.extend(mine)
            errors.extend(client.errors)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start, errors


def concurrent(base: str, targets: list[Target], clients: int, per_client: int) -> dict[str, dict]:
    results: dict[str, dict] = {}
    floor = targets[0]
    order = [floor, *targets[1:], floor]  # the floor before and after: the machine may change meanwhile
    for target in order:
        bodies = target.bodies
        latencies, wall, errors = hammer(base, clients, per_client, lambda i, k, b=bodies: b[(i + max(k, 0)) % len(b)])
        entry = results.setdefault(target.name, {"latencies": [], "wall": 0.0, "n": 0, "errors": []})
        entry["latencies"] += latencies
        entry["wall"] += wall
        entry["n"] += len(latencies)
        entry["errors"] += errors[:3]
        print(
            f"  {target.name:<42} {clients} clients: p95 {p95(latencies) * 1000:8.1f} ms  "
            f"{len(latencies) / wall:6.1f} req/s",
            flush=True,
        )
    return results


def ladder(base: str | list[str], targets: list[Target], levels: list[int], seconds: float) -> list[dict]:
    """A mixed workload: each client walks through every page render and callback in turn."""
    work = [t for t in targets if t.kind != "floor"]
    flat = [b for t in work for b in t.bodies[:2]]
    rows = []
    for clients in levels:
        latencies, wall, errors = hammer(
            base, clients, None, lambda i, k: flat[(i * 7 + max(k, 0)) % len(flat)], seconds=seconds
        )
        floor_lat, _, _ = hammer(base, clients, 5, lambda i, k: noop_body(k))
        row = {
            "clients": clients,
            "n": len(latencies),
            "req_per_s": len(latencies) / wall,
            "p50_ms": p50(latencies) * 1000,
            "p95_ms": p95(latencies) * 1000,
            "floor_p95_ms": p95(floor_lat) * 1000,
            "errors": len(errors),
        }
        rows.append(row)
        print(
            f"  {clients:>3} clients: {row['req_per_s']:6.1f} req/s  p50 {row['p50_ms']:7.1f} ms  "
            f"p95 {row['p95_ms']:7.1f} ms  (floor p95 {row['floor_p95_ms']:.1f} ms)  errors {len(errors)}",
            flush=True,
        )
    return rows


# ---- report ------------------------------------------------------------------------------------------------


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def ladder_table(ladder_rows: list[dict]) -> str:
    """Clients -> requests, throughput and latency: one row per step of the ladder."""
    columns = ["clients", "requests", "req/s", "p50 ms", "p95 ms", "floor p95 ms", "errors"]
    return markdown_table(
        columns,
        [
            [r["clients"], r["n"]]
            + [f"{r[k]:.{d}f}" for k, d in (("req_per_s", 1), ("p50_ms", 0), ("p95_ms", 0), ("floor_p95_ms", 1))]
            + [r["errors"]]
            for r in ladder_rows
        ],
    )


def report(targets, cold, seq, conc, ladder_rows, multi_rows, args, info, notes) -> str:
    seq_floor = p95(seq["no-op (floor)"])
    conc_floor = p95(conc["no-op (floor)"]["latencies"])
    rows, misses = [], []
    for t in targets:
        s = seq[t.name]
        c = conc[t.name]["latencies"]
        r_seq, r_conc = p95(s) / seq_floor, p95(c) / conc_floor
        ok = r_seq <= TARGET_RATIO and r_conc <= TARGET_RATIO
        if t.kind != "floor" and not ok:
            misses.append(t.name)
        rows.append(
            [
                t.name,
                ms(p50(cold[t.name])) if t.name in cold else "-",
                ms(p50(s)),
                ms(p95(s)),
                f"{r_seq:.1f}",
                ms(p50(c)),
                ms(p95(c)),
                f"{r_conc:.1f}",
                f"{conc[t.name]['n'] / conc[t.name]['wall']:.0f}",
                "floor" if t.kind == "floor" else ("yes" if ok else "**no**"),
            ]
        )
    header = [
        "target",
        "cold ms",
        "p50 ms",
        "p95 ms",
        "p95/floor",
        f"p50 ms ×{args.clients}",
        f"p95 ms ×{args.clients}",
        f"p95/floor ×{args.clients}",
        f"req/s ×{args.clients}",
        "≤ 3×",
    ]
    lines = [
        f"Machine: {machine_line()}; waitress {SERVER_THREADS} threads in a child process; "
        f"sequential: {args.repeat} rounds; concurrent: {args.clients} clients × {args.per_client} requests.",
        "",
        markdown_table(header, rows),
        "",
        f"Floor p95: {ms(seq_floor)} ms alone, {ms(conc_floor)} ms under {args.clients} clients. "
        f"Snapshot pin sent as state: {'yes' if info['snapshot_pin_state'] else 'no (not in /_dash-dependencies)'}; "
        f"{SNAPSHOT_HEADER} header: {', '.join(info['snapshot_header']) or 'absent'}.",
        "",
        "Mixed workload (every page render and callback in turn), clients → throughput and latency:",
        "",
        ladder_table(ladder_rows),
        *(
            [
                "",
                f"The same against {args.processes} server processes (clients spread round-robin):",
                "",
                ladder_table(multi_rows),
            ]
            if multi_rows
            else []
        ),
        "",
        (
            "Target met: every callback's p95 ≤ 3× the floor, alone and under load."
            if not misses
            else f"Target NOT met by {len(misses)} of {len(targets) - 1}: {', '.join(misses)}."
        ),
    ]
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a CAEI_HOME holding a published snapshot (default: materialise one)")
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--repeat", type=int, default=15, help="sequential rounds over all targets")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=2, help="requests per client per target when concurrent")
    parser.add_argument("--ladder", default="1,5,10,20,40", help="client counts of the mixed workload ('' to skip)")
    parser.add_argument("--ladder-seconds", type=float, default=6.0)
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="also run the ladder against this many server processes, clients spread over them (1 to skip)",
    )
    args = parser.parse_args()
    levels = [int(x) for x in args.ladder.split(",") if x.strip()]

    started = time.perf_counter()
    with contextlib.ExitStack() as home_stack:
        published_dir = home_stack.enter_context(published_home(args.home))
        run(args, levels, published_dir, started)


def run(args, levels: list[int], published_dir: Path, started: float) -> None:
    with bench_server(published_dir) as base:
        print(f"bench server {base} serving {published_dir}", flush=True)
        targets, cold, notes, info = discover(base, args.lang)
        print(
            f"{len(targets) - 1} targets ({info['n_server_callbacks']} server callbacks in /_dash-dependencies); "
            f"cold first calls done",
            flush=True,
        )
        print(f"sequential: {args.repeat} rounds ...", flush=True)
        seq = sequential(base, targets, args.repeat)
        print(f"concurrent: {args.clients} clients x {args.per_client} requests per target ...", flush=True)
        conc = concurrent(base, targets, args.clients, args.per_client)
        ladder_rows = []
        if levels:
            print(f"mixed workload ladder {levels}, {args.ladder_seconds:.0f} s each ...", flush=True)
            ladder_rows = ladder(base, targets, levels, args.ladder_seconds)
    multi_rows = []
    if levels and args.processes > 1:
        with contextlib.ExitStack() as stack:
            bases = [
                stack.enter_context(bench_server(published_dir, threads=SERVER_THREADS)) for _ in range(args.processes)
            ]
            warm = Client(bases[0])
            for server in bases:  # fill each process's query cache, as on the single server
                warm.base = server
                for target in targets:
                    for body in target.bodies:
                        warm.call(body)
            print(f"mixed workload ladder, {args.processes} server processes ...", flush=True)
            multi_rows = ladder(bases, targets, levels, args.ladder_seconds)
    text = report(targets, cold, seq, conc, ladder_rows, multi_rows, args, info, notes)
    print()
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "dashboard_callbacks.md").write_text(text + "\n", encoding="utf-8")
    raw = {
        "args": vars(args),
        "machine": machine_line(),
        "info": info,
        "notes": notes,
        "cold": cold,
        "sequential": seq,
        "concurrent": {k: {**v, "latencies": v["latencies"]} for k, v in conc.items()},
        "ladder": ladder_rows,
        "ladder_processes": multi_rows,
        "targets": [{"name": t.name, "kind": t.kind, "note": t.note} for t in targets],
    }
    (RESULTS_DIR / "dashboard_callbacks.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
