"""Number formatting never fails on a value (issue 13): every formatter of dashboard/i18n.py over a corpus of
absurd values, in every language. A value that cannot be shown as a number is said in words."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import pytest

from dashboard.i18n import (
    SUPPORTED_LANGS,
    format_day,
    format_number,
    format_share,
    format_signed_percent_change,
    format_timestamp_utc,
    t,
)

ABSURD = [
    math.nan,
    -math.nan,
    math.inf,
    -math.inf,
    1e300,
    -1e300,
    1.7976931348623157e308,
    5e-324,
    1e-300,
    -0.0,
    0.0,
    None,
    1e22,
    -1e30,
    999_999_999_999_999.9,
    10**30,  # a Python int beyond a float's exact range
    decimal.Decimal("1e400"),  # beyond a float: an infinity once converted
    "NaN",
    "not a number at all",
    True,
]
NUMBER_FORMATTERS = {
    "format_number": format_number,
    "format_number(decimals=2, compact=False)": lambda v, lang: format_number(v, lang, decimals=2, compact=False),
    "format_number(decimals=0)": lambda v, lang: format_number(v, lang, decimals=0),
    "format_share": format_share,
    "format_signed_percent_change": format_signed_percent_change,
}


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
@pytest.mark.parametrize("name", NUMBER_FORMATTERS)
def test_every_number_formatter_is_total(name, lang):
    formatter = NUMBER_FORMATTERS[name]
    for value in ABSURD:
        text = formatter(value, lang)
        assert isinstance(text, str) and text, (name, value)
        assert "nan" not in text.lower() or lang == "en" and "not a number" in text, (name, value, text)
        assert "inf" not in text.lower() or lang == "en" and "infinite" in text, (name, value, text)


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
def test_unshowable_values_are_said_in_words_of_the_language(lang):
    assert format_number(math.nan, lang) == t("not a number", lang)
    assert format_number("garbage", lang) == t("not a number", lang)
    assert format_number(math.inf, lang) == t("infinite value", lang)
    assert format_share(-math.inf, lang) == t("negative infinite value", lang)
    if lang != "en":
        assert t("not a number", lang) != "not a number"  # translated, not the English msgid
    assert format_number(None, lang) == "–"


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
def test_huge_values_are_written_with_their_power_of_ten(lang):
    assert format_number(1e300, lang).endswith("× 10³⁰⁰")
    assert format_number(-1e30, lang).startswith("-1") and format_number(-1e30, lang).endswith("10³⁰")
    assert "10³⁰⁸" in format_number(1.7976931348623157e308, lang)
    # ordinary values keep their usual form
    assert format_number(12345.678, lang, decimals=1, compact=False).replace("\xa0", " ") in (
        "12 345,7",
        "12,345.7",
    )


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
def test_minus_zero_has_no_sign(lang):
    for value in (-0.0, -0.001, -1e-300):
        assert not format_number(value, lang).startswith(("-", "−")), value
        assert not format_share(value, lang).startswith(("-", "−")), value
        assert not format_signed_percent_change(value, lang).startswith(("-", "−")), value


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
def test_dates_of_any_kind_format(lang):
    for value in (None, dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(2026, 12, 5, 3, 4), "2024-01-02", 5):
        assert isinstance(format_day(value, lang), str) and isinstance(format_timestamp_utc(value, lang), str)
    assert format_timestamp_utc(None, lang) == "–"
    assert format_day("garbage", lang) == format_day(math.nan, lang) == t("not a date", lang)
    assert format_day("2024-01-02", lang) == format_day(dt.date(2024, 1, 2), lang)
