"""Benchmark: the lanes over many public tables (ranks, Friedman test, critical-difference diagram)."""

from synthetic_intelligence.dashboard import later, state

later.render(
    state.outputs(), "benchmark", "benchmark", "Benchmark",
    "The lanes over many public imbalanced tables with repeated splits: average ranks, the Friedman test and "
    "the critical-difference diagram (lanes joined by a bar are not significantly different).",
    first=("benchmark_ranks", "benchmark_friedman", "benchmark_wins_ties_losses"),
    titles={"benchmark_cd_diagram": "Critical-difference diagram", "benchmark_rank_plot": "Mean ranks",
            "benchmark_ranks": "Mean ranks (1 = best)", "benchmark_friedman": "Friedman test",
            "benchmark_wins_ties_losses": "Wins / ties / losses", "benchmark_posthoc": "Nemenyi post-hoc test",
            "benchmark_diagnostic_plot": "Where the synthetic rows sit (per lane, over tables)",
            "benchmark_diagnostic_table": "Where the synthetic rows sit, per table and lane (docs/benchmark.md)",
            "benchmark_diagnostics": "Synthetic-row diagnostics per split"},
)
