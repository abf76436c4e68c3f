"""Summit 2026 initiatives registry: the analysts' file (newest in the inbox, else the seed), read and checked.

An update replaces the whole registry; every problem is listed with its line, and a file with problems
is never published (the snapshot in service keeps the previous registry).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from assets.indicators.summit.budget import IMPLAUSIBLE_BUDGET, read_budget
from assets.staged.parsers import decode_office_text, office_delimiter, read_csv_text, require_columns

REGISTRY_COLUMNS = [
    "initiative_id",
    "title_ru",
    "title_en",
    "directions",
    "lead",
    "partners",
    "status",
    "start_date",
    "end_date",
    "budget_amount",
    "budget_currency",
    "funding_source",
    "indicator_ids",
    "last_update",
    "citation",
    "note",
]
STATUSES = {"proposed", "approved", "ongoing", "completed", "cancelled"}
VALID_DIRECTIONS = {str(d) for d in range(1, 9)}


def read_registry_file(path: Path) -> pl.DataFrame:
    """An initiatives file as strings, with its 1-based file line (header = line 1). Saved from Excel it may be
    UTF-8, UTF-16 or cp1251 text, separated by ',' or ';' (as the water inbox accepts)."""
    path = Path(path)
    text = decode_office_text(path.read_bytes(), path.name)
    header = text.splitlines()[0] if text.strip() else ""
    df = read_csv_text(path, text=text, separator=office_delimiter(header))
    require_columns(df, REGISTRY_COLUMNS, path)
    return df.select(REGISTRY_COLUMNS).with_columns(line=pl.int_range(2, df.height + 2, dtype=pl.Int64))


def _date_problem(value: str | None, column: str) -> str | None:
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    for fmt, pattern in (("%Y-%m-%d", r"\d{4}-\d{2}-\d{2}"), ("%Y-%m", r"\d{4}-\d{2}"), ("%Y", r"\d{4}")):
        if re.fullmatch(pattern, text):
            try:
                dt.datetime.strptime(text, fmt)
                return None
            except ValueError:
                return f"{column} {text!r} is not a real date"
    return f"{column} {text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"


PROBLEMS_SCHEMA = pl.Schema(
    {"check": pl.String, "file": pl.String, "line": pl.Int64, "initiative_id": pl.String, "reason": pl.String}
)


def registry_problems(
    registry: pl.DataFrame, known_indicators: set[str], file: str, today: dt.date | None = None
) -> pl.DataFrame:
    """Every problem of an initiatives file, one row each: check, line, initiative id and reason."""
    today = today or dt.date.today()
    problems = []
    if registry.is_empty():  # an update replaces the whole registry: an empty one would erase it
        reason = "the file has a header but no initiative; an update must list every initiative"
        problems.append(("empty_registry", file, 1, "", reason))
    lines_of: dict[str, list[int]] = {}
    for initiative_id, line in registry.select("initiative_id", "line").iter_rows():
        lines_of.setdefault(initiative_id, []).append(line)
    for row in registry.iter_rows(named=True):
        for check, reason in _row_problems(row, lines_of, known_indicators, today):
            problems.append((check, file, row["line"], row["initiative_id"] or "", reason))
    return pl.DataFrame(problems, schema=PROBLEMS_SCHEMA, orient="row")


def _row_problems(
    row: dict, lines_of: dict[str, list[int]], known_indicators: set[str], today: dt.date
) -> Iterator[tuple[str, str]]:
    """(check, reason) for each problem of one initiative."""
    if not (row["initiative_id"] or "").strip():
        yield "missing_id", "empty initiative_id"
    elif len(lines_of[row["initiative_id"]]) > 1:
        others = [r for r in lines_of[row["initiative_id"]] if r != row["line"]]
        yield "duplicate_id", f"initiative_id {row['initiative_id']!r} also on line(s) {others}"
    for d in _split(row["directions"]):
        if d not in VALID_DIRECTIONS:
            yield "unknown_direction", f"direction {d!r} is not one of the 8 summit directions (1-8)"
    for i in _split(row["indicator_ids"]):
        if i not in known_indicators:
            yield "unknown_indicator", f"indicator id {i!r} is not in the indicator catalogue"
    dates = {}
    for column in ("start_date", "end_date", "last_update"):
        problem = _date_problem(row[column], column)
        if problem:
            yield "bad_date", problem
        elif (row[column] or "").strip():
            dates[column] = row[column].strip()
    if "last_update" in dates and dates["last_update"] > today.isoformat()[: len(dates["last_update"])]:
        yield "bad_date", f"last_update {dates['last_update']} is in the future (today is {today})"
    if (
        "start_date" in dates
        and "end_date" in dates
        and dates["end_date"] < dates["start_date"][: len(dates["end_date"])]
    ):
        yield "bad_date", f"end_date {dates['end_date']} is before start_date {dates['start_date']}"
    status = (row["status"] or "").strip()
    if status and status not in STATUSES:
        yield "unknown_status", f"status {status!r} is not one of {sorted(STATUSES)} (empty = unknown)"
    budget = read_budget(row["budget_amount"], row["budget_currency"])
    if budget.check is not None and budget.reason is not None:
        yield budget.check, budget.reason


# Problems that quarantine their row (kept out of the published registry, listed with the reason) rather than
# block the file.
QUARANTINE_CHECKS = (IMPLAUSIBLE_BUDGET,)
# Problems that block the whole file.
REGISTRY_CHECKS = (
    "duplicate_id",
    "unknown_direction",
    "unknown_indicator",
    "bad_date",
    "missing_id",
    "unknown_status",
    "bad_budget",
    "empty_registry",
)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def choose_registry(
    seed_path: Path, inbox_dir: Path, known_indicators: set[str]
) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """The registry to publish: the newest file in the inbox when there is one, else the seed.

    Returns (registry, problems, file name). A file with problems is still returned with its problems: the
    blocking checks then stop publishing and the snapshot in service keeps the previous registry."""
    candidates = (
        sorted(Path(inbox_dir).glob("*.csv"), key=lambda p: (p.stat().st_mtime, p.name))
        if Path(inbox_dir).is_dir()
        else []
    )
    path = candidates[-1] if candidates else Path(seed_path)
    registry = read_registry_file(path)
    return registry, registry_problems(registry, known_indicators, path.name), path.name


def registry_table(registry: pl.DataFrame, file: str, problems: pl.DataFrame | None = None) -> pl.DataFrame:
    """The published registry: strings as in the file, the budget as a number read by `read_budget` (digits of
    any script); empty stays empty (= unknown). Rows with a quarantining problem are left out."""
    quarantined = (
        set(problems.filter(pl.col("check").is_in(QUARANTINE_CHECKS))["line"]) if problems is not None else set()
    )
    amounts = [
        read_budget(a, c).amount for a, c in zip(registry["budget_amount"], registry["budget_currency"], strict=True)
    ]
    return (
        registry.with_columns(budget_amount=pl.Series(amounts, dtype=pl.Float64), registry_file=pl.lit(file))
        .filter(~pl.col("line").is_in(sorted(quarantined)))
        .drop("line")
        .sort("initiative_id")
    )
