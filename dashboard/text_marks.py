"""Text of the theme pages that is not plain interface text: what stays as published (marked `lang="en"`),
codes (`<code>`), and the seed tables' explanatory texts, which exist in Russian and English only.

Marking matters twice: screen readers switch voice on `lang`, and the language test of the Russian and Kazakh
pages skips what is marked, so anything left unmarked in Latin script shows up there as untranslated.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

from dash import html

from dashboard.i18n import catalogue, normalize_lang, t


def as_published(text: object, lang: str):
    """A title, citation, licence or document name kept as its publisher wrote it (in English)."""
    text = "" if text is None else str(text)
    return html.Span(text, lang="en") if lang != "en" and text else text


def code(text: object) -> html.Code:
    """An identifier a user may type or look up (source codes, file references, commands)."""
    return html.Code("" if text is None else str(text))


def with_latin_names(text: str, names: Iterable[str], lang: str) -> list:
    """`text` split so that each Latin-script proper name in `names` (AirData.kz, Natural Earth ...) is a span
    marked `lang="en"` on pages in other languages."""
    if lang == "en" or not text:
        return [text]
    names = sorted(set(names), key=len, reverse=True)  # longest first: "US Embassy Bishkek" before "Bishkek"
    if not names:
        return [text]
    pattern = re.compile("|".join(re.escape(n) for n in names))
    parts: list = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            parts.append(text[position : match.start()])
        parts.append(html.Span(match.group(0), lang="en"))
        position = match.end()
    if position < len(text):
        parts.append(text[position:])
    return parts


def with_codes(msgid: str, lang: str, **codes: str) -> list:
    """The translation of `msgid` with each `{name}` placeholder replaced by `codes[name]` set as `<code>`:
    commands and unit spellings stay exactly as they must be typed, in every language."""
    template = t(msgid, lang)
    parts: list = []
    for literal, field, _spec, _conversion in _FORMATTER.parse(template):
        if literal:
            parts.append(literal)
        if field:
            parts.append(code(codes[field]))
    return parts


def seed_text(row: Mapping[str, object], base: str, lang: str) -> str:
    """A seed table's explanatory text (`<base>_ru`, `<base>_en`) in the page language. Kazakh readers get the
    Kazakh catalogue's translation of the English text where there is one, else the Russian text."""
    lang = normalize_lang(lang)
    russian, english = row.get(f"{base}_ru"), row.get(f"{base}_en")
    if lang == "en":
        return str(english or russian or "")
    if lang == "kk":
        kazakh = row.get(f"{base}_kk") or (catalogue("kk").get(str(english)) if english else None)
        if kazakh:
            return str(kazakh)
    return str(russian or english or "")


def translated_or_published(text: object, lang: str):
    """English text from a source table (a donor, a unit, a registry note): the catalogue's translation where
    it has one, else the text as published, marked `lang="en"`."""
    text = "" if text is None else str(text)
    if lang == "en" or not text:
        return text
    translated = t(text, lang)
    return translated if translated != text else html.Span(text, lang="en")


_FORMATTER = string.Formatter()
