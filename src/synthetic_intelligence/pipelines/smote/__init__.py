"""SMOTE-family swimlanes: one per lane of kind ``imblearn`` in :data:`synthetic_intelligence.lanes.LANES`
(named in ``lanes.SMOTE_LANES``), its sampler under ``<lane>.sampler`` in parameters_smote.yml."""

from synthetic_intelligence.pipelines.smote.pipeline import create_pipeline

__all__ = ["create_pipeline"]
