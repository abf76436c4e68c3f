"""Country indicators on the real files: series breaks (USSR split, per-capita break, redenomination), impossible
values blocking with file and row, source precedence (the newer WDI release), projections never the default
latest, and the coverage rule for money."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.common.coverage import MIN_POPULATION_COVERAGE, coverage_rules
from assets.common.geography import CENTRAL_ASIA
from assets.exports.export import indicators_long, indicators_wide
from assets.indicators import checks, screening
from assets.indicators import country as indicators
from assets.sources.catalogue import read_seed, sources
from assets.staged.parsers import PARSERS, ParseError, parse_owid_chart, parse_wdi_bulk

EX_USSR = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE", "RUS"]


def has(flag: str) -> pl.Expr:
    return pl.col("flags").str.split(";").list.contains(flag)


@pytest.fixture(scope="module")
def staged(shared_data_dir) -> dict[str, pl.DataFrame]:
    catalogue = indicators.indicator_catalogue().filter(pl.col("selector") != indicators.THEME_SELECTOR)
    wanted = set(catalogue["source_id"]) | set(indicators.source_precedence()["source_id"])
    out = {}
    for sid in sorted(wanted):
        entry = sources()[sid]
        if entry.format in PARSERS:  # the Aral and Caspian formats are theme parsers, not country indicators
            out[sid] = PARSERS[entry.format](shared_data_dir / entry.mirror_path)
    return out


@pytest.fixture(scope="module")
def catalogue(staged) -> pl.DataFrame:
    full = indicators.indicator_catalogue().filter(pl.col("selector") != indicators.THEME_SELECTOR)
    return full.filter(pl.col("source_id").is_in(list(staged)))


@pytest.fixture(scope="module")
def values(staged, catalogue) -> pl.DataFrame:
    built = indicators.build_indicator_values(
        staged, catalogue, indicators.unit_conversions(), indicators.source_precedence()
    )
    return checks.apply_warning_flags(screening.screen(built), catalogue, dt.date.today())


@pytest.fixture(scope="module")
def aggregates(values) -> pl.DataFrame:
    return indicators.region_aggregates(values, indicators.indicator_catalogue())


# ---- the USSR split ----------------------------------------------------------------------------------------


def test_gcb_values_before_1992_are_a_fixed_split_of_the_ussr(staged):
    """The seed's claim checked against the file: the republics' shares of their sum barely move up to 1985
    (a fixed split), and move freely from 1992."""
    gcb = staged["gcb_fossil_co2"].filter(pl.col("geo_id").is_in(EX_USSR))
    shares = gcb.with_columns(share=pl.col("value") / pl.col("value").sum().over("year")).filter(
        pl.col("year").is_between(1960, 2000)
    )
    kaz = shares.filter(pl.col("geo_id") == "KAZ").sort("year")
    change = kaz.with_columns(step=(pl.col("share") / pl.col("share").shift(1) - 1).abs())
    assert change.filter(pl.col("year").is_between(1961, 1985))["step"].max() < 0.01
    assert change.filter(pl.col("year").is_between(1992, 2000))["step"].max() > 0.03


def test_values_split_from_the_ussr_are_flagged_and_no_aggregate_is_built_on_them(values, aggregates):
    for indicator_id in ("fossil_co2", "co2_per_capita"):
        series = values.filter((pl.col("indicator_id") == indicator_id) & pl.col("geo_id").is_in(EX_USSR))
        before = series.filter(pl.col("year") < 1992)
        assert before.height > 100 and before.filter(~has("ussr_split_estimate")).is_empty()
        assert series.filter((pl.col("year") >= 1992) & has("ussr_split_estimate")).is_empty()
        regional = aggregates.filter((pl.col("indicator_id") == indicator_id) & (pl.col("year") < 1992))
        assert regional.filter(pl.col("status") == "published").is_empty()
        assert (
            aggregates.filter(
                (pl.col("indicator_id") == indicator_id) & (pl.col("year") == 1992) & (pl.col("status") == "published")
            ).height
            == 1
        )
    # Afghanistan and Iran were never in the USSR: their early values stay unflagged.
    afg = values.filter((pl.col("indicator_id") == "fossil_co2") & (pl.col("geo_id") == "AFG"))
    assert afg.filter(has("ussr_split_estimate")).is_empty()


def test_ussr_split_is_declared_doubtful_with_words_in_three_languages():
    flags = read_seed("flags.csv").filter(pl.col("flag") == "ussr_split_estimate").row(0, named=True)
    assert flags["kind"] == "doubtful" and all(flags[f"label_{lang}"] for lang in ("ru", "en", "kk"))


# ---- per capita against the total --------------------------------------------------------------------------


def test_turkmenistan_per_capita_break_is_flagged_against_the_total(values, staged):
    pc = values.filter((pl.col("indicator_id") == "co2_per_capita") & (pl.col("geo_id") == "TKM")).sort("year")
    total = values.filter((pl.col("indicator_id") == "fossil_co2") & (pl.col("geo_id") == "TKM")).sort("year")
    pc_2020, pc_2021 = (pc.filter(pl.col("year") == y)["value"][0] for y in (2020, 2021))
    tot_2020, tot_2021 = (total.filter(pl.col("year") == y)["value"][0] for y in (2020, 2021))
    assert pc_2021 / pc_2020 > 1.4 and abs(tot_2021 / tot_2020 - 1) < 0.1  # the break the rule is about
    flagged = pc.filter(has("per_capita_inconsistent"))["year"].to_list()
    assert flagged[0] == 2021 and flagged == list(range(2021, pc["year"].max() + 1))
    # Every other country-year stays within the tolerance of the seed.
    others = values.filter(
        (pl.col("indicator_id") == "co2_per_capita") & (pl.col("geo_id") != "TKM") & has("per_capita_inconsistent")
    )
    assert others.is_empty()


def test_per_capita_break_is_left_out_of_the_regional_mean(aggregates):
    row = aggregates.filter((pl.col("indicator_id") == "co2_per_capita") & (pl.col("year") == 2021)).row(0, named=True)
    assert "TKM" not in row["covered_iso3"].split(";") and row["status"] == "published"
    assert "partial_coverage" in row["flags"] and row["country_set_changed"]


# ---- redenomination --------------------------------------------------------------------------------------


def test_turkmen_rates_in_old_manats_carry_the_redenomination_break(values, shared_data_dir):
    rates = values.filter(pl.col("indicator_id") == "exchange_rate_lcu_per_usd")
    tkm = rates.filter(pl.col("geo_id") == "TKM")
    raw = parse_wdi_bulk(shared_data_dir / "indicators" / "wdi_official_exchange_rate_lcu_per_usd.csv").filter(
        (pl.col("geo_id") == "TKM") & (pl.col("variable") == "PA.NUS.FCRF")
    )
    assert tkm["year"].to_list() == raw["year"].to_list() and tkm["value"].to_list() == raw["value"].to_list()
    assert tkm.height and tkm.filter(~has("currency_redenominated")).is_empty()
    assert tkm.filter(pl.col("year") == 2001)["value"][0] == 5200.0  # old manats, 5 000 to a new one
    assert rates.filter((pl.col("geo_id") != "TKM") & has("currency_redenominated")).is_empty()


# ---- the newer WDI release -------------------------------------------------------------------------------


def test_kazakhstan_safely_managed_water_comes_from_the_newer_wdi_release(values, staged):
    kaz = values.filter((pl.col("indicator_id") == "safely_managed_water") & (pl.col("geo_id") == "KAZ")).sort("year")
    wdi = staged["wdi_kaz_environment"].filter(pl.col("variable") == "SH.H2O.SMDW.ZS").sort("year")
    owid = staged["owid_safely_managed_water_sdg611"].filter(pl.col("geo_id") == "KAZ")
    assert kaz["year"].max() == wdi["year"].max() > owid["year"].max()
    assert kaz["value"].to_list() == wdi["value"].to_list()  # the whole series: releases never joined
    assert set(kaz["source_id"]) == {"wdi_kaz_environment"}
    uzb = values.filter((pl.col("indicator_id") == "safely_managed_water") & (pl.col("geo_id") == "UZB"))
    assert set(uzb["source_id"]) == {"owid_safely_managed_water_sdg611"}


def test_every_precedence_rule_gives_its_reason():
    rules = read_seed("source_precedence.csv")
    assert rules.height and rules.filter(pl.col("reason").str.len_chars() < 40).is_empty()


# ---- impossible values ---------------------------------------------------------------------------------------


def _copy_with(shared_data_dir: Path, tmp_path: Path, old: str, new: str) -> Path:
    src = shared_data_dir / "indicators" / "owid_co2_emissions_per_capita.csv"
    out = tmp_path / src.name
    text = src.read_text(encoding="utf-8")
    assert text.count(old) == 1
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_an_absurd_value_blocks_naming_the_file_and_row(shared_data_dir, tmp_path):
    kaz_2020 = next(
        line
        for line in (shared_data_dir / "indicators" / "owid_co2_emissions_per_capita.csv").read_text().splitlines()
        if line.startswith("Kazakhstan,KAZ,2020,")
    )
    bad = _copy_with(shared_data_dir, tmp_path, kaz_2020, "Kazakhstan,KAZ,2020,1e300")
    entry = indicators.indicator_catalogue().filter(pl.col("indicator_id") == "co2_per_capita").row(0, named=True)
    built = indicators.select_indicator(parse_owid_chart(bad), entry, indicators.unit_conversions())
    with pytest.raises(screening.ImpossibleValueError) as caught:
        screening.screen(built)
    message = str(caught.value)
    assert "indicators/owid_co2_emissions_per_capita.csv" in message and "KAZ 2020" in message
    assert "1e+300" in message and "physical range" in message
    # The asset check beside country_values says the same and blocks.
    outcome = screening.check_physical(built)
    assert not outcome.passed and outcome.severity == "ERROR" and "KAZ 2020" in outcome.description


@pytest.mark.parametrize("written", ["inf", "NaN", "1e400"])
def test_non_finite_numbers_in_a_source_fail_the_parse_with_the_line(shared_data_dir, tmp_path, written):
    kaz_2020 = next(
        line
        for line in (shared_data_dir / "indicators" / "owid_co2_emissions_per_capita.csv").read_text().splitlines()
        if line.startswith("Kazakhstan,KAZ,2020,")
    )
    bad = _copy_with(shared_data_dir, tmp_path, kaz_2020, f"Kazakhstan,KAZ,2020,{written}")
    with pytest.raises(ParseError) as caught:
        parse_owid_chart(bad)
    assert f"line {_line_of(bad, 'Kazakhstan,KAZ,2020,')}" in str(caught.value)
    assert str(bad) in str(caught.value) and "not a finite number" in str(caught.value)


def test_every_published_unit_has_a_physical_range_and_the_real_files_pass(values):
    ranges = screening.physical_ranges()
    assert set(read_seed("indicators.csv")["unit"]) <= set(ranges["unit"])
    assert ranges.filter(pl.col("reason").is_null() | (pl.col("min_physical") >= pl.col("max_physical"))).is_empty()
    assert screening.check_physical(values).passed


# ---- projections and the wide export ------------------------------------------------------------------------


@pytest.fixture()
def wide_db(values, aggregates):
    """The tables indicators_wide reads, from the real values and seeds (no materialisation needed)."""
    con = duckdb.connect()
    combined = indicators.with_published_aggregates(values, aggregates, indicators.indicator_catalogue())
    tables = {
        "indicator_values": combined,
        "indicators": read_seed("indicators.csv"),
        "units": read_seed("units.csv"),
        "geographies": read_seed("geographies.csv"),
        "sources": read_seed("sources.csv"),
        "region_aggregates": aggregates,
    }
    for name, frame in tables.items():
        con.register(f"{name}_frame", frame.to_arrow())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
    yield con
    con.close()


def test_projections_are_never_the_default_year_of_the_wide_export(wide_db, values):
    wide = indicators_wide(wide_db, "en", None)
    population = wide.filter(pl.col("indicator_id") == "population").row(0, named=True)
    observed = values.filter((pl.col("indicator_id") == "population") & ~has("projection"))["year"].max()
    assert values.filter(pl.col("indicator_id") == "population")["year"].max() == 2100  # projections exist
    assert population["year"] == observed and "projection" not in population["flags"]
    kaz = values.filter(
        (pl.col("indicator_id") == "population") & (pl.col("geo_id") == "KAZ") & (pl.col("year") == observed)
    )["value"][0]
    assert population["Kazakhstan (KAZ)"] == kaz


def test_a_projected_year_asked_for_says_so_in_each_language(wide_db):
    for lang, word in (("en", "projection"), ("ru", "прогноз"), ("kk", "болжам")):
        wide = indicators_wide(wide_db, lang, 2050)
        row = wide.filter(pl.col("indicator_id") == "population").row(0, named=True)
        assert row["year"] == 2050 and word in row["flags"]


def test_the_long_export_names_the_countries_of_a_regional_value(wide_db):
    long = indicators_long(wide_db, "en")
    ca5 = long.filter(
        (pl.col("indicator_id") == "co2_per_capita") & (pl.col("geo_id") == "CA5") & (pl.col("year") == 2021)
    ).row(0, named=True)
    assert ca5["covered_iso3"] == "KAZ;KGZ;TJK;UZB" and "partial_coverage" in ca5["flags"]
    kaz = long.filter((pl.col("indicator_id") == "co2_per_capita") & (pl.col("geo_id") == "KAZ"))
    assert set(kaz["covered_iso3"]) == {""}
    assert long.filter((pl.col("geo_id") == "CA5") & (pl.col("covered_iso3") == "")).is_empty()


# ---- coverage rules ---------------------------------------------------------------------------------------


def test_coverage_rules_come_from_the_seed_with_reasons():
    rules = coverage_rules()
    assert dict(zip(rules["aggregation"], rules["rule"], strict=True)) == {
        "sum": "all_countries",
        "ratio_of_sums": "all_countries",
        "pop_weighted_mean": "population_share",
    }
    assert MIN_POPULATION_COVERAGE == rules.filter(pl.col("rule") == "population_share")["min_population_share"][0]


def test_sums_stand_for_central_asia_only_with_all_five_countries(aggregates, values):
    sums = aggregates.filter(pl.col("aggregation") == "sum")
    published = sums.filter(pl.col("status") == "published")
    assert published.filter(pl.col("covered_iso3") != ";".join(sorted(CENTRAL_ASIA))).is_empty()
    partial = sums.filter(pl.col("status") == "covered_set_only")
    assert partial.height and partial.filter(pl.col("value").is_not_null()).is_empty()
    # The named set's sum is the sum of those countries' values in the file.
    row = partial.filter(pl.col("indicator_id") == "consumption_co2").sort("year").row(0, named=True)
    expected = values.filter(
        (pl.col("indicator_id") == "consumption_co2")
        & (pl.col("year") == row["year"])
        & pl.col("geo_id").is_in(row["covered_iso3"].split(";"))
    )["value"].sum()
    assert row["covered_set_value"] == pytest.approx(expected)
    published_ids = indicators.with_published_aggregates(values, aggregates, indicators.indicator_catalogue())
    ca5 = published_ids.filter((pl.col("geo_id") == "CA5") & (pl.col("indicator_id") == "consumption_co2"))
    assert row["year"] not in ca5["year"].to_list()


def test_climate_finance_of_an_incomplete_year_is_never_central_asia(shared_data_dir, values):
    from assets.indicators.funding import fact_table, finance
    from assets.staged import funding as staged_funding

    names = dict(read_seed("geographies.csv").select("geo_id", "name_en").iter_rows())
    crs = staged_funding.parse_oecd_crs_climate(
        shared_data_dir / "funding" / "oecd_crs_climate_related_disbursements_202508.csv"
    )
    facts = fact_table.crs_facts(crs, names)
    by_country = finance.crs_country_year(facts).filter(pl.col("geo_id").is_in(CENTRAL_ASIA))
    population = values.filter(pl.col("indicator_id") == "population").select("geo_id", "year", pop="value")
    shares = by_country.join(population, on=["geo_id", "year"]).with_columns(
        flow_share=pl.col("current") / pl.col("current").sum().over("year"),
        n=pl.len().over("year"),
    )
    total_pop = population.filter(pl.col("geo_id").is_in(CENTRAL_ASIA)).group_by("year").agg(total=pl.col("pop").sum())
    shares = shares.join(total_pop, on="year").with_columns(pop_share=pl.col("pop") / pl.col("total"))
    # The case of the issue: a year without all five, one country with about 13 % of the people and most flows.
    lopsided = shares.filter(
        (pl.col("n") < len(CENTRAL_ASIA)) & (pl.col("pop_share") < 0.15) & (pl.col("flow_share") > 0.6)
    )
    assert lopsided.height >= 1
    incomplete_years = set(shares.filter(pl.col("n") < len(CENTRAL_ASIA))["year"])
    out = finance.finance_indicator_values(facts, values)
    regional = out.filter(pl.col("geo_id") == "CA5")
    assert not (set(regional["year"]) & incomplete_years)
    assert set(lopsided["year"]).isdisjoint(set(regional["year"]))
    complete = set(shares.filter(pl.col("n") == len(CENTRAL_ASIA))["year"])
    assert complete and complete <= set(regional.filter(pl.col("indicator_id") == "climate_finance_crs")["year"])
    coverage = finance.crs_region_coverage(facts, values)
    assert coverage.filter(pl.col("published"))["year"].to_list() == sorted(complete)
    breakdown = finance.crs_breakdown(facts, values).filter(pl.col("geo_id") == "CA5")
    assert set(breakdown["year"]) == complete


def test_an_absurd_source_value_fails_the_run_and_the_last_snapshot_stays(published_home, shared_data_dir, tmp_path):
    from assets.published.snapshots import current_snapshot_id
    from tests.support.caei import run_caei

    home = tmp_path / "home"
    shutil.copytree(published_home, home)
    mirror = tmp_path / "mirror"
    shutil.copytree(shared_data_dir, mirror)
    for p in mirror.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    path = mirror / "indicators" / "owid_co2_emissions_per_capita.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Kazakhstan,KAZ,2020,"))
    lines[at] = "Kazakhstan,KAZ,2020,1e300"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = current_snapshot_id(home / "published")
    done = run_caei(["materialize"], home, mirror)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "indicators/owid_co2_emissions_per_capita.csv" in done.stderr and "KAZ 2020" in done.stderr
    assert "previously published snapshot is still served" in done.stderr
    assert current_snapshot_id(home / "published") == before


def test_the_overview_trend_runs_only_over_an_unchanged_country_set(aggregates):
    from dashboard.summaries import summarize_region_aggregates

    summary = summarize_region_aggregates(aggregates)["co2_per_capita"]
    covered = dict(
        aggregates.filter(pl.col("indicator_id") == "co2_per_capita").select("year", "covered_iso3").iter_rows()
    )
    years = [y for y, _ in summary.trend]
    assert len(years) >= 2 and len({covered[y] for y in years}) == 1
    # The year before the window had another set (Turkmenistan's per-capita break left out from 2021).
    assert covered[years[0] - 1] != covered[years[0]]


def test_climate_watch_agriculture_1990_1991_is_a_fixed_split_and_flagged(staged, values, aggregates):
    """The evidence the seed row gives, from the file: shares of the seven barely move 1990-1991, then move."""
    entry = indicators.indicator_catalogue().filter(pl.col("indicator_id") == "ghg_agriculture").row(0, named=True)
    agri = staged["owid_ghg_by_sector"].filter(
        (pl.col("variable") == entry["selector"])
        & pl.col("geo_id").is_in(EX_USSR)
        & pl.col("year").is_in([1990, 1991, 1992])
    )
    shares = agri.with_columns(share=pl.col("value") / pl.col("value").sum().over("year")).pivot(
        on="year", index="geo_id", values="share"
    )
    split = shares.select(((pl.col("1991") / pl.col("1990")) - 1).abs().max()).item()
    after = shares.select(((pl.col("1992") / pl.col("1991")) - 1).abs().max()).item()
    assert split < 0.0015 and after > 0.2
    flagged = values.filter((pl.col("indicator_id") == "ghg_agriculture") & has("ussr_split_estimate"))
    assert sorted(set(flagged["year"])) == [1990, 1991]
    regional = aggregates.filter((pl.col("indicator_id") == "ghg_agriculture") & (pl.col("status") == "published"))
    assert regional["year"].min() == 1992
