"""scaling: one run times SMOTE and model-driven oversampling (numpy and Spark backends, a scikit-learn
and an H2O MOJO oracle) from 128K to 10M rows; a versioned table, summary and log-log figure.

Not in the default run: ``kedro run --pipeline scaling``. The MOJO oracle's node is tagged
``h2o`` (the H2O cluster trains the StackedEnsemble, nothing more); Spark sessions start
inside the measurements' child processes (``scaling.spark``).
"""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.scaling import nodes


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(nodes.make_world, "params:scaling", "scaling_world", name="make_world"),
            node(nodes.fit_oracles, ["scaling_world", "params:scaling"], "scaling_oracles", name="fit_oracles",
                 tags=H2O_TAG),
            node(nodes.measure, ["scaling_world", "scaling_oracles", "params:scaling"], "scaling_table",
                 name="measure"),
            node(nodes.summary, ["scaling_table", "scaling_oracles", "params:scaling"], "scaling_summary",
                 name="summary"),
            node(nodes.figure, ["scaling_table", "scaling_summary"], "scaling_figure", name="figure"),
        ],
        tags="scaling",
    )
