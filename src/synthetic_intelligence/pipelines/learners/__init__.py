"""The learners every lane fits, fixed once: configured ones as they are, AutoML's leader chosen on train."""

from synthetic_intelligence.pipelines.learners.pipeline import create_pipeline

__all__ = ["create_pipeline"]
