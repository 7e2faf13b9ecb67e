"""Thin wrappers over :mod:`synthetic_intelligence.core.scaling.measure` and :mod:`~synthetic_intelligence.core.scaling.report`."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd

from synthetic_intelligence.core.scaling import measure as scaling
from synthetic_intelligence.core.scaling.report import ScalingParams, measure_all, summarise
from synthetic_intelligence.reporting.scaling import scaling_figure as _figure

logger = logging.getLogger(__name__)


def make_world(params: ScalingParams) -> dict:
    """The world at the largest size (scratch ``.npy`` files under ``workdir``, removed after the measurements)."""
    params = ScalingParams.model_validate(params)
    n_rows = max(params.sizes + [params.sklearn_fit_rows, params.mojo_fit_rows])
    logger.info("Drawing the scaling world: %d rows x %d features", n_rows, params.n_features)
    return scaling.make_world(Path(params.workdir) / "world", n_rows=n_rows, n_features=params.n_features,
                              minority_share=params.minority_share, seed=params.seed)


def fit_oracles(world: dict, params: ScalingParams) -> dict:
    """The scikit-learn oracle (HistGradientBoosting) and the H2O StackedEnsemble's MOJO (trained on the cluster)."""
    params = ScalingParams.model_validate(params)
    folder = Path(world["folder"])
    oracles = {}
    if "sklearn" in params.oracles:
        oracles["sklearn"] = scaling.fit_sklearn_oracle(world, folder / "hgb.pkl", n_rows=params.sklearn_fit_rows,
                                                        seed=params.seed)
    if "mojo" in params.oracles:
        oracles["mojo"] = scaling.train_mojo_oracle(world, folder / "mojo", n_rows=params.mojo_fit_rows,
                                                    seed=params.seed, ntrees=params.mojo_ntrees)
    for name, oracle in oracles.items():
        logger.info("Scaling oracle %s: %s fitted on %d rows in %.1f s (not timed)", name, oracle["model"],
                    oracle["fit_rows"], oracle["fit_seconds"])
    return oracles


def measure(world: dict, oracles: dict, params: ScalingParams) -> pd.DataFrame:
    """Every measurement in its own child process; the scratch world is removed afterwards."""
    params = ScalingParams.model_validate(params)
    try:
        return measure_all(world, oracles, params)
    finally:
        shutil.rmtree(world["folder"], ignore_errors=True)


def summary(table: pd.DataFrame, oracles: dict, params: ScalingParams) -> dict:
    report = summarise(table, ScalingParams.model_validate(params), oracles)
    for name, target in report["targets"].items():
        logger.info("Scaling target %s: %s (target %s)%s", name, target["value"], target["target"],
                    "" if target["met"] is None else (" met" if target["met"] else " MISSED"))
    return report


def figure(table: pd.DataFrame, report: dict):
    return _figure(table, report)
