from kedro.pipeline import Pipeline

from synthetic_intelligence.pipelines.train_evaluate import swimlane


def create_pipeline(**kwargs) -> Pipeline:
    """The model-driven swimlane: ``model_driven.train_set`` (from generation) through the shared pipeline."""
    return swimlane("model_driven")
