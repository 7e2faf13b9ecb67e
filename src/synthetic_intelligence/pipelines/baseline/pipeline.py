"""The lanes on real rows only (:data:`synthetic_intelligence.lanes.LANES` of kind ``raw`` and
``class_weighted``: ``baseline`` and ``class_weighted``): no synthetic row; the second weights the classes."""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.pipelines.baseline.nodes import raw_train_set, weighted_train_set
from synthetic_intelligence.pipelines.train_evaluate import swimlane

#: The node of each kind this pipeline builds (the kind's training-set function, core/experiment/training_sets.py).
STEPS = {experiment.RAW: raw_train_set, experiment.CLASS_WEIGHTED: weighted_train_set}


def create_pipeline(learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    """``learner_names``: the learners every lane fits (default :func:`synthetic_intelligence.lanes.learners`)."""
    return sum(
        (swimlane(lane.name, Pipeline([node(STEPS[lane.kind], "train", ["train_set", "resample_report"],
                                            name="training_set")]),
                  inputs={"train"}, tags=["baseline"], learner_names=learner_names)
         for lane in lanes.LANES if lane.kind in STEPS),
        Pipeline([]),
    )
