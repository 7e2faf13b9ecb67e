from synthetic_intelligence.pipelines.baseline.pipeline import create_pipeline

__all__ = ["create_pipeline"]
