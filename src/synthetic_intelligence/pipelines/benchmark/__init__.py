"""The benchmark pipeline: every lane over many public imbalanced tables (``kedro run --pipeline benchmark``)."""

from synthetic_intelligence.pipelines.benchmark.pipeline import create_pipeline

__all__ = ["create_pipeline"]
