"""The safety net of the reorganisation: what users see is recorded once and must not move.

Recorded in tests/golden/house_snapshot.json: the asset keys with their dependencies, the check names,
the jobs, schedules and sensors; the published snapshot's tables (schema, row count, content hash); and
every export in ru, en and kk as CSV and XLSX (row counts and content hashes, or the refusal the user
reads). Everything comes from the same mirror, so only what a run stamps (times, the snapshot id, the
mirror's and home's paths) is masked before hashing.

When a change is meant to alter published content (new source rows, a new column), rewrite the record:
    CAEI_UPDATE_GOLDEN=1 bash scripts/test tests/test_house_snapshot.py
and review the diff of the JSON file in the same commit.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from tests.support.caei import run_caei

GOLDEN = Path(__file__).parent / "golden" / "house_snapshot.json"
LANGS = ("ru", "en", "kk")
FORMATS = ("csv", "xlsx")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?UTC|Z|[+-]\d{2}:?\d{2})?")

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]  # ~2 min alone; far longer on a loaded machine


def _masker(home: Path, mirror: Path, snapshot_id: str):
    words = [(snapshot_id, "<SNAPSHOT>"), (str(mirror), "<MIRROR>"), (str(home), "<HOME>")]

    def mask(text: str) -> str:
        for word, mark in words:
            text = text.replace(word, mark)
        return TIMESTAMP.sub("<TIME>", text)

    return mask


LONG_DECIMAL = re.compile(r"-?\d+[.,]\d{8,}(?:[eE][+-]?\d+)?")  # a dot, or the decimal comma of ru/kk CSV


def _stable_numbers(text: str) -> str:
    # A CA5 sum built in another order moves the last bits of a float (seen on the CI machine only):
    # 10 significant digits, as for the published tables, keeps every digit a user reads.
    def rounded(match: re.Match) -> str:
        number = match.group()
        comma = "," in number
        text = format(float(number.replace(",", ".")), ".10g")
        return text.replace(".", ",") if comma else text

    return LONG_DECIMAL.sub(rounded, text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode(errors="surrogateescape")).hexdigest()[:16]


def definitions_record() -> dict:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    assets = {
        key.to_user_string(): sorted(k.to_user_string() for k in graph.get(key).parent_keys)
        for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
    }
    checks = sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    repo = defs.get_repository_def()
    return {
        "assets": assets,
        "checks": checks,
        "jobs": sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__")),
        "schedules": sorted(s.name for s in repo.schedule_defs),
        "sensors": sorted(s.name for s in repo.sensor_defs),
    }


def _table_content(frame: pl.DataFrame, mask) -> str:
    # Floats to 10 significant digits: a reordered sum may move the last bits, never what users read.
    frame = frame.with_columns(pl.col(c).round_sig_figs(10) for c, t in frame.schema.items() if t.is_float())
    frame = frame.select(pl.col(c).cast(pl.String) for c in frame.columns)
    frame = frame.sort(frame.columns, nulls_last=True) if frame.columns else frame
    return mask(frame.write_csv())


def snapshot_record(home: Path, mirror: Path) -> tuple[dict, str]:
    snapshot_id = (home / "published" / "CURRENT").read_text().strip()
    mask = _masker(home, mirror, snapshot_id)
    con = duckdb.connect(str(home / "published" / "snapshots" / f"{snapshot_id}.duckdb"), read_only=True)
    try:
        tables = {}
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall():
            schema = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [name],
            ).fetchall()
            frame = con.execute(f'SELECT * FROM "{name}"').pl()  # name comes from the catalogue above
            tables[name] = {
                "schema": [f"{c} {t}" for c, t in schema],
                "rows": frame.height,
                "content": _digest(_table_content(frame, mask)),
            }
    finally:
        con.close()
    return tables, snapshot_id


def _csv_record(path: Path, mask) -> dict:
    text = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")  # as written, whatever the encoding
    return {"lines": text.count("\n"), "content": _digest(_stable_numbers(mask(text)))}


def _xlsx_record(data: bytes, mask) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    out = {}
    for sheet in book.worksheets:
        rows = [
            ["" if v is None else format(v, ".10g") if isinstance(v, float) else repr(v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        out[sheet.title] = {"rows": len(rows), "content": _digest(mask(json.dumps(rows, ensure_ascii=False)))}
    return out


def export_record(home: Path, mirror: Path, out_dir: Path, table: str, lang: str, fmt: str, mask) -> dict:
    out = out_dir / f"{table}_{lang}.{fmt}"
    done = run_caei(["export", "--table", table, "--lang", lang, "--format", fmt, "--out", str(out)], home, mirror)
    if done.returncode != 0:
        return {"refused": mask(done.stderr.strip().replace(str(out), "<OUT>"))}
    record = {}
    for line in done.stdout.split():
        path = Path(line)
        name = path.name.replace(f"{table}_{lang}", "<OUT>")
        if path.suffix == ".xlsx":
            record[name] = _xlsx_record(path.read_bytes(), mask)
        elif zipfile.is_zipfile(path):  # the summit pack as CSV is a zip of tables, whatever its name
            with zipfile.ZipFile(path) as z:
                record[name] = {
                    m: _digest(_stable_numbers(mask(z.read(m).decode("utf-8-sig", errors="surrogateescape"))))
                    for m in sorted(z.namelist())
                }
        else:
            record[name] = _csv_record(path, mask)
    return record


def exports_record(home: Path, mirror: Path, out_dir: Path, snapshot_id: str) -> dict:
    listed = run_caei(["export", "--help"], home, mirror).stdout
    tables = re.search(r"--table \{([^}]*)\}", listed).group(1).split(",")
    mask = _masker(home, mirror, snapshot_id)
    jobs = [(t, lang, fmt) for t in tables for lang in LANGS for fmt in FORMATS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda job: export_record(home, mirror, out_dir, *job, mask), jobs)
        return {f"{t} {lang} {fmt}": r for (t, lang, fmt), r in zip(jobs, results, strict=True)}


def test_what_users_see_is_unchanged(published_home, shared_data_dir, tmp_path):
    tables, snapshot_id = snapshot_record(published_home, shared_data_dir)
    record = {
        "definitions": definitions_record(),
        "published_tables": tables,
        "exports": exports_record(published_home, shared_data_dir, tmp_path, snapshot_id),
    }
    if os.environ.get("CAEI_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    for part in ("definitions", "published_tables", "exports"):
        for name in sorted(set(expected[part]) | set(record[part])):
            assert record[part].get(name) == expected[part].get(name), f"{part}: {name} changed"
