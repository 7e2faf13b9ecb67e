"""The model_driven lane's training-set step: choose the gate on validation, then generate
(thin wrappers over :mod:`synthetic_intelligence.core.training_sets`)."""

from __future__ import annotations

import pandas as pd

from synthetic_intelligence.core import generation, learners, training_sets
from synthetic_intelligence.core.generation import GenerationParams
from synthetic_intelligence.core.resample import is_failed

_RERUN = "the oracle was trained on another table: run `kedro run --pipelines data_isolation,oracle` first"


def choose_setting(train: pd.DataFrame, validation: pd.DataFrame, oracle,
                   params: GenerationParams) -> tuple[pd.DataFrame, dict]:
    """The (threshold, ratio) grid scored on validation (never a holdout), or the fixed setting.

    When no grid point reaches its target on this data the choice is the failed-lane
    sentinel ``{"failed": True, "reason": ...}`` and :func:`generate` passes it on.
    """
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)", hint=_RERUN)
    return training_sets.choose_generation(train, validation, oracle, params)


def generate(train: pd.DataFrame, oracle, choice: dict, params: GenerationParams) -> tuple[pd.DataFrame, dict]:
    """Train plus accepted candidates (``is_synthetic``) and the generation report; a failed choice, or a
    generation that cannot reach its target, gives the failed-lane sentinel (empty set, ``failed`` report)."""
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)", hint=_RERUN)
    params = GenerationParams.model_validate(params)
    backend = "numpy" if is_failed(choice) else generation.make_backend(
        params.backend, spark_partitions=params.spark_partitions)
    return training_sets.generate(train, oracle, choice, params, backend=backend)
