from synthetic_intelligence.pipelines.model_driven.pipeline import create_pipeline

__all__ = ["create_pipeline"]
