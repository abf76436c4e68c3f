"""Central Asia aggregates: published only where the countries covered hold enough of the five countries' people."""

from __future__ import annotations

MIN_POPULATION_COVERAGE = 0.8  # a regional figure only where covered countries hold >= 80 % of the population
