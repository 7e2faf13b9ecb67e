"""Repeated splits: every lane x fixed learner on k re-splits of the training world, scored on the fixed holdouts."""

from synthetic_intelligence.pipelines.repeats.pipeline import create_pipeline

__all__ = ["create_pipeline"]
