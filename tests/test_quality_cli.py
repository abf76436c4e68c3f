"""`caei quality` and `caei export --table quality` on the session's real snapshot (issue 13)."""

from __future__ import annotations

import csv

import duckdb
from babel.numbers import format_decimal

from assets.common.flags import flag_words
from tests.support.browser import snapshot_file
from tests.support.caei import run_caei


def most_common_flag(published_home) -> tuple[str, int]:
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        row = con.execute(
            "SELECT f, count(*) AS n FROM (SELECT unnest(string_split(coalesce(flags, ''), ';')) AS f "
            "FROM indicator_values) WHERE f <> '' GROUP BY f ORDER BY n DESC, f LIMIT 1"
        ).fetchone()
    assert row is not None, "the real snapshot has flagged indicator values"
    return row[0], row[1]


def test_caei_quality_says_each_rule_in_words_with_its_count(published_home):
    flag, n = most_common_flag(published_home)
    for lang in ("ru", "en", "kk"):
        done = run_caei(["quality", "--lang", lang], published_home)
        assert done.returncode == 0, done.stderr
        lines = [line for line in done.stdout.splitlines() if f"  {flag_words(flag, lang)}  [" in line]
        assert any(format_decimal(n, locale=lang) in line for line in lines), lines


def test_caei_quality_without_a_snapshot_says_so(tmp_path):
    done = run_caei(["quality"], tmp_path)
    assert done.returncode == 1 and "materialize" in done.stderr


def test_quality_export_has_the_rule_and_its_count_in_kazakh(published_home, tmp_path):
    flag, n = most_common_flag(published_home)
    out = tmp_path / "quality.csv"
    done = run_caei(["export", "--table", "quality", "--lang", "kk", "--out", str(out)], published_home)
    assert done.returncode == 0, done.stderr
    with open(out, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))  # Kazakh CSV follows Russian Excel (issue 16)
    assert rows and set(rows[0]) == {
        "Бөлім",
        "Түрі",
        "Кесте",
        "Ереже",
        "Ереже коды",
        "Мәндер не жолдар саны",
        "Мысалдар",
    }
    row = next(r for r in rows if r["Ереже коды"] == flag and r["Кесте"] == "Көрсеткіш мәндері")
    assert (row["Ереже"], int(row["Мәндер не жолдар саны"])) == (flag_words(flag, "kk"), n)
    with open(tmp_path / "quality.metadata.csv", newline="", encoding="utf-8-sig") as f:
        legend = list(csv.DictReader(f, delimiter=";"))
    assert {r["Белгі"] for r in legend} >= {flag}
