"""SQL over the published snapshot that several readers share (exports, the dashboard)."""

from __future__ import annotations

# The newest retrieval of each source: what a value's provenance (URL, time, sha256) names.
LATEST_PROVENANCE = (
    "SELECT * FROM provenance QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY version DESC) = 1"
)
