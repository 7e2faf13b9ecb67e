"""Validation of user tables, isolated splits and the isolation proof.

Everything downstream sees one canonical shape: numeric feature columns plus a
``target`` column of 0/1 integers where 1 is the positive (minority) label.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from synthetic_intelligence.core.synthetic import TARGET


class DataValidationError(ValueError):
    """The input table cannot be used; the message names the column or value."""


class IsolationError(RuntimeError):
    """A holdout row also appears in a training-world split."""


_PANDAS_DUP = re.compile(r"^(?P<name>.+)\.(?P<n>\d+)$")


def validate_table(
    df: pd.DataFrame,
    *,
    target: str,
    positive_label,
    min_minority_rows: int = 2,
    exclude: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Check a user table and return it in canonical form (features + ``target`` in {0, 1}).

    Raises :class:`DataValidationError` naming the first problem found: an empty
    table, a missing target column, a target that is not binary or lacks the
    positive label, duplicated or non-numeric feature columns, NaN or infinite
    values, or fewer minority rows than ``min_minority_rows``.  Columns listed
    in ``exclude`` (for example the new-world cut column) are dropped.
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
    non_numeric = [c for c in features if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])]
    if non_numeric:
        raise DataValidationError(
            f"non-numeric feature column(s): {', '.join(repr(c) for c in non_numeric[:10])} "
            f"(dtype {df[non_numeric[0]].dtype}); encode or drop them"
        )
    X = df[features].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        j = int(np.flatnonzero(bad.any(axis=0))[0])
        i = int(np.flatnonzero(bad[:, j])[0])
        kind = "NaN" if np.isnan(X[i, j]) else "infinite"
        raise DataValidationError(
            f"feature column {features[j]!r} has {int(bad[:, j].sum())} NaN/infinite value(s) "
            f"(first: {kind} at row {i})"
        )
    y = (df[target] == positive_label).astype(np.int64)
    n_pos = int(y.sum())
    if n_pos > len(y) - n_pos:
        raise DataValidationError(
            f"positive label {positive_label!r} has {n_pos} of {len(y)} rows: it is not the minority class"
        )
    if n_pos < min_minority_rows:
        raise DataValidationError(
            f"only {n_pos} minority row(s) with {target!r} == {positive_label!r}; "
            f"at least {min_minority_rows} are required (min_minority_rows)"
        )
    out = df[features].astype(np.float64).reset_index(drop=True)
    out.columns = [str(c) for c in features]
    out[TARGET] = y.to_numpy()
    return out


def split_by_cut(df: pd.DataFrame, column: str, cut) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows with ``column <= cut`` form the training world, the rest the new world."""
    if column not in df.columns:
        raise DataValidationError(f"new-world cut column {column!r} not found in the table")
    values = df[column]
    if pd.api.types.is_numeric_dtype(values):
        key, cut_value = values, float(cut)
    else:
        try:
            key = pd.to_datetime(values)
            cut_value = pd.Timestamp(cut)
        except (ValueError, TypeError) as exc:
            raise DataValidationError(
                f"new-world cut column {column!r} is neither numeric nor a date: {exc}"
            ) from exc
    if key.isna().any():
        raise DataValidationError(f"new-world cut column {column!r} has missing values")
    new = key > cut_value
    if new.all() or not new.any():
        raise DataValidationError(
            f"cut {cut!r} on column {column!r} leaves {int((~new).sum())} training-world and "
            f"{int(new.sum())} new-world rows: both must be non-empty"
        )
    return df.loc[~new].reset_index(drop=True), df.loc[new].reset_index(drop=True)


def split_training_world(
    df: pd.DataFrame, *, holdout_share: float, validation_share: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stratified ``(train, validation, holdout_iid)``; the holdout is carved first.

    ``validation_share`` is a share of the whole training world, taken from what
    remains after the holdout.
    """
    for name, v in (("holdout_share", holdout_share), ("validation_share", validation_share)):
        if not 0.0 < v < 1.0:
            raise ValueError(f"{name} must be in (0, 1), got {v}")
    if holdout_share + validation_share >= 1.0:
        raise ValueError("holdout_share + validation_share must be < 1")
    rest, holdout = train_test_split(df, test_size=holdout_share, stratify=df[TARGET], random_state=seed)
    train, validation = train_test_split(
        rest,
        test_size=validation_share / (1.0 - holdout_share),
        stratify=rest[TARGET],
        random_state=seed + 1,
    )
    return tuple(t.reset_index(drop=True) for t in (train, validation, holdout))


def row_hashes(df: pd.DataFrame) -> np.ndarray:
    """Content hash per row over the feature columns (the label is ignored on purpose)."""
    features = [c for c in df.columns if c not in (TARGET, "is_synthetic")]
    return pd.util.hash_pandas_object(df[features], index=False).to_numpy()


def isolation_report(splits: dict[str, pd.DataFrame], holdouts=("holdout_iid", "holdout_new_world"),
                     fitted=("train", "validation")) -> dict:
    """Count holdout rows whose content also appears in a fitted split; raise on any overlap."""
    hashes = {name: row_hashes(df) for name, df in splits.items()}
    report = {"rows": {name: int(len(df)) for name, df in splits.items()}, "overlaps": {}}
    problems = []
    for h in holdouts:
        for f in fitted:
            n = int(np.isin(hashes[h], hashes[f]).sum())
            report["overlaps"][f"{h}~{f}"] = n
            if n:
                problems.append(f"{n} row(s) of {h} also appear in {f}")
    report["isolated"] = not problems
    if problems:
        raise IsolationError("isolation check failed: " + "; ".join(problems))
    return report


def drop_duplicate_rows(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove exact duplicate feature rows (keeping the first), so splits cannot share content."""
    dup = pd.Series(row_hashes(df)).duplicated().to_numpy()
    return df.loc[~dup].reset_index(drop=True), int(dup.sum())
