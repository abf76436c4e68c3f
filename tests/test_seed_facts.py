"""The seed CSVs extracted from the seed documents: every fact cites lines that exist and hold its key token.

Files checked: seeds/summit_directions.csv, seeds/summit_consultations.csv, seeds/summit_facts.csv,
seeds/seed_facts.csv (see seeds/SEEDS.md). The documents are the plain-text seed documents in
`../shared/seed-docs` beside the repository (override with CAEI_SEED_DOCS).
"""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CITATION_RE = re.compile(r"seed-docs/(?P<file>(?P<doc>\d{3})_[0-9a-f]+\.txt):L(?P<a>\d+)(?:-L(?P<b>\d+))?")

# Numbers in a document line: digits with single spaces, non-breaking spaces, commas or dots inside.
NUMBER_RE = re.compile(r"\d+(?:[ \u00a0\u202f,.]\d+)*")
# Numbers the documents write in words, as they occur in key tokens.
WORD_NUMBERS = {
    "двух": 2,
    "два": 2,
    "трех": 3,
    "трёх": 3,
    "три": 3,
    "четырех": 4,
    "четыре": 4,
    "пяти": 5,
    "пять": 5,
    "шести": 6,
    "шесть": 6,
    "тридцать": 30,
}
MONTHS = {
    1: r"январ[ья]",
    2: r"феврал[ья]",
    3: r"марта?",
    4: r"апрел[ья]",
    5: r"ма[йя]",
    6: r"июн[ья]",
    7: r"июл[ья]",
    8: r"августа?",
    9: r"сентябр[ья]",
    10: r"октябр[ья]",
    11: r"ноябр[ья]",
    12: r"декабр[ья]",
}
# Country codes used in summit_consultations.csv and how the document names the country.
COUNTRY_RU = {
    "KAZ": "Казахстан",
    "UZB": "Узбекистан",
    "TKM": "Туркменистан",
    "TJK": "Таджикистан",
    "DEU": "Германия",
    "USA": "США",
    "BRA": "Бразилия",
    "KEN": "Кения",
}
# Funders used in seed_facts.csv and how the documents name them (checked in the cited lines).
FUNDER_PATTERNS = {
    "European Commission": r"(?<!\w)ЕК(?!\w)|Европейск\w*\s+комисси",
    "European Union": r"Европейск\w*\s+союз|(?<!\w)ЕО(?!\w)|Еуропалық\s+Одақ",
    "EU TACIS": r"ТАСИС",
    "OSCE": r"ОБСЕ",
    "OSCE Centre in Astana": r"Центра\s+ОБСЕ\s+в\s+Астане",
    "Government of the Netherlands": r"Нидерланд",
    "Government of Switzerland": r"Швейцари",
    "Government of Kazakhstan": r"Правительства\s+РК",
    "KazMunayGas": r"КазМунайГаз",
    "UNECE": r"ЕЭК\s+ООН",
    "Chevron": r"Шеврон",
    "GEF SGP UNDP": r"ПМГ\s+ГЭФ\s+ПРООН",
    "NGO Baiterek": r"Байтерек",
    "IMELS": r"IMELS",
    "BG Group": r"BG-Group",
    "VROM (Netherlands)": r"VROM",
    "international donors": r"международных\s+доноров",
    "village residents": r"жители\s+села",
    "oblast budget": r"областного\s+бюджета",
}
UNITS = {"count", "persons", "thousand_persons", "percent", "years", "eur", "eur_million"}
SUMMIT_KINDS = {
    "event_date",
    "place",
    "participants",
    "aim",
    "programme_area",
    "expected_outcome",
    "partner",
    "initiative",
    "support",
}
KAZAKH_CYRILLIC = re.compile(r"[А-ЯЁа-яёӘәҒғҚқҢңӨөҰұҮүҺһІі\s,\-–]+")


def seed_docs_dir() -> Path:
    override = os.environ.get("CAEI_SEED_DOCS")
    docs = Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "seed-docs"
    assert docs.is_dir(), f"seed documents not found at {docs}; set CAEI_SEED_DOCS to the shared seed-docs folder"
    return docs


def read_rows(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def doc_lines(file_name: str) -> tuple[str, ...]:
    text = (seed_docs_dir() / file_name).read_text(encoding="utf-8")
    lines = text.split("\n")  # not splitlines(): line numbers must match grep and editors
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


def cited(citation: str) -> tuple[str, str]:
    """(document code, text of the cited lines joined by newlines); fails if the lines do not exist."""
    m = CITATION_RE.fullmatch(citation)
    assert m, f"citation {citation!r} is not seed-docs/<file>:L<n> or :L<n>-L<m>"
    a = int(m["a"])
    b = int(m["b"] or a)
    lines = doc_lines(m["file"])
    assert 1 <= a <= b <= len(lines), f"{citation}: lines {a}-{b} outside 1-{len(lines)}"
    text = "\n".join(lines[a - 1 : b])
    assert text.strip(), f"{citation}: the cited lines are empty"
    return m["doc"], text


def norm(s: str) -> str:
    """Letters and digits only, case-folded: ignores punctuation, quotes, hyphenation and line breaks."""
    return re.sub(r"[\W_]+", "", s.casefold())


def contains(text: str, token: str) -> bool:
    """Short tokens (acronyms, percentages) must stand alone; longer ones are compared normalised."""
    if len(token) <= 6 and " " not in token:
        return re.search(rf"(?<!\w){re.escape(token)}(?!\w)", text) is not None
    return norm(token) in norm(text)


def numbers(text: str) -> set[str]:
    """Digit strings of the numbers in text, ignoring spaces, non-breaking spaces, commas and dots inside."""
    out: set[str] = set()
    for m in NUMBER_RE.finditer(text):
        out.add(re.sub(r"\D", "", m.group()))
        for part in re.split(r"[ \u00a0\u202f]+", m.group()):
            out.add(re.sub(r"\D", "", part))
    return out


def value_parts(value: str) -> list[str]:
    return [re.sub(r"\D", "", p) for p in value.split("-")]


def check_date_stated(iso: str, text: str, where: str) -> None:
    d = date.fromisoformat(iso)
    assert str(d.year) in numbers(text), f"{where}: year {d.year} not in the cited lines"
    day_month = rf"(?<!\d){d.day}(?:\s*(?:[-–]|по)\s*\d{{1,2}})?\s+{MONTHS[d.month]}(?!\w)"
    assert re.search(day_month, text, re.IGNORECASE), f"{where}: '{d.day} <month {d.month}>' not in the cited lines"


def no_long_copy(summary: str, source: str, where: str, words: int = 7) -> None:
    """A summary must not copy a run of `words` consecutive words from the document line."""
    sw = re.findall(r"\w+", summary.casefold())
    src = " ".join(re.findall(r"\w+", source.casefold()))
    for i in range(len(sw) - words + 1):
        run = " ".join(sw[i : i + words])
        assert run not in src, f"{where}: copies the document's wording: {run!r}"


# ---------------------------------------------------------------- all files


@pytest.mark.parametrize(
    "name", ["summit_directions.csv", "summit_consultations.csv", "summit_facts.csv", "seed_facts.csv"]
)
def test_cells_are_clean_and_every_row_cites(name):
    rows = read_rows(name)
    assert rows, f"{name} is empty"
    for i, row in enumerate(rows, 2):
        for col, val in row.items():
            assert val is not None, f"{name}:{i}: missing column {col}"
            assert val == val.strip(), f"{name}:{i}: {col} has leading/trailing whitespace"
            assert "\n" not in val, f"{name}:{i}: {col} spans lines"
        cited(row["citation"])


@pytest.mark.parametrize(
    "name,id_col",
    [
        ("summit_directions.csv", "direction"),
        ("summit_consultations.csv", "id"),
        ("summit_facts.csv", "fact_id"),
        ("seed_facts.csv", "fact_id"),
    ],
)
def test_no_duplicate_ids(name, id_col):
    ids = [r[id_col] for r in read_rows(name)]
    assert all(ids), f"{name}: empty {id_col}"
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"{name}: duplicate {id_col}: {dupes}"


# ---------------------------------------------------------------- summit directions


def test_directions_are_exactly_1_to_8_with_titles():
    rows = read_rows("summit_directions.csv")
    assert [r["direction"] for r in rows] == [str(n) for n in range(1, 9)]
    for r in rows:
        for col in ("title_ru", "title_en", "title_kk", "focus_ru", "focus_en", "benefit_ru", "benefit_en"):
            assert r[col], f"direction {r['direction']}: empty {col}"
        assert KAZAKH_CYRILLIC.fullmatch(r["title_kk"]), f"direction {r['direction']}: title_kk is not Cyrillic text"
        assert r["title_kk"] != r["title_ru"], f"direction {r['direction']}: title_kk is the Russian title"


def test_direction_titles_are_quoted_exactly():
    for r in read_rows("summit_directions.csv"):
        _, text = cited(r["citation"])
        assert "\n" not in text, f"direction {r['direction']}: cite the one line of the direction"
        heading = text.split("\t")[0].strip()
        assert heading == f"{r['direction']}. {r['title_ru']}", f"direction {r['direction']}: {heading!r}"


def test_direction_summaries_are_own_words():
    for r in read_rows("summit_directions.csv"):
        _, text = cited(r["citation"])
        for col in ("focus_ru", "benefit_ru"):
            no_long_copy(r[col], text, f"direction {r['direction']} {col}")


# ---------------------------------------------------------------- summit consultations


def test_consultations_cite_city_country_event_and_dates():
    rows = read_rows("summit_consultations.csv")
    for r in rows:
        where = f"consultation {r['id']}"
        assert re.fullmatch(r"RC\d{2}", r["id"]), where
        _, text = cited(r["citation"])
        for col in ("city", "city_ru", "country", "event_ru", "event_en", "outcome_en", "date"):
            assert r[col], f"{where}: empty {col}"
        assert r["country"] in COUNTRY_RU, f"{where}: unknown country code {r['country']}"
        assert contains(text, COUNTRY_RU[r["country"]]), f"{where}: {COUNTRY_RU[r['country']]} not in the cited line"
        assert contains(text, r["city_ru"]), f"{where}: {r['city_ru']} not in the cited line"
        assert contains(text, r["event_ru"]), f"{where}: event_ru not quoted exactly from the cited line"
        if r["side_event_ru"]:
            assert r["side_event_en"], f"{where}: side_event_ru without side_event_en"
            assert contains(text, r["side_event_ru"]), f"{where}: side_event_ru not quoted exactly"
        check_date_stated(r["date"], text, where)
        if r["date_end"]:
            assert date.fromisoformat(r["date_end"]) > date.fromisoformat(r["date"]), f"{where}: date_end before date"
            check_date_stated(r["date_end"], text, where)
    assert {r["date"][:4] for r in rows} == {"2025"}


# ---------------------------------------------------------------- summit facts


def test_summit_facts_hold_their_key_token():
    rows = read_rows("summit_facts.csv")
    for r in rows:
        where = f"summit fact {r['fact_id']}"
        assert re.fullmatch(r"SF\d{2}", r["fact_id"]), where
        assert r["kind"] in SUMMIT_KINDS, f"{where}: kind {r['kind']!r}"
        assert r["value_ru"] and r["value_en"] and r["key_token"], f"{where}: empty value or key_token"
        doc, text = cited(r["citation"])
        assert doc == "003", f"{where}: summit facts come from seed 003"
        assert contains(text, r["key_token"]), f"{where}: key_token {r['key_token']!r} not in the cited line"
        missing = numbers(r["value_ru"]) - numbers(text)
        assert not missing, f"{where}: numbers {missing} in value_ru are not in the cited line"
    kinds = [r["kind"] for r in rows]
    for kind in ("event_date", "place", "participants", "expected_outcome", "partner"):
        assert kind in kinds, f"no {kind} row"
    partners = {r["value_en"] for r in rows if r["kind"] == "partner"}
    assert {"UNDP", "UNEP", "FAO"} <= partners


# ---------------------------------------------------------------- seed facts


@lru_cache(maxsize=1)
def geo_ids() -> frozenset[str]:
    return frozenset(r["geo_id"] for r in read_rows("geographies.csv"))


def test_seed_facts_cite_their_document_and_key_token():
    for r in read_rows("seed_facts.csv"):
        where = f"seed fact {r['fact_id']}"
        assert re.fullmatch(rf"F{r['document']}-\d{{3}}", r["fact_id"]), f"{where}: id is not F<document>-<nnn>"
        doc, text = cited(r["citation"])
        assert doc == r["document"], f"{where}: citation names document {doc}, row says {r['document']}"
        assert r["topic"] and r["subject_ru"] and r["subject_en"] and r["key_token"], f"{where}: empty field"
        assert contains(text, r["key_token"]), f"{where}: key_token {r['key_token']!r} not in the cited lines"
        if r["topic"] == "project":
            assert contains(text, r["subject_ru"]), f"{where}: project title not quoted exactly"


def test_seed_fact_values_are_the_stated_figures():
    for r in read_rows("seed_facts.csv"):
        where = f"seed fact {r['fact_id']}"
        value, unit = r["value"], r["unit"]
        assert bool(value) == bool(unit), f"{where}: value and unit go together"
        if not value:
            assert r["year_or_period"] or r["funder"], (
                f"{where}: a row without a value must state a date, period or funder"
            )
            continue
        assert re.fullmatch(r"\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?", value), f"{where}: value {value!r} is not a number"
        assert unit in UNITS, f"{where}: unit {unit!r} not in {sorted(UNITS)}"
        _, text = cited(r["citation"])
        if re.search(r"\d", r["key_token"]):
            for part in value_parts(value):
                assert part in numbers(r["key_token"]), f"{where}: value {value} is not the key_token's number"
                assert part in numbers(text), f"{where}: {value} not in the cited lines"
        else:
            words = [w for w in re.findall(r"\w+", r["key_token"].casefold()) if w in WORD_NUMBERS]
            assert words, f"{where}: key_token {r['key_token']!r} has neither digits nor a number word"
            assert float(value) == WORD_NUMBERS[words[0]], f"{where}: {words[0]!r} is not {value}"


def test_seed_fact_periods_geo_and_funders():
    for r in read_rows("seed_facts.csv"):
        where = f"seed fact {r['fact_id']}"
        _, text = cited(r["citation"])
        period = r["year_or_period"]
        if period:
            m = re.fullmatch(r"(\d{4})(?:-(\d{4})|-(\d{2})|-(\d{2}-\d{2})(?:/(\d{4}-\d{2}-\d{2}))?)?", period)
            assert m, f"{where}: year_or_period {period!r} is not YYYY, YYYY-YYYY, YYYY-MM or ISO date(s)"
            if m[2]:
                assert int(m[2]) > int(m[1]), f"{where}: period ends before it starts"
            for year in re.findall(r"(?<!\d)\d{4}(?!\d)", period):
                assert year in numbers(text), f"{where}: year {year} not in the cited lines"
            if m[4]:
                days = [date.fromisoformat(f"{m[1]}-{m[4]}")] + ([date.fromisoformat(m[5])] if m[5] else [])
                for d in days:
                    assert str(d.day) in numbers(text), f"{where}: day {d.day} not in the cited lines"
        assert r["geo"] == "" or r["geo"] in geo_ids(), f"{where}: geo {r['geo']!r} not in seeds/geographies.csv"
        for funder in filter(None, r["funder"].split("; ")):
            assert funder in FUNDER_PATTERNS, f"{where}: unknown funder {funder!r}; add how the document names it"
            assert re.search(FUNDER_PATTERNS[funder], text), f"{where}: funder {funder!r} not named in the cited lines"
