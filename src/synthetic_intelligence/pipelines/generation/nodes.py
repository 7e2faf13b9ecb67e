"""Threshold/ratio chosen on validation, then the model-driven training set."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import generation, learners

logger = logging.getLogger(__name__)


def _sampler_kwargs(params: dict) -> dict:
    return dict(params.get("sampler") or {})


def choose_setting(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: dict) -> tuple[pd.DataFrame, dict]:
    """Grid on validation (never a holdout), or the fixed setting when tuning is off."""
    tuning = params["tuning"]
    if not tuning.get("enabled", True):
        choice = {"threshold": float(params["threshold"]), "ratio": params["ratio"], "chosen_on": "fixed", "tuned": False}
        return pd.DataFrame([choice]), choice
    grid, choice = generation.tune(
        train, validation, oracle,
        thresholds=tuning["thresholds"], ratios=tuning["ratios"],
        learner=learners.LearnerConfig(**tuning["learner"]),
        random_state=int(params["seed"]), **_sampler_kwargs(params),
    )
    logger.info("Chose threshold %.2f and ratio %s on validation (AUPRC %.4f; no oversampling %.4f)",
                choice["threshold"], choice["ratio"], choice["validation_auprc"], choice["validation_auprc_no_oversampling"])
    return grid, choice


def generate(train: pd.DataFrame, oracle, choice: dict, params: dict) -> tuple[pd.DataFrame, dict]:
    """Train plus accepted candidates (``is_synthetic``) and the generation report."""
    train_set, report = generation.oversample(
        train, oracle, threshold=choice["threshold"], ratio=choice["ratio"],
        random_state=int(params["seed"]), **_sampler_kwargs(params),
    )
    logger.info("Generated %d synthetic rows from %d candidates (acceptance %.3f) in %.1f s",
                report["n_synthetic"], report["n_candidates"], report["acceptance_rate"], report["seconds"])
    return train_set, report
