"""The model_driven lane's training-set step: choose the gate on validation, then generate."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import generation, learners
from synthetic_intelligence.core.generation import GenerationParams
from synthetic_intelligence.core.resample import TRAINING_SET_ERRORS, build_or_fail, failed_training_set, is_failed

logger = logging.getLogger(__name__)
_RERUN = "the oracle was trained on another table: run `kedro run --pipelines data_isolation,oracle` first"


def choose_setting(train: pd.DataFrame, validation: pd.DataFrame, oracle,
                   params: GenerationParams) -> tuple[pd.DataFrame, dict]:
    """The (threshold, ratio) grid scored on validation (never a holdout), or the fixed setting.

    When no grid point reaches its target on this data the choice is the failed-lane
    sentinel ``{"failed": True, "reason": ...}`` and :func:`generate` passes it on.
    """
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)", hint=_RERUN)
    params = GenerationParams.model_validate(params)
    try:
        grid, choice = generation.choose(train, validation, oracle, params)
    except TRAINING_SET_ERRORS as exc:
        logger.warning("No generation setting works on this data (%s: %s); the lane is reported as failed and "
                       "the other lanes go on", type(exc).__name__, exc)
        return pd.DataFrame({"error": [str(exc)]}), {"failed": True, "reason": str(exc), "error": type(exc).__name__}
    if choice.get("no_oversampling_better_on_validation"):
        logger.warning("On validation no oversampling (AUPRC %.4f) beat every grid point (best %.4f): the "
                       "model_driven lane uses the best grid point; expect it to tie or lose to baseline",
                       choice["validation_auprc_no_oversampling"], choice["validation_auprc"])
    if choice["tuned"]:
        logger.info("Chose threshold %.2f and ratio %s on validation (AUPRC %.4f; no oversampling %.4f)",
                    choice["threshold"], choice["ratio"], choice["validation_auprc"],
                    choice["validation_auprc_no_oversampling"])
    return grid, choice


def generate(train: pd.DataFrame, oracle, choice: dict, params: GenerationParams) -> tuple[pd.DataFrame, dict]:
    """Train plus accepted candidates (``is_synthetic``) and the generation report; a failed choice, or a
    generation that cannot reach its target, gives the failed-lane sentinel (empty set, ``failed`` report)."""
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)", hint=_RERUN)
    params = GenerationParams.model_validate(params)
    context = {"sampler": "OracleRejectionSampler", "seed": params.seed}
    if is_failed(choice):
        return failed_training_set(train, choice.get("reason") or "no generation setting was chosen",
                                   **context, error=choice.get("error", "failed"))
    backend = generation.make_backend(params.backend, spark_partitions=params.spark_partitions)

    def build() -> tuple[pd.DataFrame, dict]:
        train_set, report = generation.oversample(train, oracle, threshold=choice["threshold"], ratio=choice["ratio"],
                                                  random_state=params.seed, backend=backend, **params.sampler)
        logger.info("Generated %d synthetic rows from %d candidates (acceptance %.3f) in %.1f s (backend %s)",
                    report["n_synthetic"], report["n_candidates"], report["acceptance_rate"], report["seconds"],
                    params.backend)
        return train_set, {**report, "seed": params.seed}

    return build_or_fail(build, train, what="the oracle rejection sampler", **context)
