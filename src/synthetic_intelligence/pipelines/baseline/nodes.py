"""The lanes on real rows only: ``train`` unchanged, and ``train`` with balanced class weights
(thin wrappers over :mod:`synthetic_intelligence.core.experiment.training_sets`)."""

from __future__ import annotations

import pandas as pd

from synthetic_intelligence.core.experiment import training_sets


def raw_train_set(train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged (every row real) and its report."""
    return training_sets.raw(train)


def weighted_train_set(train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged plus balanced class weights (``sample_weight``) that the learner uses."""
    return training_sets.class_weighted(train)
