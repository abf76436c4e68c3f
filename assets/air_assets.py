"""Theme air: the Dagster assets and checks around the pure functions of assets/air.py."""
from __future__ import annotations

from assets.themes import Theme

THEME = Theme("air")
