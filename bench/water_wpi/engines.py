"""One engine per process: the WPI per site and month, from the same Parquet input.

WPI = (DO ratio + BOD5 ratio + the four highest other ratios) / 6, where a ratio is the monthly mean
concentration / limit (limit / mean for dissolved oxygen); only site-months with DO, BOD5 and at least
four other parameters get a value. The parameters' roles use the product's vocabulary
(seeds/water_parameters.csv `wpi_role`: 'mandatory_inverse' = dissolved oxygen, 'mandatory' = BOD5,
null = the others). The polars engine runs the product's own functions (assets/indicators/water/wpi.py).
Prints one line: engine, wall seconds, CPU seconds (all threads), peak RSS (MiB), rows out.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_polars(src: Path, out: Path) -> int:
    import polars as pl

    from assets.indicators.water.wpi import wpi_of_groups, wpi_ratio

    # One Int64 key instead of three columns (hashing one integer is about twice as fast), exact for every
    # Int32 site and Int16 month and parameter, so no range check of the data is needed.
    packed = (
        pl.col("site").cast(pl.Int64) * 2**32
        + (pl.col("month").cast(pl.Int64) + 2**15) * 2**16
        + (pl.col("parameter").cast(pl.Int64) + 2**15)
    )
    monthly = pl.scan_parquet(src / "measurements.parquet").group_by(key=packed).agg(mean=pl.col("value").mean())
    rated = (
        monthly.select(
            site_month=pl.col("key") // 2**16,
            parameter=(pl.col("key") % 2**16 - 2**15).cast(pl.Int16),
            mean="mean",
        )
        .join(pl.scan_parquet(src / "norms.parquet"), on="parameter")
        .select("site_month", "wpi_role", ratio=wpi_ratio(pl.col("mean"), pl.col("limit"), pl.col("wpi_role")))
    )
    wpi = (
        wpi_of_groups(rated, ["site_month"])
        .filter(pl.col("wpi").is_not_null())
        .select(
            site=(pl.col("site_month") // 2**16).cast(pl.Int32),
            month=(pl.col("site_month") % 2**16 - 2**15).cast(pl.Int16),
            wpi="wpi",
        )
    )
    result = wpi.collect()
    result.write_parquet(out)
    return result.height


def run_duckdb(src: Path, out: Path) -> int:
    import duckdb
    import pyarrow.parquet as pq

    con = duckdb.connect()
    table = con.execute(
        """
        WITH monthly AS (
          SELECT site, month, parameter, avg(value) AS mean FROM read_parquet(?) GROUP BY ALL),
        rated AS (
          SELECT m.site, m.month, n.wpi_role,
                 CASE WHEN n.wpi_role = 'mandatory_inverse' THEN n."limit" / m.mean ELSE m.mean / n."limit" END AS ratio
          FROM monthly m JOIN read_parquet(?) n USING (parameter)),
        ranked AS (
          SELECT *, CASE WHEN wpi_role IS NULL
                    THEN row_number() OVER (PARTITION BY site, month, wpi_role ORDER BY ratio DESC) ELSE 0 END AS rnk
          FROM rated)
        SELECT site, month, sum(ratio) / 6 AS wpi FROM ranked WHERE rnk <= 4
        GROUP BY site, month
        HAVING count(*) FILTER (WHERE wpi_role = 'mandatory_inverse') = 1
           AND count(*) FILTER (WHERE wpi_role = 'mandatory') = 1
           AND count(*) FILTER (WHERE wpi_role IS NULL) = 4
    """,
        [str(src / "measurements.parquet"), str(src / "norms.parquet")],
    ).to_arrow_table()
    pq.write_table(table, out)
    return table.num_rows


def run_pandas(src: Path, out: Path) -> int:
    import pandas as pd

    m = pd.read_parquet(src / "measurements.parquet")
    norms = pd.read_parquet(src / "norms.parquet")
    monthly = m.groupby(["site", "month", "parameter"], sort=False)["value"].mean().rename("mean").reset_index()
    del m
    rated = monthly.merge(norms, on="parameter")
    rated["ratio"] = rated["mean"] / rated["limit"]
    is_do = rated["wpi_role"] == "mandatory_inverse"
    rated.loc[is_do, "ratio"] = rated.loc[is_do, "limit"] / rated.loc[is_do, "mean"]
    is_other = rated["wpi_role"].isna()
    others = rated[is_other].sort_values("ratio", ascending=False).groupby(["site", "month"], sort=False).head(4)
    chosen = pd.concat([rated[~is_other], others])
    flags = chosen.assign(
        do=chosen["wpi_role"] == "mandatory_inverse",
        bod=chosen["wpi_role"] == "mandatory",
        other=chosen["wpi_role"].isna(),
    )
    agg = flags.groupby(["site", "month"]).agg(
        total=("ratio", "sum"), do=("do", "sum"), bod=("bod", "sum"), other=("other", "sum")
    )
    agg = agg[(agg["do"] == 1) & (agg["bod"] == 1) & (agg["other"] == 4)]
    result = (agg["total"] / 6).rename("wpi").reset_index()
    result.to_parquet(out, index=False)
    return len(result)


ENGINES = {"polars": run_polars, "duckdb": run_duckdb, "pandas": run_pandas}

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("engine", choices=list(ENGINES))
    p.add_argument("--src", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    # Import the engine's library (and the product's module) before the clock starts: start-up is not computation.
    if args.engine == "polars":
        sys.path.insert(0, str(ROOT))
        import assets.indicators.water.wpi  # noqa: F401
    __import__({"polars": "polars", "duckdb": "duckdb", "pandas": "pandas"}[args.engine])
    if args.engine == "duckdb":
        import pyarrow.parquet  # noqa: F401
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    n = ENGINES[args.engine](args.src, args.out)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    print(f"{args.engine} {seconds:.3f} {cpu:.3f} {usage.ru_maxrss / 1024:.0f} {n}")
    sys.exit(0)
