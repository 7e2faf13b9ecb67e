from synthetic_intelligence.pipelines.scorecard.pipeline import create_pipeline

__all__ = ["create_pipeline"]
