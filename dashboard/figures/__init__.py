"""Figure builders: plain functions from frames to plotly figures, the shared look in `base`, one module per theme."""
