"""The accepted rows as one table: what the generate step writes and the training-set step reads back.

A table of accepted rows has the columns ``[*features, target, _partition, _stats]``:

- one row per accepted candidate: its features (the sampler's output dtype), its class in
  ``target``, the partition that made it, ``_stats`` null;
- one *statistics row* per (class, partition): ``_stats`` is a JSON object (quota,
  candidates, accepted, rounds, seconds, wall-clock start and end, shortfall), the
  features are null.

For a mixed-type training set the feature columns hold the sampler's work matrix (float64:
category codes, booleans as 0/1, ``NaN`` for missing values); the generation plan carries
the codec (:meth:`~.mixed.FrameCodec.to_dict`) that turns them back into the train's dtypes.

The statistics travel with the rows because with Spark they are data of the same job
(see :mod:`.spark_executor`): a retried task replaces its rows and its statistics
together, and nothing is collected on the driver to know them.  Written by Spark
(:func:`spark_table`: a lazy DataFrame, one Parquet part file per partition) or from
this process (:func:`numpy_table`: one partition per class); read back by
:func:`read_table` (pandas), which gives one :class:`~.executor.ClassResult` per class,
rows in partition order then generation order, so a seeded run gives the same rows.

Plain library code (numpy, pandas; pyspark lazily); no pipeline framework.
"""

from __future__ import annotations

import json
from functools import reduce

import numpy as np
import pandas as pd

from synthetic_intelligence.core.sampling.executor import ClassResult
from synthetic_intelligence.core.sampling.spark_executor import (
    _SPARK_TYPES,
    PARTITION_COLUMN,
    STATS_COLUMN,
    _merge_rounds,
    _shortfall,
    feature_columns,
)

__all__ = ["STATS_COLUMNS", "accepted_rows", "empty_table", "numpy_table", "read_table", "spark_table",
           "wall_seconds"]

#: The bookkeeping columns after the features and the target.
STATS_COLUMNS = (PARTITION_COLUMN, STATS_COLUMN)


def _check_names(features: list[str], target: str) -> None:
    clash = sorted({*features, target} & set(STATS_COLUMNS))
    if clash:
        raise ValueError(f"the training set has column(s) {clash} that the accepted-rows table reserves")


def numpy_table(results: list[tuple[object, ClassResult]], features: list[str], target: str, target_dtype,
                started: float, finished: float) -> pd.DataFrame:
    """The table of ``results`` (``(label, ClassResult)`` per class, run in this process: partition 0)."""
    _check_names(features, target)
    parts = []
    for label, result in results:
        rows = pd.DataFrame(result.accepted, columns=features, copy=False)
        rows[target] = np.full(len(rows), label, dtype=target_dtype)
        rows[PARTITION_COLUMN] = np.zeros(len(rows), dtype=np.int32)
        rows[STATS_COLUMN] = pd.Series([None] * len(rows), dtype=object)
        stats = {"partition": 0, "quota": None, "rounds": result.rounds, "n_candidates": result.n_candidates,
                 "n_accepted": result.n_accepted, "seconds_generate": result.seconds_generate,
                 "seconds_score": result.seconds_score, "shortfall": result.shortfall,
                 "n_kept": int(result.accepted.shape[0]), "started": started, "finished": finished}
        float_dtype = result.accepted.dtype if result.accepted.dtype.kind == "f" else np.float64
        last = pd.DataFrame({name: pd.Series([np.nan], dtype=float_dtype) for name in features})
        last[target] = np.full(1, label, dtype=target_dtype)
        last[PARTITION_COLUMN] = np.zeros(1, dtype=np.int32)
        last[STATS_COLUMN] = [json.dumps(stats, default=float)]
        parts += [rows, last]
    if not parts:
        return empty_table(features, target, target_dtype)
    return pd.concat(parts, ignore_index=True)


def empty_table(features: list[str], target: str, target_dtype, dtype=np.float64) -> pd.DataFrame:
    """A table with no row (a lane that failed before generating)."""
    _check_names(features, target)
    table = pd.DataFrame({name: pd.Series(dtype=dtype) for name in features})
    table[target] = pd.Series(dtype=target_dtype)
    table[PARTITION_COLUMN] = pd.Series(dtype=np.int32)
    table[STATS_COLUMN] = pd.Series(dtype=object)
    return table


def _spark_type(dtype) -> str:
    try:
        return _SPARK_TYPES[np.dtype(dtype).name]
    except KeyError:
        raise ValueError(f"no Spark type for dtype {np.dtype(dtype)}; supported: {', '.join(_SPARK_TYPES)}") from None


def spark_table(spark, frames: list[tuple[object, object]], features: list[str], target: str, target_dtype,
                dtype=np.float64):
    """The lazy Spark DataFrame of the table: ``frames`` are ``(label, SparkExecutor.frame(task, rng))`` per class.

    Columns are renamed and the class added by a projection, classes joined by a union:
    the plan stays ``MapInPandas <- Range`` per class, with no ``Exchange``.
    """
    from pyspark.sql import functions as F

    _check_names(features, target)
    target_type = _spark_type(target_dtype)
    if not frames:
        schema = ", ".join([*(f"`{n}` {_spark_type(dtype)}" for n in features), f"`{target}` {target_type}",
                            f"`{PARTITION_COLUMN}` int", f"`{STATS_COLUMN}` string"])
        return spark.createDataFrame([], schema)
    projected = []
    for label, frame in frames:
        columns = [F.col(f"`{x}`").alias(name) for x, name in zip(feature_columns(len(features)), features,
                                                                   strict=True)]
        label_value = label.item() if hasattr(label, "item") else label
        projected.append(frame.select(*columns, F.lit(label_value).cast(target_type).alias(target),
                                      F.col(PARTITION_COLUMN), F.col(STATS_COLUMN)))
    return reduce(lambda a, b: a.unionByName(b), projected)


def read_table(table: pd.DataFrame, labels: list, features: list[str], target: str, dtype) -> list[ClassResult]:
    """One :class:`ClassResult` per label of ``labels`` from a table read back as pandas.

    Rows come in partition order (stable), generation order inside a partition; the
    rounds are summed over partitions round by round; the shortfall names the
    partitions that fell short (a single partition's is passed on as it is).
    """
    is_stats = table[STATS_COLUMN].notna().to_numpy()
    results = []
    for label in labels:
        mine = (table[target] == label).to_numpy()
        stats = sorted((json.loads(s) for s in table.loc[mine & is_stats, STATS_COLUMN]),
                       key=lambda s: s["partition"])
        rows = table.loc[mine & ~is_stats]
        rows = rows.iloc[np.argsort(rows[PARTITION_COLUMN].to_numpy(), kind="stable")]
        accepted = rows[features].to_numpy(dtype=dtype)
        if len(stats) == 1:
            rounds, shortfall = stats[0]["rounds"], stats[0]["shortfall"]
        else:
            rounds, shortfall = _merge_rounds(stats), _shortfall(stats)
        results.append(ClassResult(accepted, rounds, sum(s["n_candidates"] for s in stats),
                                   sum(s["n_accepted"] for s in stats), sum(s["seconds_generate"] for s in stats),
                                   sum(s["seconds_score"] for s in stats), shortfall))
    return results


def wall_seconds(table: pd.DataFrame) -> float:
    """Wall-clock seconds from the first partition's start to the last one's end (0.0 with no statistics)."""
    stats = [json.loads(s) for s in table[STATS_COLUMN].dropna()]
    if not stats:
        return 0.0
    return float(max(s["finished"] for s in stats) - min(s["started"] for s in stats))


def accepted_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The accepted rows of a table (statistics rows and bookkeeping columns dropped), in partition order."""
    rows = table.loc[table[STATS_COLUMN].isna()]
    rows = rows.iloc[np.argsort(rows[PARTITION_COLUMN].to_numpy(), kind="stable")]
    return rows.drop(columns=list(STATS_COLUMNS)).reset_index(drop=True)
