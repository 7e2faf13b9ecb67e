"""One way to build a lane's training set from ``train`` and any sampler, with one provenance rule.

Every swimlane's training-set step goes through :func:`resample`: an
imbalanced-learn sampler, :class:`~synthetic_intelligence.core.sampling.OracleRejectionSampler`,
or ``None`` (the raw training set).  Provenance (``is_synthetic``) is decided by
content, counted with multiplicity: if a row's content (features + target) occurs
``k`` times in ``train``, its first ``k`` occurrences in the output are real and any
further copies are synthetic.  That one rule covers samplers that only add rows
(SMOTE, the oracle sampler), add exact copies (``RandomOverSampler``) and drop rows
(``SMOTETomek``, ``SMOTEENN``: counted in ``n_removed``).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from synthetic_intelligence.core.schema import PROVENANCE, TARGET, WEIGHT

__all__ = ["resample", "balanced_weights", "provenance"]


def _occurrence_keys(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Content hash per row plus its running occurrence number (0, 1, ...)."""
    h = pd.util.hash_pandas_object(df, index=False).reset_index(drop=True)
    return h, h.groupby(h).cumcount()


def provenance(before: pd.DataFrame, after: pd.DataFrame) -> tuple[np.ndarray, int]:
    """``(is_synthetic per row of after, rows of before missing from after)`` by the content rule."""
    in_hash, _ = _occurrence_keys(before)
    out_hash, out_occ = _occurrence_keys(after)
    in_counts = in_hash.value_counts()
    available = out_hash.map(in_counts).fillna(0).astype(int)
    kept = out_hash.value_counts().reindex(in_counts.index, fill_value=0)
    return (out_occ >= available).to_numpy(), int((in_counts - kept).clip(lower=0).sum())


def balanced_weights(y: pd.Series) -> np.ndarray:
    """scikit-learn's ``class_weight="balanced"`` as per-row weights: ``n / (n_classes * n_c)``."""
    counts = y.value_counts()
    return (len(y) / (len(counts) * y.map(counts))).to_numpy(dtype=np.float64)


def resample(train: pd.DataFrame, sampler=None, *, weights: bool = False) -> tuple[pd.DataFrame, dict]:
    """``train`` through ``sampler.fit_resample`` (or unchanged) plus ``is_synthetic``; ``(train_set, info)``.

    ``weights=True`` adds the balanced class weights as a ``sample_weight`` column
    (the class-weighted lane: no row is added).  ``info`` holds rows in/out, the
    synthetic count and share, removed rows, the minority share before and after,
    the sampler's class and seconds.
    """
    if TARGET not in train.columns:
        raise ValueError(f"the training set has no {TARGET!r} column")
    features = [c for c in train.columns if c not in (TARGET, PROVENANCE, WEIGHT)]
    X, y = train[features], train[TARGET]
    start = time.perf_counter()
    if sampler is None:
        X_res, y_res = X, y
    else:
        X_res, y_res = sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start

    if isinstance(X_res, pd.DataFrame):
        out = X_res.reset_index(drop=True).copy()
    else:
        out = pd.DataFrame(np.asarray(X_res), columns=features)
    out = out.astype(X.dtypes.to_dict())
    out[TARGET] = np.asarray(y_res).astype(y.dtype)
    synthetic, removed = provenance(train[features + [TARGET]], out[features + [TARGET]])
    out[PROVENANCE] = synthetic
    if weights:
        out[WEIGHT] = balanced_weights(out[TARGET])
    info = {
        "sampler": type(sampler).__name__ if sampler is not None else None,
        "seconds": float(seconds),
        "rows_in": int(len(train)),
        "rows_out": int(len(out)),
        "n_synthetic": int(synthetic.sum()),
        "synthetic_share": float(synthetic.mean()) if len(out) else 0.0,
        "n_removed": removed,
        "minority_rows_in": int((y == 1).sum()),
        "minority_rows_out": int((out[TARGET] == 1).sum()),
        "minority_share_in": float(y.mean()) if len(y) else 0.0,
        "minority_share_out": float(out[TARGET].mean()) if len(out) else 0.0,
        "class_weights": {str(k): float(v) for k, v in out.groupby(TARGET)[WEIGHT].first().items()} if weights else None,
    }
    return out, info
