"""Thin node: resample ``train`` with one imbalanced-learn sampler (:mod:`~synthetic_intelligence.core.smote`)."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core.resample import build_or_fail
from synthetic_intelligence.core.resample import resample as resample_train
from synthetic_intelligence.core.schema import TARGET
from synthetic_intelligence.core.smote import ImblearnSamplerParams

logger = logging.getLogger(__name__)


def resample(train: pd.DataFrame, sampler: ImblearnSamplerParams) -> tuple[pd.DataFrame, dict]:
    """``train`` resampled by the lane's sampler, with ``is_synthetic`` provenance, and its report.

    When the sampler cannot resample this data (too few minority rows for ``k_neighbors``,
    an imbalanced-learn complaint about the rows) the lane fails alone: an empty training
    set and a report ``{"failed": True, "reason": ...}`` (see :func:`~.core.resample.build_or_fail`).
    """
    if not isinstance(sampler, ImblearnSamplerParams):
        sampler = ImblearnSamplerParams.model_validate(sampler)
    context = {"sampler": sampler.name, "kwargs": sampler.kwargs, "seed": sampler.seed}

    def build() -> tuple[pd.DataFrame, dict]:
        sampler.check_fits(int((train[TARGET] == 1).sum()), "<lane>.sampler")
        estimator = sampler.build()
        out, report = resample_train(train, estimator)
        report.update(context, params={k: v for k, v in estimator.get_params(deep=False).items() if _jsonable(v)})
        logger.info("%s: %d -> %d rows (%d synthetic, %d removed) in %.2f s; minority share %.3f -> %.3f",
                    sampler.name, report["rows_in"], report["rows_out"], report["n_synthetic"], report["n_removed"],
                    report["seconds"], report["minority_share_in"], report["minority_share_out"])
        return out, report

    return build_or_fail(build, train, what=sampler.name, **context)


def _jsonable(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))
