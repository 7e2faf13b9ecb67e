"""Thin node: resample ``train`` with one imbalanced-learn sampler (:func:`~synthetic_intelligence.core.experiment.training_sets.imblearn`)."""

from __future__ import annotations

import pandas as pd

from synthetic_intelligence.core.experiment import training_sets
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams


def resample(train: pd.DataFrame, sampler: ImblearnSamplerParams) -> tuple[pd.DataFrame, dict]:
    """``train`` resampled by the lane's sampler, with ``is_synthetic`` provenance, and its report.

    When the sampler cannot resample this data (too few minority rows for ``k_neighbors``,
    an imbalanced-learn complaint about the rows) the lane fails alone: an empty training
    set and a report ``{"failed": True, "reason": ...}`` (see :func:`~.core.experiment.resample.build_or_fail`).
    """
    return training_sets.imblearn(train, sampler)
