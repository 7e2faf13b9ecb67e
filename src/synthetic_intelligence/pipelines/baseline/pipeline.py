from kedro.pipeline import Pipeline, node

from synthetic_intelligence.pipelines.baseline.nodes import raw_train_set
from synthetic_intelligence.pipelines.train_evaluate import swimlane

NAMESPACE = "baseline"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [node(raw_train_set, "train", f"{NAMESPACE}.train_set", name="raw_train_set", namespace=NAMESPACE, tags=NAMESPACE)]
    ) + swimlane(NAMESPACE)
