"""The `caei` command. Exit codes: 0 done, 1 failed (source, check or publish; the reason is printed), 2 usage."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from assets.common.settings import Settings, SettingsError, load_settings
from pipelines.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, debug, one_line, run_errors, run_failure_line
from pipelines.output_commands import cmd_brief, cmd_export, cmd_quality
from pipelines.runs import fail_runs_of_dead_processes, owner_tags, upgrade_dagster_yaml

DAGSTER_YAML = """\
# Written by `caei`: runs started from the UI are queued and run one at a time (one DuckDB writer).
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
telemetry:
  enabled: false
# A run whose worker died is failed rather than left STARTED (it would hold the queue of one for ever).
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
"""


def prepare_dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME defaults to $CAEI_HOME/dagster so CLI runs show in the Dagster UI."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)  # for Dagster itself (DagsterInstance.get, `dagster dev`)
    upgrade_dagster_yaml(home / "dagster.yaml", DAGSTER_YAML)  # an older file gets run monitoring too
    return home


def fail_dead_runs() -> None:
    """Runs a killed `caei` process left STARTED are marked failed, so the UI's queue of one moves on."""
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        fail_runs_of_dead_processes(instance, log=lambda line: print(line, file=sys.stderr))


def cmd_materialize(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.wait is not None:
        settings = replace(settings, writer_wait=args.wait)
    mirror_problem = missing_mirror(settings)
    if mirror_problem:
        print(f"caei: {mirror_problem}", file=sys.stderr)
        return EXIT_USAGE
    prepare_dagster_home(settings)
    from dagster import AssetKey, DagsterInstance

    from pipelines.definitions import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def("materialize_all")
    all_keys = sorted(defs.resolve_asset_graph().get_all_asset_keys())
    selection = None
    if args.select:
        wanted = {s.strip() for s in args.select.split(",") if s.strip()}
        selection = [k for k in all_keys if k.to_user_string() in wanted or k.path[-1] in wanted]
        unknown = wanted - {k.to_user_string() for k in selection} - {k.path[-1] for k in selection}
        if unknown:
            print(f"caei: unknown asset(s) {sorted(unknown)}; `caei assets` lists them", file=sys.stderr)
            return EXIT_USAGE

    selected = set(selection or all_keys)
    n_checks = sum(1 for c in defs.resolve_asset_graph().asset_check_keys if c.asset_key in selected)
    print(
        f"caei: materialising {len(selected)} assets and {n_checks} checks into {settings.home}"
        f" (sources from {settings.mirror or 'their public URLs'})",
        flush=True,
    )
    with DagsterInstance.get() as instance:
        fail_runs_of_dead_processes(instance, log=lambda line: print(line, file=sys.stderr))
        result = job.execute_in_process(
            run_config={"loggers": {"console": {"config": {"total": len(selected) + n_checks}}}},
            instance=instance,
            asset_selection=selection,
            raise_on_error=False,
            tags=owner_tags(),
        )
    if result.success:
        published = [
            m for m in result.get_asset_materialization_events() if m.asset_key == AssetKey(["published", "snapshot"])
        ]
        if published:
            sid = published[-1].materialization.metadata["snapshot_id"].value
            print(f"caei: published snapshot {sid}")
        # Not a step: e.g. the warehouse's commit at the end of the run (disk full). Dagster calls the run a success.
        engine_errors = [
            (e.message, error)
            for e in result.all_events
            if e.event_type_value == "ENGINE_EVENT" and (error := getattr(e.event_specific_data, "error", None))
        ]
        if engine_errors:
            for message, error in engine_errors:
                print(f"caei: FAILED {message}: {_root_message(error)}", file=sys.stderr)
            cause = run_failure_line([(str(m), e) for m, e in engine_errors], settings)
            print(
                f"caei: run {result.run_id} could not save the warehouse"
                f"{': ' + cause if cause else '; the next run recomputes it'}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        print(f"caei: done (run {result.run_id})")
        return EXIT_OK
    errors = print_run_errors(result)
    for check in result.get_asset_check_evaluations():
        if not check.passed and check.severity.value == "ERROR":
            print(f"caei: FAILED check {check.check_name}: {check.description}", file=sys.stderr)
    cause = run_failure_line(errors, settings)
    print(
        f"caei: run {result.run_id} failed{': ' + cause if cause else ''}; the previously published snapshot is "
        "still served",
        file=sys.stderr,
    )
    return EXIT_FAILED


def print_run_errors(result) -> list:
    """Print each error of a failed run once (steps, resources such as the writer lock, the run itself)."""
    errors, said = run_errors(result), set()
    # Dagster's own summary of a failure it has already reported (e.g. "Error executing resource_fn" after the
    # resource's error) says nothing more: left out when another error was printed.
    own = [(label, error) for label, error in errors if not _root_class(error).startswith("Dagster")]
    for label, error in own or errors:
        message = _root_message(error)
        if message not in said:
            said.add(message)
            print(f"caei: FAILED {label}: {message}", file=sys.stderr)
    return errors


def _root_class(error) -> str:
    while getattr(error, "cause", None) is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error.cls_name or ""


def missing_mirror(settings: Settings) -> str | None:
    """CAEI_MIRROR naming a folder that is not there: said once, before any source is read."""
    mirror = settings.mirror
    if mirror and not mirror.startswith(("http://", "https://")) and not Path(mirror).is_dir():
        return (
            f"CAEI_MIRROR names {mirror}, which is not a folder: point it at the folder of the shared data, "
            "or unset it to fetch from the public URLs"
        )
    return None


def _root_message(error) -> str:
    # Dagster wraps user errors: the first error below its wrappers carries the message that names the
    # source and the reason (its own causes, e.g. the last HTTP error of a retried fetch, say less).
    while getattr(error, "cause", None) is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    lines = error.message.strip().splitlines() if error.message else [str(error)]
    # SQL errors end with the statement and a caret under the fault: their first line says what is wrong
    message = lines[0] if lines[-1].strip() == "^" else lines[-1]
    prefix, _, rest = message.partition(": ")
    return rest if rest and prefix.rsplit(".", 1)[-1] == error.cls_name else message


def cmd_dashboard(args) -> int:
    from dashboard.app import serve

    settings = load_settings()
    serve(settings.published_dir, host=args.host, port=args.port, embed_ancestors=settings.embed_ancestors)
    return EXIT_OK


def cmd_ingest(args) -> int:
    """Drop a lab file into the water-quality inbox, ingest and publish, then say what landed and what not."""
    from assets.sources.lab_files import file_sha256
    from assets.sources.lab_ingest import drop_into_inbox
    from assets.sources.lab_ledger import ledger_path, load_ledger
    from assets.sources.lab_tables import LabFileError

    source = Path(args.file)
    settings = load_settings()
    mirror_problem = missing_mirror(settings)
    if mirror_problem:
        print(f"caei: {mirror_problem}", file=sys.stderr)
        return EXIT_USAGE
    prepare_dagster_home(settings)
    inbox = settings.inbox_dir / "water_quality"
    try:  # missing, not a table, too large: refused with the reason; the copy is atomic (temporary name, rename)
        target = drop_into_inbox(source, inbox, settings.home, settings.lab_file_max_bytes)
    except LabFileError as exc:
        print(f"caei: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not (settings.published_dir / "CURRENT").exists():
        # A new home has none of the tables a lab file is checked against (sites, norms): the file waits in the
        # inbox, and the first materialisation ingests it with everything else.
        print(
            f"caei: {source.name} is in the lab inbox ({target}); this CAEI_HOME has no data yet, so it was not "
            "checked: run `caei materialize` once, which ingests the inbox too",
            file=sys.stderr,
        )
        return EXIT_FAILED
    sha = file_sha256(target)
    known = load_ledger(ledger_path(settings.home))["files"].filter(pl_col_eq("file_sha256", sha))
    if known.height:
        print(
            f"caei: {source.name}: the same content was ingested on {known['ingested_at'][0]:%Y-%m-%d %H:%M} UTC "
            f"as {known['file_name'][0]}; nothing changed"
        )
        return EXIT_OK
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions

    defs = build_definitions(settings)
    with DagsterInstance.get() as instance:
        fail_runs_of_dead_processes(instance, log=lambda line: print(line, file=sys.stderr))
        result = defs.resolve_job_def("water_inbox_job").execute_in_process(
            run_config={"loggers": {"console": {}}}, instance=instance, raise_on_error=False, tags=owner_tags()
        )
    ledger = load_ledger(ledger_path(settings.home))
    row = ledger["files"].filter(pl_col_eq("file_sha256", sha))
    if row.height:
        r = row.row(0, named=True)
        print(
            f"caei: {r['file_name']}: {r['status']}: {r['n_landed']} row(s) landed, {r['n_quarantined']} quarantined, "
            f"{r['n_already_landed']} already landed, {r['n_identical_duplicates']} identical duplicate(s), "
            f"{r['n_resolved']} earlier quarantine entr(ies) resolved"
        )
        for sh in ledger["sheets"].filter(pl_col_eq("file_sha256", sha)).iter_rows(named=True):
            print(
                f"  sheet {sh['sheet'] or '(csv)'} ({sh['layout']}): {sh['n_values']} value(s) ="
                f" {sh['n_landed']} landed"
                f" + {sh['n_already_landed']} already landed + {sh['n_identical_duplicates']} identical duplicate(s)"
                f" + {sh['n_not_measured']} not measured + {sh['n_quarantined']} quarantined; skipped rows:"
                f" {sh['n_title_rows']} title, {sh['n_blank_rows']} blank, {sh['n_total_rows']} total"
            )
        for q in ledger["quarantine"].filter(pl_col_eq("file_sha256", sha)).iter_rows(named=True):
            where = f"sheet {q['sheet']} " if q["sheet"] else ""
            print(f"  quarantined {where}line {q['line']}: {q['reason']}: {q['detail']}")
    if not result.success:
        cause = run_failure_line(print_run_errors(result), settings)
        print(
            f"caei: the water tables were not published{': ' + cause if cause else ''}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if not row.height or row["status"][0] in ("rejected", "refused"):
        return EXIT_FAILED
    print("caei: published")
    return EXIT_OK


def pl_col_eq(column: str, value: str):
    import polars as pl

    return pl.col(column) == value


def cmd_sources(args) -> int:
    from assets.sources.catalogue import sources
    from assets.sources.fetch import read_provenance

    latest = {}
    for row in read_provenance(load_settings().raw_dir):
        latest[row["source_id"]] = row
    for s in sources().values():
        got = latest.get(s.source_id)
        fetched = f"v{got['version']} {got['retrieved_at']} sha256 {got['sha256'][:12]}" if got else "not fetched yet"
        print(f"{s.source_id:36} {s.format:16} {s.licence:28} {fetched}")
        if args.verbose:
            print(f"    {s.title}\n    public: {s.public_url}\n    mirror: {s.mirror_path}")
    return EXIT_OK


def cmd_snapshots(args) -> int:
    from assets.published.snapshots import NoSnapshotError, SnapshotDamagedError, list_snapshots, verify

    published = load_settings().published_dir
    items = list_snapshots(published)
    if not items:
        print("no snapshot published yet: run `caei materialize`")
    damaged = 0
    for s in items:
        mark = "*" if s.current else " "
        try:
            found = verify(published, s.snapshot_id)
        except NoSnapshotError:  # pruned while listing
            continue
        except SnapshotDamagedError as exc:
            damaged += 1
            print(f"{mark} {s.snapshot_id}  {s.created_at:%Y-%m-%d %H:%M:%S} UTC  DAMAGED: {exc}")
            continue
        rows = f"{sum(found.tables.values())} rows in {len(found.tables)} tables"
        state = "checksum verified" if found.checksum_recorded else "readable (published before checksums were kept)"
        note = "; never served: its publish stopped before CURRENT moved (`caei rollback` can serve it)"
        print(
            f"{mark} {s.snapshot_id}  {s.created_at:%Y-%m-%d %H:%M:%S} UTC  {state}, {rows}"
            f"{note if s.never_served else ''}"
        )
    if damaged:
        print(
            f"caei: {damaged} snapshot(s) damaged: `caei rollback` refuses them; publish again with `caei materialize`",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def cmd_rollback(args) -> int:
    from assets.published.snapshots import NoSnapshotError, SnapshotDamagedError, current_snapshot_id, rollback

    published = load_settings().published_dir
    try:
        found = rollback(published, args.snapshot_id)
    except (NoSnapshotError, SnapshotDamagedError) as exc:
        try:
            still = f"still serving {current_snapshot_id(published)}"
        except NoSnapshotError:
            still = "nothing is served"
        print(f"caei: rollback refused: {exc}; {still} (`caei snapshots` lists what can be served)", file=sys.stderr)
        return EXIT_FAILED
    checked = "checksum verified" if found.checksum_recorded else "readable; no checksum was kept for it"
    print(f"caei: now serving {args.snapshot_id} ({checked}, {sum(found.tables.values())} rows)")
    return EXIT_OK


def cmd_ui(args) -> int:
    """The analysts' UI: `dagster dev` on this code location, with the same DAGSTER_HOME as the CLI."""
    import shutil
    import signal

    prepare_dagster_home(load_settings())
    fail_dead_runs()
    dagster = shutil.which("dagster") or str(Path(sys.executable).with_name("dagster"))
    # A background shell leaves SIGINT ignored, and dagster dev then ignores SIGTERM too (STACK-NOTES).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execv(
        dagster,
        [
            dagster,
            "dev",
            "-w",
            str(Path(__file__).resolve().parents[1] / "workspace.yaml"),
            "-h",
            args.host,
            "-p",
            str(args.port),
        ],
    )


def cmd_assets(args: argparse.Namespace) -> int:
    from pipelines.definitions import build_definitions

    defs = build_definitions(load_settings())
    for k in sorted(defs.resolve_asset_graph().get_all_asset_keys()):
        print(k.to_user_string())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="caei",
        description="Central Asia Environmental Indicators. Exit codes: 0 done, 1 failed (reason printed), 2 usage.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("materialize", help="fetch, transform, check and publish (in-process)")
    m.add_argument("--select", help="comma-separated asset keys or names (e.g. staged/aral_area,aral_area)")
    m.add_argument("--wait", type=float, help="seconds to wait for another run's writer lock (default 600)")
    m.set_defaults(func=cmd_materialize)
    d = sub.add_parser("dashboard", help="serve the dashboard (production WSGI server)")
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=8050)
    d.set_defaults(func=cmd_dashboard)
    e = sub.add_parser("export", help="export a table of the published snapshot")
    from assets.exports.export import available_tables

    e.add_argument("--table", choices=available_tables())
    e.add_argument("--list", action="store_true", help="name every table with one line on what it holds")
    e.add_argument("--format", default="csv", choices=["csv", "xlsx", "xml"], help="xml: SDMX-ML (--table sdmx)")
    e.add_argument("--lang", default="ru", choices=["ru", "en", "kk"])
    e.add_argument("--year", type=int, help="year for indicators_wide (default: each indicator's latest)")
    e.add_argument("--out", help="output file path (a folder for --table datapackage)")
    e.add_argument(
        "--csv-dialect",
        choices=["excel-ru", "rfc4180"],
        help="CSV layout: excel-ru (';', decimal comma; default for ru and kk) or rfc4180 (',', '.'; default for en)",
    )
    e.set_defaults(func=cmd_export)
    b = sub.add_parser("brief", help="a country brief (PDF or DOCX) for a minister's folder, from the served snapshot")
    b.add_argument("--country", required=True, type=str.upper, choices=["KAZ", "KGZ", "TJK", "TKM", "UZB"])
    b.add_argument("--lang", default="ru", choices=["ru", "en", "kk"])
    b.add_argument("--format", default="pdf", choices=["pdf", "docx"])
    b.add_argument("--out", required=True, help="output file path")
    b.set_defaults(func=cmd_brief)
    q = sub.add_parser("quality", help="what the published snapshot flagged and kept out, by rule (counts, examples)")
    q.add_argument("--lang", default="ru", choices=["ru", "en", "kk"])
    q.set_defaults(func=cmd_quality)
    i = sub.add_parser("ingest", help="ingest a water-quality lab file (CSV or XLSX) and publish")
    i.add_argument("file", help="the lab file; it is copied into CAEI_HOME/inbox/water_quality")
    i.set_defaults(func=cmd_ingest)
    s = sub.add_parser("sources", help="list the source catalogue and what was fetched")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_sources)
    sub.add_parser("snapshots", help="list published snapshots (* = served)").set_defaults(func=cmd_snapshots)
    r = sub.add_parser("rollback", help="serve an earlier snapshot")
    r.add_argument("snapshot_id")
    r.set_defaults(func=cmd_rollback)
    sub.add_parser("assets", help="list asset keys").set_defaults(func=cmd_assets)
    u = sub.add_parser("ui", help="the analysts' Dagster UI (dagster dev -w workspace.yaml)")
    u.add_argument("--host", default="127.0.0.1")
    u.add_argument("--port", type=int, default=3000)
    u.set_defaults(func=cmd_ui)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:  # a setting from the environment that cannot be used: nothing was started
        print(f"caei: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"caei: {args.command} interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line says what failed and what to do; CAEI_DEBUG=1 adds the traceback
        if debug():
            raise
        try:
            settings = load_settings()
        except SettingsError:
            settings = None
        print(f"caei: {args.command} failed: {one_line(exc, settings)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
