"""The ``baseline`` and ``class_weighted`` swimlanes: no synthetic row; the second weights the classes."""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence.core.schema import BASELINE, CLASS_WEIGHTED
from synthetic_intelligence.pipelines.baseline.nodes import raw_train_set, weighted_train_set
from synthetic_intelligence.pipelines.train_evaluate import swimlane


def create_pipeline(learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    """``learner_names``: the learners every lane fits (default :func:`synthetic_intelligence.lanes.learners`)."""
    steps = {BASELINE: raw_train_set, CLASS_WEIGHTED: weighted_train_set}
    return sum(
        (swimlane(lane, Pipeline([node(func, "train", ["train_set", "resample_report"], name="training_set")]),
                  inputs={"train"}, tags=["baseline"], learner_names=learner_names)
         for lane, func in steps.items()),
        Pipeline([]),
    )
