from kedro.pipeline import Pipeline, node

from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.generation import nodes


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(nodes.choose_setting, ["train", "validation", "oracle", "params:generation"],
                 ["generation_grid", "generation_choice"], name="choose_setting", tags=H2O_TAG),
            node(nodes.generate, ["train", "oracle", "generation_choice", "params:generation"],
                 ["model_driven.train_set", "model_driven.resample_report"], name="generate", tags=H2O_TAG),
        ],
        tags="generation",
    )
