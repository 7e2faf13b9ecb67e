"""SMOTE-family swimlanes: one per lane declared under ``smote.lanes`` in parameters_smote.yml."""

from synthetic_intelligence.pipelines.smote.pipeline import create_pipeline

__all__ = ["create_pipeline"]
