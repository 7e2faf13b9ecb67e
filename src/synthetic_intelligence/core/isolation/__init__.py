"""Splitting a table into train, validation and test parts without leakage: the cut, its column checks and parameters, and the new-world hold-out."""
