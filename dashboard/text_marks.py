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

from dashboard.i18n import catalogue, localized, normalize_lang, t


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
    # a name the snapshot already holds in Cyrillic (a source's display title) is not English
    return translated if translated != text or CYRILLIC.search(text) else html.Span(text, lang="en")


CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
SEED_CITATION = re.compile(r"seed-docs/(\d+)_[^:\s]*(?::L\d+(?:-L\d+)?)?")


def cited_document(citation: object) -> str | None:
    """The document number of a seed-document citation (`seed-docs/000_a58f….txt:L823-L825` -> `000`), else None."""
    match = SEED_CITATION.search("" if citation is None else str(citation))
    return match.group(1) if match else None


def document_title(citation: object, documents: Mapping[str, Mapping[str, object]], lang: str) -> str:
    """The title of the document a citation points to, in the page language: viewers read which document, not
    its file name and lines (those stay in the data download)."""
    number = cited_document(citation)
    if number is None:
        return "" if citation is None else str(citation)
    row = documents.get(number)
    title = localized(row, "title", lang) if row else ""
    return title or t("Seed document {number}", lang, number=number)


def guideline_level(level: object, lang: str) -> str:
    """A WHO guideline level in words: `AQG` (the air quality guideline level) and `IT-1`...`IT-4` (interim
    targets) are the WHO's own abbreviations, which Russian and Kazakh readers do not read."""
    text = "" if level is None else str(level)
    if text == "AQG":
        return t("guideline level", lang)
    interim = re.fullmatch(r"IT-(\d+)", text)
    if interim:
        return t("interim target {n}", lang, n=interim.group(1))
    return text


_FORMATTER = string.Formatter()
