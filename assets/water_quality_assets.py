"""Theme water_quality: the Dagster assets and checks around the pure functions of assets/water_quality.py."""
from __future__ import annotations

from assets.themes import Theme

THEME = Theme("water_quality")
