"""What a run records, as plain dictionaries: no MLflow, no Kedro (unit-testable on their own).

* :func:`flatten` - nested parameters as ``{"a.b.c": value}`` (lists stay values);
* :func:`leaves` - a JSON output split into numeric leaves (metrics) and text leaves (params),
  whatever its depth: ``<lane>.metrics`` today is ``{holdout: {metric: x}}``; a per-learner
  level (``{learner: {holdout: {metric: x}}}``) needs no change here;
* :func:`table_metrics` - the numeric cells of a table keyed by its key columns
  (``scorecard.<lane>.<column>``);
* :func:`seeds` - every seed among the parameters;
* :func:`matches` - dataset names against the configured patterns (``*.metrics``).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["plain", "flatten", "leaves", "table_metrics", "seeds", "matches", "metric_key", "safe_key", "SEED_KEYS"]

#: Parameter names that hold a random seed.
SEED_KEYS = ("seed", "random_state")


def plain(value: Any) -> Any:
    """A typed parameter (pydantic model, dataclass) as the mapping it was configured as; others unchanged."""
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def flatten(tree: Mapping[str, Any], prefix: str = "", sep: str = ".") -> dict[str, Any]:
    """``{"a": {"b": 1}, "c": [1, 2]}`` -> ``{"a.b": 1, "c": [1, 2]}``; an empty mapping stays a value.

    Typed parameters (Kedro hands validated pydantic models to the run) are flattened like the
    mappings they were configured as."""
    out: dict[str, Any] = {}
    for key, raw in plain(tree).items():
        name = f"{prefix}{sep}{key}" if prefix else str(key)
        value = plain(raw)
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, name, sep))
        else:
            out[name] = value
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def leaves(tree: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, float], dict[str, str]]:
    """``(metrics, params)``: finite numeric leaves and text / boolean leaves of a JSON output.

    Lists (e.g. a generation report's rounds) are skipped: they are per-round detail,
    kept in the dataset itself. ``NaN`` and infinities are skipped (MLflow cannot plot them).
    """
    metrics: dict[str, float] = {}
    params: dict[str, str] = {}
    for key, value in flatten(tree, prefix).items():
        if isinstance(value, (list, tuple, Mapping)):
            continue
        number = _number(value)
        if number is not None:
            metrics[key] = number
        elif isinstance(value, (str, bool)):
            params[key] = str(value)
    return metrics, params


def table_metrics(table: pd.DataFrame, name: str, keys: Iterable[str]) -> dict[str, float]:
    """``{"<name>.<key values>.<column>": value}`` for every finite numeric cell.

    ``keys`` are the columns that identify a row (``lane``; ``lane, learner`` once the
    scorecard has a learner level); keys the table lacks are ignored, and a table
    without any of them is keyed by row number.
    """
    keys = [k for k in keys if k in table.columns]
    out: dict[str, float] = {}
    for i, (_, row) in enumerate(table.iterrows()):
        row_key = ".".join(str(row[k]) for k in keys) if keys else str(i)
        for column, value in row.items():
            if column in keys:
                continue
            number = _number(value.item() if hasattr(value, "item") else value)
            if number is not None:
                out[f"{name}.{row_key}.{column}"] = number
    return out


def seeds(params: Mapping[str, Any]) -> dict[str, Any]:
    """Every seed of the (flattened) parameters: keys whose last part is a seed name."""
    return {k: v for k, v in flatten(params).items() if k.rsplit(".", 1)[-1] in SEED_KEYS}


def matches(name: str, patterns: Iterable[str]) -> bool:
    """Whether a dataset name matches one of the ``fnmatch`` patterns (``*.metrics``, ``scorecard``)."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


_UNSAFE = re.compile(r"[^\w\-. :/]")
#: MLflow's longest metric / param name.
MAX_KEY_LENGTH = 250


def safe_key(key: str) -> str:
    """A name MLflow accepts: characters other than letters, digits, ``_ - . : /`` and space become ``_``
    (``holdout_iid~train`` -> ``holdout_iid_train``), cut to 250 characters."""
    return _UNSAFE.sub("_", key)[:MAX_KEY_LENGTH]


def metric_key(dataset: str) -> str:
    """The metric prefix of a JSON output: ``baseline.metrics`` -> ``baseline``; other names stay."""
    return dataset.removesuffix(".metrics")
