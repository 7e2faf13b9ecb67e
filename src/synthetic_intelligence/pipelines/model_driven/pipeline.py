"""The model_driven swimlane (the lane of kind ``model_driven`` in :data:`synthetic_intelligence.lanes.LANES`):
its generation step (gate chosen on validation, generate the accepted rows, build the training set from
them read back as pandas) and the shared train_evaluate template, all under the ``model_driven`` namespace.  The oracle is a shared
artifact of the ``oracle`` pipeline; ``generation`` parameters stay global."""

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.schema import H2O_TAG, SPARK_TAG
from synthetic_intelligence.pipelines.model_driven import nodes
from synthetic_intelligence.pipelines.train_evaluate import spec_dataset, swimlane


def create_pipeline(learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    """``learner_names``: the learners the lane fits (default :func:`synthetic_intelligence.lanes.learners`)."""
    names = list(lanes.learners() if learner_names is None else learner_names)
    specs = {lanes.input_key("spec", learner): spec_dataset(learner) for learner in names}  # tuning.confirm
    step = Pipeline(
        [
            node(nodes.choose_setting, {"train": "train", "validation": "validation", "oracle": "oracle",
                                        "params": "params:generation", **specs},
                 ["generation_grid", "generation_choice"], name="choose_setting", tags=[H2O_TAG, SPARK_TAG]),
            # the accepted rows: written by spark.SparkDataset (backend spark) or pandas.ParquetDataset
            # (numpy) as "@spark", read back as pandas through transcoding (catalog_model_driven.yml)
            node(nodes.generate, ["train", "oracle", "generation_choice", "params:generation"],
                 ["accepted_rows@spark", "generation_plan"], name="generate", tags=[H2O_TAG, SPARK_TAG]),
            node(nodes.build_train_set, ["train", "accepted_rows@pandas", "generation_plan"],
                 ["train_set", "resample_report"], name="build_train_set"),
        ],
        tags="generation",
    )
    return sum((swimlane(lane.name, step, inputs={"train", "oracle"}, parameters={"generation"},
                         learner_names=learner_names) for lane in lanes.lanes(experiment.MODEL_DRIVEN)), Pipeline([]))
