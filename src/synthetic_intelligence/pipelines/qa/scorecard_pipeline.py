"""The scorecard part of the qa pipeline: scorecard + PR curves, and the drift sweep.

``create_scorecard_pipeline()`` reads the lanes from
:func:`synthetic_intelligence.lanes.swimlanes` when it is called, so an extra
SMOTE lane declared in ``parameters_smote.yml`` joins the scorecard with no
code change.
"""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.qa import scorecard_nodes as nodes


def scorecard_inputs(lane_names: list[str]) -> dict[str, str]:
    inputs = {"scorecard_params": "params:qa.scorecard"}
    for lane in lane_names:
        inputs[nodes.input_key(nodes.SCORES, lane)] = f"{lane}.scores"
        inputs[nodes.input_key(nodes.METRICS, lane)] = f"{lane}.metrics"
        if lane != lanes.BASELINE:  # smote lanes and model_driven resample; baseline does not
            inputs[nodes.input_key(nodes.RESAMPLE_REPORT, lane)] = f"{lane}.resample_report"
    return inputs


def drift_sweep_inputs(lane_names: list[str]) -> dict[str, str]:
    inputs = {
        "new_world_base": "new_world_base",
        "sweep": "params:qa.drift_sweep",
        "drift": "params:data_isolation.drift",
        "source": "params:data_isolation.source",
    }
    inputs.update({nodes.input_key(nodes.LEARNER, lane): f"{lane}.learner" for lane in lane_names})
    return inputs


def create_scorecard_pipeline(params: dict | None = None) -> Pipeline:
    """``build_scorecard`` -> scorecard, scorecard_md, pr_curves; ``drift_sweep`` -> drift_sweep, drift_sweep_plot."""
    lane_names = lanes.swimlanes()
    return Pipeline(
        [
            node(nodes.build_scorecard, scorecard_inputs(lane_names),
                 ["scorecard", "scorecard_md", "pr_curves"], name="build_scorecard"),
            node(nodes.drift_sweep, drift_sweep_inputs(lane_names),
                 ["drift_sweep", "drift_sweep_plot"], name="drift_sweep", tags=H2O_TAG),
        ],
        tags=["qa", "scorecard"],
    )
