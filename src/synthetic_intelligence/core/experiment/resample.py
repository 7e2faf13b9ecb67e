"""One way to build a lane's training set from ``train`` and any sampler, with one provenance rule.

Every swimlane's training-set step goes through :func:`resample`: an
imbalanced-learn sampler, :class:`~synthetic_intelligence.core.sampling.OracleRejectionSampler`,
or ``None`` (the raw training set).  Provenance (``is_synthetic``) is decided by
content, counted with multiplicity: if a row's content (features + target) occurs
``k`` times in ``train``, its first ``k`` occurrences in the output are real and any
further copies are synthetic.  That one rule covers samplers that only add rows
(SMOTE, the oracle sampler), add exact copies (``RandomOverSampler``) and drop rows
(``SMOTETomek``, ``SMOTEENN``, smote-variants' ``SMOTE_IPF``: counted in ``n_removed``), whether the
sampler returns a DataFrame or numpy arrays (smote-variants: rebuilt in ``train``'s columns and dtypes).  Content is hashed with
pandas' own row hash, so missing values (``NaN``, ``pd.NA``) and categorical values
(hashed by value, whatever the categories) count like any other value.

On a mixed-type table (categorical or boolean columns, missing values) an
imbalanced-learn ``SMOTE`` runs as SMOTENC or SMOTEN and missing values follow a
declared rule (:func:`~synthetic_intelligence.core.experiment.imblearn_lanes.fit_resample_mixed`); the
report's ``sampler_used`` and ``mixed_types`` say what ran and the missing share
of real and synthetic rows.

A lane whose sampler cannot build a training set from this data (a
:class:`~synthetic_intelligence.core.errors.TrainingSetError`, e.g. too few minority
rows for its neighbours, or a :class:`~synthetic_intelligence.core.sampling.GenerationError`)
does not stop the run: :func:`build_or_fail` turns it into the *failed lane* sentinel,
an empty training set (the columns of ``train`` plus ``is_synthetic``) and a report
``{"failed": True, "reason": ..., "error": ...}``.  The learners pass it through (no
model, no scores) and the scorecard lists the lane as failed with its reason.  A
parameter error or a bug is not caught.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import InvalidParameterError

from synthetic_intelligence.core.errors import TrainingSetError, UserError
from synthetic_intelligence.core.experiment import imblearn_lanes as smote
from synthetic_intelligence.core.sampling import GenerationError
from synthetic_intelligence.core.schema import PROVENANCE, TARGET, WEIGHT

__all__ = ["AppendRows", "resample", "balanced_weights", "provenance", "TRAINING_SET_ERRORS", "build_or_fail",
           "failed_training_set", "is_failed", "lane_provenance"]

logger = logging.getLogger(__name__)

#: Errors that fail one lane (reported in the scorecard) instead of the run.
TRAINING_SET_ERRORS: tuple[type[Exception], ...] = (TrainingSetError, GenerationError)


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


class AppendRows:
    """A sampler whose rows were generated elsewhere (e.g. read back from Parquet): ``fit_resample(X, y)``
    returns ``X, y`` followed by ``rows`` (its columns in ``X``'s order) and ``labels``, so that
    :func:`resample` gives them the same provenance as any sampler's output."""

    def __init__(self, rows: pd.DataFrame, labels: pd.Series):
        self.rows = rows
        self.labels = labels

    def fit_resample(self, X: pd.DataFrame, y: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
        rows = self.rows[list(X.columns)]
        return (pd.concat([X, rows], ignore_index=True) if len(rows) else X.reset_index(drop=True),
                pd.concat([y, self.labels], ignore_index=True) if len(rows) else y.reset_index(drop=True))


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
    mixed = None
    if sampler is None:
        X_res, y_res = X, y
    elif type(sampler).__module__.startswith("imblearn.") and smote.mixed_type_sampler_needed(X):
        X_res, y_res, mixed = _fit_resample(sampler, X, y, mixed=True)
    else:
        X_res, y_res = _fit_resample(sampler, X, y)
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
        "sampler": getattr(sampler, "sampler_name", type(sampler).__name__) if sampler is not None else None,
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
        "class_weights": ({str(k): float(v) for k, v in out.groupby(TARGET)[WEIGHT].first().items()}
                          if weights else None),
    }
    if mixed is not None:
        info["sampler_used"] = mixed["sampler_used"]
        info["mixed_types"] = mixed
    return out, info


def _fit_resample(sampler, X: pd.DataFrame, y: pd.Series, *, mixed: bool = False):
    """``sampler.fit_resample`` (with ``mixed``: :func:`~.imblearn_lanes.fit_resample_mixed`, SMOTENC / SMOTEN on a
    mixed-type table); an imbalanced-learn sampler's complaint about this data becomes a
    :class:`TrainingSetError` (its parameters were checked before the run; a parameter error stays one)."""
    try:
        return smote.fit_resample_mixed(sampler, X, y) if mixed else sampler.fit_resample(X, y)
    except (UserError, GenerationError, InvalidParameterError):
        raise
    except (ValueError, RuntimeError) as exc:
        if not type(sampler).__module__.startswith("imblearn."):
            raise
        raise TrainingSetError(f"{type(sampler).__name__} cannot resample this training set "
                               f"({int((y == 1).sum())} minority of {len(y)} rows): {exc}") from exc


def failed_training_set(train: pd.DataFrame, cause: BaseException | str, **context) -> tuple[pd.DataFrame, dict]:
    """The failed-lane sentinel: an empty training set with ``train``'s columns and ``is_synthetic``,
    and a report ``{"failed": True, "reason", "error", "rows_in", ...}`` plus ``context``."""
    empty = train.iloc[:0].drop(columns=[c for c in (PROVENANCE, WEIGHT) if c in train.columns]).copy()
    empty[PROVENANCE] = pd.Series(dtype=bool)
    reason = str(cause).strip() or type(cause).__name__
    report = {
        "failed": True,
        "reason": reason,
        "error": type(cause).__name__ if isinstance(cause, BaseException) else "failed",
        "rows_in": int(len(train)),
        "rows_out": 0,
        "n_synthetic": 0,
        "synthetic_share": 0.0,
        "minority_rows_in": int((train[TARGET] == 1).sum()) if TARGET in train.columns else None,
        **context,
    }
    return empty, report


def build_or_fail(build: Callable[[], tuple[pd.DataFrame, dict]], train: pd.DataFrame,
                  what: str = "the lane's sampler", **context) -> tuple[pd.DataFrame, dict]:
    """``build()`` (a training-set step's work), or the failed-lane sentinel when it raises one of
    :data:`TRAINING_SET_ERRORS`; the failure is logged as one WARNING line.  Anything else propagates."""
    try:
        return build()
    except TRAINING_SET_ERRORS as exc:
        logger.warning("%s could not build a training set (%s: %s); the lane is reported as failed and the "
                       "other lanes go on", what, type(exc).__name__, exc)
        return failed_training_set(train, exc, **context)


def is_failed(report: Mapping | None) -> bool:
    """Whether a training-set report (or a choice, a fit_info, a metrics dict) is a failed-lane sentinel."""
    return bool(isinstance(report, Mapping) and report.get("failed"))


def _plain(params: Mapping | None) -> dict:
    return {str(k): v for k, v in (params or {}).items() if v is None or isinstance(v, (bool, int, float, str))}


def lane_provenance(report: Mapping | None) -> dict:
    """What made a lane's training set, from its report: ``sampler`` (class name that ran, e.g. SMOTENC for a
    SMOTE lane on a mixed-type table; ``"none"`` for the raw
    set, ``"class_weights"`` for balanced weights), ``sampler_params`` (its scalar parameters),
    ``sampler_seed``, ``synthetic_share``, ``n_synthetic``, rows in and out, ``seconds``."""
    report = dict(report or {})
    params = _plain(report.get("params") or report.get("sampler_params") or report.get("kwargs"))
    for key in ("threshold", "ratio", "gate", "candidates"):  # the model_driven lane's chosen setting
        if report.get(key) is not None and key not in params:
            params[key] = report[key]
    sampler = (report.get("sampler_used") or report.get("sampler")
               or ("class_weights" if report.get("class_weights") else "none"))
    seed = report.get("seed", params.get("random_state"))
    return {
        "sampler": str(sampler),
        "sampler_params": params,
        "sampler_seed": None if seed is None else int(seed),
        "synthetic_share": float(report.get("synthetic_share") or 0.0),
        "n_synthetic": int(report.get("n_synthetic") or 0),
        "rows_in": report.get("rows_in"),
        "rows_out": report.get("rows_out"),
        "seconds": report.get("seconds"),
    }
