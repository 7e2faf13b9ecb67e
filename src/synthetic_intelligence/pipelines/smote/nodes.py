"""Thin node over :mod:`synthetic_intelligence.core.smote`: resample ``train`` with one imblearn sampler."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import smote
from synthetic_intelligence.core.synthetic import TARGET

logger = logging.getLogger(__name__)
LANE_KEYS = ("sampler", "kwargs")


def resample(train: pd.DataFrame, lane: dict, seed: int) -> tuple[pd.DataFrame, dict]:
    """Resample ``train`` with the lane's sampler; every row keeps ``is_synthetic`` provenance.

    ``lane`` is one entry of ``smote.lanes``: ``{"sampler": <imblearn class name>,
    "kwargs": {...}}``.  ``seed`` is the sampler's ``random_state`` unless the
    lane's kwargs set one.  An unknown lane key, sampler name or sampler keyword
    raises ``ValueError`` listing the valid ones.

    Returns ``(train_set, resample_report)``.
    """
    lane = dict(lane or {})
    unknown = sorted(set(lane) - set(LANE_KEYS))
    if unknown or "sampler" not in lane:
        problem = f"unknown key(s) {', '.join(unknown)}" if unknown else "no 'sampler' key"
        raise ValueError(
            f"SMOTE lane definition {lane!r} has {problem}; valid keys: {', '.join(LANE_KEYS)} "
            f"(sampler is one of: {', '.join(smote.SAMPLERS)})"
        )
    kwargs = dict(lane.get("kwargs") or {})
    sampler = smote.make_sampler(str(lane["sampler"]), kwargs, random_state=int(seed))
    out, info = smote.resample_with_provenance(train, TARGET, sampler)
    report = {
        "sampler": str(lane["sampler"]),
        "kwargs": kwargs,
        "params": {k: v for k, v in sampler.get_params(deep=False).items() if _jsonable(v)},
        "seed": int(seed),
        "seconds": info["seconds"],
        "rows_in": info["rows_in"],
        "rows_out": info["rows_out"],
        "n_synthetic": info["n_synthetic"],
        "n_removed": info["n_removed"],
        "minority_rows_in": int((train[TARGET] == 1).sum()),
        "minority_rows_out": int((out[TARGET] == 1).sum()),
        "minority_share_in": float(train[TARGET].mean()),
        "minority_share_out": float(out[TARGET].mean()),
    }
    logger.info(
        "%s: %d -> %d rows (%d synthetic, %d removed) in %.2f s; minority share %.3f -> %.3f",
        report["sampler"], report["rows_in"], report["rows_out"], report["n_synthetic"],
        report["n_removed"], report["seconds"], report["minority_share_in"], report["minority_share_out"],
    )
    return out, report


def _jsonable(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))
