"""Column headers of the exports, read from the gettext catalogues assets/exports/locales/<lang>/LC_MESSAGES/exports.po.

msgid is the column name, msgctxt the export it belongs to (the same column may be headed differently in
two exports), msgstr the header in that language. See docs/translations.md for adding one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "exports"


@cache
def _catalogue(lang: str) -> dict[tuple[str | None, str], str]:
    """(context, column) -> header in one language; untranslated and fuzzy entries are left out."""
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        (message.context, message.id): message.string
        for message in catalog
        if isinstance(message.id, str) and message.id and isinstance(message.string, str) and message.string
        if not message.fuzzy
    }


def localise_headers(df: pl.DataFrame, context: str, lang: str) -> pl.DataFrame:
    """Rename the columns that have a header in `context` for `lang`; the others keep their names."""
    headers = _catalogue(lang)
    return df.rename({c: headers.get((context, c), c) for c in df.columns})


def column_headers(column: str, lang: str) -> frozenset[str]:
    """`column` and every header it has in `lang` under any export: a theme export may head it before the
    shared writer step sees it."""
    return frozenset({column, *(header for (_context, msgid), header in _catalogue(lang).items() if msgid == column)})


def catalogue_words(context: str, key: str, lang: str) -> str:
    """Words of the exports catalogues that are not headers (msgctxt `cell`, `quality_kind`, ...) in `lang`,
    English when `lang` has none, else the key as it is (nothing hidden)."""
    return _catalogue(lang).get((context, key)) or _catalogue("en").get((context, key)) or key


def context_words(context: str, lang: str) -> dict[str, str]:
    """Every word of one context in `lang` (key -> words), English where `lang` has none."""
    english = {key: text for (ctx, key), text in _catalogue("en").items() if ctx == context}
    return {**english, **{key: text for (ctx, key), text in _catalogue(lang).items() if ctx == context}}


def cell_words(key: str, lang: str) -> str:
    """A cell whose number cannot be written (`nan`, `inf`, `-inf`) in words of `lang`."""
    return catalogue_words("cell", key, lang)
