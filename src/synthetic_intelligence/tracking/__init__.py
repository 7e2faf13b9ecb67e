"""Run tracking and run reporting hooks: MLflow through kedro-mlflow, and the end-of-run summary.

``mlflow_hook``: :class:`MlflowTrackingHook` (one MLflow run per ``kedro run``; configured in
``conf/<env>/mlflow.yml``); ``summary``: :class:`RunSummaryHook` (verdict, outputs, how to open
the dashboard and MLflow); ``records``: what is recorded, as plain dictionaries. MLflow is
imported only when a run is tracked; ``core/`` never imports this package.
"""

from synthetic_intelligence.tracking.mlflow_hook import MlflowTrackingHook
from synthetic_intelligence.tracking.summary import RunSummaryHook

__all__ = ["MlflowTrackingHook", "RunSummaryHook"]
