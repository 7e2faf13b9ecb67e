from synthetic_intelligence.pipelines.generation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
