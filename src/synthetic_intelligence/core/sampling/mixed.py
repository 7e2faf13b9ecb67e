"""Mixed-type tables in the sampler: encode to one float matrix, generate, decode to the input's dtypes.

The strategies and executors work on a float matrix. A DataFrame with categorical, boolean,
string or missing values is taken through :class:`FrameCodec`:

- ``encode``: every column becomes one float64 column of the work matrix: numbers as they
  are, booleans as 0/1, categoricals as their category code (the position of the level in
  the column's categories: for a pandas ``category`` column its categories, the levels of
  ``train`` under the contract of :mod:`synthetic_intelligence.core.features`; for an
  object / string column the sorted distinct values). A missing value is ``NaN`` in every kind.
- the strategy generates rows of codes and numbers; boolean and categorical columns are
  *parent* columns (``parents``): a candidate takes them whole from one parent row, so a
  code is always one that occurs in the class's rows (never a level outside train);
  integer columns are *rounded* columns.
- ``decode``: the matrix back to a DataFrame with the input's dtypes (categories kept,
  nullable dtypes with ``pd.NA``); ``oracle_frame``: the same rows as the oracle sees them
  (string / object categoricals as pandas ``category`` with the codec's levels, nullable
  integer / boolean / float columns as float64 with ``NaN``, the rest in the input dtype).

:class:`FrameOracle` scores work-matrix rows with an oracle fitted on oracle frames, so the
scorer, the gate and the executors (numpy and Spark) need no change: they pass arrays.

Plain library code (numpy, pandas); no pipeline framework.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

__all__ = ["FrameCodec", "FrameOracle", "needs_codec"]

NUMERIC, INTEGER, BOOLEAN, CATEGORICAL = "numeric", "integer", "boolean", "categorical"


def _is_frame(X) -> bool:
    return isinstance(X, pd.DataFrame)


def _numbers(col: pd.Series):
    """The column as float64 (NaN for missing), or None where it holds values that are not numbers."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return None
    if ptypes.is_bool_dtype(dtype) or ptypes.is_numeric_dtype(dtype):
        if ptypes.is_complex_dtype(dtype):
            return None
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        return pd.to_numeric(col, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return None


def needs_codec(X) -> bool:
    """True for a DataFrame that the plain numeric path refuses but the codec takes.

    That is a DataFrame with a ``category`` column, a column of strings (object / string
    dtype), or a missing value (NaN / ``pd.NA``) in any column. A numeric DataFrame with no
    missing value (the case the sampler always took) is False, so it keeps the plain path.
    Infinity is refused on either path, each naming the columns.
    """
    if not _is_frame(X) or X.shape[1] == 0:
        return False
    for name in X.columns:
        col = X[name]
        if isinstance(col, pd.DataFrame):  # duplicated column labels: the plain path names them
            return False
        dtype = col.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "biuf":  # the common case: no copy, no cast
            if dtype.kind == "f" and np.isnan(col.to_numpy()).any():
                return True
            continue
        values = _numbers(col)
        if values is None:
            return True
        if np.isnan(values).any():
            return True
    return False


@dataclass(frozen=True)
class _Column:
    name: object
    kind: str  # numeric | integer | boolean | categorical
    dtype: object  # the input's dtype (pandas or numpy)
    categories: tuple | None = None  # categorical: the levels, code k <-> categories[k]


def _sorted_levels(values: pd.Series) -> list:
    levels = pd.unique(values.dropna())
    try:
        return sorted(levels)
    except TypeError:  # values of mixed types: order of appearance
        return list(levels)


class FrameCodec:
    """The columns of one DataFrame: their kinds, dtypes and levels (see the module docstring).

    Built with :meth:`from_frame`; picklable (it travels to Spark executors inside the scorer).
    """

    def __init__(self, columns: list[_Column]):
        self.columns = list(columns)

    @classmethod
    def from_frame(cls, X: pd.DataFrame) -> FrameCodec:
        """Kinds from the dtypes: ``category`` and text columns are categorical, ``bool`` / ``boolean``
        boolean, integer dtypes integer, other numbers numeric (an object column of numbers is numeric)."""
        columns = []
        for name in X.columns:
            col = X[name]
            dtype = col.dtype
            if isinstance(dtype, pd.CategoricalDtype):
                columns.append(_Column(name, CATEGORICAL, dtype, tuple(dtype.categories)))
            elif ptypes.is_bool_dtype(dtype):
                columns.append(_Column(name, BOOLEAN, dtype))
            elif ptypes.is_integer_dtype(dtype):
                columns.append(_Column(name, INTEGER, dtype))
            elif ptypes.is_numeric_dtype(dtype) or _numbers(col) is not None:
                columns.append(_Column(name, NUMERIC, dtype))
            else:
                columns.append(_Column(name, CATEGORICAL, dtype, tuple(_sorted_levels(col))))
        return cls(columns)

    def to_dict(self) -> dict:
        """A JSON-able description (``{"columns": [{name, kind, dtype, categories, ordered}, ...]}``)."""
        columns = []
        for c in self.columns:
            entry = {"name": c.name, "kind": c.kind, "dtype": str(c.dtype)}
            if c.categories is not None:
                entry["categories"] = [v.item() if isinstance(v, np.generic) else v for v in c.categories]
                entry["ordered"] = bool(getattr(c.dtype, "ordered", False))
            columns.append(entry)
        return {"columns": columns}

    @classmethod
    def from_dict(cls, spec: dict) -> FrameCodec:
        """The codec :meth:`to_dict` described (a plan read back from JSON)."""
        columns = []
        for entry in spec["columns"]:
            categories = tuple(entry["categories"]) if "categories" in entry else None
            if entry["dtype"] == "category":
                dtype = pd.CategoricalDtype(list(categories), ordered=entry.get("ordered", False))
            else:
                dtype = pd.api.types.pandas_dtype(entry["dtype"])
            columns.append(_Column(entry["name"], entry["kind"], dtype, categories))
        return cls(columns)

    # -- facts for the strategy ------------------------------------------------------------
    @property
    def names(self) -> list:
        return [c.name for c in self.columns]

    @property
    def parents(self) -> np.ndarray:
        """Columns a candidate takes whole from one parent row (boolean and categorical)."""
        return np.asarray([c.kind in (BOOLEAN, CATEGORICAL) for c in self.columns], dtype=bool)

    @property
    def rounded(self) -> np.ndarray:
        """Integer columns (rounded after each draw)."""
        return np.asarray([c.kind == INTEGER for c in self.columns], dtype=bool)

    def describe(self) -> dict:
        """``{column: kind}`` (for reports and messages)."""
        return {str(c.name): c.kind for c in self.columns}

    # -- encode / decode -------------------------------------------------------------------
    def encode(self, X: pd.DataFrame) -> np.ndarray:
        """The work matrix (float64, C order, NaN for missing) of ``X`` (same columns, in order)."""
        if list(X.columns) != self.names:
            raise ValueError(f"X has columns {list(X.columns)}; the codec was built for {self.names}")
        out = np.empty((X.shape[0], len(self.columns)), dtype=np.float64)
        for k, column in enumerate(self.columns):
            col = X[column.name]
            if column.kind == CATEGORICAL:
                if isinstance(col.dtype, pd.CategoricalDtype) and tuple(col.dtype.categories) == column.categories:
                    codes = col.cat.codes.to_numpy()
                else:
                    codes = pd.Categorical(col, categories=list(column.categories)).codes
                out[:, k] = np.where(codes >= 0, codes, np.nan)
            else:
                values = _numbers(col)
                if values is None:
                    raise ValueError(f"column {column.name!r} is {column.kind} but holds values that are not numbers")
                out[:, k] = values
        return out

    def decode(self, rows: np.ndarray, *, for_oracle: bool = False) -> pd.DataFrame:
        """A DataFrame of work-matrix ``rows`` in the input's dtypes (``for_oracle``: as the oracle sees them)."""
        rows = np.asarray(rows)
        data = {}
        for k, column in enumerate(self.columns):
            data[column.name] = self._decode_column(column, rows[:, k], for_oracle)
        return pd.DataFrame(data, columns=self.names, index=pd.RangeIndex(rows.shape[0]))

    def oracle_frame(self, rows: np.ndarray) -> pd.DataFrame:
        """``decode(rows, for_oracle=True)`` (a plain function for pipelines and pickling)."""
        return self.decode(rows, for_oracle=True)

    @staticmethod
    def _decode_column(column: _Column, values: np.ndarray, for_oracle: bool):
        if column.kind == CATEGORICAL:
            return _decode_categorical(column, values, for_oracle)
        dtype = column.dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(dtype, np.dtype):
            if for_oracle:
                return values.astype(np.float64, copy=True)
            if column.kind == BOOLEAN:
                return pd.arrays.BooleanArray(values == 1, np.isnan(values))
            return pd.array(values, dtype=dtype)  # NaN -> pd.NA (nullable integers and floats)
        if column.kind == BOOLEAN:
            return values == 1  # a plain bool column has no missing value
        return values.astype(dtype)  # numbers (an object column of numbers gets them as objects)


def _decode_categorical(column: _Column, values: np.ndarray, for_oracle: bool):
    """Codes -> the column's dtype: ``category`` as is, text columns as their values (``category`` for the oracle)."""
    codes = np.where(np.isnan(values), -1, values).astype(np.int64)
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(codes, dtype=dtype)
    if for_oracle:
        return pd.Categorical.from_codes(codes, categories=list(column.categories))
    levels = np.empty(len(column.categories) + 1, dtype=object)
    levels[:-1] = column.categories
    levels[-1] = None
    decoded = levels[codes]  # code -1 -> the trailing None
    return pd.array(decoded, dtype=dtype) if isinstance(dtype, pd.api.extensions.ExtensionDtype) else decoded


class FrameOracle:
    """Scores work-matrix rows with an oracle fitted on the codec's oracle frames.

    ``predict_proba(rows)`` = ``oracle.predict_proba(codec.oracle_frame(rows))``; ``classes_`` is
    the oracle's. It has no ``feature_names_in_``, so :class:`~.scorer.ProbaScorer` passes it the
    array itself. Picklable when the oracle is (a :class:`~synthetic_intelligence.core.engines.mojo.MojoOracle`
    carries its MOJO's bytes), so it travels to Spark executors as the plain oracle does.
    """

    def __init__(self, oracle, codec: FrameCodec):
        self.oracle = oracle
        self.codec = codec

    def __getattr__(self, name: str):
        if name in ("oracle", "codec", "feature_names_in_") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.oracle, name)

    def predict_proba(self, rows) -> np.ndarray:
        return self.oracle.predict_proba(self.codec.oracle_frame(rows))
