"""repeats: the lanes on k re-splits of the training world (``repeats_metrics``), before the scorecard.

One node over :mod:`synthetic_intelligence.core.experiment.repeats`: the lanes of
:data:`synthetic_intelligence.lanes.LANES`, each with its own parameters where its kind takes some
(``<lane>.sampler``, ``generation``), the sklearn learners of ``repeats.learners`` and a fixed
sklearn oracle (``repeats.oracle``) for model_driven. The scorecard pipeline summarises the table
(``repeats_summary``).
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.schema import SPARK_TAG
from synthetic_intelligence.pipelines.repeats import nodes


def repeats_inputs() -> dict[str, str]:
    inputs = {name: name for name in ("train", "validation", "holdout_iid", "holdout_new_world")}
    inputs.update({"repeats": "params:repeats", "learners": "params:learners", "split": "params:data_isolation.split"})
    inputs.update({lanes.input_key(nodes.PARAMS, lane.name): f"params:{lane.parameters}"
                   for lane in lanes.LANES if lane.parameters})
    return inputs


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [node(nodes.run_repeats, repeats_inputs(), "repeats_metrics", name="run_repeats", tags=[SPARK_TAG])],
        tags="repeats",
    )
