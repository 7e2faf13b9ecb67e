"""scorecard: the lane x learner scorecard with its PR-curve points, the drift sweep and the summary of the
repeated splits (tables only).

The lanes and learners come from :func:`synthetic_intelligence.lanes.swimlanes` and
:func:`~synthetic_intelligence.lanes.learners` when the pipeline is created (or from
``lane_names`` / ``learner_names``), so an extra SMOTE-family lane or learner joins the
scorecard with no code change. The reporting pipeline draws the Markdown and the figures.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.scorecard import nodes

TAGS = ["qa", "scorecard"]


def scorecard_inputs(lane_names: list[str]) -> dict[str, str]:
    inputs = {"scorecard_params": "params:qa.scorecard"}
    for lane in lane_names:
        inputs[lanes.input_key(nodes.SCORES, lane)] = f"{lane}.scores"
        inputs[lanes.input_key(nodes.METRICS, lane)] = f"{lane}.metrics"
    return inputs


def drift_sweep_inputs(lane_names: list[str], learner_names: list[str] | None = None) -> dict[str, str]:
    inputs = {
        "new_world_base": "new_world_base",
        "sweep": "params:qa.drift_sweep",
        "drift": "params:data_isolation.drift",
        "source": "params:data_isolation.source",
    }
    for learner in lanes.learners() if learner_names is None else learner_names:
        inputs.update({lanes.input_key(nodes.MODEL, lane, learner): f"{lane}.{learner}.model" for lane in lane_names})
    return inputs


def create_pipeline(lane_names: list[str] | None = None, learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    """``build_scorecard`` -> scorecard, pr_curve_points; ``drift_sweep`` -> drift_sweep;
    ``summarise_repeats``: repeats_metrics (the repeats pipeline) -> repeats_summary.

    ``lane_names`` / ``learner_names`` default to the project's swimlanes and learners.
    """
    lane_names = list(lanes.swimlanes() if lane_names is None else lane_names)
    return Pipeline(
        [
            node(nodes.build_scorecard, scorecard_inputs(lane_names),
                 ["scorecard", "pr_curve_points"], name="build_scorecard"),
            node(nodes.drift_sweep, drift_sweep_inputs(lane_names, learner_names),
                 "drift_sweep", name="drift_sweep", tags=H2O_TAG),
            node(nodes.summarise_repeats, ["repeats_metrics", "params:qa.scorecard"], "repeats_summary",
                 name="summarise_repeats"),
        ],
        tags=TAGS,
    )
