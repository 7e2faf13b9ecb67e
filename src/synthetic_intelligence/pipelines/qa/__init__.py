from synthetic_intelligence.pipelines.qa.pipeline import create_pipeline

__all__ = ["create_pipeline"]
