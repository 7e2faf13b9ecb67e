from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.pipelines.smote.nodes import resample
from synthetic_intelligence.pipelines.train_evaluate import swimlane


def lane_pipeline(lane: str) -> Pipeline:
    """``train`` -> ``<lane>.train_set`` (+ ``<lane>.resample_report``) -> the shared train_evaluate swimlane."""
    resample_step = Pipeline(
        [node(resample, ["train", "params:lane", "params:seed"], ["train_set", "resample_report"], name="resample")],
        namespace=lane,
        inputs={"train"},
        parameters={"lane": f"smote.lanes.{lane}", "seed": "smote.seed"},
        tags=[lane, "smote"],
    )
    return resample_step + Pipeline(swimlane(lane), tags="smote")


def create_pipeline(params: dict | None = None, **kwargs) -> Pipeline:
    """One swimlane per entry of ``smote.lanes`` (``params`` defaults to the project's parameters)."""
    return sum((lane_pipeline(lane) for lane in lanes.smote_lanes(params)), Pipeline([]))
