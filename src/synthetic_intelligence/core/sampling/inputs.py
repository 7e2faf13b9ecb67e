"""Checks and facts about the sampler's input ``X`` before scikit-learn's own validation.

Messages name the problem: the columns that are not numeric (with their dtype),
the columns that hold NaN or infinity. These checks apply to arrays, lists and numeric
DataFrames with no missing value; a DataFrame with categorical, text or missing values
takes the mixed-type path (:mod:`.mixed`). DataFrame columns are named by their
labels, array columns by their index. Lists and other array-likes are handled
like arrays.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_numeric_finite", "integer_columns", "working_dtype"]


def _is_frame(X) -> bool:
    return hasattr(X, "columns") and hasattr(X, "dtypes")


def _is_sparse(X) -> bool:
    return hasattr(X, "toarray") or hasattr(X, "tocsr")


def _as_float(values):
    """``values`` as a float64 array, or None if they are not numbers."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def check_numeric_finite(X) -> None:
    """Raise ``ValueError`` naming the non-numeric columns, then the ones with NaN or infinity."""
    if _is_sparse(X):
        return  # rejected by the generic validation (dense data is required)
    if _is_frame(X):
        columns = [(name, X[name], _kind(X[name].dtype)) for name in X.columns]
    else:
        arr = X if isinstance(X, np.ndarray) else np.asarray(X)
        if arr.dtype.kind in "SU" and not isinstance(X, np.ndarray):
            arr = np.asarray(X, dtype=object)  # a list mixing numbers and strings: find the string columns
        if arr.ndim != 2:
            return  # the generic validation names the expected shape
        if arr.dtype.kind in "biuf":  # numeric arrays: two reductions, no temporary of X's size
            # min and max propagate NaN and show +-inf, so both finite <=> every value finite; only then
            # (rare, and an error) is each column checked to name it
            if arr.dtype.kind == "f" and arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
                _raise_non_finite(np.flatnonzero(~np.isfinite(arr).all(axis=0)).tolist(), "column index(es)")
            return
        columns = [(k, arr[:, k], arr.dtype.kind) for k in range(arr.shape[1])]
    non_numeric, non_finite = [], []
    for name, col, kind in columns:
        if kind in "biu" and not hasattr(col.dtype, "na_value"):
            continue  # plain integers and booleans are finite
        numbers = _as_float(col) if kind in "biufO" else None
        if numbers is None:
            non_numeric.append(f"{name!r} ({_dtype_name(col)})")
        elif not np.isfinite(numbers).all():
            non_finite.append(name)
    if non_numeric:
        raise ValueError(
            f"X has non-numeric column(s) {', '.join(non_numeric)}; OracleRejectionSampler interpolates "
            "numbers; pass X as a DataFrame to take them as categoricals, or encode or drop them."
        )
    _raise_non_finite(non_finite, "column(s)" if _is_frame(X) else "column index(es)")


def _raise_non_finite(columns, label) -> None:
    if columns:
        raise ValueError(f"X contains NaN or infinity in {label} {columns!r}; impute or drop them before oversampling "
                         "(a DataFrame may hold NaN: missing values are carried into the candidates).")


def _kind(dtype) -> str:
    try:
        return np.dtype(dtype).kind
    except TypeError:  # pandas extension dtypes (nullable integers, categoricals, strings)
        kind = getattr(dtype, "kind", "O")
        return kind if kind in "biuf" else "O"


def _dtype_name(col) -> str:
    return str(getattr(col, "dtype", type(col).__name__))


def integer_columns(X):
    """Boolean mask of the integer / boolean columns of a DataFrame, else None."""
    if not _is_frame(X):
        return None
    return np.asarray([_kind(dt) in "iub" for dt in list(X.dtypes)], dtype=bool)


def working_dtype(X: np.ndarray, frame_integer_columns=None):
    """``(work dtype, rounded columns)`` for validated ``X``.

    Generation runs in float32 for floating input whose values fit in float32, else
    float64. Integer / boolean columns of a DataFrame are rounded; every column is
    rounded when ``X`` itself is not floating point. ``rounded`` is None when no
    column is.
    """
    if np.issubdtype(X.dtype, np.floating):
        # the largest magnitude without np.abs's full copy of X (NaN propagates as before: float64 then)
        fits = X.size == 0 or np.maximum(X.max(), -X.min()) < np.finfo(np.float32).max
        work = np.float32 if fits else np.float64
        rounded = frame_integer_columns
    else:
        work = np.float64
        rounded = np.ones(X.shape[1], dtype=bool)
    if rounded is not None and not rounded.any():
        rounded = None
    return work, rounded
