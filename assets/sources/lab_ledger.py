"""The lab-file ledger on disk (CAEI_HOME/ledger/water_quality.duckdb): files ingested, rows landed and quarantined."""

from __future__ import annotations

from pathlib import Path

import polars as pl

LEDGER_SCHEMAS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "files": {
        "file_sha256": pl.String,
        "file_name": pl.String,
        "ingested_at": pl.Datetime("us"),
        "status": pl.String,
        "n_rows": pl.Int32,
        "n_landed": pl.Int32,
        "n_already_landed": pl.Int32,
        "n_identical_duplicates": pl.Int32,
        "n_quarantined": pl.Int32,
        "n_resolved": pl.Int32,
        "message": pl.String,
        "n_not_measured": pl.Int32,
        "n_skipped_rows": pl.Int32,
        "sheets": pl.String,
        "stored_as": pl.String,
    },
    "sheets": {
        "file_sha256": pl.String,
        "file_name": pl.String,
        "sheet": pl.String,
        "layout": pl.String,
        "header_lines": pl.String,
        "n_values": pl.Int32,
        "n_landed": pl.Int32,
        "n_already_landed": pl.Int32,
        "n_identical_duplicates": pl.Int32,
        "n_not_measured": pl.Int32,
        "n_quarantined": pl.Int32,
        "n_title_rows": pl.Int32,
        "n_blank_rows": pl.Int32,
        "n_total_rows": pl.Int32,
    },
    "landed": {
        "site_id": pl.String,
        "sample_date": pl.Date,
        "parameter_id": pl.String,
        "value": pl.Float64,
        "unit": pl.String,
        "value_as_written": pl.String,
        "unit_as_written": pl.String,
        "parameter_as_written": pl.String,
        "file_name": pl.String,
        "file_sha256": pl.String,
        "line": pl.Int32,
        "ingested_at": pl.Datetime("us"),
        "sheet": pl.String,
        "qualifier": pl.String,
        "uncertainty": pl.Float64,
    },
    "quarantine": {
        "file_name": pl.String,
        "file_sha256": pl.String,
        "line": pl.Int32,
        "raw_row": pl.String,
        "reason": pl.String,
        "detail": pl.String,
        "key_site": pl.String,
        "key_date": pl.Date,
        "key_parameter": pl.String,
        "status": pl.String,
        "resolved_by_file": pl.String,
        "resolved_by_line": pl.Int32,
        "resolved_at": pl.Datetime("us"),
        "quarantined_at": pl.Datetime("us"),
        "sheet": pl.String,
        "record": pl.String,
    },
}


def empty_ledger() -> dict[str, pl.DataFrame]:
    return {name: pl.DataFrame(schema=schema) for name, schema in LEDGER_SCHEMAS.items()}


def ledger_path(home: Path) -> Path:
    return Path(home) / "ledger" / "water_quality.duckdb"


def load_ledger(path: Path) -> dict[str, pl.DataFrame]:
    import duckdb

    if not Path(path).exists():
        return empty_ledger()
    with duckdb.connect(str(path), read_only=True) as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {
            name: _with_schema(con.execute(f'SELECT * FROM "{name}"').pl(), schema)
            if name in present
            else pl.DataFrame(schema=schema)
            for name, schema in LEDGER_SCHEMAS.items()
        }


def _with_schema(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """A ledger written before a column existed gets it empty (a qualifier is '' for a value read as measured)."""
    missing = [
        pl.lit("" if c == "qualifier" else None, dtype=t).alias(c) for c, t in schema.items() if c not in frame.columns
    ]
    return frame.with_columns(missing).select(list(schema)).cast(pl.Schema(schema))


def originals_dir(home: Path) -> Path:
    """Every ingested file's bytes, stored by checksum: two files of one name are both kept."""
    return Path(home) / "ledger" / "originals"


def save_ledger(path: Path, ledger: dict[str, pl.DataFrame]) -> None:
    """Replace the ledger's tables in one transaction (only pipeline runs write it, under the writer lock)."""
    import duckdb

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("BEGIN")
        for name in LEDGER_SCHEMAS:
            con.register("frame", ledger[name])
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM frame')
            con.unregister("frame")
        con.execute("COMMIT")
