"""The model_driven lane's training-set step: choose the gate on validation, generate, build the training set."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import generation, learners, training_sets
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.resample import (
    TRAINING_SET_ERRORS,
    build_or_fail,
    failed_training_set,
    is_failed,
)
from synthetic_intelligence.core.sampling import accepted
from synthetic_intelligence.core.schema import TARGET

logger = logging.getLogger(__name__)
_RERUN = "the oracle was trained on another table: run `kedro run --pipelines data_isolation,oracle` first"


def choose_setting(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: GenerationParams,
                   **specs) -> tuple[pd.DataFrame, dict]:
    """The (threshold, ratio) grid scored on validation (never a holdout), or the fixed setting
    (:func:`~synthetic_intelligence.core.experiment.training_sets.choose_generation_confirmed`).

    ``specs`` (``spec__<learner>``: ``learners.<learner>.spec``): the learners the lane trains; with
    ``generation.tuning.confirm`` the choice's ``declined`` names those that train on the real rows. When no
    grid point reaches its target on this data the choice is the failed-lane sentinel
    ``{"failed": True, "reason": ...}`` and :func:`generate` passes it on.
    """
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)", hint=_RERUN)
    served = {names[0]: LearnerConfig.model_validate(given["spec"]["config"])
              for names, given in lanes.fan_in(specs, ("spec",)).items()}
    return training_sets.choose_generation_confirmed(train, validation, oracle, params, served)


def generate(train: pd.DataFrame, oracle, choice: dict, params: GenerationParams) -> tuple[object, dict]:
    """The accepted candidates as a table and the plan to build the training set from it: ``(table, plan)``.

    ``backend: numpy``: the rounds run here and the table is a pandas DataFrame (saved by
    ``pandas.ParquetDataset``); ``backend: spark``: a lazy Spark DataFrame that
    ``spark.SparkDataset`` writes from the executors (no row is collected on the driver).
    A failed choice, or a setting this data cannot use, gives an empty table and a failed plan
    that :func:`build_train_set` turns into the failed-lane sentinel.
    """
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)", hint=_RERUN)
    params = GenerationParams.model_validate(params)
    context = {"sampler": "OracleRejectionSampler", "seed": params.seed}
    if is_failed(choice):
        failed = {"failed": True, "reason": choice.get("reason") or "no generation setting was chosen",
                  "error": choice.get("error", "failed"), "context": context}
        return _empty_table(train, params), failed
    if generation.is_none(choice):  # chosen on validation: the lane trains on train as is
        return _empty_table(train, params), {"none": True, "reason": choice["reason"], "context": context}
    backend = generation.make_backend(params.backend, spark_partitions=params.spark_partitions)
    try:
        table, plan = generation.generate_table(train, oracle, threshold=choice["threshold"], ratio=choice["ratio"],
                                                random_state=params.seed, backend=backend,
                                                class_prior=params.class_prior, **params.sampler)
    except TRAINING_SET_ERRORS as exc:
        logger.warning("the oracle rejection sampler could not build a training set (%s: %s); the lane is reported "
                       "as failed and the other lanes go on", type(exc).__name__, exc)
        failed = {"failed": True, "reason": str(exc).strip() or type(exc).__name__, "error": type(exc).__name__,
                  "context": context}
        return _empty_table(train, params), failed
    return table, {**plan, "context": context, "declined": dict(choice.get("declined") or {})}


def _empty_table(train: pd.DataFrame, params: GenerationParams):
    X, y = learners.split_xy(train)
    if params.backend == "spark":
        from synthetic_intelligence.core.engines import spark as spark_session

        return accepted.spark_table(spark_session.get_or_create(), [], list(X.columns), TARGET, y.dtype)
    return accepted.empty_table(list(X.columns), TARGET, y.dtype)


def build_train_set(train: pd.DataFrame, table: pd.DataFrame, plan: dict) -> tuple[pd.DataFrame, dict]:
    """Train plus the accepted rows read back as pandas (``is_synthetic``) and the generation report; a failed
    plan, or a generation that fell short of its target, gives the failed-lane sentinel (empty set, ``failed``
    report)."""
    context = plan.get("context") or {}
    if is_failed(plan):
        return failed_training_set(train, plan["reason"], **context, error=plan.get("error", "failed"))
    if plan.get("none"):
        return training_sets.no_synthetic_rows(train, plan["reason"], **context)

    def build() -> tuple[pd.DataFrame, dict]:
        train_set, report = generation.build_from_table(train, table, plan)
        logger.info("Generated %d synthetic rows from %d candidates (acceptance %.3f) in %.1f s (backend %s)",
                    report["n_synthetic"], report["n_candidates"], report["acceptance_rate"], report["seconds"],
                    report["backend"])
        return train_set, {**report, "seed": context.get("seed"), "declined": dict(plan.get("declined") or {})}

    return build_or_fail(build, train, what="the oracle rejection sampler", **context)
