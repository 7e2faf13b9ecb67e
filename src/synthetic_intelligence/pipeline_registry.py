"""Project pipelines: one folder per pipeline, found by ``find_pipelines``."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# The default run, in data-flow order; pipelines not listed (e.g. scaling) run only by name.
DEFAULT = ("data_isolation", "learners", "baseline", "smote", "oracle", "model_driven", "repeats", "scorecard",
           "latent_qa", "reporting")


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    pipelines.pop("train_evaluate", None)  # a template, instantiated per swimlane
    pipelines["__default__"] = sum((pipelines[name] for name in DEFAULT if name in pipelines), Pipeline([]))
    return pipelines
