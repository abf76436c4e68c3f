"""Issue 13, the summit registry: budgets read digit by digit; unreadable forms block and impossible amounts are
quarantined, each with a reason naming the file and line; nothing silently emptied."""

from __future__ import annotations

import csv

import polars as pl
import pytest

from assets.common.settings import SEEDS_DIR
from assets.indicators.country import indicator_catalogue
from assets.indicators.summit import registry as summit_registry
from assets.indicators.summit.assets import registry_outcome
from assets.indicators.summit.budget import budget_ranges, read_budget
from assets.sources.catalogue import read_seed

SEED = SEEDS_DIR / "summit_initiatives.csv"

# line -> (budget as written, currency, expected check or None, words in the reason, published amount)
CASES = {
    2: ("1_000", "USD", "bad_budget", "'1_000' is not a number (digits are not grouped with '_'", None),
    3: ("١٢٥٠٠٠", "USD", None, None, 125000.0),  # Arabic-Indic digits: the same number
    4: ("１２５０００", "KZT", None, None, 125000.0),  # full-width digits
    5: ("٢٫٥", "EUR", None, None, 2.5),  # Arabic-Indic with the Arabic decimal separator
    6: ("1e39", "USD", "implausible_budget", "'1e39' USD is outside the plausible range 0-100,000,000,000 USD", None),
    7: ("1,5 млн", "USD", "bad_budget", "'1,5 млн' is not a number", None),
    8: ("-250000", "USD", "bad_budget", "'-250000' is not a non-negative amount", None),
    9: ("5000", "", "bad_budget", "budget_amount without budget_currency", None),
    10: ("5000", "XTS", "bad_budget", "budget_currency 'XTS' has no plausible range", None),
    11: ("1e400", "USD", "implausible_budget", "'1e400' USD is outside the plausible range", None),
    12: ("2500000", "USD", None, None, 2500000.0),
}


def write_registry(path) -> None:
    with open(SEED, newline="", encoding="utf-8") as f:
        base = next(csv.DictReader(f))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=summit_registry.REGISTRY_COLUMNS)
        writer.writeheader()
        for line, (amount, currency, *_rest) in CASES.items():
            writer.writerow(
                {**base, "initiative_id": f"RI-{line:03d}", "budget_amount": amount, "budget_currency": currency}
            )


def test_the_plausible_ranges_are_a_seed_with_reasons():
    seed = read_seed("summit_budget_ranges.csv")
    assert seed.height == len(budget_ranges()) and all(seed["reason"].str.len_chars() > 20)
    for currency, plausible in budget_ranges().items():
        assert 0 <= plausible.low < plausible.high, currency


def test_each_bad_budget_form_gets_its_outcome_and_reason(tmp_path):
    path = tmp_path / "initiatives_budgets.csv"
    write_registry(path)
    registry = summit_registry.read_registry_file(path)
    assert registry["line"].to_list() == list(CASES)
    problems = summit_registry.registry_problems(registry, set(indicator_catalogue()["indicator_id"]), path.name)
    found = {r["line"]: r for r in problems.iter_rows(named=True)}
    for line, (amount, _currency, check, words, _amount) in CASES.items():
        if check is None:
            assert line not in found, (line, amount)
            continue
        assert found[line]["check"] == check and words in found[line]["reason"], (line, found.get(line))
        assert found[line]["file"] == path.name and found[line]["initiative_id"] == f"RI-{line:03d}"

    # Unreadable forms block the file (the analysts fix it); the outcome names file, line and reason.
    blocking = registry_outcome(problems, "bad_budget")
    assert not blocking.passed and blocking.severity == "ERROR"
    assert "initiatives_budgets.csv line 2 (RI-002): budget_amount '1_000' is not a number" in blocking.description
    # Impossible amounts quarantine their row only (WARN: the rest may publish).
    quarantined = registry_outcome(problems, "implausible_budget")
    assert not quarantined.passed and quarantined.severity == "WARN" and quarantined.n_failed == 2
    assert "initiatives_budgets.csv line 6 (RI-006): budget_amount '1e39' USD" in quarantined.description
    assert "implausible_budget" in summit_registry.QUARANTINE_CHECKS
    assert "implausible_budget" not in summit_registry.REGISTRY_CHECKS


def test_the_published_registry_reads_the_digits_and_leaves_out_only_the_quarantined_rows(tmp_path):
    path = tmp_path / "initiatives_budgets.csv"
    write_registry(path)
    registry = summit_registry.read_registry_file(path)
    problems = summit_registry.registry_problems(registry, set(indicator_catalogue()["indicator_id"]), path.name)
    table = summit_registry.registry_table(registry, path.name, problems)
    published = dict(zip(table["initiative_id"], table["budget_amount"], strict=True))
    quarantined = {f"RI-{line:03d}" for line, case in CASES.items() if case[2] == "implausible_budget"}
    assert set(published) == {f"RI-{line:03d}" for line in CASES} - quarantined
    for line, (amount, _currency, check, _words, expected) in CASES.items():
        if check is None:  # read, never emptied
            assert published[f"RI-{line:03d}"] == pytest.approx(expected), amount
    assert table["budget_amount"].dtype == pl.Float64
    # Every budget left empty in the table is one the problems list names (nothing emptied without a word).
    emptied = set(table.filter(pl.col("budget_amount").is_null())["initiative_id"])
    assert emptied == {f"RI-{line:03d}" for line, case in CASES.items() if case[2] == "bad_budget"}
    assert emptied <= set(problems["initiative_id"])


def test_an_empty_budget_stays_unknown_without_a_problem():
    assert read_budget("", "") == (None, None, None) and read_budget(None, None) == (None, None, None)


def test_an_impossible_budget_in_the_inbox_quarantines_its_row_and_the_rest_publishes(tmp_path, shared_data_dir):
    """The registry entry point end to end: the run exits 0, the row is kept out with its reason, the rest (a budget
    in Arabic-Indic digits among them) is published."""
    from assets.published.snapshots import open_snapshot
    from tests.support.caei import run_caei

    home = tmp_path / "home"
    inbox = home / "inbox" / "summit"
    inbox.mkdir(parents=True)
    with open(SEED, newline="", encoding="utf-8") as f:
        base = list(csv.DictReader(f))
    rows = [
        *base,
        {**base[0], "initiative_id": "RI-901", "budget_amount": "1e39", "budget_currency": "USD"},
        {**base[0], "initiative_id": "RI-902", "budget_amount": "١٢٥٠٠٠", "budget_currency": "KZT"},
    ]
    with open(inbox / "initiatives.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=summit_registry.REGISTRY_COLUMNS)
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in summit_registry.REGISTRY_COLUMNS} for r in rows)
    done = run_caei(["materialize"], home, shared_data_dir)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    con = open_snapshot(home / "published")
    try:
        published = dict(con.execute("SELECT initiative_id, budget_amount FROM summit_initiatives").fetchall())
        problems = con.execute(
            'SELECT "check", file, line, initiative_id, reason FROM summit_registry_problems'
        ).fetchall()
    finally:
        con.close()
    assert "RI-901" not in published and published["RI-902"] == 125000.0
    assert set(published) == {r["initiative_id"] for r in base} | {"RI-902"}
    assert [p[:4] for p in problems] == [("implausible_budget", "initiatives.csv", len(base) + 2, "RI-901")]
    assert "'1e39' USD is outside the plausible range" in problems[0][4]
