"""The lab-file inbox: each new file ingested into the ledger; quarantine entries that later files correct resolved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from assets.sources.lab_files import LabFileError, check_lab_rows, file_sha256, read_lab_table
from assets.sources.lab_ledger import LEDGER_SCHEMAS


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-12)


def ingest_lab_file(
    path: Path, ledger: dict[str, pl.DataFrame], context: dict, now: dt.datetime, today: dt.date | None = None
) -> tuple[dict[str, pl.DataFrame], dict]:
    """Ingest one lab file into the ledger (files, landed, quarantine); returns the new ledger and a report.

    The same content again (same sha256) changes nothing. A row whose key (site, date, parameter)
    already landed with the same value is 'already landed'; with another value it is quarantined as a
    conflicting duplicate (landed values are never overwritten). Rows of a later file resolve the open
    quarantine entries they correct (see resolve_quarantine).
    """
    path = Path(path)
    today = today or now.date()
    sha = file_sha256(path)
    if sha in set(ledger["files"]["file_sha256"]):
        return ledger, {
            "file_name": path.name,
            "status": "already_ingested",
            "landed": [],
            "quarantined": [],
            "already_landed": 0,
            "identical_duplicates": 0,
            "resolved": 0,
        }
    try:
        good, bad = check_lab_rows(read_lab_table(path), path, context, today)
        message = ""
    except LabFileError as exc:
        good, bad, message = (
            [],
            [
                {
                    "line": 0,
                    "raw_row": "",
                    "reason": "unreadable_file",
                    "detail": str(exc),
                    "key_site": None,
                    "key_date": None,
                    "key_parameter": None,
                }
            ],
            str(exc),
        )
    # Duplicates inside the file: identical ones land once; different values for one key all go to quarantine.
    by_key: dict[tuple, list[dict]] = {}
    for row in good:
        by_key.setdefault((row["site_id"], row["sample_date"], row["parameter_id"]), []).append(row)
    landed_before = {
        (r["site_id"], r["sample_date"], r["parameter_id"]): r for r in ledger["landed"].iter_rows(named=True)
    }
    new_rows, confirmed, identical = [], [], 0
    for key, rows in by_key.items():
        if any(not _same_value(r["value"], rows[0]["value"]) for r in rows):
            lines = ", ".join(str(r["line"]) for r in rows)
            for r in rows:
                bad.append(
                    {
                        **_key_of(r),
                        "line": r["line"],
                        "raw_row": r["raw_row"],
                        "reason": "conflicting_duplicate",
                        "detail": f"lines {lines} of this file give different values for {key[0]}, {key[1]}, {key[2]}",
                    }
                )
            continue
        identical += len(rows) - 1
        row = rows[0]
        earlier = landed_before.get(key)
        if earlier is None:
            new_rows.append(row)
        elif _same_value(earlier["value"], row["value"]):
            confirmed.append(row)
        else:
            bad.append(
                {
                    **_key_of(row),
                    "line": row["line"],
                    "raw_row": row["raw_row"],
                    "reason": "conflicting_duplicate",
                    "detail": f"{earlier['value']:g} {earlier['unit']} already landed for this site, date and "
                    f"parameter from {earlier['file_name']} line {earlier['line']}; this row gives {row['value']:g}",
                }
            )
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
                        "value_as_written",
                        "unit_as_written",
                        "parameter_as_written",
                        "line",
                    )
                },
                "file_name": path.name,
                "file_sha256": sha,
                "ingested_at": now,
            }
            for r in new_rows
        ],
        schema=LEDGER_SCHEMAS["landed"],
    )
    quarantined = pl.DataFrame(
        [
            {
                **{k: b[k] for k in ("line", "raw_row", "reason", "detail", "key_site", "key_date", "key_parameter")},
                "file_name": path.name,
                "file_sha256": sha,
                "status": "open",
                "resolved_by_file": None,
                "resolved_by_line": None,
                "resolved_at": None,
                "quarantined_at": now,
            }
            for b in bad
        ],
        schema=LEDGER_SCHEMAS["quarantine"],
    ).sort("line")
    correcting = [{**_key_of(r), "line": r["line"], "new": True} for r in new_rows] + [
        {**_key_of(r), "line": r["line"], "new": False} for r in confirmed
    ]
    old_quarantine, n_resolved = resolve_quarantine(
        ledger["quarantine"], correcting, path.name, sha, now, file_ok=not message
    )
    files_row = pl.DataFrame(
        [
            {
                "file_sha256": sha,
                "file_name": path.name,
                "ingested_at": now,
                "status": "rejected" if message else "ingested",
                "n_rows": len(good) + len([b for b in bad if b["reason"] != "conflicting_duplicate"])
                if not message
                else 0,
                "n_landed": landed.height,
                "n_already_landed": len(confirmed),
                "n_identical_duplicates": identical,
                "n_quarantined": quarantined.height,
                "n_resolved": n_resolved,
                "message": message,
            }
        ],
        schema=LEDGER_SCHEMAS["files"],
    )
    new_ledger = {
        "files": pl.concat([ledger["files"], files_row]),
        "landed": pl.concat([ledger["landed"], landed]),
        "quarantine": pl.concat([old_quarantine, quarantined]),
    }
    report = {
        "file_name": path.name,
        "status": files_row["status"][0],
        "landed": landed.to_dicts(),
        "quarantined": quarantined.to_dicts(),
        "already_landed": len(confirmed),
        "identical_duplicates": identical,
        "resolved": n_resolved,
        "message": message,
    }
    return new_ledger, report


def _key_of(row: dict) -> dict:
    return {"key_site": row["site_id"], "key_date": row["sample_date"], "key_parameter": row["parameter_id"]}


def resolve_quarantine(
    quarantine: pl.DataFrame, correcting: list[dict], file_name: str, sha: str, now: dt.datetime, file_ok: bool
) -> tuple[pl.DataFrame, int]:
    """Mark open entries of earlier files resolved by the rows of a later file that correct them.

    Each row of the later file, in order, resolves either every open entry with its whole key (site,
    date, parameter) - a conflicting pair settled, a bad value or unit replaced - or else the first open
    entry whose readable key parts match it (the unknown parameter, site or date was the problem).
    Only rows this file newly lands count, except for a conflicting duplicate, which a row confirming the
    landed value also settles. An unreadable file is resolved by a readable file of the same name.
    """
    if quarantine.is_empty():
        return quarantine, 0
    entries = quarantine.to_dicts()
    keys = ("key_site", "key_date", "key_parameter")

    def is_open(e: dict) -> bool:
        return e["status"] == "open" and e["file_sha256"] != sha

    def settle(e: dict, line: int) -> None:
        e.update(status="resolved", resolved_by_file=file_name, resolved_by_line=line, resolved_at=now)

    n = 0
    for e in entries:
        if is_open(e) and e["reason"] == "unreadable_file" and file_ok and e["file_name"] == file_name:
            settle(e, 0)
            n += 1
    for row in correcting:
        whole = [
            e
            for e in entries
            if is_open(e)
            and all(e[k] is not None and e[k] == row[k] for k in keys)
            and (row["new"] or e["reason"] == "conflicting_duplicate")
        ]
        if not whole and row["new"]:
            partial = [
                e
                for e in entries
                if is_open(e)
                and e["reason"] != "unreadable_file"
                and any(e[k] is None for k in keys)
                and any(e[k] is not None for k in keys)
                and all(e[k] is None or e[k] == row[k] for k in keys)
            ]
            whole = partial[:1]
        for e in whole:
            settle(e, row["line"])
            n += 1
    return pl.DataFrame(entries, schema=LEDGER_SCHEMAS["quarantine"]), n


def pending_files(inbox: Path) -> list[Path]:
    """Lab files in the inbox, oldest first (a corrected file dropped later is ingested after its original)."""
    if not Path(inbox).is_dir():
        return []
    files = [p for p in Path(inbox).iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".txt")]
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


def ingest_inbox(
    inbox: Path, ledger: dict[str, pl.DataFrame], context: dict, now: dt.datetime
) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    reports = []
    for path in pending_files(inbox):
        ledger, report = ingest_lab_file(path, ledger, context, now)
        reports.append(report)
    return ledger, reports
