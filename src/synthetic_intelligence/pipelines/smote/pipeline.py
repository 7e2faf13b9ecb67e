"""One swimlane per lane of kind ``imblearn`` in :data:`synthetic_intelligence.lanes.LANES`, sampler from ``<lane>.sampler``."""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.pipelines.smote.nodes import resample
from synthetic_intelligence.pipelines.train_evaluate import swimlane


def lane_pipeline(lane: str, learner_names: list[str] | None = None) -> Pipeline:
    """``train`` -> ``<lane>.train_set`` (+ ``<lane>.resample_report``) -> the shared train_evaluate template."""
    step = Pipeline([node(resample, ["train", "params:sampler"], ["train_set", "resample_report"],
                          name="training_set")])
    return swimlane(lane, step, inputs={"train"}, tags=["smote"], learner_names=learner_names)


def create_pipeline(learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    """``learner_names``: the learners every lane fits (default :func:`synthetic_intelligence.lanes.learners`)."""
    return sum((lane_pipeline(lane.name, learner_names) for lane in lanes.lanes(experiment.IMBLEARN)), Pipeline([]))
