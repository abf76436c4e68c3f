"""Translations and number formatting of the dashboard (plain functions, no app, no browser)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from dashboard import i18n
from dashboard.i18n import (
    catalogue,
    format_day,
    format_number,
    format_share,
    format_signed_percent_change,
    format_timestamp_utc,
    localized,
    normalize_lang,
    plotly_separators,
    t,
)
from dashboard.pages import nav_items

NBSP = "\xa0"
DASHBOARD_DIR = Path(i18n.__file__).resolve().parent


def msgids_used_in_code() -> set[str]:
    """Every literal passed to t() in the dashboard, plus the navigation labels passed by variable."""
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(DASHBOARD_DIR), method_map=[("**.py", "python")], keywords={"t": None}
        )
        if isinstance(message, str)
    }
    return found | {label for _path, label in nav_items()} | {"m"}


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234.5, "ru", 1, f"1{NBSP}234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "kk", 1, f"1{NBSP}234,5"),
        (-27.434, "ru", 2, "-27,43"),
        (-27.434, "en", 2, "-27.43"),
        (41390.0, "ru", 0, f"41{NBSP}390"),
        (41390.0, "en", 0, "41,390"),
    ],
)
def test_format_number_uses_the_locale_marks(value, lang, decimals, expected):
    assert format_number(value, lang, decimals=decimals) == expected


def test_format_number_picks_decimals_by_magnitude():
    assert format_number(14.26, "en") == "14.3"
    assert format_number(0.523, "ru") == "0,52"
    assert format_number(2100.4, "ru") == f"2{NBSP}100"


def test_large_numbers_are_compact_unless_asked_otherwise():
    assert format_number(42_900_000_000, "ru") == f"42,9{NBSP}млрд"
    assert format_number(42_900_000_000, "en") == "42.9B"
    assert format_number(36_400_000, "en", compact=False) == "36,400,000"


def test_missing_number_is_a_dash():
    assert format_number(None, "ru") == "–"
    assert format_share(None, "en") == "–"


def test_shares_and_changes_follow_the_locale_percent_pattern():
    assert format_share(0.7838, "ru") == f"78{NBSP}%"
    assert format_share(0.7838, "en") == "78%"
    assert format_signed_percent_change(-12.34, "ru") == f"-12,3{NBSP}%"
    assert format_signed_percent_change(4.25, "en") == "+4.2%"
    assert format_signed_percent_change(0.01, "en") == "0%"
    assert format_signed_percent_change(None, "ru") == "–"


def test_dates_are_long_and_localized():
    moment = dt.datetime(2025, 11, 21, 6, 5)
    assert format_day(moment, "ru").startswith("21 ноября 2025")
    assert format_day(moment, "en") == "November 21, 2025"
    assert format_timestamp_utc(moment, "en") == "November 21, 2025, 06:05 UTC"


def test_plotly_separators_are_decimal_then_thousands():
    assert plotly_separators("ru") == "," + NBSP
    assert plotly_separators("en") == ".,"


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        (None, "ru"),
        ("", "ru"),
        ("EN", "en"),
        ("en", "en"),
        ("kk", "kk"),
        ("de", "ru"),
        (["en", "ru"], "en"),
        ([], "ru"),
    ],
)
def test_language_from_query_defaults_to_russian(asked, expected):
    assert normalize_lang(asked) == expected


def test_translation_lookup():
    assert t("Overview", "ru") == "Обзор"
    assert t("Overview", "en") == "Overview"
    assert t("Overview", "kk") == "Шолу"
    assert t("Datum note", "kk") == "Биіктік жүйелері туралы"
    # an unknown msgid is shown as it is
    assert t("Not a catalogue entry", "ru") == "Not a catalogue entry"
    assert t("Direction {number}", "ru", number=3) == "Направление 3"
    assert t("Direction {number}", "en", number=3) == "Direction 3"


def test_every_string_in_the_code_has_a_russian_translation():
    missing = sorted(msgid for msgid in msgids_used_in_code() if not catalogue("ru").get(msgid))
    assert missing == []


def test_catalogues_keep_the_placeholders_of_their_msgid():
    import string

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    for lang in ("ru", "kk"):
        for msgid, text in catalogue(lang).items():
            assert names(text) == names(msgid), (lang, msgid)


def test_localized_picks_the_column_of_the_language_with_fallbacks():
    row = {"name_ru": "Казахстан", "name_en": "Kazakhstan", "name_kk": None}
    assert localized(row, "name", "en") == "Kazakhstan"
    assert localized(row, "name", "ru") == "Казахстан"
    assert localized(row, "name", "kk") == "Казахстан"
    assert localized({"name_en": "Only English"}, "name", "ru") == "Only English"


def test_kazakh_falls_back_to_russian_where_its_catalogue_has_no_entry(monkeypatch):
    real = i18n.catalogue

    def without_kazakh(lang):
        return {} if lang == "kk" else real(lang)

    monkeypatch.setattr(i18n, "catalogue", without_kazakh)
    assert t("Datum note", "kk") == "О системах высот"


def test_every_string_of_every_page_has_a_kazakh_translation():
    from babel.messages.extract import extract_from_file

    files = [
        "shell.py",
        "figures/base.py",
        "figures/seas.py",
        "figures/explorer.py",
        "figures/air.py",
        "figures/water.py",
        "pages/overview/__init__.py",
        "pages/overview/cards.py",
        "pages/aral_caspian.py",
        "pages/explorer.py",
        "pages/country.py",
        "pages/catalogue.py",
        "pages/indicator/__init__.py",
        "pages/indicator/sections.py",
        "pages/not_found_404.py",
        "pages/water.py",
        "pages/air/__init__.py",
        "pages/air/city.py",
        "pages/air/captions.py",
        "pages/funding.py",
        "pages/summit.py",
        "text_marks.py",
    ]
    msgids = {
        m
        for f in files
        for _l, m, _c, _x in extract_from_file("python", str(DASHBOARD_DIR / f), keywords={"t": None})
        if isinstance(m, str)
    }
    assert sorted(m for m in msgids if not catalogue("kk").get(m)) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/country/KAZ",
        "/explorer",
        "/catalogue",
        "/aral-caspian",
        "/water",
        "/air",
        "/funding",
        "/summit",
        "/no-such-page",
    ],
)
def test_every_page_opens_in_the_remembered_language(published_home, path):
    """A language chosen once (`?lang=`, remembered in a cookie) is the language of every page opened later
    without one, and a URL naming another language still wins."""
    from dashboard.app import create_app
    from tests.support.dash_client import render_page

    client = create_app(published_home / "published").server.test_client()
    assert render_page(client, path, "?lang=kk")[0]["props"]["lang"] == "kk"
    assert client.get_cookie("caei_lang").value == "kk"
    assert render_page(client, path, "")[0]["props"]["lang"] == "kk"
    assert render_page(client, path, "?lang=en")[0]["props"]["lang"] == "en"


def test_names_sort_in_the_kazakh_alphabet():
    """Қ after К, Ү after У, І after Ы (seeds/water_bodies.csv name_kk), not in code-point order."""
    names = [
        "Іле",
        "Щучье көлі",
        "Үбі",
        "Қара Кеңгір",
        "Кеңгір су қоймасы",
        "Ертіс",
        "Нұра (Қарағанды облысы)",
        "Нұра (Ақмола облысы)",
    ]
    assert sorted(names, key=i18n.alphabetical_key) == [
        "Ертіс",
        "Кеңгір су қоймасы",
        "Қара Кеңгір",
        "Нұра (Ақмола облысы)",
        "Нұра (Қарағанды облысы)",
        "Үбі",
        "Щучье көлі",
        "Іле",
    ]
    assert sorted(["Шу", "Ёлкин", "Есиль"], key=i18n.alphabetical_key) == ["Есиль", "Ёлкин", "Шу"]
