"""Benchmark: the lanes over many public tables (ranks, Friedman test, critical-difference diagram)."""

from synthetic_intelligence.dashboard import later, state

later.render(
    state.outputs(), "benchmark", "benchmark", "Benchmark",
    "The lanes over many public imbalanced tables with repeated splits: average ranks, the Friedman test and "
    "the critical-difference diagram (lanes joined by a bar are not significantly different).",
    first=("benchmark_summary_md", "benchmark_cd_diagram", "benchmark_rank_plot", "benchmark_ranks",
           "benchmark_wins_ties_losses", "benchmark_friedman"),
)
