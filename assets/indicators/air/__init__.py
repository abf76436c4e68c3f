"""Theme air: daily city air quality and Kazakhstan's regional emissions.

Flow: raw daily files -> parsers (assets/staged/air.py; every row kept, a row that cannot be used carries its
`problem`) -> daily observations (city, source, pollutant, date, value in µg/m³) + quarantine (file row and
reason) -> completeness per year / heating season / summer -> means only where completeness passes ->
winter/summer ratios, trends, rankings and days above each registered threshold.

Modules: rules (the numbers the page and exports also show), cities, daily, means, thresholds, emissions,
notes (pure polars), assets (Dagster).
"""
