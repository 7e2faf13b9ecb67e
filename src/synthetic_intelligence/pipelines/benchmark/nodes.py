"""Thin nodes of the benchmark pipeline over core.benchmark.run*, and the reporting figures.

Every node reads ``params:benchmark`` whole, typed :class:`BenchmarkParams`: Kedro validates it once,
before the first node (a typed sub-key such as ``params:benchmark.summary`` beside it is refused by Kedro).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from synthetic_intelligence.core.benchmark import diagnostics as benchmark_diagnostics
from synthetic_intelligence.core.benchmark import run as benchmark
from synthetic_intelligence.core.benchmark import stats as benchmark_stats
from synthetic_intelligence.core.benchmark import tables as benchmark_data
from synthetic_intelligence.core.benchmark.run import BenchmarkParams
from synthetic_intelligence.reporting import benchmark as report


def load_tables(params: BenchmarkParams) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The tables of ``benchmark.tables`` from the installed package, and their provenance (size, features,
    minority share); a table with fewer than ``benchmark.min_minority_rows`` minority rows is refused."""
    params = BenchmarkParams.model_validate(params)
    return benchmark_data.load_tables(list(params.tables), min_minority=params.min_minority_rows)


def run_benchmark(tables: dict[str, pd.DataFrame],
                  params: BenchmarkParams) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every lane x learner x repeat x table -> (results, the model-driven lanes' validation grids, the synthetic
    lanes' diagnostics per split).

    ``params``: ``benchmark`` (:class:`BenchmarkParams`, validated by Kedro before the first node)."""
    return benchmark.run_benchmark(tables, BenchmarkParams.model_validate(params))


def summarise(results: pd.DataFrame, params: BenchmarkParams) -> tuple[pd.DataFrame, ...]:
    """Per-table intervals, wins/ties/losses, ranks, Friedman, Nemenyi, breakdown by kind of table
    (``benchmark.summary``: references, alpha, how a failed cell is scored)."""
    summary = BenchmarkParams.model_validate(params).summary
    out = benchmark_stats.summarise(results, references=tuple(summary.references), alpha=summary.alpha,
                                    failed=summary.failed)
    return (out["per_table"], out["wins_ties_losses"], out["ranks"], out["friedman"], out["posthoc"],
            out["by_table_kind"])


def diagnose(diagnostics: pd.DataFrame) -> tuple[pd.DataFrame, Figure]:
    """The diagnostic table (per table and lane, the mean over repeats) and its figure."""
    table = benchmark_diagnostics.per_table(diagnostics)
    return table, report.diagnostic_plot(table)


def build_report(tables: pd.DataFrame, per_table: pd.DataFrame, wtl: pd.DataFrame, ranks: pd.DataFrame,
                 friedman: pd.DataFrame, posthoc: pd.DataFrame, by_kind: pd.DataFrame,
                 params: BenchmarkParams) -> tuple[Figure, Figure, str]:
    """CD diagram, rank plot and the markdown summary, from the summary tables."""
    params = BenchmarkParams.model_validate(params)
    md = report.summary_markdown(tables, ranks, friedman, wtl, per_table, by_kind, repeats=params.repeats,
                                 failed=params.summary.failed)
    return report.cd_diagram(ranks, posthoc, friedman), report.rank_plot(ranks, friedman), md
