"""benchmark: load tables -> run every lane -> summary tables -> CD diagram, rank plot, markdown; the synthetic
lanes' diagnostics -> the diagnostic table and its figure.

Not in the default run: ``kedro run --pipeline benchmark`` (``--env quick`` for a tiny subset).
"""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence.pipelines.benchmark import nodes

SUMMARY_TABLES = ["benchmark_per_table", "benchmark_wins_ties_losses", "benchmark_ranks", "benchmark_friedman",
                  "benchmark_posthoc", "benchmark_by_table_kind"]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(nodes.load_tables, "params:benchmark",
                 ["benchmark_table_data", "benchmark_tables"], name="load_benchmark_tables"),
            node(nodes.run_benchmark, ["benchmark_table_data", "params:benchmark"],
                 ["benchmark_results", "benchmark_tuning", "benchmark_diagnostics"], name="run_benchmark"),
            node(nodes.diagnose, "benchmark_diagnostics", ["benchmark_diagnostic_table", "benchmark_diagnostic_plot"],
                 name="diagnose_benchmark"),
            node(nodes.summarise, ["benchmark_results", "params:benchmark"], SUMMARY_TABLES,
                 name="summarise_benchmark"),
            node(nodes.build_report, ["benchmark_tables", *SUMMARY_TABLES, "params:benchmark"],
                 ["benchmark_cd_diagram", "benchmark_rank_plot", "benchmark_summary_md"], name="benchmark_report"),
        ],
        tags=["benchmark"],
    )
