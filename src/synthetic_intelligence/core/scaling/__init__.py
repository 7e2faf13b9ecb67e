"""Scaling measurements of the sampler: timing runs, the mixed-type comparison and the report."""
