from synthetic_intelligence.pipelines.data_isolation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
