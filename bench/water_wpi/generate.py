"""Generate measurement tables FOR SCALE ONLY (random numbers, never shown or published as data).

measurements.parquet: site (int32), month (int16, 0-23), parameter (int16), value (float64, mg/l),
                      ordered by site and month as lab results arrive
norms.parquet:        parameter (int16), limit (float64), wpi_role ('mandatory_inverse', 'mandatory', null)
The norms are placeholders of the right magnitude for the arithmetic, not a norm table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

N_PARAMETERS = 12  # parameter 0 = dissolved oxygen, 1 = BOD5, 2.. = others
N_MONTHS = 24
ROWS_PER_SITE = 2_000


def generate(rows: int, out: Path, seed: int = 7) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_sites = max(1, rows // ROWS_PER_SITE)
    chunk = 5_000_000
    writer_parts = []
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        writer_parts.append(
            pl.DataFrame(
                {
                    "site": rng.integers(0, n_sites, n, dtype=np.int32),
                    "month": rng.integers(0, N_MONTHS, n, dtype=np.int16),
                    "parameter": rng.integers(0, N_PARAMETERS, n, dtype=np.int16),
                    "value": rng.lognormal(mean=-1.0, sigma=1.0, size=n),
                }
            )
        )
    # In the order lab results arrive: per site and month (the parameters of a month stay interleaved).
    pl.concat(writer_parts).sort("site", "month", maintain_order=True).write_parquet(
        out / "measurements.parquet", row_group_size=1_000_000
    )
    pl.DataFrame(
        {
            "parameter": np.arange(N_PARAMETERS, dtype=np.int16),
            "limit": [6.0, 2.0] + [float(x) for x in rng.uniform(0.05, 1.0, N_PARAMETERS - 2)],
            # The product's roles (seeds/water_parameters.csv): dissolved oxygen, BOD5, then null for the others.
            "wpi_role": ["mandatory_inverse", "mandatory"] + [None] * (N_PARAMETERS - 2),
        },
        schema_overrides={"wpi_role": pl.String},
    ).write_parquet(out / "norms.parquet")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    generate(args.rows, args.out)
