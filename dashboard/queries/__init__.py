"""Read-only, parameterised queries of the published snapshot, one module per theme (through dashboard.data's
Snapshot, the only DuckDB reader)."""
