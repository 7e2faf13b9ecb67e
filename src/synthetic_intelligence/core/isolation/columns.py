"""The user's feature columns as they come: kinds, dates, categorical levels and the schema report.

Data isolation takes a table with numeric, boolean, categorical and date columns and missing
values in its features, and stores the user's columns (nothing one-hot encoded).  The stored kinds
are :mod:`synthetic_intelligence.core.features`' (numeric, boolean, categorical); this module decides
them for a raw column, once, before the split:

- ``int`` / ``float`` columns stay numeric (``float64``; missing = ``NaN``; infinite values are refused);
- ``bool`` stays ``bool``; an object column of ``True`` / ``False`` with missing values becomes ``boolean``;
- pandas ``category`` stays categorical;
- a string (``object`` / ``string``) column becomes ``category`` when it holds at most ``max_levels``
  distinct values; one whose values are all numbers written as text becomes numeric; one whose values are
  all ISO dates (``2024-03-01``, ``2024-03-01 12:00``), or that is named in ``dates``, is a date;
- a datetime column (or a date string column) becomes ``float64`` days since 1970-01-01 (time-zone-aware
  columns are read in UTC), kind ``date`` in the schema;
- a string column with more than ``max_levels`` distinct values (ids, free text) is refused, or dropped
  with ``high_cardinality: drop``; either way the message names the columns and the threshold.

Refused with a one-line message naming the column: a column with no value at all, a column that mixes
numbers and strings (most values numbers, some text such as ``'n/a'``), infinite values, types that are
none of the above.

After the split, :func:`align_levels` sets each categorical column's categories to the levels seen in
``train``; a level that appears only in another split becomes missing there and is counted per split and
column (``unseen_levels`` in the report).  :func:`schema` is the isolation report's ``schema``: each
column's kind, its levels, its missing share per split.  Plain pandas, no Kedro.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from synthetic_intelligence.core import features as feature_kinds
from synthetic_intelligence.core.errors import DataValidationError
from synthetic_intelligence.core.schema import TARGET, TRAIN

__all__ = ["HIGH_CARDINALITY", "align_levels", "days_since_epoch", "prepare_features", "schema"]

#: What data isolation does with a string column of more than ``max_levels`` distinct values.
HIGH_CARDINALITY: tuple[str, ...] = ("refuse", "drop")
_KEY = "data_isolation.source"
_EPOCH = pd.Timestamp("1970-01-01")
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"


def days_since_epoch(values: pd.Series) -> pd.Series:
    """Datetimes as ``float64`` days since 1970-01-01 (missing stays ``NaN``; aware values in UTC)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return ((values - _EPOCH) / pd.Timedelta(days=1)).astype(np.float64)


def _parse_dates(values: pd.Series, column: str) -> pd.Series:
    try:
        parsed = pd.to_datetime(values, format="ISO8601", utc=True)
    except (ValueError, TypeError, OverflowError) as exc:
        first = values.dropna().iloc[0] if values.notna().any() else None
        raise DataValidationError(
            f"date column {column!r} has a value that is not a date (first value {first!r}): "
            f"{str(exc).splitlines()[0]}; write dates as YYYY-MM-DD or leave the column out of {_KEY}.dates"
        ) from exc
    return days_since_epoch(parsed)


def _mixed_error(column: str, n_numbers: int, n_values: int, texts: pd.Series) -> DataValidationError:
    shown = ", ".join(repr(v) for v in pd.unique(texts)[:5])
    return DataValidationError(
        f"feature column {column!r} mixes numbers and strings: {n_numbers} of {n_values} values are numbers, "
        f"the others text ({shown}); mark those as missing when reading the table (e.g. the CSV dataset's "
        f"load_args na_values), fix them, or drop the column ({_KEY}.drop_columns)"
    )


def _from_strings(values: pd.Series, column: str, *, is_date: bool) -> tuple[pd.Series, str]:
    """A column of strings (missing allowed) as dates, numbers or categories; ``(values, kind)``."""
    present = values.dropna().astype(str)
    if is_date or (len(present) and bool(present.str.match(_ISO_DATE).all())):
        return _parse_dates(values, column), feature_kinds.DATE
    numbers = pd.to_numeric(present, errors="coerce")
    n_numbers = int(numbers.notna().sum())
    if n_numbers == len(present):
        return pd.to_numeric(values, errors="coerce").astype(np.float64), feature_kinds.NUMERIC
    if n_numbers * 2 > len(present):  # mostly numbers: the text values are missing markers or typos
        raise _mixed_error(column, n_numbers, len(present), present[numbers.isna()])
    return values.astype("category"), feature_kinds.CATEGORICAL


def _column(values: pd.Series, column: str, *, is_date: bool) -> tuple[pd.Series, str]:  # noqa: PLR0911, PLR0912 - one branch per dtype family, each with its own message
    """One raw feature column in its stored form and kind (``date`` for a date turned into days)."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if is_date:
            return _parse_dates(values.astype(object), column), feature_kinds.DATE
        return values, feature_kinds.CATEGORICAL
    if ptypes.is_bool_dtype(dtype):
        return values, feature_kinds.BOOLEAN
    if ptypes.is_datetime64_any_dtype(dtype):
        return days_since_epoch(values), feature_kinds.DATE
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        if is_date:
            raise DataValidationError(f"column {column!r} is listed in {_KEY}.dates but holds numbers "
                                      f"(dtype {dtype}); leave it out of {_KEY}.dates")
        out = values.astype(np.float64)
        if np.isinf(out.to_numpy()).any():
            bad = np.flatnonzero(np.isinf(out.to_numpy()))
            raise DataValidationError(f"feature column {column!r} has {len(bad)} infinite value(s) "
                                      f"(first at row {int(bad[0])}); replace them or mark them missing")
        return out, feature_kinds.NUMERIC
    if ptypes.is_string_dtype(dtype) or ptypes.is_object_dtype(dtype):
        inferred = ptypes.infer_dtype(values, skipna=True)
        if inferred in ("string", "empty"):
            return _from_strings(values.astype(object), column, is_date=is_date)
        if inferred == "boolean":
            return values.astype("boolean"), feature_kinds.BOOLEAN
        if inferred in ("integer", "floating", "decimal", "mixed-integer-float"):
            return _column(pd.to_numeric(values), column, is_date=is_date)
        if inferred in ("datetime", "datetime64", "date"):
            return _parse_dates(values, column), feature_kinds.DATE
        if inferred in ("mixed-integer", "mixed"):
            present = values.dropna()
            numeric = present.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool))
            if numeric.any() and not numeric.all():
                raise _mixed_error(column, int(numeric.sum()), len(present), present[~numeric].astype(str))
    raise DataValidationError(
        f"feature column {column!r} has dtype {dtype} ({ptypes.infer_dtype(values, skipna=True)} values), "
        f"which data isolation cannot take: give numbers, booleans, strings (categories) or dates, "
        f"or drop it ({_KEY}.drop_columns)"
    )


def prepare_features(frame: pd.DataFrame, *, max_levels: int = 100, high_cardinality: str = "refuse",
                     dates: tuple[str, ...] | list[str] = ()) -> tuple[pd.DataFrame, dict]:
    """The feature columns of ``frame`` (no target) in their stored form, and what was decided.

    Returns ``(features, facts)``; ``facts`` has ``kinds`` (``{column: kind}``, ``date`` for dates),
    ``dropped`` (``{column: distinct values}`` of high-cardinality columns dropped), ``max_levels`` and
    ``high_cardinality``.  Raises :class:`DataValidationError` naming the column for a column it cannot
    take (see the module docstring).  A frame of numeric columns without missing values comes back as
    ``float64`` exactly as before this module existed.
    """
    if high_cardinality not in HIGH_CARDINALITY:
        raise DataValidationError(f"{_KEY}.high_cardinality must be one of {', '.join(HIGH_CARDINALITY)}, "
                                  f"got {high_cardinality!r}")
    unknown_dates = [c for c in dates if c not in frame.columns]
    if unknown_dates:
        raise DataValidationError(f"{_KEY}.dates: column(s) {', '.join(map(repr, unknown_dates))} not among the "
                                  f"feature columns")
    out, kinds, too_many = {}, {}, {}
    for column in frame.columns:
        values = frame[column].reset_index(drop=True)
        name = str(column)
        if values.notna().sum() == 0:
            raise DataValidationError(f"feature column {name!r} has no value (all {len(values)} rows missing); "
                                      f"drop it ({_KEY}.drop_columns)")
        stored, kind = _column(values, name, is_date=column in dates)
        if kind == feature_kinds.CATEGORICAL:
            n_levels = int(stored.nunique(dropna=True))
            if n_levels > max_levels:
                too_many[name] = n_levels
                continue
            stored = stored.cat.remove_unused_categories()
        out[name], kinds[name] = stored, kind
    if too_many:
        listing = ", ".join(f"{c!r} ({n} distinct values)" for c, n in too_many.items())
        if high_cardinality == "refuse":
            raise DataValidationError(
                f"high-cardinality string or categorical column(s) {listing}: more than {_KEY}.max_levels = "
                f"{max_levels} distinct values (an id or free text is not a category); drop them ({_KEY}.drop_columns or "
                f"{_KEY}.high_cardinality: drop) or raise {_KEY}.max_levels"
            )
    if not out:
        raise DataValidationError("the table has no feature columns left besides the target"
                                  + (f" (dropped as high-cardinality: {', '.join(too_many)})" if too_many else ""))
    facts = {"kinds": kinds, "dropped": too_many, "max_levels": int(max_levels), "high_cardinality": high_cardinality}
    return pd.DataFrame(out), facts


def align_levels(splits: dict[str, pd.DataFrame], train: str = TRAIN) -> tuple[dict[str, pd.DataFrame], dict]:
    """Every categorical column's categories = the levels seen in ``splits[train]`` (in their order).

    A level of another split that ``train`` never holds becomes missing there.  Returns the new splits
    (the inputs are not modified) and ``{split: {column: {level: rows}}}`` of the levels made missing.
    Frames without categorical columns come back unchanged (the same objects).
    """
    columns = [c for c in splits[train].columns
               if c != TARGET and isinstance(splits[train][c].dtype, pd.CategoricalDtype)]
    if not columns:
        return dict(splits), {}
    levels = {}
    for c in columns:
        seen = set(splits[train][c].dropna().unique().tolist())
        levels[c] = [level for level in splits[train][c].cat.categories if level in seen]
    out, unseen = {}, {}
    for name, frame in splits.items():
        aligned = frame.copy()
        for c in columns:
            if c not in aligned.columns:
                continue
            values = aligned[c].astype(object)
            lost = values.notna() & ~values.isin(levels[c])
            if lost.any():
                counts = values[lost].astype(str).value_counts()
                unseen.setdefault(name, {})[c] = {str(k): int(v) for k, v in counts.items()}
            aligned[c] = pd.Categorical(values.where(~lost), categories=levels[c])
        out[name] = aligned
    return out, unseen


def schema(splits: dict[str, pd.DataFrame], *, kinds: dict[str, str] | None = None,
           train: str = TRAIN) -> dict[str, dict]:
    """``{column: {"kind", "dtype", "levels" (categoricals), "missing_share": {split: share}}}``.

    ``kinds`` (from :func:`prepare_features`) marks the columns that were dates; any other column's
    kind is read from its stored dtype (:func:`~synthetic_intelligence.core.features.kind_of`).
    """
    kinds = kinds or {}
    frame = splits[train]
    out = {}
    for c in feature_kinds.feature_columns(frame):
        kind = kinds.get(c) if kinds.get(c) == feature_kinds.DATE else feature_kinds.kind_of(frame[c])
        entry: dict = {"kind": kind, "dtype": str(frame[c].dtype)}
        if kind == feature_kinds.CATEGORICAL:
            entry["levels"] = [str(v) for v in frame[c].cat.categories]
        entry["missing_share"] = {name: (float(df[c].isna().mean()) if len(df) and c in df.columns else None)
                                  for name, df in splits.items()}
        out[c] = entry
    return out
