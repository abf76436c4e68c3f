"""The shared step every export frame goes through before it is written (`caei export`, the explorer's download;
the summit pack's own writer can call it too): flags in words of the export's language with their codes beside
them, NaN and infinities in words, the indicator headers, formulas neutralised."""

from __future__ import annotations

import polars as pl

from assets.common.flags import flag_words
from assets.exports.headers import cell_words, column_headers, localise_headers
from assets.exports.xlsx import neutralise_formulas

# The machine-readable column kept beside the flags in words: the flag codes of seeds/flags.csv, the same in every
# language, for filtering and joining (the words change with the language, the codes do not).
FLAG_CODES = "flag_codes"


def flags_in_words(data: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Each `flags` column (however a theme export already headed it) in words of `lang`, with the codes
    kept in FLAG_CODES right after it."""
    names = column_headers("flags", lang)
    for column in [c for c, dtype in data.schema.items() if c in names and dtype == pl.String]:
        codes = data[column].fill_null("")
        words = {code: flag_words(code, lang) for code in codes.unique().to_list()}
        position = data.columns.index(column)
        data = data.with_columns(codes.replace_strict(words, return_dtype=pl.String).alias(column))
        if FLAG_CODES not in data.columns:
            data = data.insert_column(position + 1, codes.alias(FLAG_CODES))
    return data


def nonfinite_in_words(data: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A float column holding NaN or an infinity is written as text, those cells in words of `lang`: a cell
    that cannot show its number says so (and a spreadsheet would otherwise refuse the file)."""
    for column, dtype in data.schema.items():
        if not dtype.is_float() or not data[column].is_infinite().any() and not data[column].is_nan().any():
            continue
        value = pl.col(column)
        data = data.with_columns(
            pl.when(value.is_nan())
            .then(pl.lit(cell_words("nan", lang)))
            .when(value.is_infinite() & (value > 0))
            .then(pl.lit(cell_words("inf", lang)))
            .when(value.is_infinite())
            .then(pl.lit(cell_words("-inf", lang)))
            .otherwise(value.cast(pl.String))
            .alias(column)
        )
    return data


def for_readers(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The one step every export frame goes through: flags and unwritable numbers in words, the indicator
    headers (a theme frame leaves the shared columns, source, licence..., to them), formulas neutralised."""
    frame = neutralise_formulas(localise_headers(flags_in_words(frame, lang), "indicators", lang))
    # After neutralising: the numbers written as text here ("-1e+30") are numbers, not formulas.
    return nonfinite_in_words(frame, lang)
