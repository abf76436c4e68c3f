"""Unit tests of the small pure pieces of the summit pack, the CSV writer and the briefs (issue 16)."""

from __future__ import annotations

import polars as pl
import pytest

from assets.exports.brief.render import number
from assets.exports.csv_files import dialect_for, table_csv_bytes
from assets.exports.pack_layout import _round, decimals_for
from assets.exports.sources import MIRROR_WORDS, no_local_paths, read_from
from assets.exports.summit_pack import with_change_pct

pytestmark = pytest.mark.unit


def test_decimals_follow_the_largest_value_and_whole_numbers_stay_whole():
    assert decimals_for([41865.2, 3.1]) == 0
    assert decimals_for([13.94, 1.6]) == 1
    assert decimals_for([6.27, None]) == 2
    assert decimals_for([0.314]) == 3
    assert decimals_for([52.0, 25.0]) == 0
    assert decimals_for([None, float("nan")]) == 0


def test_rounding_never_leaves_a_negative_zero():
    assert str(_round(-0.004, 1)) == "0.0"
    assert _round(float("inf"), 1) is None and _round(None, 1) is None


def test_change_in_percent_of_the_earlier_value_and_none_from_zero():
    frame = pl.DataFrame({"change": [2.0, -3.0, 1.0], "earlier_value": [8.0, -6.0, 0.0]})
    assert with_change_pct(frame)["change_pct"].to_list() == [25.0, -50.0, None]


def test_csv_dialect_by_language_and_override():
    assert dialect_for("ru") == dialect_for("kk") == "excel-ru" and dialect_for("en") == "rfc4180"
    assert dialect_for("ru", "rfc4180") == "rfc4180"
    with pytest.raises(ValueError, match="dialect"):
        dialect_for("ru", "tsv")
    frame = pl.DataFrame({"a": [1.5], "b": ["x;y"]})
    assert table_csv_bytes(frame, "excel-ru") == b'\xef\xbb\xbfa;b\n1,5;"x;y"\n'
    assert table_csv_bytes(frame, "rfc4180") == b"\xef\xbb\xbfa,b\n1.5,x;y\n"


def test_a_mirror_path_is_said_in_words_and_a_public_address_kept():
    frame = pl.DataFrame({"url": ["file:///srv/mirror/data/x.csv", "https://example.org/x.csv", None]})
    said = frame.select(read_from(pl.col("url"), "kk"))["url"].to_list()
    assert said == [MIRROR_WORDS["kk"], "https://example.org/x.csv", None]
    assert no_local_paths(frame, "ru")["url"].to_list() == [MIRROR_WORDS["ru"], "https://example.org/x.csv", None]


def test_brief_numbers_are_written_as_readers_of_the_language_write_them():
    assert number(41865.2, "ru") == "41\u00a0865"
    assert number(13.94, "kk") == "13,9"
    assert number(13.94, "en") == "13.9"
    assert number(None, "ru") == "—"
