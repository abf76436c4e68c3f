"""Summit 2026: the Dagster assets and checks around the initiatives registry and the directions.

They sit in the Dagster group "funding", where the UI has always shown them, and the funding theme publishes them.
"""

from __future__ import annotations

import polars as pl
from dagster import AssetCheckResult, AssetIn, asset, asset_check

from assets.common.checks import CheckOutcome, check_result
from assets.common.keys import indicators_key as key
from assets.common.settings import SEEDS_DIR, Settings
from assets.common.tables import seed_copy, table_asset
from assets.indicators.country import indicator_catalogue
from assets.indicators.summit import registry
from assets.indicators.summit.directions import direction_indicators

GROUP = "funding"
REGISTRY_SEED = SEEDS_DIR / "summit_initiatives.csv"


def _chosen_registry(settings: Settings) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    known_indicators = set(indicator_catalogue()["indicator_id"])
    return registry.choose_registry(REGISTRY_SEED, settings.inbox_dir / "summit", known_indicators)


@asset(
    key=key("summit_registry_problems"),
    group_name=GROUP,
    required_resource_keys={"settings"},
    metadata={"warehouse_schema": "registry"},
    description="Problems of the initiatives file in use (newest in CAEI_HOME/inbox/summit/, else the seed).",
)
def summit_registry_problems(context) -> pl.DataFrame:
    _, problems, _ = _chosen_registry(context.resources.settings)
    return problems


@asset(
    key=key("summit_initiatives"),
    group_name=GROUP,
    required_resource_keys={"settings"},
    metadata={"warehouse_schema": "registry"},
    description="Summit 2026 initiatives registry; an updated file in CAEI_HOME/inbox/summit/ replaces the seed "
    "once it passes the registry checks (until then the published snapshot keeps the previous one).",
)
def summit_initiatives(context) -> pl.DataFrame:
    chosen, problems, file = _chosen_registry(context.resources.settings)
    table = registry.registry_table(chosen, file, problems)
    context.add_output_metadata(
        {
            "file": file,
            "initiatives": table.height,
            "problems": problems.height,
            "quarantined": chosen.height - table.height,
        }
    )
    return table


def registry_outcome(problems: pl.DataFrame, check_name: str) -> CheckOutcome:
    """A blocking check fails as ERROR; a quarantining one (its rows left out, the rest published) as WARN."""
    mine = problems.filter(pl.col("check") == check_name)
    desc = (
        f"no {check_name.replace('_', ' ')}"
        if mine.is_empty()
        else "; ".join(
            f"{r['file']} line {r['line']} ({r['initiative_id'] or 'no id'}): {r['reason']}"
            for r in mine.iter_rows(named=True)
        )
    )
    severity = "WARN" if check_name in registry.QUARANTINE_CHECKS else "ERROR"
    return CheckOutcome(f"registry_{check_name}", severity, mine.is_empty(), desc, mine.height)


def _registry_check(check_name: str):
    blocking = check_name not in registry.QUARANTINE_CHECKS
    effect = "blocks publishing" if blocking else "the row is quarantined"

    @asset_check(
        asset=key("summit_initiatives"),
        name=f"registry_{check_name}",
        blocking=blocking,
        additional_ins={"problems": AssetIn(key=key("summit_registry_problems"))},
        description=f"Initiatives registry: {check_name.replace('_', ' ')} ({effect})",
    )
    def _check(summit_initiatives: pl.DataFrame, problems: pl.DataFrame) -> AssetCheckResult:
        return check_result(registry_outcome(problems, check_name))

    return _check


def publish_checks(tables: dict[str, pl.DataFrame]) -> list[tuple[CheckOutcome, str]]:
    """Run again before publishing: a registry problem keeps the snapshot in service unchanged."""
    problems = tables["summit_registry_problems"]
    checks = (*registry.REGISTRY_CHECKS, *registry.QUARANTINE_CHECKS)
    return [(registry_outcome(problems, c), "indicators/summit_initiatives") for c in checks]


summit_direction_indicators = table_asset(
    key("summit_direction_indicators"),
    GROUP,
    "The 8 summit directions x their catalogue indicators (seeds/indicators.csv `directions`).",
    lambda: direction_indicators(indicator_catalogue()),
)
summit_consultations = seed_copy(
    key("summit_consultations"),
    GROUP,
    "The 2025 consultations timeline of RES 2026 (seeds/summit_consultations.csv, cited).",
)
summit_facts = seed_copy(
    key("summit_facts"),
    GROUP,
    "Summit dates, place, aims, programme areas, expected outcomes and partners (seeds/summit_facts.csv).",
)


ASSETS = [summit_registry_problems, summit_initiatives, summit_direction_indicators, summit_consultations, summit_facts]
CHECKS = [_registry_check(c) for c in (*registry.REGISTRY_CHECKS, *registry.QUARANTINE_CHECKS)]
PUBLISHED = [
    "summit_registry_problems",
    "summit_initiatives",
    "summit_direction_indicators",
    "summit_consultations",
    "summit_facts",
]
