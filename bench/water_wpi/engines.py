"""One engine per process: the WPI per site and month, from the same Parquet input.

WPI = (DO ratio + BOD5 ratio + the four highest other ratios) / 6, where a ratio is the monthly mean
concentration / limit (limit / mean for dissolved oxygen); only site-months with DO, BOD5 and at least
four other parameters get a value. Prints one line: engine, seconds, peak RSS (MiB), rows out.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def run_polars(src: Path, out: Path) -> int:
    import polars as pl

    monthly = (pl.scan_parquet(src / "measurements.parquet").group_by("site", "month", "parameter")
               .agg(mean=pl.col("value").mean()))
    rated = monthly.join(pl.scan_parquet(src / "norms.parquet"), on="parameter").with_columns(
        ratio=pl.when(pl.col("role") == "do").then(pl.col("limit") / pl.col("mean")).otherwise(pl.col("mean") / pl.col("limit")))
    other = pl.col("role") == "other"
    # One aggregation per site-month: the mandatory ratios, and the sum of the four highest other ratios.
    wpi = rated.group_by("site", "month").agg(
        mandatory=pl.col("ratio").filter(~other).sum(),
        top_other=pl.col("ratio").filter(other).top_k(4).sum(),
        n_do=(pl.col("role") == "do").sum(), n_bod=(pl.col("role") == "bod").sum(), n_other=other.sum(),
    ).filter((pl.col("n_do") == 1) & (pl.col("n_bod") == 1) & (pl.col("n_other") >= 4)).select(
        "site", "month", wpi=(pl.col("mandatory") + pl.col("top_other")) / 6)
    result = wpi.collect(engine="streaming")
    result.write_parquet(out)
    return result.height


def run_duckdb(src: Path, out: Path) -> int:
    import duckdb
    import pyarrow.parquet as pq

    con = duckdb.connect()
    table = con.execute("""
        WITH monthly AS (
          SELECT site, month, parameter, avg(value) AS mean FROM read_parquet(?) GROUP BY ALL),
        rated AS (
          SELECT m.site, m.month, n.role,
                 CASE WHEN n.role = 'do' THEN n."limit" / m.mean ELSE m.mean / n."limit" END AS ratio
          FROM monthly m JOIN read_parquet(?) n USING (parameter)),
        ranked AS (
          SELECT *, CASE WHEN role = 'other'
                    THEN row_number() OVER (PARTITION BY site, month, role ORDER BY ratio DESC) ELSE 0 END AS rnk
          FROM rated)
        SELECT site, month, sum(ratio) / 6 AS wpi FROM ranked WHERE rnk <= 4
        GROUP BY site, month
        HAVING count(*) FILTER (WHERE role = 'do') = 1 AND count(*) FILTER (WHERE role = 'bod') = 1
           AND count(*) FILTER (WHERE role = 'other') = 4
    """, [str(src / "measurements.parquet"), str(src / "norms.parquet")]).fetch_arrow_table()
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
    is_do = rated["role"] == "do"
    rated.loc[is_do, "ratio"] = rated.loc[is_do, "limit"] / rated.loc[is_do, "mean"]
    others = rated[rated["role"] == "other"].sort_values("ratio", ascending=False).groupby(["site", "month"], sort=False).head(4)
    chosen = pd.concat([rated[rated["role"] != "other"], others])
    flags = chosen.assign(do=chosen["role"] == "do", bod=chosen["role"] == "bod", other=chosen["role"] == "other")
    agg = flags.groupby(["site", "month"]).agg(total=("ratio", "sum"), do=("do", "sum"), bod=("bod", "sum"),
                                                other=("other", "sum"))
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
    start = time.perf_counter()
    n = ENGINES[args.engine](args.src, args.out)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.engine} {seconds:.3f} {peak_mib:.0f} {n}")
    sys.exit(0)
