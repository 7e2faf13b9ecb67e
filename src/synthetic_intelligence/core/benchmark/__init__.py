"""The benchmark: the same experiment over many public tables, with its tables, statistics and diagnostics."""
