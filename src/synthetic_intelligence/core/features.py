"""Feature kinds of a table after data isolation: the one contract for mixed-type tables.

Stored splits keep the user's column names.  Every feature column is one of:

- ``numeric``: an integer or float column; missing values are ``NaN`` (a float column).
- ``boolean``: ``bool`` or pandas' nullable ``boolean`` (missing = ``pd.NA``).
- ``categorical``: pandas ``category`` dtype; its categories are the levels seen in ``train``
  (a level that appears only in another split is stored as missing and reported by data isolation).
- ``date`` columns are turned into ``numeric`` by data isolation (days since 1970-01-01, float,
  same name) and recorded as kind ``date`` in the isolation report's schema; nothing downstream
  sees a datetime column.

Everything downstream (learners, samplers, oracles, QA) asks this module which kind a column is,
so the rule lives in one place.  Plain pandas, no Kedro.
"""

from __future__ import annotations

import pandas as pd
from pandas.api import types as ptypes

from synthetic_intelligence.core.schema import NON_FEATURES

__all__ = ["BOOLEAN", "CATEGORICAL", "DATE", "KINDS", "NUMERIC", "categorical_columns", "feature_columns",
           "feature_kinds", "is_mixed", "kind_of"]

NUMERIC, BOOLEAN, CATEGORICAL, DATE = "numeric", "boolean", "categorical", "date"
#: Kinds a stored feature column can have (``date`` appears only in the isolation report's schema).
KINDS: tuple[str, ...] = (NUMERIC, BOOLEAN, CATEGORICAL)


def kind_of(series: pd.Series) -> str:
    """The kind of one stored feature column; ``TypeError`` naming the column for any other dtype."""
    dtype = series.dtype
    if ptypes.is_bool_dtype(dtype):
        return BOOLEAN
    if isinstance(dtype, pd.CategoricalDtype):
        return CATEGORICAL
    if ptypes.is_numeric_dtype(dtype):
        return NUMERIC
    raise TypeError(f"feature column {series.name!r} has dtype {dtype}, which is not numeric, boolean or "
                    "categorical (data isolation turns strings into categories and dates into numbers)")


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """The frame's feature columns (every column but the target, provenance and weight), in order."""
    return [c for c in frame.columns if c not in NON_FEATURES]


def feature_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """``{column: kind}`` for every feature column of ``frame``, in column order."""
    return {c: kind_of(frame[c]) for c in feature_columns(frame)}


def categorical_columns(frame: pd.DataFrame) -> list[str]:
    """Feature columns of kind ``categorical``, in column order."""
    return [c for c, kind in feature_kinds(frame).items() if kind == CATEGORICAL]


def is_mixed(frame: pd.DataFrame) -> bool:
    """True when any feature column is not plain numeric, or any feature holds a missing value."""
    kinds = feature_kinds(frame)
    if any(kind != NUMERIC for kind in kinds.values()):
        return True
    return bool(frame[list(kinds)].isna().to_numpy().any()) if kinds else False
