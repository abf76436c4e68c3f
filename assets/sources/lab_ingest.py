"""The lab-file inbox: files copied in atomically, each new file ingested into the ledger (its original kept by
checksum), quarantine entries resolved only by the rows that correct them, and open entries re-checked."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

import polars as pl

from assets.sources.lab_details import NOT_DETECTED
from assets.sources.lab_details import detail as lab_detail
from assets.sources.lab_files import check_record, file_sha256, read_lab_file
from assets.sources.lab_ledger import LEDGER_SCHEMAS
from assets.sources.lab_tables import TABLE_SUFFIXES, LabFileError, check_file

PART_SUFFIX = ".part"  # a copy in progress; never ingested
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
KEY = ("key_site", "key_date", "key_parameter")


def _same(a: dict, b: dict) -> bool:
    if (a["qualifier"] or "") != (b["qualifier"] or ""):
        return False
    x, y = a["value"], b["value"]
    if x is None or y is None:
        return x is None and y is None
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-12)


def _shown(row: dict) -> str:
    if row["qualifier"] == "not_detected":
        return NOT_DETECTED
    return f"{row['qualifier'] if row['qualifier'] == '<' else ''}{row['value']:g} {row['unit']}"


def drop_into_inbox(source: Path, inbox: Path, home: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Path:
    """Copy a file into the inbox atomically: written under a temporary name, then renamed. A file already there
    under the same name with other content is first kept by checksum in the originals store, never lost."""
    from assets.sources.lab_ledger import originals_dir

    source = Path(source)
    check_file(source, max_bytes)
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / source.name
    if target.exists() and source.resolve() == target.resolve():
        return target
    if target.exists():
        _store_original(target, originals_dir(home))
    temp = inbox / f".{source.name}.{uuid.uuid4().hex}{PART_SUFFIX}"
    try:
        with open(source, "rb") as src, open(temp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


def _store_original(path: Path, store: Path) -> str:
    sha = file_sha256(path)
    store.mkdir(parents=True, exist_ok=True)
    kept = store / f"{sha}{path.suffix.lower()}"
    if not kept.exists():
        temp = store / f".{sha}.{uuid.uuid4().hex}{PART_SUFFIX}"
        shutil.copyfile(path, temp)
        os.replace(temp, kept)
    return str(kept)


def _files_row(path: Path, sha: str, now: dt.datetime, status: str, message: str, **counts) -> pl.DataFrame:
    row: dict = {c: 0 for c, t in LEDGER_SCHEMAS["files"].items() if t == pl.Int32}
    row.update(counts)
    row.update(file_sha256=sha, file_name=path.name, ingested_at=now, status=status, message=message)
    row.setdefault("sheets", "")
    row.setdefault("stored_as", "")
    return pl.DataFrame([row], schema=LEDGER_SCHEMAS["files"])


def _record_json(r: dict) -> str:
    """The cells of a value as read, so that an open entry can be checked again later."""
    return json.dumps(r["raw"], ensure_ascii=False)


def _entry(r: dict, path: Path, sha: str, now: dt.datetime, reason: str, detail: str) -> dict:
    return {
        "file_name": path.name, "file_sha256": sha, "line": r.get("line", 0), "raw_row": r.get("raw_row", ""),
        "reason": reason, "detail": detail, "key_site": r.get("key_site"), "key_date": r.get("key_date"),
        "key_parameter": r.get("key_parameter"), "status": "open", "resolved_by_file": None, "resolved_by_line": None,
        "resolved_at": None, "quarantined_at": now, "sheet": r.get("sheet", ""),
        "record": _record_json(r) if "raw" in r else None,
    }  # fmt: skip


def ingest_lab_file(
    path: Path,
    ledger: dict[str, pl.DataFrame],
    context: dict,
    now: dt.datetime,
    today: dt.date | None = None,
    store: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[dict[str, pl.DataFrame], dict]:
    """Ingest one lab file into the ledger (files, sheets, landed, quarantine); returns the new ledger and a report.

    The same content again (same sha256) changes nothing. Every value cell is counted once: landed, already
    landed, identical duplicate, not measured or quarantined. A key (site, date, parameter) already landed with
    the same value is 'already landed'; with another value it is a conflicting duplicate (landed values are
    never overwritten). Open entries of earlier files are re-checked, then resolved by the rows that correct them.
    """
    path = Path(path)
    today = today or now.date()
    try:
        check_file(path, max_bytes)
    except LabFileError as exc:
        if exc.kind == "missing_file":
            return ledger, _refused(path, exc)
        sha = file_sha256(path)
        if sha in set(ledger["files"]["file_sha256"]):
            return ledger, {**_empty_report(path, "already_ingested"), "file_sha256": sha}
        # refused with its reason and recorded, so that it is said once and not retried
        files_row = _files_row(path, sha, now, "refused", str(exc))
        return {**ledger, "files": pl.concat([ledger["files"], files_row])}, {**_refused(path, exc), "file_sha256": sha}
    sha = file_sha256(path)
    if sha in set(ledger["files"]["file_sha256"]):
        return ledger, {**_empty_report(path, "already_ingested"), "file_sha256": sha}
    stored = _store_original(path, store) if store else ""
    try:
        sheets, message = read_lab_file(path, context, today), ""
    except LabFileError as exc:
        sheets, message = [], str(exc)
    landed_before = {
        (r["site_id"], r["sample_date"], r["parameter_id"]): r for r in ledger["landed"].iter_rows(named=True)
    }
    new_rows, confirmed, bad, sheet_rows = [], [], [], []
    n_not_measured = n_identical = n_skipped = 0
    for s in sheets:
        records = [{**r, "sheet": s["sheet"]} for r in s["records"]]
        good = [r for r in records if r["kind"] == "landed"]
        sheet_bad = [_entry(r, path, sha, now, r["reason"], r["detail"]) for r in records if r["kind"] == "quarantined"]
        not_measured = sum(r["kind"] == "not_measured" for r in records)
        by_key: dict[tuple, list[dict]] = {}
        for r in good:
            r.update(record_value=r["value"], unit_written=r["unit"])
            r.update(value=r["value_num"], unit=r["unit_code"])
            by_key.setdefault((r["site_id"], r["sample_date"], r["parameter_id"]), []).append(r)
        sheet_new, sheet_confirmed, identical = [], [], 0
        for key, rows in by_key.items():
            if any(not _same(r, rows[0]) for r in rows):
                lines = ", ".join(str(r["line"]) for r in rows)
                detail = lab_detail("duplicate_in_file", lines=lines, site_id=key[0], date=key[1], parameter_id=key[2])
                sheet_bad += [_entry(r, path, sha, now, "conflicting_duplicate", detail) for r in rows]
                continue
            identical += len(rows) - 1
            row, earlier = rows[0], landed_before.get(key)
            if earlier is None:
                sheet_new.append(row)
                landed_before[key] = {**row, "file_name": path.name}
            elif _same(earlier, row):
                sheet_confirmed.append(row)
            else:
                detail = lab_detail("duplicate_landed", landed=_shown(earlier), file=earlier["file_name"],
                                    line=earlier["line"], given=_shown(row))  # fmt: skip
                sheet_bad.append(_entry(row, path, sha, now, "conflicting_duplicate", detail))
        c = s["counts"]
        sheet_rows.append({
            "file_sha256": sha, "file_name": path.name, "sheet": s["sheet"], "layout": s["layout"],
            "header_lines": ", ".join(map(str, s["header_lines"])), "n_values": len(records),
            "n_landed": len(sheet_new), "n_already_landed": len(sheet_confirmed), "n_identical_duplicates": identical,
            "n_not_measured": not_measured, "n_quarantined": len(sheet_bad), "n_title_rows": c["title_rows"],
            "n_blank_rows": c["blank_rows"], "n_total_rows": c["total_rows"],
        })  # fmt: skip
        new_rows += sheet_new
        confirmed += sheet_confirmed
        bad += sheet_bad
        n_not_measured += not_measured
        n_identical += identical
        n_skipped += c["title_rows"] + c["blank_rows"] + c["total_rows"]
    if message:
        bad = [_entry({}, path, sha, now, "unreadable_file", message)]
    landed = pl.DataFrame(
        [
            {
                **{
                    k: r[k]
                    for k in (
                        "site_id",
                        "sample_date",
                        "parameter_id",
                        "value",
                        "unit",
                        "line",
                        "sheet",
                        "qualifier",
                        "uncertainty",
                    )
                },  # fmt: skip
                "value_as_written": r["record_value"],
                "unit_as_written": r["unit_written"],
                "parameter_as_written": r["parameter"],
                "file_name": path.name,
                "file_sha256": sha,
                "ingested_at": now,
            }
            for r in new_rows
        ],
        schema=LEDGER_SCHEMAS["landed"],
    )
    quarantined = pl.DataFrame(bad, schema=LEDGER_SCHEMAS["quarantine"]).sort("sheet", "line")
    old_quarantine, rechecked = recheck_quarantine(ledger["quarantine"], ledger["landed"], context, today, now)
    correcting = [{**_key_of(r), "line": r["line"], "value": r["record_value"], "new": True} for r in new_rows]
    correcting += [{**_key_of(r), "line": r["line"], "value": r["record_value"], "new": False} for r in confirmed]
    old_quarantine, n_resolved = resolve_quarantine(old_quarantine, correcting, path.name, sha, now, not message)
    sheets_text = "; ".join(f"{r['sheet'] or 'CSV'}: {r['n_values']} value(s), {r['layout']}" for r in sheet_rows)
    files_row = _files_row(
        path, sha, now, "rejected" if message else "ingested", message,
        n_rows=sum(r["n_values"] for r in sheet_rows), n_landed=landed.height, n_already_landed=len(confirmed),
        n_identical_duplicates=n_identical, n_quarantined=quarantined.height, n_resolved=n_resolved,
        n_not_measured=n_not_measured, n_skipped_rows=n_skipped, sheets=sheets_text, stored_as=stored,
    )  # fmt: skip
    new_ledger = {
        "files": pl.concat([ledger["files"], files_row]),
        "sheets": pl.concat([ledger["sheets"], pl.DataFrame(sheet_rows, schema=LEDGER_SCHEMAS["sheets"])]),
        "landed": pl.concat([ledger["landed"], rechecked, landed]),
        "quarantine": pl.concat([old_quarantine, quarantined]),
    }
    report = {
        **_empty_report(path, files_row["status"][0]),
        "file_sha256": sha,
        "landed": landed.to_dicts(),
        "quarantined": quarantined.to_dicts(),
        "already_landed": len(confirmed),
        "identical_duplicates": n_identical,
        "not_measured": n_not_measured,
        "skipped_rows": n_skipped,
        "resolved": n_resolved + rechecked.height,
        "rechecked_landed": rechecked.height,
        "sheets": sheet_rows,
        "message": message,
    }
    return new_ledger, report


def _empty_report(path: Path, status: str) -> dict:
    return {
        "file_name": path.name, "status": status, "landed": [], "quarantined": [], "already_landed": 0,
        "identical_duplicates": 0, "not_measured": 0, "skipped_rows": 0, "resolved": 0, "rechecked_landed": 0,
        "sheets": [], "message": "",
    }  # fmt: skip


def _refused(path: Path, exc: LabFileError) -> dict:
    """A missing, non-table or oversized path: refused with the reason, the ledger untouched."""
    return {**_empty_report(path, "missing" if exc.kind == "missing_file" else "refused"), "message": str(exc)}


def _key_of(row: dict) -> dict:
    return {"key_site": row["site_id"], "key_date": row["sample_date"], "key_parameter": row["parameter_id"]}


def resolve_quarantine(
    quarantine: pl.DataFrame, correcting: list[dict], file_name: str, sha: str, now: dt.datetime, file_ok: bool
) -> tuple[pl.DataFrame, int]:
    """Mark open entries of earlier files resolved by the rows of a later file that correct them.

    A row corrects an entry when it has the entry's whole key (same site, sampling date and parameter) and
    newly lands (a conflicting duplicate is also settled by a row confirming the landed value). An entry whose
    site, date or parameter could not be read is corrected by a landed row that matches its readable key parts
    and has the same value as written (the same measurement with its name or date corrected). An unreadable
    file is resolved by a readable file of the same name. Rows of another site, parameter or date resolve nothing.
    """
    if quarantine.is_empty():
        return quarantine, 0
    entries = quarantine.to_dicts()
    n = 0

    def settle(e: dict, line: int) -> None:
        nonlocal n
        e.update(status="resolved", resolved_by_file=file_name, resolved_by_line=line, resolved_at=now)
        n += 1

    open_entries = [e for e in entries if e["status"] == "open" and e["file_sha256"] != sha]
    for e in open_entries:
        if e["reason"] == "unreadable_file" and file_ok and e["file_name"] == file_name:
            settle(e, 0)
    for row in correcting:
        for e in open_entries:
            if e["status"] != "open" or e["reason"] == "unreadable_file":
                continue
            whole = all(e[k] is not None for k in KEY)
            if whole and all(e[k] == row[k] for k in KEY):
                if row["new"] or e["reason"] == "conflicting_duplicate":
                    settle(e, row["line"])
            elif not whole and any(e[k] is not None for k in KEY) and row["new"]:
                written = json.loads(e["record"] or "{}").get("value")
                if all(e[k] is None or e[k] == row[k] for k in KEY) and written == row["value"]:
                    settle(e, row["line"])
    return pl.DataFrame(entries, schema=LEDGER_SCHEMAS["quarantine"]), n


def recheck_quarantine(
    quarantine: pl.DataFrame, landed: pl.DataFrame, context: dict, today: dt.date, now: dt.datetime
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Open entries checked again against today's seeds and $CAEI_HOME points: a row now valid, whose key has
    not landed, lands from its own file and line and its entry is resolved ("re-check")."""
    empty = pl.DataFrame(schema=LEDGER_SCHEMAS["landed"])
    if quarantine.is_empty():
        return quarantine, empty
    taken = set(landed.select("site_id", "sample_date", "parameter_id").iter_rows())
    entries, rows = quarantine.to_dicts(), []
    for e in entries:
        if e["status"] != "open" or not e["record"] or e["reason"] == "conflicting_duplicate":
            continue
        record = {**json.loads(e["record"]), "line": e["line"], "raw_row": e["raw_row"]}
        checked = check_record(record, context, today)
        key = (checked.get("site_id"), checked.get("sample_date"), checked.get("parameter_id"))
        if checked["kind"] != "landed" or key in taken:
            continue
        taken.add(key)
        rows.append({
            "site_id": key[0], "sample_date": key[1], "parameter_id": key[2], "value": checked["value_num"],
            "unit": checked["unit_code"], "value_as_written": record["value"], "unit_as_written": record["unit"],
            "parameter_as_written": record["parameter"], "file_name": e["file_name"], "file_sha256": e["file_sha256"],
            "line": e["line"], "ingested_at": now, "sheet": e["sheet"], "qualifier": checked["qualifier"],
            "uncertainty": checked["uncertainty"],
        })  # fmt: skip
        e.update(status="resolved", resolved_by_file="re-check", resolved_by_line=e["line"], resolved_at=now)
    return pl.DataFrame(entries, schema=LEDGER_SCHEMAS["quarantine"]), pl.DataFrame(
        rows, schema=LEDGER_SCHEMAS["landed"]
    )


def pending_files(inbox: Path) -> list[Path]:
    """Lab files in the inbox, oldest first; a copy in progress (hidden, '.part') is never taken."""
    if not Path(inbox).is_dir():
        return []
    files = [
        p
        for p in Path(inbox).iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith(PART_SUFFIX)
        and p.suffix.lower() in TABLE_SUFFIXES
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def ingest_inbox(
    inbox: Path,
    ledger: dict[str, pl.DataFrame],
    context: dict,
    now: dt.datetime,
    store: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    reports = []
    for path in pending_files(inbox):
        ledger, report = ingest_lab_file(path, ledger, context, now, store=store, max_bytes=max_bytes)
        reports.append(report)
    return ledger, reports
