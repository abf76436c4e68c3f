"""Formula-safe spreadsheets: text that a spreadsheet would run as a formula is neutralised, and never evaluated."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO

import polars as pl
import xlsxwriter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that start like a formula with an apostrophe; numbers stay numbers."""
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.starts_with(FORMULA_START[0]) | pl.col(c).str.contains(r"^[+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_cols
    )


def write_workbook(target: Path | IO[bytes], sheets: Mapping[str, pl.DataFrame]) -> None:
    """One sheet per frame, in order, to a file or a byte buffer; floats with six decimals.

    Callers neutralise their frames first; strings_to_formulas is off as well, so a text cell is never
    evaluated whatever it holds (and strings_to_urls off: a URL stays the text it was). A NaN or infinite
    number becomes a spreadsheet error cell rather than failing the whole file (the shared export step writes
    such cells in words before they get here).
    """
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True, "nan_inf_to_errors": True}
    with xlsxwriter.Workbook(target, options) as workbook:
        for name, frame in sheets.items():
            frame.write_excel(workbook, worksheet=name, autofit=True, float_precision=6)
