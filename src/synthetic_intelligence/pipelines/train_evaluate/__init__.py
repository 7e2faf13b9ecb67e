"""The one modular train-and-evaluate pipeline that every swimlane instantiates under its namespace."""

from synthetic_intelligence.pipelines.train_evaluate.pipeline import create_pipeline, spec_dataset, swimlane

__all__ = ["create_pipeline", "spec_dataset", "swimlane"]
