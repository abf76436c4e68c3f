"""Translations and locale-aware formatting for the dashboard.

Interface strings live in gettext catalogues `dashboard/locales/<lang>/LC_MESSAGES/messages.po`, with the
English text as msgid. They are read once with Babel at import; no compiled .mo files are needed.
Names of indicators, units and places are NOT translated here: they come from the snapshot tables.
"""

from __future__ import annotations

import datetime as dt
import gettext
import math
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "ru"
SUPPORTED_LANGS = ("ru", "en", "kk")
# Languages offered in the header switch.
SWITCHER_LANGS = ("ru", "en", "kk")
# Cookie remembering the last language chosen by URL; the URL's `?lang=` always wins over it.
LANG_COOKIE = "caei_lang"
# Where a catalogue has no translation, try these next (kk readers read Russian; English is the msgid).
FALLBACKS = {"ru": (), "en": (), "kk": ("ru",)}


def normalize_lang(value: object) -> str:
    """The language asked for in a query string (`?lang=en`), or the default when absent or unknown."""
    if isinstance(value, (list, tuple)):  # `?lang=en&lang=ru` arrives as a list
        value = value[0] if value else None
    if isinstance(value, str) and value.strip().lower() in SUPPORTED_LANGS:
        return value.strip().lower()
    return DEFAULT_LANG


def request_lang(value: object, remembered: object = None) -> str:
    """The page language: `?lang=` when valid, else the remembered choice (cookie), else Russian."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, str) and value.strip().lower() in SUPPORTED_LANGS:
        return value.strip().lower()
    return normalize_lang(remembered)


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """msgid -> translation for one language; untranslated and fuzzy entries are left out."""
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        return {}
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    return {
        message.id: message.string
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and isinstance(message.string, str)
        and message.string
        and not message.fuzzy
    }


def t(msgid: str, lang: str, **values: object) -> str:
    """The text of `msgid` in `lang` (falling back along FALLBACKS, then to the English msgid),
    with `{name}` placeholders filled from `values`."""
    lang = normalize_lang(lang)
    text = msgid
    for candidate in (lang, *FALLBACKS.get(lang, ())):
        translated = catalogue(candidate).get(msgid)
        if translated:
            text = translated
            break
    return text.format(**values) if values else text


@cache
def plural_catalogue(lang: str) -> tuple[Mapping[str, tuple[str, ...]], Callable[[int], int]]:
    """Singular msgid -> its translated plural forms, and the catalogue's `Plural-Forms` rule (n -> form index)."""
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        return {}, lambda n: int(n != 1)
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    forms = {
        message.id[0]: tuple(message.string)
        for message in catalog
        if isinstance(message.id, tuple)
        and isinstance(message.string, tuple)
        and all(message.string)
        and not message.fuzzy
    }
    return forms, gettext.c2py(catalog.plural_expr)


def tn(singular: str, plural: str, n: int, lang: str, **values: object) -> str:
    """ngettext: the form of `singular`/`plural` that agrees with `n` in `lang` (`4 года`, `5 лет`), placeholders
    filled from `values` and `n`. Falls back as `t` does, each language choosing with its own plural rule."""
    lang = normalize_lang(lang)
    count = int(n)
    text = singular if count == 1 else plural
    for candidate in (lang, *FALLBACKS.get(lang, ())):
        forms, choose = plural_catalogue(candidate)
        if singular in forms:
            translated = forms[singular]
            text = translated[min(choose(abs(count)), len(translated) - 1)]
            break
    return text.format(n=n, **values)


def babel_locale(lang: str) -> str:
    return normalize_lang(lang)


def auto_decimals(value: float) -> int:
    """Decimals that keep about three significant digits for dashboard reading, not for analysis."""
    magnitude = abs(value)
    if magnitude >= 100:
        return 0
    if magnitude >= 1:
        return 1
    return 2


# Beyond this magnitude a number is written as mantissa x 10^exponent: Babel's decimal arithmetic fails on
# 1e300, and compact forms turn into "1000000000 трлн". No real indicator comes near it.
SCIENTIFIC_FROM = 1e15
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def as_number(value: object) -> float | None:
    """Any value as a float (None when there is none); NaN for what is not a number (text, a broken cell)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return math.nan


def unshowable(value: float, lang: str) -> str | None:
    """Words for a value that cannot be shown as a number (NaN, ±inf), or None when it can."""
    if math.isnan(value):
        return t("not a number", lang)
    if math.isinf(value):
        return t("infinite value", lang) if value > 0 else t("negative infinite value", lang)
    return None


def number_or_words(value: object, lang: str) -> float | str:
    """The value as a finite number, or what is shown instead: "–" when there is none, words for NaN and ±inf."""
    number = as_number(value)
    if number is None:
        return "–"
    words = unshowable(number, lang)
    return number if words is None else words


def _scientific(value: float, lang: str, shift: int = 0) -> str:
    """`1,23 × 10³⁰⁰` for a finite value; `shift` adds to the exponent (a share written in percent: 2)."""
    mantissa_text, exponent_text = f"{value:.2e}".split("e")
    mantissa = float(mantissa_text)
    exponent = int(exponent_text) + shift
    text = format_decimal(mantissa, format="0.##", locale=babel_locale(lang))
    return f"{text} × 10{str(exponent).translate(SUPERSCRIPT)}"


def format_number(value: object, lang: str, decimals: int | None = None, compact: bool = True) -> str:
    """A number for display: Russian `1 234,5`, English `1,234.5`. Values from a million up are
    written compactly (`42,9 млрд`) unless `compact=False`; `None` gives an en dash.

    Total: any value gives a text, never an exception. NaN and infinities are said in words, magnitudes from
    SCIENTIFIC_FROM up are written as `1,2 × 10³⁰⁰`, and -0 is written as 0."""
    number = number_or_words(value, lang)
    if isinstance(number, str):
        return number
    locale = babel_locale(lang)
    if abs(number) >= SCIENTIFIC_FROM:
        return _scientific(number, lang)
    if compact and decimals is None and abs(number) >= 1_000_000:
        return format_compact_decimal(number, locale=locale, fraction_digits=1)
    if decimals is None:
        decimals = auto_decimals(number)
    decimals = max(0, min(int(decimals), 12))
    if round(number, decimals) == 0:
        number = 0.0  # no "-0,00": a value that rounds to zero has no sign
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(number, format=pattern, locale=locale)


def format_signed_percent_change(change_pct: object, lang: str) -> str:
    """A relative change already in percent (e.g. -12.3) as `-12,3 %` (ru) / `+4.5%` (en). Total, as format_number."""
    number = number_or_words(change_pct, lang)
    if isinstance(number, str):
        return number
    locale = babel_locale(lang)
    sign = get_plus_sign_symbol(locale) if number > 0 else get_minus_sign_symbol(locale)
    if abs(number) >= SCIENTIFIC_FROM:
        return f"{sign}{_scientific(abs(number), lang)} %"
    text = format_percent(abs(number) / 100, format=_percent_pattern_one_decimal(lang), locale=locale)
    if round(abs(number), 1) == 0:
        return text
    return sign + text


def _percent_pattern_one_decimal(lang: str) -> str:
    """The locale's own percent pattern (spacing and sign position) with one optional decimal."""
    pattern = Locale.parse(babel_locale(lang)).percent_formats[None].pattern
    return re.sub(r"0(?=[^0#]*%)", "0.#", pattern, count=1)


def format_share(share: object, lang: str) -> str:
    """A share in 0..1 as a whole percent: `78 %` (ru), `78%` (en). Total, as format_number."""
    number = number_or_words(share, lang)
    if isinstance(number, str):
        return number
    if abs(number) * 100 >= SCIENTIFIC_FROM:
        return f"{_scientific(number, lang, shift=2)} %"
    if round(number, 2) == 0:
        number = 0.0
    return format_percent(number, locale=babel_locale(lang))


def as_date(value: object) -> dt.date | None:
    """A date or datetime as it is, an ISO text read as one; None for anything else."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def format_day(moment: object, lang: str) -> str:
    """A date in the long form of the language: `21 ноября 2025 г.`, `November 21, 2025`. Total: None gives an
    en dash, what is not a date is said so in words."""
    if moment is None:
        return "–"
    day = as_date(moment)
    if day is None:
        return t("not a date", lang)
    return format_date(day, format="long", locale=babel_locale(lang))


def format_timestamp_utc(moment: object, lang: str) -> str:
    """A snapshot time: the long date plus `HH:MM UTC` (created_at is stored in UTC)."""
    if moment is None:
        return "–"
    day = as_date(moment)
    if not isinstance(day, dt.datetime):
        return format_day(moment, lang)
    return f"{format_day(day, lang)}, {day:%H:%M} UTC"


def plotly_separators(lang: str) -> str:
    """plotly's `layout.separators`: decimal mark then thousands mark, taken from the locale."""
    locale = babel_locale(lang)
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def localized(row: Mapping[str, object], base: str, lang: str) -> str:
    """`row[f"{base}_{lang}"]`, falling back to Russian, then English, then an empty string,
    for the name/label columns of the snapshot tables (name_ru, name_en, name_kk, label_ru ...)."""
    lang = normalize_lang(lang)
    for candidate in (lang, *FALLBACKS.get(lang, ()), "ru", "en"):
        value = row.get(f"{base}_{candidate}")
        if value:
            return str(value)
    return ""


# The Cyrillic letters in the order of the Kazakh alphabet (the Russian one with Ә Ғ Қ Ң Ө Ұ Ү Һ І in their
# places): code-point order puts Қара after Щучье and Ё after Я.
CYRILLIC_ORDER = {c: i for i, c in enumerate("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя")}


def alphabetical_key(text: str) -> tuple[tuple[int, int], ...]:
    """A sort key putting names in alphabetical order for Russian and Kazakh readers (English letters, digits and
    punctuation before the Cyrillic letters, as in their code points)."""
    return tuple((1, CYRILLIC_ORDER[c]) if c in CYRILLIC_ORDER else (0, ord(c)) for c in text.casefold())
