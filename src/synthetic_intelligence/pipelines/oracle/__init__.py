from synthetic_intelligence.pipelines.oracle.pipeline import create_pipeline

__all__ = ["create_pipeline"]
