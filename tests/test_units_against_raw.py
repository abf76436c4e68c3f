"""Published value = raw cell x the documented factor, for every catalogue indicator (and so every source).

Raw cells are read with the csv module, independently of the polars parsers.
"""

from __future__ import annotations

import csv
import io
import statistics

import pytest

from assets.common.geography import CENTRAL_ASIA
from assets.indicators.country import indicator_catalogue, source_precedence
from assets.sources.catalogue import iso3_by_source_name, sources

# Theme indicators (selector "theme") are computed by their theme and tested in tests/<theme>/.
CATALOGUE = [
    row
    for row in indicator_catalogue().iter_rows(named=True)
    if row["indicator_id"] != "caspian_level_dahiti" and row["selector"] != "theme"
]
# seeds/source_precedence.csv: for these places another source wins; its cells are checked as entries of their own.
_PRECEDENCE = list(source_precedence().iter_rows(named=True))
_OVERRIDDEN = {(r["indicator_id"], r["geo_id"]) for r in _PRECEDENCE}
_BY_ID = {row["indicator_id"]: row for row in CATALOGUE}
CATALOGUE += [
    {**_BY_ID[r["indicator_id"]], **{k: r[k] for k in ("source_id", "selector", "raw_unit")}, "only_geo": r["geo_id"]}
    for r in _PRECEDENCE
]


def conversion_factors() -> dict[tuple[str, str], float]:
    from assets.common.settings import SEEDS_DIR

    with open(SEEDS_DIR / "unit_conversions.csv", encoding="utf-8") as f:
        return {(r["raw_unit"], r["unit"]): float(r["factor"]) for r in csv.DictReader(f)}


def raw_cells(entry: dict, data_dir) -> list[tuple[str, int, float]]:
    """(geo_id, year, raw value) triples straight from the raw file."""
    source = sources()[entry["source_id"]]
    text = (data_dir / source.mirror_path).read_text(encoding="utf-8-sig")
    fmt, sel = source.format, entry["selector"]
    cells = []
    if fmt == "wdi_bulk":
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip('"').startswith("Country Name"))
        for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
            if row["Indicator Code"] == sel:
                cells += [(row["Country Code"], int(y), v) for y, v in row.items() if y and y.isdigit() and v]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            if fmt == "owid_chart":
                cells.append((row["Code"], int(row["Year"]), row[sel]))
            elif fmt == "owid_population":
                cells.append((row["Code"], int(row["Year"]), row["Population, total"]))
            elif fmt == "gcb_long":
                cells.append((row["iso3"], int(row["year"]), row[sel]))
            elif fmt == "owid_co2_2020":
                cells.append((row["iso_code"], int(row["year"]), row[sel]))
            elif fmt == "faostat_long":
                item = row.get("Item") or row.get("FBS Class")
                if f"{row['Element']}|{item}" == sel:
                    cells.append((row["ISO3"], int(row["Year"]), row["value"]))
            elif fmt == "sust_energy":
                geo = iso3_by_source_name().get(row["Entity"])
                cells.append((geo, int(float(row["Year"])), row[sel]))
            elif fmt == "aral_area":
                cells.append(("ARAL", int(row["Year"]), row[sel]))
            elif fmt == "caspian_official":
                cells.append(("CASPIAN", int(row["year"]), row[sel]))
            else:
                raise AssertionError(f"no raw reader for format {fmt}")
    cells = [
        (g, y, float(v))
        for g, y, v in cells
        if v not in ("", None) and (g in CENTRAL_ASIA or g in ("ARAL", "CASPIAN", "USA"))
        if ("only_geo" in entry or (entry["indicator_id"], g) not in _OVERRIDDEN) and entry.get("only_geo") in (None, g)
    ]
    assert len(cells) >= 3, f"{entry['indicator_id']}: fewer than 3 raw cells found"
    return [cells[0], cells[len(cells) // 2], cells[-1]]


@pytest.mark.parametrize(
    "entry", CATALOGUE, ids=[e["indicator_id"] + (f"-{e['only_geo']}" if "only_geo" in e else "") for e in CATALOGUE]
)
def test_published_value_is_raw_times_declared_factor(entry, snapshot, shared_data_dir):
    factor = conversion_factors()[(entry["raw_unit"], entry["unit"])]
    for geo, year, raw in raw_cells(entry, shared_data_dir):
        got = snapshot.execute(
            "SELECT value, unit FROM indicator_values WHERE indicator_id = ? AND geo_id = ? AND year = ?",
            [entry["indicator_id"], geo, year],
        ).fetchall()
        assert got, f"{entry['indicator_id']} {geo} {year}: raw {raw} not published"
        assert got[0][1] == entry["unit"]
        assert got[0][0] == pytest.approx(raw * factor, rel=1e-9), f"{entry['indicator_id']} {geo} {year}"


def test_every_indicator_source_is_covered():
    covered = {e["source_id"] for e in CATALOGUE} | {"caspian_dahiti"}
    # The spine's sources; the water, funding and air themes test their own (tests/<theme>/).
    value_sources = {
        s.source_id
        for s in sources().values()
        if s.theme in ("indicators", "aral", "caspian") and s.format not in ("geojson", "codebook")
    }
    assert value_sources <= covered, f"sources without a conversion test: {sorted(value_sources - covered)}"


# The traps SOURCES.md documents, with the factor typed from the documentation itself.
@pytest.mark.parametrize(
    "indicator_id, geo, year, raw_column, documented_factor, unit",
    [
        (
            "freshwater_withdrawals",
            "UZB",
            2022,
            "Annual freshwater withdrawals",
            1e-9,
            "billion_m3",
        ),  # m3 although labelled billions
        ("fossil_co2", "KAZ", 2023, "fossil_co2_MtC", 3.664, "mt_co2"),  # GCB is in carbon, not CO2
        ("aral_sea_area", "ARAL", 1986, "Total", 1000, "km2"),  # thousand km2
    ],
)
def test_documented_unit_traps(indicator_id, geo, year, raw_column, documented_factor, unit, snapshot, shared_data_dir):
    entry = next(e for e in CATALOGUE if e["indicator_id"] == indicator_id)
    raw = next(v for g, y, v in raw_cells_all(entry, shared_data_dir, raw_column) if g == geo and y == year)
    value, got_unit = snapshot.execute(
        "SELECT value, unit FROM indicator_values WHERE indicator_id = ? AND geo_id = ? AND year = ?",
        [indicator_id, geo, year],
    ).fetchone()
    assert got_unit == unit
    assert value == pytest.approx(raw * documented_factor)
    if indicator_id == "freshwater_withdrawals":
        assert value == pytest.approx(42.9, abs=0.05)  # SOURCES.md: UZB 2022 = 42.9 billion m3


def raw_cells_all(entry, data_dir, column):
    source = sources()[entry["source_id"]]
    with open(data_dir / source.mirror_path, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            geo = row.get("Code") or row.get("iso3") or "ARAL"
            year = int(row.get("Year") or row.get("year"))
            if row[column]:
                yield geo, year, float(row[column])


def test_caspian_dahiti_annual_mean_by_hand(snapshot, shared_data_dir):
    """1995 annual mean of the raw 10-day DAHITI heights (no outlier that year) = published value."""
    with open(shared_data_dir / "caspian" / "caspian_level_dahiti_1992_2023.csv", encoding="utf-8") as f:
        levels = [float(r["water level"]) for r in csv.DictReader(f) if r["date"].startswith("1995-")]
    value, flags = snapshot.execute(
        "SELECT value, flags FROM indicator_values WHERE indicator_id = 'caspian_level_dahiti' AND year = 1995"
    ).fetchone()
    assert value == pytest.approx(statistics.mean(levels))
    assert value == pytest.approx(-26.09, abs=0.01)  # SOURCES.md quotes the 1995 DAHITI annual mean
    assert "partial_year" not in flags
