"""Thin nodes over :mod:`synthetic_intelligence.core.worlds` and :mod:`~.core.isolation.split`."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import worlds as synthetic
from synthetic_intelligence.core.isolation import columns as isolation_columns
from synthetic_intelligence.core.isolation import new_world
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.isolation.params import DriftParams, GeneratorsParams, SourceParams, SplitParams, parse
from synthetic_intelligence.core.schema import HOLDOUT_IID, HOLDOUT_NEW_WORLD, TARGET, TRAIN, VALIDATION

logger = logging.getLogger(__name__)
#: Key of ``new_world_info`` that carries the column facts of :func:`build_source` to the isolation report.
_COLUMNS = "columns"
_SOURCE, _GENERATORS, _SPLIT, _DRIFT = ("data_isolation.source", "data_isolation.generators", "data_isolation.split",
                                       "data_isolation.drift")


def source_params(source: SourceParams | dict | None) -> SourceParams:
    """``data_isolation.source`` as :class:`SourceParams` (already one when Kedro validated it)."""
    return parse(SourceParams, source, _SOURCE)


def build_source(raw_table: pd.DataFrame | None, source: SourceParams,
                 generators: GeneratorsParams) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Return ``(training_world, new_world_base, new_world)`` in canonical form.

    ``source.kind`` is ``synthetic`` (make_classification), ``two_clusters``
    (the demonstration world) or ``table`` (the catalog's ``raw_table``, whose
    new world ``source.new_world`` chooses: a cut on a column, the rows above a
    feature's quantile, a held-out cluster, or none).  ``new_world`` describes
    the rule and its outcome (the cut value, the chosen cluster ...); it goes
    into the isolation report, with (under ``columns``) what data isolation decided about
    the table's columns (kinds, dates, dropped high-cardinality columns).
    """
    source = source_params(source)
    if source.kind != "table":
        gen = parse(GeneratorsParams, generators, _GENERATORS)
        if source.kind == "synthetic":
            old, new = synthetic.make_world(gen.synthetic.spec())
        else:
            old, new = synthetic.make_two_clusters(**gen.two_clusters.model_dump())
        return old, new, {"kind": "generated", "source": source.kind, "rows": len(new),
                          "minority_rows": int(new[TARGET].sum())}
    if raw_table is None:
        raise isolation.DataValidationError(
            "source.kind is 'table' but the catalog entry 'raw_table' is not a table: declare it as a "
            "pandas.CSVDataset or pandas.ParquetDataset in conf/<env>/catalog.yml"
        )
    spec = source.new_world
    column = getattr(spec, "column", None)
    if column is not None and column not in raw_table.columns:
        raise isolation.DataValidationError(
            f"new-world {spec.kind} column {column!r} ({_SOURCE}.new_world.column) not found in the table; columns "
            f"are: {', '.join(map(str, raw_table.columns[:20]))}"
        )
    drop = (*([column] if column and getattr(spec, "drop_column", False) else []), *source.drop_columns)
    table, facts = isolation.validate_table(
        raw_table,
        target=source.target,
        positive_label=source.positive_label,
        min_minority_rows=source.min_minority_rows,
        exclude=drop,
        max_levels=source.max_levels,
        high_cardinality=source.high_cardinality,
        dates=source.dates,
        with_facts=True,
    )
    if facts["dropped"]:
        logger.warning("Dropped high-cardinality string column(s) (more than %s.max_levels = %d distinct values): %s",
                       _SOURCE, source.max_levels, ", ".join(f"{c!r} ({n})" for c, n in facts["dropped"].items()))
    mask, info = new_world.select(spec, raw_table, table, min_minority_rows=source.min_minority_rows)
    old, new = table.loc[~mask].reset_index(drop=True), table.loc[mask].reset_index(drop=True)
    old, n_dup = isolation.drop_duplicate_rows(old)
    if n_dup:
        logger.warning("Dropped %d duplicate row(s) from the training world", n_dup)
    new, n_seen = isolation.drop_rows_seen_in(new, old)
    if n_seen:
        logger.warning("Dropped %d new-world row(s) that repeat a training-world row (not new: a holdout must not "
                       "hold training rows)", n_seen)
    logger.info("New world (%s): %s", spec.kind, {k: v for k, v in info.items() if k != "clusters"})
    return old, new, {**info, _COLUMNS: facts}


def split_training_world(training_world: pd.DataFrame, split: SplitParams):
    """Stratified train / validation / holdout_iid (holdout carved first)."""
    split = parse(SplitParams, split, _SPLIT)
    return isolation.split_training_world(
        training_world,
        holdout_share=split.holdout_share,
        validation_share=split.validation_share,
        seed=split.seed,
    )


def make_new_world(new_world_base: pd.DataFrame, source: SourceParams, drift: DriftParams) -> pd.DataFrame:
    """Apply the documented drift to synthetic worlds; a user table's new world is already real."""
    if source_params(source).kind == "table":
        return new_world_base
    drift = parse(DriftParams, drift, _DRIFT)
    return synthetic.apply_drift(
        new_world_base,
        drift.severity,
        shift_scale=drift.shift_scale,
        relabel_share=drift.relabel_share,
        seed=drift.seed,
    )


_NEW_WORLD_HINTS = {
    "cut": ("a later source.new_world.cut", "an earlier source.new_world.cut puts more rows after the cut"),
    "quantile": ("a higher source.new_world.q", "a lower source.new_world.q puts more rows in the new world"),
    "cluster": ("another source.new_world.cluster_id (or a smaller cluster)",
                "another source.new_world.cluster_id, n_clusters or seed"),
    "none": ("", ""),
}


def split_hints(source: SourceParams | dict | None) -> dict[str, str]:
    """What to change when a split has too few minority rows, per split, for the source kind."""
    source = source_params(source)
    if source.kind == "table":
        world, new = _NEW_WORLD_HINTS[source.new_world.kind]
        world = f"{world} or a larger table" if world else "a larger table"
        return {
            TRAIN: f"{world} gives the training world more rows",
            VALIDATION: f"{world} gives the training world more rows; or raise split.validation_share",
            HOLDOUT_IID: f"{world} gives the training world more rows; or raise split.holdout_share",
            HOLDOUT_NEW_WORLD: new,
        }
    gen = f"data_isolation.generators.{source.kind}"
    world = f"raise {gen}.n_samples or {gen}.minority_share"
    return {
        TRAIN: world,
        VALIDATION: f"{world}, or split.validation_share",
        HOLDOUT_IID: f"{world}, or split.holdout_share",
        HOLDOUT_NEW_WORLD: f"raise {gen}.n_new_world or {gen}.minority_share",
    }


def check_isolation(train, validation, holdout_iid, holdout_new_world, source: SourceParams | None = None,
                    new_world_info: dict | None = None):
    """Gate: pass the splits through only if each is large enough and no holdout row is in train or validation.

    Every split needs ``source.min_minority_rows`` minority rows of its own and
    one majority row; the error names each split that falls short, its counts and
    what to change.  With ``source.new_world.kind: none`` holdout_new_world is
    empty by design (not applicable) and is not counted.  ``new_world_info`` (from
    :func:`build_source`) is recorded in the report, with the schema: each feature
    column's kind, its categorical levels (those seen in train: every split's categories
    are set to them, and a level only another split holds becomes missing there,
    counted under ``schema.unseen_levels``) and its missing share per split.
    """
    source = source_params(source)
    given = {TRAIN: train, VALIDATION: validation, HOLDOUT_IID: holdout_iid, HOLDOUT_NEW_WORLD: holdout_new_world}
    splits, unseen = isolation_columns.align_levels(given)
    for split, columns in unseen.items():
        for column, levels in columns.items():
            logger.warning("%s: %d row(s) of column %r hold level(s) train never holds (%s); they are stored as "
                           "missing", split, sum(levels.values()), column, ", ".join(map(repr, list(levels)[:5])))
    no_new_world = source.kind == "table" and source.new_world.kind == "none"
    if no_new_world and len(holdout_new_world):
        raise isolation.DataValidationError(
            f"source.new_world.kind is none but holdout_new_world has {len(holdout_new_world)} rows")
    counted = {k: v for k, v in splits.items() if not (no_new_world and k == HOLDOUT_NEW_WORLD)}
    counts = isolation.check_min_minority_rows(counted, source.min_minority_rows, split_hints(source))
    report = isolation.isolation_report(given)  # the rows as given: an unseen level is not made to look like NaN
    report["minority_rows"] = {name: c["minority_rows"] for name, c in counts.items()}
    report["minority_share"] = {name: float(df[TARGET].mean()) for name, df in counted.items()}
    if no_new_world:
        report["minority_rows"][HOLDOUT_NEW_WORLD] = 0
        report["minority_share"][HOLDOUT_NEW_WORLD] = None
    info = dict(new_world_info) if new_world_info else {"kind": source.new_world.kind}
    facts = info.pop(_COLUMNS, None) or {}
    report["schema"] = {
        "columns": isolation_columns.schema(splits, kinds=facts.get("kinds")),
        "unseen_levels": unseen,
        "dropped_columns": facts.get("dropped", {}),
        "max_levels": facts.get("max_levels", source.max_levels),
        "high_cardinality": facts.get("high_cardinality", source.high_cardinality),
    }
    report["new_world"] = info
    report["new_world"]["applicable"] = not no_new_world
    logger.info("Isolation check passed: %s", report["rows"])
    if no_new_world:
        logger.info("No new-world holdout (source.new_world.kind: none): holdout_new_world is empty and every "
                    "new-world figure is reported as not applicable")
    return splits[TRAIN], splits[VALIDATION], splits[HOLDOUT_IID], splits[HOLDOUT_NEW_WORLD], report
