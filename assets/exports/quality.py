"""The quality report: what the published snapshot's run flagged and kept out, by rule, with counts and examples.

Read generically from the snapshot's tables, so a rule added later shows up without a change here:
- every table with a flags column (`flags`, or `<something>_flags`): values per flag and table, the flag's kind
  (seeds/flags.csv, published as the `flags` table) and a few examples naming the series in words;
- the quarantine tables: rows kept out of the data, per reason, with the file and row of a few;
- the checks that raised a warning (a failed blocking check stops publishing, so none is ever published).

`caei quality`, `caei export --table quality` and the catalogue page all render `quality_report`. The words of
tables, kinds and reasons are in the exports catalogues (msgctxt quality_table, quality_kind, quality_reason,
quality_words); names of indicators, places and cities come from the snapshot in the language asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import duckdb
import polars as pl
from babel.numbers import format_decimal

from assets.common.flags import flag_table, flag_words
from assets.exports.headers import catalogue_words, context_words, localise_headers
from assets.indicators.air.rules import POLLUTANT_LABELS

FLAG_COLUMN = re.compile(r"^(?:.+_)?flags$")
QUARANTINES = ("water_quarantine", "air_quarantine", "funding_quarantine", "summit_registry_problems")
# Reference tables the examples take names from.
LOOKUPS = ("indicators", "geographies", "air_cities", "water_sites", "sources")
# id column -> (reference table, its key, the base of its name columns): the series named in words.
NAMED_IDS = {
    "indicator_id": ("indicators", "indicator_id", "name"),
    "city_id": ("air_cities", "city_id", "name"),
    "site_id": ("water_sites", "site_id", "site_name"),
    "geo_id": ("geographies", "geo_id", "name"),
    "recipient_geo": ("geographies", "geo_id", "name"),
    "source_id": ("sources", "source_id", "title"),
}
# Ids that name a series only when nothing else does (a source is not a series when a place or city is named).
SECONDARY_IDS = ("source_id",)
# Columns that name a series as they are (a pollutant's formula, a basin, a datum, a donor).
PLAIN_NAMES = ("pollutant", "basin", "datum", "donor")
# Of those, the ones whose codes have words in the exports catalogue (msgctxt quality_names).
WORDED_NAMES = ("basin", "datum")
TIMES = ("year", "date", "period")
EXAMPLES = 3
KINDS_ORDER = {"blocked": 0, "failed": 0, "doubtful": 1, "warning": 2, "info": 3}
SECTIONS_ORDER = {"quarantine": 0, "check": 1, "flag": 2}
REPORT_SCHEMA = {
    "section": pl.String,
    "kind": pl.String,
    "kind_words": pl.String,
    "table": pl.String,
    "table_words": pl.String,
    "rule": pl.String,
    "rule_words": pl.String,
    "count": pl.Int64,
    "examples": pl.String,
    "example_items": pl.List(pl.Struct({"local": pl.String, "published": pl.String, "detail": pl.String})),
}


def quality_inputs(query: Callable[[str], pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The snapshot's tables the report reads: those with a flags column, the quarantines, check_results, the
    flags legend and the reference tables that name series. `query` runs SQL on the snapshot (a connection's,
    or the dashboard's cached one)."""
    columns = query("SELECT table_name, column_name FROM information_schema.columns")
    present = set(columns["table_name"])
    flagged = set(columns.filter(pl.col("column_name").str.contains(FLAG_COLUMN.pattern))["table_name"])
    wanted = flagged | (present & {*QUARANTINES, *LOOKUPS, "check_results", "flags"})
    return {name: query(f'SELECT * FROM "{name}"') for name in sorted(wanted)}


def _name_column(frame: pl.DataFrame, base: str, lang: str) -> str | None:
    # English names may stand in the base column (a source's original title): read it for English first.
    for candidate in (f"{base}_{lang}", base if lang == "en" else "", f"{base}_ru", f"{base}_en", base):
        if candidate in frame.columns:
            return candidate
    return None


def series_names(tables: Mapping[str, pl.DataFrame], lang: str) -> dict[str, dict[str, str]]:
    """id column -> {id: its name in `lang`} from the reference tables present."""
    names: dict[str, dict[str, str]] = {}
    for column, (table, key, base) in NAMED_IDS.items():
        frame = tables.get(table)
        name = _name_column(frame, base, lang) if frame is not None and key in frame.columns else None
        if frame is not None and name is not None:
            names[column] = {k: v for k, v in frame.select(key, name).iter_rows() if k is not None and v}
    return names


def _named(column: str, names: Mapping[str, Mapping[str, str]]) -> pl.Expr:
    """An id column in words where the reference table names it, else as it is."""
    text = pl.col(column).cast(pl.String)
    return text.replace_strict(dict(names.get(column, {})), default=text, return_dtype=pl.String)


def series_parts(frame: pl.DataFrame, names: Mapping[str, Mapping[str, str]], lang: str) -> tuple[pl.Expr, pl.Expr]:
    """A row's series in two parts: the names in `lang` (indicator, place, city: `Алматы`) and the words kept as
    the source writes them (a donor, a pollutant, a basin, a source's title: `Germany`, `pm25`)."""
    ids = [c for c in NAMED_IDS if c in frame.columns and c not in SECONDARY_IDS]
    own = [c for c in (f"name_{lang}", f"region_{lang}", "name_ru", "region_ru") if c in frame.columns][:1]
    plain = [c for c in PLAIN_NAMES if c in frame.columns]
    secondary = [] if ids or own or plain else [c for c in SECONDARY_IDS if c in frame.columns]
    # codes with words in the catalogue (an Aral basin, a Caspian datum) read in the language
    worded = [c for c in plain if c in WORDED_NAMES]
    plain = [c for c in plain if c not in WORDED_NAMES]
    words = context_words("quality_names", lang)
    local = (
        [_named(c, names) for c in ids]
        + [pl.col(c).cast(pl.String) for c in own]
        + [pl.col(c).cast(pl.String).replace(words) for c in worded]
    )
    published = [
        pl.col(c).cast(pl.String).replace(POLLUTANT_LABELS) if c == "pollutant" else pl.col(c).cast(pl.String)
        for c in plain
    ] + [_named(c, names) for c in secondary]
    return _joined(local), _joined(published)


def _joined(parts: list[pl.Expr]) -> pl.Expr:
    return pl.concat_str(parts, separator=" · ", ignore_nulls=True).fill_null("") if parts else pl.lit("")


def _time(frame: pl.DataFrame) -> pl.Expr:
    column = next((c for c in TIMES if c in frame.columns), None)
    return pl.lit(None, pl.String) if column is None else pl.col(column).cast(pl.String)


EXAMPLE = pl.Struct({"local": pl.String, "published": pl.String, "detail": pl.String})
COUNTS_SCHEMA: dict[str, pl.DataType] = {"rule": pl.String(), "count": pl.Int64(), "example_items": pl.List(EXAMPLE)}


def flag_counts(
    table: str, frame: pl.DataFrame, column: str, names: Mapping[str, Mapping[str, str]], lang: str
) -> pl.DataFrame:
    """Per flag of one flags column: how many values carry it and the series that carry it most, with their
    count and years (columns rule, count, example_items)."""
    local, published = series_parts(frame, names, lang)
    rows = (
        frame.select(local=local, published=published, time=_time(frame), rule=pl.col(column).fill_null(""))
        .with_columns(pl.col("rule").str.split(";"))
        .explode("rule")
        .filter(pl.col("rule") != "")
    )
    if rows.is_empty():
        return pl.DataFrame(schema=COUNTS_SCHEMA)
    by_series = (
        rows.group_by("rule", "local", "published")
        .agg(n=pl.len(), first=pl.col("time").min(), last=pl.col("time").max())
        .with_columns(
            detail=pl.col("n").cast(pl.String)
            + pl.when(pl.col("first").is_null())
            .then(pl.lit(""))
            .when(pl.col("first") == pl.col("last"))
            .then(pl.lit(": ") + pl.col("first"))
            .otherwise(pl.lit(": ") + pl.col("first") + "–" + pl.col("last"))
        )
        .sort("rule", "n", "local", "published", descending=[False, True, False, False])
    )
    return by_series.group_by("rule", maintain_order=True).agg(
        count=pl.col("n").sum().cast(pl.Int64),
        example_items=pl.struct("local", "published", "detail").head(EXAMPLES),
    )


def quarantine_counts(frame: pl.DataFrame, names: Mapping[str, Mapping[str, str]], lang: str) -> pl.DataFrame:
    """Per reason of one quarantine table: the rows kept out, and the file (or source) and line of the first few."""
    if frame.is_empty() or "reason" not in frame.columns:
        return pl.DataFrame(schema=COUNTS_SCHEMA)
    file = next((c for c in ("file_name", "file", "source_id") if c in frame.columns), None)
    line = next((c for c in ("line", "source_row") if c in frame.columns), None)
    where = pl.lit("") if file is None else (_named(file, names) if file == "source_id" else pl.col(file))
    detail = (
        pl.lit("")
        if line is None
        else pl.lit(catalogue_words("quality_words", "line", lang) + " ") + pl.col(line).cast(pl.String)
    )
    return (
        frame.with_columns(
            rule=pl.col("reason").fill_null(""),
            local=pl.lit(""),
            published=where.cast(pl.String).fill_null(""),
            detail=detail.cast(pl.String).fill_null(""),
        )
        .group_by("rule", maintain_order=True)
        .agg(count=pl.len().cast(pl.Int64), example_items=pl.struct("local", "published", "detail").head(EXAMPLES))
    )


def example_text(item: Mapping[str, str | None]) -> str:
    """One example as text: `Алматы · pm25 (3317: 2017–2026)`, `source title (line 56)`."""
    name = " · ".join(p for p in (item.get("local"), item.get("published")) if p)
    detail = item.get("detail") or ""
    return f"{name} ({detail})" if name and detail else name or detail


def check_warnings(checks: pl.DataFrame) -> pl.DataFrame:
    """The checks of the snapshot that did not pass, with what they found."""
    failed = checks.filter(~pl.col("passed").fill_null(False))
    return failed.select(
        table=pl.col("asset").str.split("/").list.last(),
        rule=pl.col("check_name"),
        kind=pl.when(pl.col("severity") == "ERROR").then(pl.lit("failed")).otherwise(pl.lit("warning")),
        count=pl.col("n_failed").cast(pl.Int64),
        example_items=pl.concat_list(
            pl.struct(local=pl.lit(""), published=pl.col("description").str.slice(0, 300), detail=pl.lit(""))
        ),
    )


def quality_report(tables: Mapping[str, pl.DataFrame], lang: str) -> pl.DataFrame:
    """The report in `lang`, one row per (section, table, rule): kind, count and examples (REPORT_SCHEMA)."""
    legend = tables.get("flags")
    legend = flag_table() if legend is None or legend.is_empty() else legend
    kinds = dict(zip(legend["flag"], legend["kind"], strict=True))
    names = series_names(tables, lang)
    parts = []
    for table, frame in sorted(tables.items()):
        for column in [c for c in frame.columns if FLAG_COLUMN.match(c)]:
            counts = flag_counts(table, frame, column, names, lang)
            parts.append(
                counts.with_columns(
                    section=pl.lit("flag"),
                    table=pl.lit(table),
                    kind=pl.col("rule").replace_strict(kinds, default="doubtful", return_dtype=pl.String),
                )
            )
    for table in QUARANTINES:
        if table in tables:
            counts = quarantine_counts(tables[table], names, lang)
            parts.append(counts.with_columns(section=pl.lit("quarantine"), table=pl.lit(table), kind=pl.lit("blocked")))
    if "check_results" in tables:
        parts.append(check_warnings(tables["check_results"]).with_columns(section=pl.lit("check")))
    columns = ["section", "kind", "table", "rule", "count", "example_items"]
    empty = pl.DataFrame(schema={"section": pl.String(), "kind": pl.String(), "table": pl.String(), **COUNTS_SCHEMA})
    report = pl.concat([p.select(columns) for p in parts if not p.is_empty()] or [empty.select(columns)])
    report = report.cast({"count": pl.Int64, "section": pl.String, "kind": pl.String, "table": pl.String})
    return (
        report.with_columns(
            kind_words=pl.col("kind").map_elements(
                lambda k: catalogue_words("quality_kind", k, lang), return_dtype=pl.String
            ),
            table_words=pl.col("table").map_elements(
                lambda k: catalogue_words("quality_table", k, lang), return_dtype=pl.String
            ),
            rule_words=pl.struct("section", "rule").map_elements(
                lambda r: rule_words(r["section"], r["rule"], lang), return_dtype=pl.String
            ),
            examples=pl.col("example_items").map_elements(
                lambda items: "; ".join(example_text(i) for i in items), return_dtype=pl.String
            ),
        )
        .sort(
            pl.col("section").replace_strict(SECTIONS_ORDER, default=9),
            pl.col("kind").replace_strict(KINDS_ORDER, default=9),
            pl.col("count"),
            "table",
            "rule",
            descending=[False, False, True, False, False],
        )
        .select(list(REPORT_SCHEMA))
        .cast(REPORT_SCHEMA)  # type: ignore[arg-type]
    )


def rule_words(section: str, rule: str, lang: str) -> str:
    """A rule in words: a flag's label (seeds/flags.csv), a quarantine reason or a check's name from the
    catalogue, else the rule as it is written (nothing hidden)."""
    if section == "flag":
        return flag_words(rule, lang)
    return catalogue_words("quality_reason", rule, lang)


def report_from_snapshot(con: duckdb.DuckDBPyConnection, lang: str) -> pl.DataFrame:
    return quality_report(quality_inputs(lambda sql: con.execute(sql).pl()), lang)


def flag_legend(tables: Mapping[str, pl.DataFrame], lang: str) -> pl.DataFrame:
    """The flags legend in `lang`: code, kind in words, label, meaning (the snapshot's copy of seeds/flags.csv)."""
    legend = tables.get("flags")
    legend = flag_table() if legend is None or legend.is_empty() else legend
    return legend.select(
        "flag",
        "kind",
        kind_words=pl.col("kind").map_elements(lambda k: catalogue_words("quality_kind", k, lang), pl.String),
        label=pl.col(f"label_{lang}"),
        meaning_en="meaning_en",
    )


def export_quality(con: duckdb.DuckDBPyConnection, lang: str, year: int | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`caei export --table quality`: the report (all years: `year` does not apply), and the flags legend with the
    snapshot as its metadata."""
    tables = quality_inputs(lambda sql: con.execute(sql).pl())
    data = quality_report(tables, lang).select(
        pl.col("section").map_elements(lambda k: catalogue_words("quality_section", k, lang), pl.String),
        "kind_words",
        "table_words",
        "rule_words",
        "rule",
        "count",
        "examples",
    )  # example_items is the same as examples, in parts for the page
    snapshot_id = con.execute("SELECT snapshot_id FROM snapshot_info").fetchone()
    meta = (
        flag_legend(tables, lang).drop("kind").with_columns(snapshot_id=pl.lit(snapshot_id[0] if snapshot_id else None))
    )
    return localise_headers(data, "quality", lang), localise_headers(meta, "quality", lang)


def render_text(report: pl.DataFrame, lang: str, width: int = 120) -> str:
    """The report as plain text for a terminal: a block per section, a line per rule with its count, kind and
    table, then its examples indented below."""
    width = max(width, 60)  # a very narrow terminal still gets a readable start of each example
    lines: list[str] = []
    for section in SECTIONS_ORDER:
        rows = report.filter(pl.col("section") == section)
        lines.append(catalogue_words("quality_section", section, lang).upper())
        if rows.is_empty():
            lines.append("  –")
        for r in rows.iter_rows(named=True):
            count = format_decimal(r["count"] or 0, locale=lang)
            lines.append(f"  {count:>9}  {r['rule_words']}  [{r['kind_words']}; {r['table_words']}]")
            if r["examples"]:
                examples = r["examples"] if len(r["examples"]) <= width - 13 else r["examples"][: width - 14] + "…"
                lines.append(f"             {examples}")
        lines.append("")
    return "\n".join(lines)
