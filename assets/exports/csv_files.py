"""The one CSV writer of the exports. Russian and Kazakh files follow Russian Excel (`;` between fields, decimal
comma, UTF-8 with BOM), so a double-click opens them in columns; English follows RFC 4180 (`,` and `.`).
`caei export --csv-dialect` overrides the language's choice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import polars as pl

DIALECTS = ("excel-ru", "rfc4180")
LANGUAGE_DIALECT = {"ru": "excel-ru", "kk": "excel-ru", "en": "rfc4180"}


def dialect_for(lang: str, dialect: str | None = None) -> str:
    """The dialect asked for, else the language's."""
    chosen = dialect or LANGUAGE_DIALECT.get(lang, "rfc4180")
    if chosen not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {chosen!r}; choose one of {', '.join(DIALECTS)}")
    return chosen


def write_table_csv(frame: pl.DataFrame, target: Path | IO[bytes], dialect: str) -> None:
    """One table as CSV in `dialect`, UTF-8 with BOM either way (Excel reads the encoding from it)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    russian = dialect == "excel-ru"
    frame.write_csv(target, include_bom=True, separator=";" if russian else ",", decimal_comma=russian)


def table_csv_bytes(frame: pl.DataFrame, dialect: str) -> bytes:
    buffer = io.BytesIO()
    write_table_csv(frame, buffer, dialect)
    return buffer.getvalue()
