"""qa: the scorecard across swimlanes (with the drift sweep) and the latent-space manifold QA."""

from kedro.pipeline import Pipeline

from synthetic_intelligence.pipelines.qa.latent_pipeline import create_latent_pipeline
from synthetic_intelligence.pipelines.qa.scorecard_pipeline import create_scorecard_pipeline


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline([create_scorecard_pipeline(), create_latent_pipeline()], tags="qa")
