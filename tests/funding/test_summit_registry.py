"""The initiatives registry: the seed holds only what seed 003 states, and each check names the bad row."""

from __future__ import annotations

import csv

import pytest

from assets.common.settings import SEEDS_DIR
from assets.indicators.country import indicator_catalogue
from assets.indicators.summit import registry as summit_registry
from tests.support.caei import run_caei

SEED = SEEDS_DIR / "summit_initiatives.csv"


def known() -> set[str]:
    return set(indicator_catalogue()["indicator_id"])


def write_registry(path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=summit_registry.REGISTRY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in summit_registry.REGISTRY_COLUMNS})


def seed_rows() -> list[dict]:
    with open(SEED, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_seed_passes_every_check_and_invents_nothing():
    registry = summit_registry.read_registry_file(SEED)
    assert summit_registry.registry_problems(registry, known(), SEED.name).is_empty()
    rows = seed_rows()
    assert all(r["citation"].startswith("seed-docs/003_") for r in rows)
    # The bulletin names no lead, budget, dates or indicators for these initiatives: they stay empty (= unknown).
    for column in (
        "lead",
        "budget_amount",
        "budget_currency",
        "funding_source",
        "start_date",
        "end_date",
        "indicator_ids",
    ):
        assert {r[column] for r in rows} == {""}, column


def test_each_registry_check_names_the_file_line_and_reason(tmp_path):
    base = seed_rows()
    rows = [
        base[0],
        {**base[1], "initiative_id": base[0]["initiative_id"]},  # line 3: duplicate id
        {**base[2], "directions": "5;9"},  # line 4: unknown direction
        {**base[3], "indicator_ids": "pm25_exposure;air_magic"},  # line 5: unknown indicator
        {**base[3], "initiative_id": "RI-900", "start_date": "2026-02-30", "end_date": "2026-13"},  # line 6: bad dates
    ]
    path = tmp_path / "initiatives_update.csv"
    write_registry(path, rows)
    problems = summit_registry.registry_problems(summit_registry.read_registry_file(path), known(), path.name)
    found = {(r["check"], r["line"]) for r in problems.iter_rows(named=True)}
    assert {
        ("duplicate_id", 2),
        ("duplicate_id", 3),
        ("unknown_direction", 4),
        ("unknown_indicator", 5),
        ("bad_date", 6),
    } <= found
    reasons = " | ".join(problems["reason"])
    assert "'9' is not one of the 8 summit directions" in reasons
    assert "'air_magic' is not in the indicator catalogue" in reasons
    assert (
        "start_date '2026-02-30' is not a real date" in reasons and "end_date '2026-13' is not a real date" in reasons
    )
    from assets.indicators.summit.assets import registry_outcome

    outcome = registry_outcome(problems, "unknown_direction")
    assert not outcome.passed and outcome.severity == "ERROR"
    assert outcome.description.startswith("initiatives_update.csv line 4 (RI-003):")


def test_end_before_start_is_a_bad_date(tmp_path):
    path = tmp_path / "x.csv"
    write_registry(path, [{**seed_rows()[0], "start_date": "2027-01-01", "end_date": "2026-06"}])
    problems = summit_registry.registry_problems(summit_registry.read_registry_file(path), known(), path.name)
    assert problems.select("check", "line").rows() == [("bad_date", 2)]


@pytest.mark.timeout(1200)  # two materialisations: minutes each on a busy machine
def test_an_inbox_file_replaces_the_seed_only_after_validation(tmp_path, shared_data_dir):
    """A bad file blocks publishing (nothing is published from it); a good one is published in its place."""
    home = tmp_path / "home"
    inbox = home / "inbox" / "summit"
    inbox.mkdir(parents=True)
    base = seed_rows()
    write_registry(inbox / "initiatives.csv", [*base, {**base[0], "initiative_id": "RI-005", "directions": "12"}])
    blocked = run_caei(["materialize"], home, shared_data_dir)
    assert blocked.returncode != 0
    assert "line 6 (RI-005): direction '12' is not one of the 8 summit directions" in blocked.stdout + blocked.stderr
    assert not (home / "published" / "CURRENT").exists()

    write_registry(
        inbox / "initiatives.csv",
        [
            *base,
            {
                **base[0],
                "initiative_id": "RI-005",
                "directions": "4",
                "status": "approved",
                "last_update": "2026-11-01",
            },
        ],
    )
    done = run_caei(["materialize"], home, shared_data_dir)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    from assets.published.snapshots import open_snapshot

    con = open_snapshot(home / "published")
    try:
        published = con.execute(
            "SELECT initiative_id, directions, status, registry_file FROM summit_initiatives ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert [r[0] for r in published] == ["RI-001", "RI-002", "RI-003", "RI-004", "RI-005"]
    assert published[-1] == ("RI-005", "4", "approved", "initiatives.csv")
