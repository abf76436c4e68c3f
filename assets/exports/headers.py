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
