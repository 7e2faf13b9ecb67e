"""Thin nodes over :mod:`synthetic_intelligence.core.synthetic` and :mod:`~.core.isolation`."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import isolation, synthetic
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.schema import HOLDOUT_IID, HOLDOUT_NEW_WORLD, TARGET, TRAIN, VALIDATION

logger = logging.getLogger(__name__)
SOURCES = ("synthetic", "two_clusters", "table")
#: Minority rows each split needs when ``source.min_minority_rows`` is not set.
DEFAULT_MIN_MINORITY_ROWS = 2


def min_minority_rows(source: dict | None) -> int:
    """``source.min_minority_rows``: the minimum of minority rows in *each* split (every source kind)."""
    value = (source or {}).get("min_minority_rows", DEFAULT_MIN_MINORITY_ROWS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"data_isolation.source.min_minority_rows must be an integer >= 1 (minority rows per split), "
            f"got {value!r}"
        )
    return value


def _generator(kind: str, generators: dict, make):
    params = dict((generators or {}).get(kind) or {})
    try:
        return make(params)
    except TypeError as exc:  # an unknown or missing generator parameter
        raise ConfigurationError(f"data_isolation.generators.{kind}: {exc}") from exc


def build_source(raw_table: pd.DataFrame | None, source: dict, generators: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(training_world, new_world_base)`` in canonical form.

    ``source.kind`` is ``synthetic`` (make_classification), ``two_clusters``
    (the demonstration world) or ``table`` (the catalog's ``raw_table``, cut
    into worlds on ``source.new_world.column``).
    """
    kind = source.get("kind", "synthetic")
    min_rows = min_minority_rows(source)
    if kind == "synthetic":
        return _generator(kind, generators, lambda p: synthetic.make_world(synthetic.WorldSpec(**p)))
    if kind == "two_clusters":
        return _generator(kind, generators, lambda p: synthetic.make_two_clusters(**p))
    if kind != "table":
        raise ConfigurationError(f"unknown data_isolation.source.kind {kind!r}; valid: {', '.join(SOURCES)}")
    if raw_table is None:
        raise isolation.DataValidationError(
            "source.kind is 'table' but the catalog entry 'raw_table' is not a table: declare it as a "
            "pandas.CSVDataset or pandas.ParquetDataset in conf/<env>/catalog.yml"
        )
    cut = source.get("new_world") or {}
    column = cut.get("column")
    if not column:
        raise ConfigurationError("data_isolation.source.new_world.column must name the column to cut the new world on")
    if column not in raw_table.columns:
        raise isolation.DataValidationError(f"new-world cut column {column!r} not found in the table")
    drop = (column, *source.get("drop_columns", []))
    table = isolation.validate_table(
        raw_table,
        target=source["target"],
        positive_label=source["positive_label"],
        min_minority_rows=min_rows,
        exclude=drop,
    )
    new = isolation.new_world_mask(raw_table[column].reset_index(drop=True), cut.get("cut"), column=column)
    old, new = table.loc[~new].reset_index(drop=True), table.loc[new].reset_index(drop=True)
    old, n_dup = isolation.drop_duplicate_rows(old)
    if n_dup:
        logger.warning("Dropped %d duplicate row(s) from the training world", n_dup)
    return old, new


def split_training_world(training_world: pd.DataFrame, split: dict):
    """Stratified train / validation / holdout_iid (holdout carved first)."""
    return isolation.split_training_world(
        training_world,
        holdout_share=split["holdout_share"],
        validation_share=split["validation_share"],
        seed=split["seed"],
    )


def make_new_world(new_world_base: pd.DataFrame, source: dict, drift: dict) -> pd.DataFrame:
    """Apply the documented drift to synthetic worlds; a user table's new world is already real."""
    if source.get("kind", "synthetic") == "table":
        return new_world_base
    return synthetic.apply_drift(
        new_world_base,
        drift["severity"],
        shift_scale=drift["shift_scale"],
        relabel_share=drift["relabel_share"],
        seed=drift["seed"],
    )


def split_hints(source: dict | None) -> dict[str, str]:
    """What to change when a split has too few minority rows, per split, for the source kind."""
    kind = (source or {}).get("kind", "synthetic")
    if kind == "table":
        world = "a later source.new_world.cut or a larger table gives the training world more rows"
        return {
            TRAIN: world,
            VALIDATION: f"{world}; or raise split.validation_share",
            HOLDOUT_IID: f"{world}; or raise split.holdout_share",
            HOLDOUT_NEW_WORLD: "an earlier source.new_world.cut puts more rows after the cut",
        }
    gen = f"data_isolation.generators.{kind}"
    world = f"raise {gen}.n_samples or {gen}.minority_share"
    return {
        TRAIN: world,
        VALIDATION: f"{world}, or split.validation_share",
        HOLDOUT_IID: f"{world}, or split.holdout_share",
        HOLDOUT_NEW_WORLD: f"raise {gen}.n_new_world or {gen}.minority_share",
    }


def check_isolation(train, validation, holdout_iid, holdout_new_world, source: dict | None = None):
    """Gate: pass the splits through only if each is large enough and no holdout row is in train or validation.

    Every split needs ``source.min_minority_rows`` minority rows of its own and
    one majority row; the error names each split that falls short, its counts and
    what to change.
    """
    splits = {TRAIN: train, VALIDATION: validation, HOLDOUT_IID: holdout_iid, HOLDOUT_NEW_WORLD: holdout_new_world}
    counts = isolation.check_min_minority_rows(splits, min_minority_rows(source), split_hints(source))
    report = isolation.isolation_report(splits)
    report["minority_rows"] = {name: c["minority_rows"] for name, c in counts.items()}
    report["minority_share"] = {name: float(df[TARGET].mean()) for name, df in splits.items()}
    logger.info("Isolation check passed: %s", report["rows"])
    return train, validation, holdout_iid, holdout_new_world, report
