"""The lanes on real rows only: ``train`` unchanged, and ``train`` with balanced class weights."""

from __future__ import annotations

import pandas as pd

from synthetic_intelligence.core.resample import resample


def raw_train_set(train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged (every row real) and its report."""
    return resample(train)


def weighted_train_set(train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged plus balanced class weights (``sample_weight``) that the learner uses."""
    return resample(train, weights=True)
