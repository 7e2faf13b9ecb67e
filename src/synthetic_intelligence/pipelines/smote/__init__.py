"""SMOTE-family swimlanes: one per name in :data:`synthetic_intelligence.lanes.SMOTE_LANES`, its sampler under
``<lane>.sampler`` in parameters_smote.yml."""

from synthetic_intelligence.pipelines.smote.pipeline import create_pipeline

__all__ = ["create_pipeline"]
