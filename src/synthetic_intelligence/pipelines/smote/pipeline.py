"""One swimlane per name in :data:`synthetic_intelligence.lanes.SMOTE_LANES`, sampler from ``<lane>.sampler``."""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.pipelines.smote.nodes import resample
from synthetic_intelligence.pipelines.train_evaluate import swimlane


def lane_pipeline(lane: str) -> Pipeline:
    """``train`` -> ``<lane>.train_set`` (+ ``<lane>.resample_report``) -> the shared train_evaluate template."""
    step = Pipeline([node(resample, ["train", "params:sampler"], ["train_set", "resample_report"],
                          name="training_set")])
    return swimlane(lane, step, inputs={"train"}, tags=["smote"])


def create_pipeline(**kwargs) -> Pipeline:
    return sum((lane_pipeline(lane) for lane in lanes.SMOTE_LANES), Pipeline([]))
