"""scaling: SMOTE vs model-driven (numpy and Spark backends) timings, not in the default run."""

from synthetic_intelligence.pipelines.scaling.pipeline import create_pipeline

__all__ = ["create_pipeline"]
