"""SDMX 2.1 exports of the indicator values (`caei export --table sdmx --format xml|csv --out PATH`).

- xml: SDMX-ML 2.1 structure-specific data (series per indicator x reference area, observations by time period),
  with the data structure definition and its codelists beside it in `<name>.structure.xml`;
- csv: SDMX-CSV 2.0 (one row per observation; the same structure file beside it).

Dimensions: INDICATOR (the catalogue), REF_AREA (ISO 3166 alpha-3 codes and the product's own region CA5, each
annotated with its UN M49 code from seeds/m49.csv where one exists), TIME_PERIOD (the year). Attributes on each
observation: UNIT_MEASURE (coded), OBS_STATUS (coded from the flags: the first doubtful flag, else the first flag,
else A for a normal value), OBS_FLAGS (every flag code) and LICENCE (the source's licence identifier).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import sdmx
from sdmx import message
from sdmx.model import common, v21

from assets.published import open_data as od
from assets.sources.catalogue import read_seed

AGENCY_ID = "CAEI"
VERSION = "1.0"
DSD_ID = "DSD_CAEI_INDICATORS"
DATAFLOW_ID = "DF_CAEI_INDICATORS"
NORMAL_STATUS = "A"  # SDMX's usual code for a normal value: no flag
DIMENSIONS = ("INDICATOR", "REF_AREA")
ATTRIBUTES = ("UNIT_MEASURE", "OBS_STATUS", "OBS_FLAGS", "LICENCE")
CONCEPTS = {
    "INDICATOR": "Indicator",
    "REF_AREA": "Reference area",
    "TIME_PERIOD": "Time period",
    "OBS_VALUE": "Observation value",
    "UNIT_MEASURE": "Unit of measure",
    "OBS_STATUS": "Observation status",
    "OBS_FLAGS": "Flags of the observation (';'-joined codes of CL_OBS_STATUS)",
    "LICENCE": "Licence of the observation's source",
}


class SdmxError(RuntimeError):
    pass


def _names(row: dict, base: str) -> dict[str, str]:
    return {lang: row[f"{base}_{lang}"] for lang in od.LANGUAGES if row.get(f"{base}_{lang}")}


def _codelist(cl_id: str, name: str, codes: list[v21.Code] | list[common.Code]) -> common.Codelist:
    codelist = common.Codelist(
        id=cl_id, version=VERSION, maintainer=common.Agency(id=AGENCY_ID), name={"en": name}, is_final=True
    )
    for code in codes:
        codelist.append(code)
    return codelist


def obs_status(flag_codes: pl.Series, legend: pl.DataFrame) -> pl.Series:
    """The one status code of each value: its first doubtful flag, else its first flag, else A (normal)."""
    doubtful = set(legend.filter(pl.col("kind") == "doubtful")["flag"])

    def status(codes: str) -> str:
        flags = [f for f in codes.split(";") if f]
        return next((f for f in flags if f in doubtful), flags[0] if flags else NORMAL_STATUS)

    mapping = {c: status(c) for c in flag_codes.fill_null("").unique()}
    return flag_codes.fill_null("").replace_strict(mapping, return_dtype=pl.String)


def build_structure(con: duckdb.DuckDBPyConnection) -> message.StructureMessage:
    """The DSD, its concept scheme, codelists and the dataflow, from the snapshot's catalogue."""
    catalogue = con.execute(od.CATALOGUE_SQL, [None, None]).pl()
    geographies = con.execute("SELECT geo_id, name_ru, name_en, name_kk FROM geographies ORDER BY geo_id").pl()
    units = con.execute("SELECT unit, label_ru, label_en, label_kk FROM units ORDER BY unit").pl()
    legend = con.execute(od.FLAGS_SQL).pl()
    # One code per licence identifier, named by its shortest text ("No licence stated" for none-stated): several
    # texts share an identifier, and the name must not depend on the order a query happens to return them in.
    licences = con.execute(
        "SELECT DISTINCT licence_id, licence FROM licences ORDER BY licence_id, length(licence), licence"
    ).pl()
    m49 = dict(read_seed("m49.csv").select("geo_id", "m49").iter_rows())

    indicators = [
        common.Code(id=r["indicator_id"], name=_names(r, "name"), description=_names(r, "definition"))
        for r in catalogue.to_dicts()
    ]
    areas = []
    for r in geographies.to_dicts():
        code = common.Code(id=r["geo_id"], name=_names(r, "name"))
        if r["geo_id"] in m49:
            code.annotations.append(v21.Annotation(id="UN_M49", type="UN_M49", text={"en": m49[r["geo_id"]]}))
        areas.append(code)
    unit_codes = [common.Code(id=r["unit"], name=_names(r, "label")) for r in units.to_dicts()]
    statuses = [
        common.Code(id=NORMAL_STATUS, name={"en": "Normal value", "ru": "Обычное значение", "kk": "Қалыпты мән"})
    ]
    statuses += [
        common.Code(id=r["flag"], name=_names(r, "label"), description={"en": r["meaning_en"]})
        for r in legend.to_dicts()
    ]
    seen: set[str] = set()
    licence_codes = []
    for r in licences.to_dicts():
        if r["licence_id"] not in seen:
            seen.add(r["licence_id"])
            licence_codes.append(common.Code(id=r["licence_id"], name={"en": r["licence"]}))
    codelists = {
        "CL_INDICATOR": _codelist("CL_INDICATOR", "CAEI indicators", indicators),
        "CL_AREA": _codelist("CL_AREA", "Reference areas: ISO 3166 alpha-3 and CAEI regions", areas),
        "CL_UNIT": _codelist("CL_UNIT", "Units of measure", unit_codes),
        "CL_OBS_STATUS": _codelist("CL_OBS_STATUS", "Observation status: CAEI flags", statuses),
        "CL_LICENCE": _codelist("CL_LICENCE", "Licences of the sources", licence_codes),
    }
    scheme = common.ConceptScheme(
        id="CS_CAEI",
        version=VERSION,
        maintainer=common.Agency(id=AGENCY_ID),
        name={"en": "CAEI concepts"},
        is_final=True,
    )
    for concept_id, name in CONCEPTS.items():
        scheme.append(common.Concept(id=concept_id, name={"en": name}))

    def represented(cl_id: str | None) -> common.Representation:
        return common.Representation(enumerated=codelists[cl_id]) if cl_id else common.Representation()

    dsd = v21.DataStructureDefinition(
        id=DSD_ID,
        version=VERSION,
        maintainer=common.Agency(id=AGENCY_ID),
        name={"en": "CAEI indicator values"},
        is_final=True,
    )
    for order, (dim_id, cl_id) in enumerate((("INDICATOR", "CL_INDICATOR"), ("REF_AREA", "CL_AREA")), start=1):
        dsd.dimensions.append(
            common.Dimension(
                id=dim_id, order=order, concept_identity=scheme[dim_id], local_representation=represented(cl_id)
            )
        )
    dsd.dimensions.append(common.TimeDimension(id="TIME_PERIOD", order=3, concept_identity=scheme["TIME_PERIOD"]))
    measure = v21.PrimaryMeasure(id="OBS_VALUE", concept_identity=scheme["OBS_VALUE"])
    dsd.measures.append(measure)
    attributes: tuple[tuple[str, str | None], ...] = (
        ("UNIT_MEASURE", "CL_UNIT"),
        ("OBS_STATUS", "CL_OBS_STATUS"),
        ("OBS_FLAGS", None),
        ("LICENCE", "CL_LICENCE"),
    )
    for attr_id, attr_cl in attributes:
        dsd.attributes.append(
            common.DataAttribute(
                id=attr_id,
                concept_identity=scheme[attr_id],
                local_representation=represented(attr_cl),
                related_to=v21.PrimaryMeasureRelationship(),
                usage_status=common.UsageStatus.mandatory if attr_id != "OBS_FLAGS" else common.UsageStatus.conditional,
            )
        )
    dataflow = v21.DataflowDefinition(
        id=DATAFLOW_ID,
        version=VERSION,
        maintainer=common.Agency(id=AGENCY_ID),
        structure=dsd,
        name={"en": "Central Asia Environmental Indicators"},
        is_final=True,
    )
    return message.StructureMessage(
        codelist=codelists,
        concept_scheme={scheme.id: scheme},
        structure={dsd.id: dsd},
        dataflow={dataflow.id: dataflow},
    )


def observations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every indicator value as an SDMX observation row (dimensions, value, attributes)."""
    values = con.execute(od.VALUES_SQL, od.values_params(None, None, None, None)).pl()
    legend = con.execute(od.FLAGS_SQL).pl()
    return values.select(
        pl.col("indicator_id").alias("INDICATOR"),
        pl.col("geo_id").alias("REF_AREA"),
        pl.col("year").cast(pl.String).alias("TIME_PERIOD"),
        pl.col("value").alias("OBS_VALUE"),
        pl.col("unit").alias("UNIT_MEASURE"),
        obs_status(values["flag_codes"], legend).alias("OBS_STATUS"),
        pl.col("flag_codes").alias("OBS_FLAGS"),
        pl.col("licence_id").alias("LICENCE"),
    )


def build_data(structure: message.StructureMessage, obs: pl.DataFrame) -> message.DataMessage:
    dsd = structure.structure[DSD_ID]
    dataflow = structure.dataflow[DATAFLOW_ID]
    measure = dsd.measures[0]
    data_set = v21.StructureSpecificDataSet(structured_by=dsd, described_by=dataflow)
    for (indicator, area), rows in obs.group_by(["INDICATOR", "REF_AREA"], maintain_order=True):
        key = dsd.make_key(common.SeriesKey, {"INDICATOR": indicator, "REF_AREA": area})
        series = []
        for row in rows.iter_rows(named=True):
            attached = {
                a: common.AttributeValue(value=row[a], value_for=dsd.attributes.get(a)) for a in ATTRIBUTES if row[a]
            }
            series.append(
                v21.Observation(
                    dimension=dsd.make_key(common.Key, {"TIME_PERIOD": row["TIME_PERIOD"]}, extend=True),
                    value=row["OBS_VALUE"],
                    value_for=measure,
                    attached_attribute=attached,
                )
            )
        data_set.add_obs(series, key)
    return message.DataMessage(
        data=[data_set], dataflow=dataflow, observation_dimension=dsd.dimensions.get("TIME_PERIOD")
    )


def sdmx_csv(obs: pl.DataFrame) -> pl.DataFrame:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, then the dimensions, the value and the attributes."""
    return obs.select(
        pl.lit("dataflow").alias("STRUCTURE"),
        pl.lit(f"{AGENCY_ID}:{DATAFLOW_ID}({VERSION})").alias("STRUCTURE_ID"),
        pl.lit("I").alias("ACTION"),
        *obs.columns,
    )


def write_sdmx_export(con: duckdb.DuckDBPyConnection, fmt: str, lang: str, out: Path) -> list[Path]:
    """The exports registry's writer (every language is inside the structure, so `lang` changes nothing)."""
    return write_sdmx(con, fmt, out)


def _header(con: duckdb.DuckDBPyConnection) -> message.Header:
    snapshot_id, created_at = con.execute(od.SNAPSHOT_SQL).fetchone() or ("none", None)
    # The message is the snapshot's: its id and time, so the same snapshot always gives the same files.
    return message.Header(id=f"CAEI-{snapshot_id}", prepared=created_at, sender=common.Agency(id=AGENCY_ID), test=False)


def write_sdmx(con: duckdb.DuckDBPyConnection, fmt: str, out: Path) -> list[Path]:
    """Write the data (SDMX-ML or SDMX-CSV) at `out` and the structure beside it; returns both paths."""
    if fmt not in ("xml", "csv"):
        raise SdmxError(f"SDMX is written as xml or csv, not {fmt!r}")
    structure = build_structure(con)
    structure.header = _header(con)
    obs = observations(con)
    structure_path = out.with_name(f"{out.stem}.structure.xml")
    structure_path.write_bytes(sdmx.to_xml(structure, pretty_print=True))
    if fmt == "xml":
        data = build_data(structure, obs)
        data.header = _header(con)
        out.write_bytes(sdmx.to_xml(data, pretty_print=True))
    else:
        sdmx_csv(obs).write_csv(out)
    return [out, structure_path]
