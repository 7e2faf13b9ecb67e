"""imbalanced-learn sampler factory and resampling with synthetic-row provenance."""

from __future__ import annotations

import inspect
import time

import numpy as np
import pandas as pd
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)

SAMPLERS: dict[str, type] = {
    "SMOTE": SMOTE,
    "BorderlineSMOTE": BorderlineSMOTE,
    "SVMSMOTE": SVMSMOTE,
    "ADASYN": ADASYN,
    "KMeansSMOTE": KMeansSMOTE,
    "RandomOverSampler": RandomOverSampler,
    "SMOTETomek": SMOTETomek,
    "SMOTEENN": SMOTEENN,
}

SYNTHETIC_COL = "is_synthetic"


def make_sampler(name: str, kwargs: dict | None = None, random_state: int | None = None):
    """Instantiate the imblearn sampler ``name`` with validated keyword arguments.

    ``random_state`` is applied when the class accepts it and ``kwargs`` does not
    already set it.
    """
    if name not in SAMPLERS:
        raise ValueError(f"unknown sampler {name!r}; valid names: {', '.join(SAMPLERS)}")
    cls = SAMPLERS[name]
    kwargs = dict(kwargs or {})
    valid = [p for p in inspect.signature(cls).parameters if p != "self"]
    bad = sorted(set(kwargs) - set(valid))
    if bad:
        raise ValueError(
            f"unknown keyword(s) for {name}: {', '.join(bad)}; "
            f"valid keywords: {', '.join(valid)}"
        )
    if random_state is not None and "random_state" in valid and "random_state" not in kwargs:
        kwargs["random_state"] = random_state
    return cls(**kwargs)


def _occurrence_keys(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Content hash per row plus its running occurrence number (0, 1, ...)."""
    h = pd.util.hash_pandas_object(df, index=False).reset_index(drop=True)
    return h, h.groupby(h).cumcount()


def resample_with_provenance(
    df: pd.DataFrame, target: str, sampler
) -> tuple[pd.DataFrame, dict]:
    """Run ``sampler.fit_resample`` and flag rows whose content is new.

    Provenance is content-based (hash of feature + target values), counted with
    multiplicity: if a row's content occurs ``k`` times in the input, its first
    ``k`` occurrences in the output are original and any further copies (e.g.
    from ``RandomOverSampler``) are synthetic. This also works for samplers that
    drop rows (``SMOTETomek``, ``SMOTEENN``); dropped input rows are counted in
    ``n_removed``.
    """
    if target not in df.columns:
        raise ValueError(f"target column {target!r} not in DataFrame")
    feature_cols = [c for c in df.columns if c not in (target, SYNTHETIC_COL)]
    cols = feature_cols + [target]
    X = df[feature_cols]
    y = df[target]

    t0 = time.perf_counter()
    X_res, y_res = sampler.fit_resample(X, y)
    seconds = time.perf_counter() - t0

    out = pd.DataFrame(np.asarray(X_res) if not isinstance(X_res, pd.DataFrame) else X_res,
                       columns=feature_cols).reset_index(drop=True)
    out = out.astype(X.dtypes.to_dict())
    out[target] = pd.Series(np.asarray(y_res)).astype(y.dtype).to_numpy()

    in_hash, _ = _occurrence_keys(df[cols])
    out_hash, out_occ = _occurrence_keys(out[cols])
    in_counts = in_hash.value_counts()
    out_counts = out_hash.value_counts()

    available = out_hash.map(in_counts).fillna(0).astype(int)
    out[SYNTHETIC_COL] = (out_occ >= available).to_numpy()

    kept = out_counts.reindex(in_counts.index, fill_value=0)
    n_removed = int((in_counts - kept).clip(lower=0).sum())

    minority = y.value_counts().idxmin()
    info = {
        "sampler": type(sampler).__name__,
        "seconds": float(seconds),
        "rows_in": int(len(df)),
        "rows_out": int(len(out)),
        "n_synthetic": int(out[SYNTHETIC_COL].sum()),
        "n_removed": n_removed,
        "minority_share_out": float((out[target] == minority).mean()) if len(out) else 0.0,
    }
    return out, info
