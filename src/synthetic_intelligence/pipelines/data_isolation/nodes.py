"""Thin nodes over :mod:`synthetic_intelligence.core.synthetic` and :mod:`~.core.isolation`."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import isolation, synthetic

logger = logging.getLogger(__name__)
SOURCES = ("synthetic", "two_clusters", "table")


def build_source(raw_table: pd.DataFrame | None, source: dict, generators: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(training_world, new_world_base)`` in canonical form.

    ``source.kind`` is ``synthetic`` (make_classification), ``two_clusters``
    (the demonstration world) or ``table`` (the catalog's ``raw_table``, cut
    into worlds on ``source.new_world.column``).
    """
    kind = source.get("kind", "synthetic")
    if kind == "synthetic":
        return synthetic.make_world(synthetic.WorldSpec(**generators["synthetic"]))
    if kind == "two_clusters":
        return synthetic.make_two_clusters(**generators["two_clusters"])
    if kind != "table":
        raise ValueError(f"unknown data_isolation.source.kind {kind!r}; valid: {', '.join(SOURCES)}")
    if raw_table is None:
        raise isolation.DataValidationError(
            "source.kind is 'table' but the catalog entry 'raw_table' is not a table: declare it as a "
            "pandas.CSVDataset or pandas.ParquetDataset in conf/<env>/catalog.yml"
        )
    cut = source.get("new_world") or {}
    column = cut.get("column")
    if not column:
        raise isolation.DataValidationError("source.new_world.column must name the column to cut the new world on")
    if column not in raw_table.columns:
        raise isolation.DataValidationError(f"new-world cut column {column!r} not found in the table")
    drop = tuple([column, *source.get("drop_columns", [])])
    table = isolation.validate_table(
        raw_table,
        target=source["target"],
        positive_label=source["positive_label"],
        min_minority_rows=int(source.get("min_minority_rows", 2)),
        exclude=drop,
    )
    table["__cut__"] = raw_table[column].to_numpy()
    old, new = isolation.split_by_cut(table, "__cut__", cut["cut"])
    old, new = old.drop(columns="__cut__"), new.drop(columns="__cut__")
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


def check_isolation(train, validation, holdout_iid, holdout_new_world):
    """Gate: pass the splits through only if no holdout row appears in train or validation."""
    report = isolation.isolation_report(
        {"train": train, "validation": validation, "holdout_iid": holdout_iid, "holdout_new_world": holdout_new_world}
    )
    for name, df in (("train", train), ("validation", validation), ("holdout_iid", holdout_iid),
                     ("holdout_new_world", holdout_new_world)):
        report["rows"][name] = int(len(df))
        report.setdefault("minority_share", {})[name] = float(df[synthetic.TARGET].mean())
    logger.info("Isolation check passed: %s", report["rows"])
    return train, validation, holdout_iid, holdout_new_world, report
