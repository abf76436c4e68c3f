"""How the water files and the analysts' lab files name things: source ids, and the name, unit and parameter
spellings of the seeds (seeds/water_*_synonyms.csv) with the keys they are matched by."""

from __future__ import annotations

import re

import polars as pl

from assets.sources.catalogue import read_seed

SURFACE_SOURCE = "kz_surface_water_quality_2006"
CLASSIFICATION_SOURCE = "kz_water_bodies_wpi_class"
DRINKING_SOURCE = "kz_drinking_water_standards"
SANPIN_SOURCE = "ru_sanpin_water_mpc"
LAB_SOURCE = "lab_inbox"  # rows landed from analysts' files carry this source id
PERIOD_2006 = "2006-04"
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7}


def name_key(expr: pl.Expr) -> pl.Expr:
    """How names are matched: case, ё/е, dashes and runs of spaces do not matter."""
    return (
        expr.str.strip_chars()
        .str.to_lowercase()
        .str.replace_all("ё", "е")
        .str.replace_all(r"[\s\-‐–—]+", " ")
        .str.strip_chars()
    )


def name_key_text(text: str) -> str:
    return re.sub(r"[\s\-‐–—]+", " ", text.strip().lower().replace("ё", "е")).strip()


def unit_synonyms() -> dict[str, str]:
    """Written unit -> unit code (seeds/water_unit_synonyms.csv), matched without case or spaces."""
    seed = read_seed("water_unit_synonyms.csv")
    return {unit_key(w): u for w, u in seed.select("written", "unit").iter_rows()}


def unit_key(text: str) -> str:
    key = re.sub(r"\s+", "", text.strip().lower()).replace("μ", "µ").replace("³", "3")
    return re.sub(r"о(?=2)", "o", key)  # мгО2 with a Cyrillic or a Latin O


def parameter_synonyms() -> pl.DataFrame:
    return read_seed("water_parameter_synonyms.csv")
