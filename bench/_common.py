"""Shared pieces of the dashboard and export benches: a published snapshot, the bench server, statistics.

The server runs in its own process (`python bench/_common.py serve ...`), so the clients that time it do not
share its interpreter (GIL) and what is measured is what a browser would see over HTTP.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RESULTS_DIR = REPO / "bench" / "results"
NOOP_INPUT_ID = "bench-noop-input"
NOOP_OUTPUT_ID = "bench-noop-output"
SERVER_THREADS = 8  # the product's `caei dashboard` default (dashboard.app.serve)


# ---- a published snapshot ----------------------------------------------------------------------------------


def default_mirror() -> Path:
    mirror = os.environ.get("CAEI_MIRROR")
    return Path(mirror) if mirror and not mirror.startswith("http") else REPO.parent / "shared" / "data"


def published_dir_of(home: Path) -> Path:
    published = home / "published"
    if not (published / "CURRENT").is_file():
        sys.exit(
            f"{home} holds no published snapshot ({published / 'CURRENT'} is missing); run `caei materialize` "
            "with CAEI_HOME set to it, or leave out --home to build one"
        )
    return published


def materialize_into(home: Path, mirror: Path) -> float:
    """The real `caei materialize` into `home` (a subprocess, as a user runs it); returns the seconds it took."""
    if not mirror.is_dir():
        sys.exit(f"shared data not found at {mirror}; set CAEI_MIRROR to the directory that holds it")
    env = {**os.environ, "CAEI_HOME": str(home), "CAEI_MIRROR": str(mirror.resolve())}
    env.pop("DAGSTER_HOME", None)
    print(f"materialising a snapshot into {home} from {mirror} ...", flush=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "materialize"], cwd=REPO, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"materialize failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    print(f"materialised in {elapsed:.1f} s", flush=True)
    return elapsed


@contextmanager
def published_home(home: str | None):
    """The published directory of `--home`, or of a snapshot materialised into a temporary CAEI_HOME."""
    if home:
        yield published_dir_of(Path(home))
        return
    tmp = Path(tempfile.mkdtemp(prefix="caei-bench-"))
    try:
        materialize_into(tmp, default_mirror())
        yield published_dir_of(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def snapshot_file(published: Path) -> Path:
    from assets.published.snapshots import current_snapshot_path

    return current_snapshot_path(published)


# ---- the bench server --------------------------------------------------------------------------------------


def bench_app(published: Path, hardened: bool = True, full_plotly: bool = False):
    """The product app plus ONE no-op callback (bench only): the framework's floor on the same server.
    `full_plotly`: Dash's own full plotly.min.js instead of dashboard/plotly_bundle (bench/lighthouse.py's before)."""
    from dash import Input, Output

    from dashboard import plotly_bundle
    from dashboard.app import create_app

    if full_plotly:
        plotly_bundle.install = lambda server: None  # this child process only

    app = create_app(published, hardened=hardened)
    # The components need not exist in the layout (suppress_callback_exceptions): the bench posts to it directly.
    app.callback(Output(NOOP_OUTPUT_ID, "data"), Input(NOOP_INPUT_ID, "data"), prevent_initial_call=True)(
        lambda value: value
    )
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def bench_server(published: Path, threads: int = SERVER_THREADS, hardened: bool = True, full_plotly: bool = False):
    """Serve bench_app with waitress in a child process; yields the base URL. A fresh process = cold caches.
    `hardened=False`: without dashboard/security.py's checks, headers and waitress limits (bench/hardening.py)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "serve",
            "--published",
            str(published),
            "--port",
            str(port),
            "--threads",
            str(threads),
            *([] if hardened else ["--not-hardened"]),
            *(["--full-plotly"] if full_plotly else []),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                sys.exit(f"bench server exited ({proc.returncode}):\n{proc.stdout.read()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/_dash-layout", timeout=5) as response:
                    response.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    proc.kill()
                    sys.exit("bench server did not answer within 120 s")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def serve_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench/_common.py serve")
    parser.add_argument("--published", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=SERVER_THREADS)
    parser.add_argument("--not-hardened", action="store_true")
    parser.add_argument("--full-plotly", action="store_true")
    args = parser.parse_args(argv)
    from waitress import serve

    from dashboard.security import WAITRESS_LIMITS

    app = bench_app(Path(args.published), hardened=not args.not_hardened, full_plotly=args.full_plotly)
    from dashboard.prewarm import Prewarmer

    Prewarmer(app).warm_static()  # as `caei dashboard` does before its first visitor (pages are not pre-computed)
    # connection_limit above the largest client count, so clients queue for a thread rather than being refused;
    # hardened: the product's own limits (as `caei dashboard`)
    limits = {"connection_limit": 256} if args.not_hardened else WAITRESS_LIMITS
    serve(app.server, host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True, **limits)


# ---- statistics and reporting ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of the values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def other_load() -> str:
    """The 1-minute load average and the CPU count: benches on a shared machine are noisy, so say so."""
    try:
        load1 = os.getloadavg()[0]
    except OSError:
        return f"{os.cpu_count()} CPUs"
    return f"{os.cpu_count()} CPUs, load average {load1:.1f} at start"


def machine_line() -> str:
    processor = platform.processor() or platform.machine()
    return f"{platform.node()} · {processor} · {other_load()} · Python {platform.python_version()}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve_main(sys.argv[2:])
    else:
        sys.exit("usage: python bench/_common.py serve --published DIR --port N [--threads 8]")
