"""The air rules that the pipeline, the /air page and the exports all state.

The completeness rule: a period's mean is published only when at least COMPLETE_SHARE of its calendar
days have a valid day of data; otherwise the period is shown as incomplete, never as a number.
"""

from __future__ import annotations

UNIT = "ug_m3"  # every concentration in these sources is published in µg/m³; no conversion is needed
COMPLETE_SHARE = 0.75  # a period needs valid data on >= 75 % of its days for a mean
MIN_VALID_HOURS = 18  # an hourly-based day counts with >= 18 valid hours (75 % of 24)
MIN_TREND_YEARS = 3  # a trend needs at least three complete annual means

AIRDATA_SOURCES = ("airdata_kz_main_cities", "airdata_kz_other_pm25", "airdata_kz_other_pm10", "airdata_kz_other_no2")
POLLUTANT_LABELS = {"pm25": "PM2.5", "pm10": "PM10", "no2": "NO₂", "so2": "SO₂"}
