"""Kazakh names of the water seeds (regions, water bodies, parameters) and their way into the published sites: a
Kazakh page shows them, so none may be empty, each says where it comes from, and a site is named from them."""

from __future__ import annotations

import polars as pl
import pytest

from assets.sources.catalogue import read_seed

SEEDS = {
    "water_regions.csv": "region_id",
    "water_bodies.csv": "water_body_id",
    "water_parameters.csv": "parameter_id",
}
BASES = {"official", "translated here", "transliterated here"}
RUSSIAN_WORDS = r"(?i)\b(?:область|водохранилище|озеро|река|общ(?:ий|ее)|г\.)"


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_seed_row_has_a_kazakh_name_and_its_basis(seed):
    rows = read_seed(seed)
    empty = rows.filter(pl.col("name_kk").is_null() | (pl.col("name_kk").str.strip_chars() == ""))
    assert empty.is_empty(), f"{seed}: no name_kk for {empty[SEEDS[seed]].to_list()}"
    unknown = rows.filter(~pl.col("name_kk_basis").is_in(list(BASES)) | pl.col("name_kk_basis").is_null())
    assert unknown.is_empty(), f"{seed}: name_kk_basis not one of {sorted(BASES)}: {unknown[SEEDS[seed]].to_list()}"


def test_region_names_are_the_kazakh_ones_not_the_russian():
    regions = read_seed("water_regions.csv")
    for r in regions.iter_rows(named=True):
        assert r["name_kk"] != r["name_ru"]
        assert r["name_kk"].endswith(("облысы", "қ.")), r
        assert "область" not in r["name_kk"], r
    names = dict(regions.select("region_id", "name_kk").iter_rows())
    assert names["east_kazakhstan"] == "Шығыс Қазақстан облысы"
    assert names["astana"] == "Астана қ."
    assert {names["abai"], names["jetisu"], names["ulytau"]} == {"Абай облысы", "Жетісу облысы", "Ұлытау облысы"}


def test_official_names_are_written_in_kazakh_and_transliterated_ones_said_so():
    bodies = dict(read_seed("water_bodies.csv").select("water_body_id", "name_kk").iter_rows())
    assert bodies["irtysh"] == "Ертіс" and bodies["ishim"] == "Есіл" and bodies["ural"] == "Жайық"
    assert bodies["balkhash"] == "Балқаш көлі" and bodies["kapshagai"] == "Қапшағай су қоймасы"
    for seed in SEEDS:
        # Russian words of kind (область, водохранилище, озеро, общий) have no place in a Kazakh name.
        russian = read_seed(seed).filter(pl.col("name_kk").str.contains(RUSSIAN_WORDS))
        assert russian.is_empty(), f"{seed}: Russian words in name_kk: {russian['name_kk'].to_list()}"
    transliterated = read_seed("water_bodies.csv").filter(pl.col("name_kk_basis") == "transliterated here")
    assert "vyacheslavskoe" in transliterated["water_body_id"].to_list()


def test_parameters_keep_their_formulas():
    params = read_seed("water_parameters.csv")
    names = dict(params.select("parameter_id", "name_kk").iter_rows())
    assert names["copper"] == "Мыс" and names["zinc"] == "Мырыш" and names["ammonium_nh4"] == "Аммоний ионы"
    # the chemical basis (Cu, total; as NH4+) is one column for every language
    assert dict(params.select("parameter_id", "basis").iter_rows())["ammonium_nh4"] == "as NH4+"


def test_sites_of_the_april_2006_file_are_named_in_kazakh(sites):
    """Every monitoring site of the real file has a Kazakh name composed like the Russian one."""
    assert sites["site_name_kk"].null_count() == 0
    for r in sites.iter_rows(named=True):
        assert r["site_name_kk"] == f"{r['water_body_kk']} ({r['region_name_kk']})"
        assert r["region_name_kk"].endswith(("облысы", "қ.")), r["region_name_kk"]
    irtysh = sites.filter(pl.col("site_id") == "irtysh__east_kazakhstan").row(0, named=True)
    assert irtysh["site_name_kk"] == "Ертіс (Шығыс Қазақстан облысы)"
    assert irtysh["site_name_ru"] == "Иртыш (Восточно-Казахстанская область)"
