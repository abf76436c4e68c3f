"""Snapshot size, publish time and dashboard reads as the row count grows, measured in one run.

    .venv/bin/python bench/snapshot_scale.py [--home CAEI_HOME] [--factors 1,10,30]

Without --home a snapshot is materialised from ../shared/data (or $CAEI_MIRROR) into a temporary CAEI_HOME.
The two largest tables of the real snapshot (air_observations, indicator_values) are repeated k times with the
place ids suffixed (`KAZ~2`, `almaty~2`: more places, as when stations or countries are added), every other
table as published. This is a load shape for timing only: the copies are written to a temporary folder and never
published where the product reads. For each k:
- publish: assets.published.snapshots.publish() of all tables into a new snapshot file (the pipeline's last step)
- size: the snapshot file
- reads: the dashboard's heaviest reads with an empty cache (dashboard/data.py, air_data.py), on the real ids
- pages: the overview and the air page rendered cold through the Dash-pages routing callback (in-process)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, machine_line, markdown_table, published_home, snapshot_file  # noqa: E402

GROWN = {"air_observations": "city_id", "indicator_values": "geo_id"}


def load_tables(path: Path) -> dict[str, pl.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}"').pl() for n in names if n != "snapshot_info"}


def grown(tables: dict[str, pl.DataFrame], factor: int) -> dict[str, pl.DataFrame]:
    out = dict(tables)
    for name, id_column in GROWN.items():
        frame = tables[name]
        copies = [frame] + [frame.with_columns(pl.col(id_column) + f"~{k}") for k in range(2, factor + 1)]
        out[name] = pl.concat(copies)
    return out


def cold_reads(published: Path) -> dict[str, float]:
    from dashboard import air_data, data
    from dashboard.pages.air.city import DEFAULT_SERIES
    from dashboard.queries import indicators, reference

    def run(func) -> float:
        data._cached_query.cache_clear()
        start = time.perf_counter()
        func()
        return time.perf_counter() - start

    snap = data.open_current_snapshot(published)
    countries = reference.central_asia_iso3(snap)
    reads = {
        "country_profile_values(KAZ)": lambda: indicators.country_profile_values(snap, "KAZ"),
        "indicator_value_status": lambda: indicators.indicator_value_status(snap),
        "indicators_with_country_values": lambda: indicators.indicators_with_country_values(snap, countries),
        "air daily (default city)": lambda: air_data.daily(snap, *DEFAULT_SERIES),
    }
    return {name: statistics.median(run(f) for _ in range(3)) for name, f in reads.items()}


def cold_pages(published: Path) -> dict[str, float]:
    import dashboard_callbacks as dc

    from dashboard import data
    from dashboard.app import create_app

    app = create_app(published)
    client = app.server.test_client()
    client.get("/_dash-layout")  # registers the routing callback
    times = {}
    for path in ("/", "/air"):
        samples = []
        for _ in range(2):
            data._cached_query.cache_clear()
            app.server.extensions["caei_answers"].clear()  # a cold render, not a cached answer
            start = time.perf_counter()
            response = client.post("/_dash-update-component", json=dc.router_body(path, "ru", []))
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        times[f"page {path}"] = min(samples)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", help="a CAEI_HOME holding a published snapshot (default: materialise one)")
    parser.add_argument("--factors", default="1,10,30")
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]

    from assets.published.snapshots import publish

    started = time.perf_counter()
    rows = []
    with published_home(args.home) as published:
        tables = load_tables(snapshot_file(published))
        cold_reads(published)  # imports and first connection outside the clock
        for factor in factors:
            frames = grown(tables, factor)
            n_rows = sum(f.height for f in frames.values())
            with tempfile.TemporaryDirectory() as scratch:
                scratch_published = Path(scratch) / "published"
                start = time.perf_counter()
                publish(frames, scratch_published)
                publish_s = time.perf_counter() - start
                size = snapshot_file(scratch_published).stat().st_size
                reads = cold_reads(scratch_published)
                pages = cold_pages(scratch_published)
            del frames
            row = {"factor": factor, "rows": n_rows, "publish_s": publish_s, "size_mb": size / 1e6, **reads, **pages}
            rows.append(row)
            print(
                f"  ×{factor}: {n_rows:,} rows, publish {publish_s:.1f} s, {size / 1e6:.0f} MB, "
                + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in {**reads, **pages}.items()),
                flush=True,
            )

    keys = [k for k in rows[0] if k not in ("factor", "rows", "publish_s", "size_mb")]
    text = "\n".join(
        [
            f"Machine: {machine_line()}. air_observations and indicator_values repeated k times (more places); "
            "reads and pages with an empty query cache.",
            "",
            markdown_table(
                ["k", "rows (all tables)", "publish s", "snapshot MB", *[f"{k} ms" for k in keys]],
                [
                    [
                        r["factor"],
                        f"{r['rows']:,}",
                        f"{r['publish_s']:.1f}",
                        f"{r['size_mb']:.0f}",
                        *[f"{r[k] * 1000:.0f}" for k in keys],
                    ]
                    for r in rows
                ],
            ),
        ]
    )
    print()
    print(text)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "snapshot_scale.md").write_text(text + "\n", encoding="utf-8")
    (RESULTS_DIR / "snapshot_scale.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
