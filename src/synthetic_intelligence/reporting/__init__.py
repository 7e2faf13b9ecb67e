"""Figure and markdown builders from tables (pipelines and dashboard share them)."""
