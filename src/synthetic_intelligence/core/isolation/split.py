"""Validation of user tables, isolated splits and the isolation proof.

Everything downstream sees one canonical shape: the user's feature columns (numeric,
boolean or categorical, see :mod:`~synthetic_intelligence.core.features`) plus a
``target`` column of 0/1 integers where 1 is the positive (minority) label.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import re
import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from synthetic_intelligence.core.errors import ConfigurationError, DataValidationError
from synthetic_intelligence.core.isolation.columns import prepare_features
from synthetic_intelligence.core.schema import HOLDOUT_IID, HOLDOUT_NEW_WORLD, TARGET, TRAIN, VALIDATION

__all__ = [
    "ConfigurationError", "DataValidationError", "IsolationError", "check_min_minority_rows", "drop_duplicate_rows",
    "drop_rows_seen_in", "isolation_report", "new_world_mask", "row_hashes", "split_training_world", "validate_table",
]


class IsolationError(DataValidationError):
    """A holdout row also appears in a training-world split."""


_PANDAS_DUP = re.compile(r"^(?P<name>.+)\.(?P<n>\d+)$")


def validate_table(
    df: pd.DataFrame,
    *,
    target: str,
    positive_label,
    min_minority_rows: int = 2,
    exclude: tuple[str, ...] = (),
    max_levels: int = 100,
    high_cardinality: str = "refuse",
    dates: tuple[str, ...] | list[str] = (),
    with_facts: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, dict]:
    """Check a user table and return it in canonical form (features + ``target`` in {0, 1}).

    Feature columns keep their names and take the stored kinds of
    :mod:`~synthetic_intelligence.core.isolation.columns` (numeric with ``NaN`` for
    missing, boolean, categorical; dates become days since 1970-01-01; string
    columns of more than ``max_levels`` distinct values are refused or, with
    ``high_cardinality="drop"``, dropped).  Raises :class:`DataValidationError`
    naming the first problem found: an empty table, a missing target column, a
    target with missing values, not binary or lacking the positive label,
    duplicated feature columns, a column it cannot take (all missing, numbers
    mixed with strings, infinite values, ...), or fewer minority rows than
    ``min_minority_rows`` in the whole table (the per-split minimum is checked by
    :func:`check_min_minority_rows`).  Columns listed in ``exclude`` (for example
    the new-world cut column) are dropped.  ``with_facts=True`` also returns what
    :func:`~.columns.prepare_features` decided (kinds, dropped columns).
    """
    if df is None or len(df) == 0 or df.shape[1] == 0:
        raise DataValidationError("the input table is empty (no rows or no columns)")
    cols = [str(c) for c in df.columns]
    dups = sorted({c for c in cols if cols.count(c) > 1})
    # CSV readers rename a repeated header 'a' to 'a.1': report those as duplicates too.
    dups += sorted(
        c for c in cols if (m := _PANDAS_DUP.match(c)) and m["name"] in cols and c not in dups
    )
    if dups:
        raise DataValidationError(f"duplicated feature column(s): {', '.join(map(repr, dups))}")
    if target not in df.columns:
        raise DataValidationError(
            f"target column {target!r} not found; columns are: {', '.join(cols[:20])}"
            + (" ..." if len(cols) > 20 else "")
        )
    values = pd.unique(df[target].dropna())
    if df[target].isna().any():
        raise DataValidationError(f"target column {target!r} has {int(df[target].isna().sum())} missing value(s)")
    if len(values) != 2:
        raise DataValidationError(
            f"target column {target!r} must be binary; found {len(values)} distinct value(s): "
            f"{sorted(map(str, values))[:10]}"
        )
    if positive_label not in set(values.tolist()):
        raise DataValidationError(
            f"positive label {positive_label!r} not found in target column {target!r}; values are "
            f"{sorted(map(str, values))}"
        )
    features = [c for c in df.columns if c != target and c not in exclude]
    if not features:
        raise DataValidationError("the table has no feature columns besides the target")
    if TARGET in features:
        raise DataValidationError(
            f"feature column {TARGET!r} clashes with the canonical target name; rename it"
        )
    X, facts = prepare_features(df[features], max_levels=max_levels, high_cardinality=high_cardinality,
                                dates=tuple(dates))
    y = (df[target] == positive_label).astype(np.int64)
    n_pos = int(y.sum())
    if n_pos > len(y) - n_pos:
        raise DataValidationError(
            f"positive label {positive_label!r} has {n_pos} of {len(y)} rows: it is not the minority class"
        )
    if n_pos < min_minority_rows:
        raise DataValidationError(
            f"only {n_pos} minority row(s) with {target!r} == {positive_label!r} in the whole table; each split "
            f"(train, validation, holdout_iid, holdout_new_world) needs at least {min_minority_rows} "
            f"(data_isolation.source.min_minority_rows): use a larger table or lower min_minority_rows"
        )
    out = X.reset_index(drop=True)
    out[TARGET] = y.to_numpy()
    return (out, facts) if with_facts else out


def _describe(values: pd.Series) -> str:
    """``dtype, values a to b`` for messages about a cut column."""
    try:
        return f"{values.dtype}, values {values.min()} to {values.max()}"
    except TypeError:  # mixed types
        return str(values.dtype)


def _as_datetimes(values: pd.Series, column: str) -> pd.Series:
    """A date column as datetimes (strings are parsed; mixed UTC offsets become UTC)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values):
        return values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": parsed element-wise
        try:
            return pd.to_datetime(values)
        except ValueError as exc:
            if "Mixed timezones" in str(exc) or "mixed time zones" in str(exc).lower():
                return pd.to_datetime(values, utc=True)
            first = values.dropna().iloc[0] if values.notna().any() else None
            raise DataValidationError(
                f"new-world cut column {column!r} is neither numeric nor a date (dtype {values.dtype}, "
                f"first value {first!r}): {str(exc).splitlines()[0]}; cut on a numeric or date column "
                f"(data_isolation.source.new_world.column)"
            ) from exc
        except (TypeError, OverflowError) as exc:
            raise DataValidationError(
                f"new-world cut column {column!r} is neither numeric nor a date (dtype {values.dtype}): {exc}"
            ) from exc


def new_world_mask(values: pd.Series, cut, *, column: str) -> np.ndarray:  # noqa: PLR0912 - one branch per cut type, each with its own message
    """Boolean mask of the rows after the cut (``value > cut``): the new world.

    ``values`` is the cut column, ``column`` its name for messages.  A numeric
    column takes a numeric cut; a date column (datetimes or date strings) takes a
    date.  A time-zone-aware column with a naive cut reads the cut in the
    column's time zone; a naive column with a time-zone-aware cut is refused.
    Raises :class:`ConfigurationError` for a cut that does not fit the column and
    :class:`DataValidationError` for a column that cannot be cut (missing values,
    neither numeric nor dates, a cut that leaves one side empty).
    """
    where = f"new-world cut column {column!r}"
    if cut is None or (isinstance(cut, str) and not cut.strip()):
        raise ConfigurationError(
            f"data_isolation.source.new_world.cut is not set: give a value of column {column!r} "
            f"(rows with {column} > cut form holdout_new_world)"
        )
    if values.isna().any():
        n, first = int(values.isna().sum()), int(np.flatnonzero(values.isna().to_numpy())[0])
        raise DataValidationError(f"{where} has {n} missing value(s) (first at row {first}); fill or drop them")
    if pd.api.types.is_bool_dtype(values):
        raise DataValidationError(f"{where} is boolean; cut on a numeric or date column")
    if pd.api.types.is_numeric_dtype(values):
        if isinstance(cut, bool) or not isinstance(cut, numbers.Real):
            try:
                cut_value = float(cut) if isinstance(cut, str) else None
            except ValueError:
                cut_value = None
            if cut_value is None:
                raise ConfigurationError(
                    f"new-world cut {cut!r} is not a number, but {where} is numeric ({_describe(values)}); "
                    f"give a number in that range as data_isolation.source.new_world.cut, or cut on a date column"
                )
        else:
            cut_value = float(cut)
        key = values
    else:
        key = _as_datetimes(values, column)
        if isinstance(cut, (bool, numbers.Real)):
            raise ConfigurationError(
                f"new-world cut {cut!r} is a number, but {where} holds dates ({_describe(key)}); "
                f"give a date such as '{key.min():%Y-%m-%d}' as data_isolation.source.new_world.cut"
            )
        try:
            cut_value = pd.Timestamp(cut) if isinstance(cut, (str, _dt.date, pd.Timestamp, np.datetime64)) else None
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                f"new-world cut {cut!r} is not a date, but {where} holds dates ({_describe(key)}); "
                f"give a date such as '{key.min():%Y-%m-%d}'"
            ) from exc
        if cut_value is None or pd.isna(cut_value):
            raise ConfigurationError(f"new-world cut {cut!r} is not a date; {where} holds dates ({_describe(key)})")
        column_tz = key.dt.tz
        if column_tz is not None and cut_value.tzinfo is None:
            cut_value = cut_value.tz_localize(column_tz)
        elif column_tz is None and cut_value.tzinfo is not None:
            raise ConfigurationError(
                f"new-world cut {cut!r} has a time zone but {where} has none ({_describe(key)}); "
                f"give the cut without a UTC offset"
            )
    new = (key > cut_value).to_numpy()
    if new.all() or not new.any():
        raise DataValidationError(
            f"cut {cut!r} on column {column!r} leaves {int((~new).sum())} training-world and "
            f"{int(new.sum())} new-world rows: both must be non-empty; choose a cut inside the column's range "
            f"({_describe(key)})"
        )
    return new


def split_training_world(
    df: pd.DataFrame, *, holdout_share: float, validation_share: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stratified ``(train, validation, holdout_iid)``; the holdout is carved first.

    ``validation_share`` is a share of the whole training world, taken from what
    remains after the holdout.  A world too small to split stratified raises
    :class:`DataValidationError` with its counts.
    """
    for name, v in (("holdout_share", holdout_share), ("validation_share", validation_share)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not 0.0 < v < 1.0:
            raise ConfigurationError(f"data_isolation.split.{name} must be a number in (0, 1), got {v!r}")
    if holdout_share + validation_share >= 1.0:
        raise ConfigurationError(
            f"data_isolation.split: holdout_share + validation_share must be < 1, got "
            f"{holdout_share} + {validation_share}"
        )
    n_pos = int(df[TARGET].sum()) if TARGET in df.columns else 0
    try:
        rest, holdout = train_test_split(df, test_size=holdout_share, stratify=df[TARGET], random_state=seed)
        train, validation = train_test_split(
            rest,
            test_size=validation_share / (1.0 - holdout_share),
            stratify=rest[TARGET],
            random_state=seed + 1,
        )
    except ValueError as exc:
        raise DataValidationError(
            f"the training world ({len(df)} rows, {n_pos} minority) is too small to split stratified into "
            f"train / validation / holdout_iid with holdout_share={holdout_share}, "
            f"validation_share={validation_share} ({exc}); use a larger table (or a later new-world cut), "
            f"more minority rows, or larger shares"
        ) from exc
    return tuple(t.reset_index(drop=True) for t in (train, validation, holdout))


def check_min_minority_rows(
    splits: dict[str, pd.DataFrame], min_minority_rows: int, hints: dict[str, str] | None = None
) -> dict[str, dict[str, int]]:
    """Require ``min_minority_rows`` minority rows and one majority row in every split.

    ``min_minority_rows`` counts each split on its own (train, validation,
    holdout_iid, holdout_new_world), not the whole table.  Returns the counts per
    split; raises :class:`DataValidationError` listing every split that falls
    short, with its rows and minority rows and ``hints[split]`` (what to change).
    """
    if isinstance(min_minority_rows, bool) or not isinstance(min_minority_rows, numbers.Integral) \
            or min_minority_rows < 1:
        raise ConfigurationError(
            f"data_isolation.source.min_minority_rows must be an integer >= 1 (minority rows per split), "
            f"got {min_minority_rows!r}"
        )
    hints = hints or {}
    counts, problems = {}, []
    for name, df in splits.items():
        pos = int((df[TARGET] == 1).sum())
        counts[name] = {"rows": len(df), "minority_rows": pos, "majority_rows": len(df) - pos}
        if pos < min_minority_rows or pos == len(df):
            short = f"{pos} minority row(s)" + (" and no majority row" if pos == len(df) else "")
            problems.append(f"{name} has {short} of {len(df)} rows" + (f" ({hints[name]})" if name in hints else ""))
    if problems:
        raise DataValidationError(
            f"{'; '.join(problems)}. Every split needs at least {min_minority_rows} minority row(s) "
            f"(data_isolation.source.min_minority_rows, counted per split) and one majority row; "
            f"or lower min_minority_rows"
        )
    return counts


def row_hashes(df: pd.DataFrame) -> np.ndarray:
    """Content hash per row over the feature columns (the label is ignored on purpose)."""
    features = [c for c in df.columns if c not in (TARGET, "is_synthetic")]
    return pd.util.hash_pandas_object(df[features], index=False).to_numpy()


def isolation_report(splits: dict[str, pd.DataFrame], holdouts=(HOLDOUT_IID, HOLDOUT_NEW_WORLD),
                     fitted=(TRAIN, VALIDATION)) -> dict:
    """Count holdout rows whose content also appears in a fitted split; raise on any overlap."""
    hashes = {name: row_hashes(df) for name, df in splits.items()}
    report = {"rows": {name: len(df) for name, df in splits.items()}, "overlaps": {}}
    problems = []
    for h in holdouts:
        for f in fitted:
            n = int(np.isin(hashes[h], hashes[f]).sum())
            report["overlaps"][f"{h}~{f}"] = n
            if n:
                problems.append(f"{n} row(s) of {h} also appear in {f}")
    report["isolated"] = not problems
    if problems:
        raise IsolationError(
            "isolation check failed: " + "; ".join(problems) + " (identical feature rows on both sides of the "
            "new-world cut?): remove the duplicated rows from the table"
        )
    return report


def drop_duplicate_rows(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove exact duplicate feature rows (keeping the first), so splits cannot share content."""
    dup = pd.Series(row_hashes(df)).duplicated().to_numpy()
    return df.loc[~dup].reset_index(drop=True), int(dup.sum())


def drop_rows_seen_in(df: pd.DataFrame, seen: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove the rows of ``df`` whose feature content also appears in ``seen`` (the label is ignored).

    Real tables repeat rows (a survey answer, a default record); where a repeat falls on
    both sides of the new-world cut the new world's copy is not new, and scoring it would
    be scoring a training row.  Dropping it keeps the holdout honest instead of refusing
    the table (:func:`isolation_report` would).
    """
    if df.empty or seen.empty:
        return df, 0
    mask = np.isin(row_hashes(df), row_hashes(seen))
    return df.loc[~mask].reset_index(drop=True), int(mask.sum())
