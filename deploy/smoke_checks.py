"""The HTTP and PostgreSQL checks of scripts/deploy-smoke, one subcommand each (stdlib + psycopg2 + requests).

    python deploy/smoke_checks.py wait-run --job NAME --after RUN_COUNT [--timeout S]
    python deploy/smoke_checks.py runs --job NAME          (how many runs of NAME PostgreSQL holds)
    python deploy/smoke_checks.py served --base URL --published DIR [--not ID]
    python deploy/smoke_checks.py login --base URL --user U --password P
    python deploy/smoke_checks.py launch --base URL --user U --password P   (through /dagster/graphql, as the UI does)
    python deploy/smoke_checks.py ui-runs --base URL --user U --password P
    python deploy/smoke_checks.py hostile --base URL

PostgreSQL is reached with the CAEI_PG_* settings of the environment (deploy/caei.env.example), as Dagster does;
nginx's certificate is checked against CAEI_SMOKE_CA (the smoke test's own). Every HTTP answer is awaited at most
ANSWER_WITHIN seconds. A failed check exits 1 with one line saying what.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

ANSWER_WITHIN = 10
SNAPSHOT_HEADER = "X-CAEI-Snapshot"
MIB = 1024 * 1024


class CheckFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


# ---- PostgreSQL run storage ---------------------------------------------------------------------------------


def pg_rows(sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg2

    with (
        psycopg2.connect(
            host=os.environ["CAEI_PG_HOST"],
            port=int(os.environ["CAEI_PG_PORT"]),
            dbname=os.environ["CAEI_PG_DB"],
            user=os.environ["CAEI_PG_USER"],
            password=os.environ["CAEI_PG_PASSWORD"],
            connect_timeout=ANSWER_WITHIN,
        ) as con,
        con.cursor() as cur,
    ):
        cur.execute(sql, params)
        return cur.fetchall()


def job_runs(job: str) -> list[tuple[str, str]]:
    """(run_id, status) of every run of `job` in Dagster's run storage, oldest first."""
    rows = pg_rows("SELECT run_id, status FROM runs WHERE pipeline_name = %s ORDER BY id", (job,))
    return [(str(r[0]), str(r[1])) for r in rows]


def cmd_runs(args: argparse.Namespace) -> None:
    print(len(job_runs(args.job)))


def cmd_wait_run(args: argparse.Namespace) -> None:
    """Wait until the first run of `job` after the first `after` ones has ended; it must have succeeded."""
    deadline = time.monotonic() + args.timeout
    said = None
    while time.monotonic() < deadline:
        runs = job_runs(args.job)[args.after :]
        if runs:
            run_id, status = runs[0]
            if status != said:
                print(f"   run {run_id[:8]} of {args.job}: {status}", flush=True)
                said = status
            if status == "SUCCESS":
                return
            check(status not in ("FAILURE", "CANCELED"), f"run {run_id} of {args.job} ended {status}")
        time.sleep(2)
    raise CheckFailed(f"no run of {args.job} succeeded within {args.timeout} s (last seen: {said or 'none'})")


# ---- through nginx ------------------------------------------------------------------------------------------


def session(auth: tuple[str, str] | None = None) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # no proxy, no CA bundle from the environment: nginx on loopback, its own certificate
    s.verify = os.environ["CAEI_SMOKE_CA"]
    s.auth = auth
    return s


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=os.environ["CAEI_SMOKE_CA"])


def current_snapshot(published: Path) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from assets.published.snapshots import current_snapshot_id

    return current_snapshot_id(published)


def cmd_served(args: argparse.Namespace) -> None:
    """The dashboard and the API answer through nginx from the snapshot CURRENT names, with the app's security
    headers once each, HSTS from nginx, and the static bundles cached by nginx."""
    wanted = current_snapshot(Path(args.published))
    check(wanted != args.not_, f"CURRENT still names {wanted}: nothing new was published")
    s = session()
    page = s.get(args.base + "/?lang=en", timeout=ANSWER_WITHIN)
    check(page.status_code == 200, f"GET / answered {page.status_code}")
    check(page.headers.get(SNAPSHOT_HEADER) == wanted, f"/ served {page.headers.get(SNAPSHOT_HEADER)}, not {wanted}")
    raw = page.raw.headers  # every header line as sent: a proxy adding a second CSP would show here
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security"):
        check(len(raw.getlist(name)) == 1, f"{name} sent {len(raw.getlist(name))} times through nginx (want once)")
    check("'sha256-" in page.headers["Content-Security-Policy"], "the CSP lacks Dash's script hashes (not the app's)")
    layout = s.get(args.base + "/_dash-layout", timeout=ANSWER_WITHIN)
    check(layout.status_code == 200 and layout.headers.get(SNAPSHOT_HEADER) == wanted, "/_dash-layout")

    api = s.get(args.base + "/api/v1/snapshots", timeout=ANSWER_WITHIN)
    check(api.status_code == 200, f"GET /api/v1/snapshots answered {api.status_code}")
    check(wanted in api.text and api.headers.get(SNAPSHOT_HEADER) == wanted, f"the API does not serve {wanted}")
    values = s.get(args.base + "/api/v1/indicators/population.json?country=KAZ", timeout=ANSWER_WITHIN)
    check(values.status_code == 200 and values.json().get("rows"), f"population values: {values.status_code}")

    bundle = next(
        (part.split('"')[0] for part in page.text.split('src="')[1:] if part.startswith("/_dash-component-suites/")),
        None,
    )
    check(bundle is not None, "the page links no /_dash-component-suites/ bundle")
    first, again = (s.get(args.base + str(bundle), timeout=ANSWER_WITHIN) for _ in range(2))
    check(first.status_code == again.status_code == 200, f"{bundle}: {first.status_code}, {again.status_code}")
    check(again.headers.get("X-Cache-Status") == "HIT", f"{bundle} not cached by nginx the second time")
    check("immutable" in again.headers.get("Cache-Control", ""), f"{bundle}: Cache-Control is not long")
    print(f"   nginx serves snapshot {wanted}: pages, layout, API; one CSP; bundles cached ({bundle.split('/')[-1]})")


def cmd_login(args: argparse.Namespace) -> None:
    """The Dagster UI asks for a login, refuses a wrong one and accepts the right one."""
    url = args.base + "/dagster/"
    anonymous = session().get(url, timeout=ANSWER_WITHIN)
    check(anonymous.status_code == 401, f"/dagster/ without a login answered {anonymous.status_code}, not 401")
    check("Basic" in anonymous.headers.get("WWW-Authenticate", ""), "no login asked for (WWW-Authenticate)")
    wrong = session((args.user, args.password + "x")).get(url, timeout=ANSWER_WITHIN)
    check(wrong.status_code == 401, f"a wrong password answered {wrong.status_code}, not 401")
    analyst = session((args.user, args.password))
    right = analyst.get(url, timeout=ANSWER_WITHIN)
    check(right.status_code == 200 and "<html" in right.text.lower(), f"the right login answered {right.status_code}")
    # The UI's own scripts come from under the path prefix too (--path-prefix /dagster), through the login.
    scripts = [p.split('"')[0] for p in right.text.split('src="')[1:] if p.split('"')[0].endswith(".js")]
    check(
        bool(scripts) and all(src.startswith("/dagster/") for src in scripts),
        f"UI scripts not under /dagster/: {scripts}",
    )
    script = analyst.get(args.base + scripts[0], timeout=ANSWER_WITHIN)
    check(script.status_code == 200, f"{scripts[0]} answered {script.status_code}")
    print(f"   /dagster/: 401 without a login and with a wrong one, 200 with the right one (and its {scripts[0]})")


REPOSITORY = {"repositoryLocationName": "caei", "repositoryName": "__repository__"}


def graphql(args: argparse.Namespace, query: str, variables: dict | None = None) -> dict:
    answer = session((args.user, args.password)).post(
        args.base + "/dagster/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    check(answer.status_code == 200, f"/dagster/graphql answered {answer.status_code}: {answer.text[:200]}")
    body = answer.json()
    check("errors" not in body, f"/dagster/graphql: {body.get('errors')}")
    return body["data"]


def cmd_launch(args: argparse.Namespace) -> None:
    """As an analyst in the UI: turn on the weekly schedule and the inbox sensor (they start stopped), and launch
    the weekly job, which waits in the daemon's queue."""
    started = graphql(
        args,
        "mutation($s: ScheduleSelector!) { startSchedule(scheduleSelector: $s) { __typename ... on PythonError "
        "{ message } } }",
        {"s": {**REPOSITORY, "scheduleName": "weekly_refresh"}},
    )["startSchedule"]
    check(started["__typename"] == "ScheduleStateResult", f"starting weekly_refresh: {started}")
    sensing = graphql(
        args,
        "mutation($s: SensorSelector!) { startSensor(sensorSelector: $s) { __typename ... on PythonError "
        "{ message } } }",
        {"s": {**REPOSITORY, "sensorName": "water_inbox_sensor"}},
    )["startSensor"]
    check(sensing["__typename"] == "Sensor", f"starting water_inbox_sensor: {sensing}")
    launched = graphql(
        args,
        "mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename "
        "... on LaunchRunSuccess { run { runId status } } ... on PythonError { message } } }",
        {"p": {"selector": {**REPOSITORY, "jobName": "materialize_all"}, "runConfigData": {}}},
    )["launchRun"]
    check(launched["__typename"] == "LaunchRunSuccess", f"launching materialize_all: {launched}")
    run = launched["run"]
    check(run["status"] == "QUEUED", f"materialize_all was {run['status']}, not QUEUED for the daemon")
    print(f"   weekly_refresh and water_inbox_sensor on; run {run['runId'][:8]} of materialize_all QUEUED")


def cmd_ui_runs(args: argparse.Namespace) -> None:
    """The UI shows the runs the daemon started, read from PostgreSQL."""
    query = "{ runsOrError { ... on Runs { results { jobName status } } } }"
    seen = {(r["jobName"], r["status"]) for r in graphql(args, query)["runsOrError"]["results"]}
    check(("materialize_all", "SUCCESS") in seen, f"the UI does not show the weekly job's run: {sorted(seen)}")
    check(("water_inbox_job", "SUCCESS") in seen, f"the UI does not show the sensor's run: {sorted(seen)}")
    print("   /dagster/ shows both runs as succeeded")


# ---- the hardening issue's hostile clients, through nginx ---------------------------------------------------


def tls_socket(host: str, port: int, source: str | None = None) -> ssl.SSLSocket:
    context = tls_context()
    raw = socket.create_connection((host, port), timeout=ANSWER_WITHIN, source_address=(source, 0) if source else None)
    return context.wrap_socket(raw, server_hostname=host)


def answer_of(sock: ssl.SSLSocket, headers: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send `headers`, then body chunks until the server answers or closes; return what it answered."""
    sock.sendall(headers)
    try:
        for chunk in chunks:
            sock.sendall(chunk)
    except OSError:  # answered and closed: the rest is not wanted
        pass
    answer = b""
    try:
        while part := sock.recv(65536):
            answer += part
    except OSError:
        pass
    return answer


def slow_clients(host: str, port: int, base: str, count: int) -> None:
    """`count` TLS connections trickle header lines and never finish: a visitor is still served, and nginx cuts
    the slow ones off (client_header_timeout) so that they never reach gunicorn."""
    socks = [tls_socket(host, port) for _ in range(count)]
    for s in socks:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    stop, cut = threading.Event(), [0]

    def trickle() -> None:
        n = 0
        while not stop.wait(2.0):
            n += 1
            for s in socks:
                try:
                    s.sendall(f"X-Slow-{n}: {'a' * 20}\r\n".encode())
                except OSError:
                    cut[0] += 1

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(3)
        visitor = session()
        for path in ("/?lang=en", "/explorer?lang=en", "/_dash-layout"):
            answer = visitor.get(base + path, timeout=ANSWER_WITHIN)
            check(answer.status_code == 200, f"{count} slow clients: GET {path} answered {answer.status_code}")
        time.sleep(10)  # past client_header_timeout (10 s)
    finally:
        stop.set()
        thread.join(timeout=10)
        for s in socks:
            s.close()
    check(cut[0] >= count, f"nginx kept {count - cut[0]} of {count} slow clients past its header timeout")
    print(f"   {count} slow clients: a visitor was answered (3 pages), nginx cut the slow ones off after 10 s")


def huge_bodies(host: str, port: int, base: str) -> None:
    """A 64 MiB body is refused with 413 by nginx (declared or chunked) before it is read; a callback-sized
    malformed body still reaches the app, which answers 400."""
    zeros = b"0" * MIB
    declared = (
        "POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {64 * MIB}\r\n\r\n"
    ).encode()
    answer = answer_of(tls_socket(host, port), declared, (zeros for _ in range(64)))
    check(answer.startswith(b"HTTP/1.1 413"), f"a declared 64 MiB body: {answer[:60]!r}")
    chunked = b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    frames = (b"%x\r\n%s\r\n" % (len(zeros), zeros) for _ in range(64))
    answer = answer_of(tls_socket(host, port), chunked, frames)
    check(answer.startswith(b"HTTP/1.1 413"), f"a chunked 64 MiB body: {answer[:60]!r}")
    small = session().post(base + "/_dash-update-component", data=b"[" + b"0," * 1000 + b"0]", timeout=ANSWER_WITHIN)
    check(small.status_code == 400, f"a malformed callback body answered {small.status_code}, not the app's 400")
    print("   64 MiB bodies (declared and chunked): 413 from nginx; a small malformed callback: 400 from the app")


def rate_limited(host: str, port: int, total: int = 300) -> None:
    """From another client address (127.0.0.2; 127.0.0.1 is exempt), a burst beyond the limit gets 429s."""
    context = tls_context()

    def client(n: int) -> list[int]:
        con = http.client.HTTPSConnection(
            host, port, timeout=ANSWER_WITHIN, context=context, source_address=("127.0.0.2", 0)
        )
        statuses = []
        for _ in range(n):
            con.request("GET", "/api/v1/openapi.json")
            response = con.getresponse()
            response.read()
            statuses.append(response.status)
        con.close()
        return statuses

    with ThreadPoolExecutor(10) as pool:
        statuses = [s for batch in pool.map(client, [total // 10] * 10) for s in batch]
    ok, limited = statuses.count(200), statuses.count(429)
    check(ok >= 100 and limited > 0 and ok + limited == total, f"{total} quick requests: {ok} x 200, {limited} x 429")
    print(f"   a burst of {total} requests from one address: {ok} answered, {limited} refused with 429")


def cmd_hostile(args: argparse.Namespace) -> None:
    parts = urlsplit(args.base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 443
    huge_bodies(host, port, args.base)
    slow_clients(host, port, args.base, args.slow)
    rate_limited(host, port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("runs")
    r.add_argument("--job", required=True)
    r.set_defaults(func=cmd_runs)
    w = sub.add_parser("wait-run")
    w.add_argument("--job", required=True)
    w.add_argument("--after", type=int, default=0)
    w.add_argument("--timeout", type=float, default=420)
    w.set_defaults(func=cmd_wait_run)
    s = sub.add_parser("served")
    s.add_argument("--base", required=True)
    s.add_argument("--published", required=True)
    s.add_argument("--not", dest="not_", default=None)
    s.set_defaults(func=cmd_served)
    for name, func in (("login", cmd_login), ("launch", cmd_launch), ("ui-runs", cmd_ui_runs)):
        u = sub.add_parser(name)
        u.add_argument("--base", required=True)
        u.add_argument("--user", required=True)
        u.add_argument("--password", required=True)
        u.set_defaults(func=func)
    h = sub.add_parser("hostile")
    h.add_argument("--base", required=True)
    h.add_argument("--slow", type=int, default=400)
    h.set_defaults(func=cmd_hostile)
    args = parser.parse_args()
    try:
        args.func(args)
    except CheckFailed as failed:
        sys.exit(f"deploy-smoke: check failed: {failed}")


if __name__ == "__main__":
    main()
