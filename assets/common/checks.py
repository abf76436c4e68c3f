"""A check's outcome, as pure functions return it, and as Dagster shows it.

ERROR outcomes block publishing; WARN outcomes are published as flags on the values they concern.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster import AssetCheckResult, AssetCheckSeverity


@dataclass(frozen=True)
class CheckOutcome:
    check_name: str
    severity: str  # "ERROR" blocks publishing, "WARN" becomes a flag
    passed: bool
    description: str
    n_failed: int = 0

    def as_row(self, asset: str) -> dict:
        return {
            "check_name": self.check_name,
            "asset": asset,
            "severity": self.severity,
            "passed": self.passed,
            "description": self.description,
            "n_failed": self.n_failed,
        }


def check_result(outcome: CheckOutcome) -> AssetCheckResult:
    """The outcome as a Dagster asset check result (description cut to what the UI shows)."""
    return AssetCheckResult(
        passed=outcome.passed,
        severity=AssetCheckSeverity.ERROR if outcome.severity == "ERROR" else AssetCheckSeverity.WARN,
        description=outcome.description[:2000],
        metadata={"n_failed": outcome.n_failed},
    )
