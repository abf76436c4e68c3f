"""The `caei` commands that write outputs from the served snapshot: export, brief, quality."""

from __future__ import annotations

import sys
from pathlib import Path

from assets.common.settings import load_settings
from pipelines.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def cmd_export(args) -> int:
    from assets.exports.export import EXPORTS, ExportError, export_table, table_list

    if args.list:
        print("\n".join(table_list()))
        return EXIT_OK
    if not args.table or args.out is None:
        print("caei: export needs --table and --out (or --list)", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    if not args.out.strip() or not out.name:
        print("caei: --out is empty: name the file to write, e.g. --out indicators.csv", file=sys.stderr)
        return EXIT_USAGE
    folder_export = EXPORTS[args.table].folder
    if out.is_dir() and not folder_export:
        print(
            f"caei: --out {out} is a folder: name a file in it, e.g. {out / (args.table + '.' + args.format)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        written = export_table(
            args.table,
            fmt=args.format,
            lang=args.lang,
            out=out,
            year=args.year,
            published_dir=load_settings().published_dir,
            csv_dialect=args.csv_dialect,
        )
    except ExportError as exc:
        print(f"caei: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(path)
    return EXIT_OK


def cmd_brief(args) -> int:
    """A country brief (PDF or DOCX) of the served snapshot, made once and then read from the cache."""
    import shutil

    from assets.exports.brief.content import BriefError
    from assets.exports.brief.files import BriefBuildError, cached_brief
    from assets.published.snapshots import NoSnapshotError, open_snapshot

    settings = load_settings()
    try:
        con = open_snapshot(settings.published_dir)
    except NoSnapshotError as exc:
        print(f"caei: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        made = cached_brief(con, settings.home / "cache" / "briefs", args.country, args.lang, args.format)
    except (BriefError, BriefBuildError) as exc:
        print(f"caei: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        con.close()
    out = Path(args.out)
    if not out.parent.exists():
        print(f"caei: the folder {out.parent} does not exist", file=sys.stderr)
        return EXIT_FAILED
    shutil.copyfile(made, out)
    print(out)
    return EXIT_OK


def cmd_quality(args) -> int:
    """What the published snapshot's run flagged and kept out, by rule, with counts and examples."""
    import shutil

    from assets.exports.quality import render_text, report_from_snapshot
    from assets.published.snapshots import NoSnapshotError, open_snapshot

    try:
        con = open_snapshot(load_settings().published_dir)
    except NoSnapshotError as exc:
        print(f"caei: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        report = report_from_snapshot(con, args.lang)
    finally:
        con.close()
    print(render_text(report, args.lang, width=shutil.get_terminal_size((120, 40)).columns))
    return EXIT_OK
