"""Generate-and-gate inside Spark executors, with no shuffle.

:class:`SparkExecutor` is an executor (``run(task, rng) -> ClassResult``, see
:mod:`.executor`) for ``OracleRejectionSampler(backend=SparkExecutor(spark))``:

- ``spark.range(P, numPartitions=P)``: one row, hence one task, per partition;
  partition ``p`` gets its quota of accepted rows (``n_needed`` split evenly, the
  first ``n_needed % P`` partitions one more) and its share of ``batch_size``;
- the class's fitted strategy (its rows) and scorer (the oracle) travel as one
  broadcast (``cloudpickle``), unpickled once per Python worker and reused by its
  later tasks: a scikit-learn oracle is a broadcast object, a
  :class:`~synthetic_intelligence.core.engines.mojo.MojoOracle` carries its MOJO's bytes and
  starts its in-process JVM once per Python worker (no H2O cluster is called);
- ``mapInPandas`` runs the same round loop as the numpy backend
  (:class:`~.executor.NumpyExecutor`, built on the pure step
  :func:`~.executor.generate_and_gate`) on the partition's quota with its own
  generator ``numpy.random.default_rng([run_seed, p])``, ``run_seed`` drawn from the
  sampler's generator: the same seed and partitioning give the same rows, in the
  same order (partition by partition, generation order inside); with
  ``proposals="adaptive"`` each partition learns its own parent weights (:mod:`.proposals`);
- each partition also emits one statistics row (candidates, accepted, rounds,
  seconds, shortfall) in the ``_stats`` column, so the totals are data of the same
  job: a retried task replaces its rows and its statistics together.

The physical plan is ``MapInPandas <- Range``: no ``Exchange`` (see
:meth:`SparkExecutor.plan`). :meth:`SparkExecutor.run` collects the accepted rows
to the driver as Arrow (the validation grid fits a learner on them); :meth:`SparkExecutor.frame`
returns the lazy DataFrame (rows and statistics rows) for writing from the executors: the
model_driven lane writes it as versioned Parquet (:func:`.accepted.spark_table`) and reads it
back as pandas (:func:`.accepted.read_table`); :func:`split_frame` reads a collected one.

A task that raises (an oracle error, a lost worker) is retried by Spark up to
``spark.task.maxFailures`` times (on a local master: ``local[N,F]``); a retried
task starts its generator anew, so a run that recovers gives the same output as
one without failure, and one that does not fails with the task's error.

Plain library code (pyspark, numpy, pandas); no pipeline framework.
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

import numpy as np

from synthetic_intelligence.core.sampling.executor import _CHUNK_ELEMENTS, ClassResult, ClassTask, NumpyExecutor
from synthetic_intelligence.core.sampling.proposals import check_proposals

__all__ = ["PARTITION_COLUMN", "STATS_COLUMN", "SparkExecutor", "feature_columns", "split_frame"]

#: Column of the partition id (int) in the executor's output.
PARTITION_COLUMN = "_partition"
#: Column of the per-partition statistics (JSON string; null on accepted rows).
STATS_COLUMN = "_stats"
#: Default cap on rows x features of one partition's quota (64 MiB of float32).
MAX_PARTITION_ELEMENTS = 2**24
#: Rows per pandas batch handed back to Spark.
_OUT_ROWS = 65536

# Unpickled broadcast payloads of this Python worker: token -> (strategy, scorer, cut, threads).
_LOADED: dict[str, tuple] = {}

_SPARK_TYPES = {"float32": "float", "float64": "double", "int8": "tinyint", "int16": "smallint", "int32": "int",
                "int64": "bigint", "uint8": "smallint", "uint16": "int", "uint32": "bigint", "bool": "boolean"}


def feature_columns(n_features: int) -> list[str]:
    """Names of the feature columns of the executor's output: ``x0 .. x{n-1}``."""
    return [f"x{i}" for i in range(n_features)]


def _schema(n_features: int, dtype: np.dtype) -> str:
    try:
        spark_type = _SPARK_TYPES[np.dtype(dtype).name]
    except KeyError:
        raise ValueError(f"SparkExecutor cannot return rows of dtype {np.dtype(dtype)}; "
                         f"supported: {', '.join(_SPARK_TYPES)}") from None
    cols = ", ".join(f"`{c}` {spark_type}" for c in feature_columns(n_features))
    return f"`{PARTITION_COLUMN}` int, `{STATS_COLUMN}` string, {cols}"


class SparkExecutor:
    """Rounds of generate-and-gate in Spark executors, one quota per partition (module docstring).

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
    n_partitions : int or None
        Partitions (tasks) per class. None: the larger of the session's default
        parallelism and the number that keeps each quota under
        ``max_partition_elements`` (rows x features). Fix it to reproduce rows
        across clusters of different sizes.
    threads_per_task : int or None, default 1
        Native threads (OpenMP / BLAS, and a MojoOracle's Java threads) per task:
        Spark already runs one task per core. None leaves them as they are.
    chunk_elements : int
        Largest generation / scoring chunk in floats, as :class:`NumpyExecutor`.
    max_partition_elements : int
        See ``n_partitions``.
    """

    def __init__(self, spark, n_partitions: int | None = None, *, threads_per_task: int | None = 1,
                 chunk_elements: int = _CHUNK_ELEMENTS, max_partition_elements: int = MAX_PARTITION_ELEMENTS):
        if n_partitions is not None and (not isinstance(n_partitions, int) or n_partitions < 1):
            raise ValueError(f"n_partitions must be a positive integer or None; got {n_partitions!r}")
        if threads_per_task is not None and (not isinstance(threads_per_task, int) or threads_per_task < 1):
            raise ValueError(f"threads_per_task must be a positive integer or None; got {threads_per_task!r}")
        self.spark = spark
        self.n_partitions = n_partitions
        self.threads_per_task = threads_per_task
        self.chunk_elements = chunk_elements
        self.max_partition_elements = max_partition_elements

    def partitions_for(self, task: ClassTask) -> int:
        """The number of partitions ``task`` is split into."""
        if self.n_partitions is not None:
            return self.n_partitions
        by_size = math.ceil(task.n_needed * task.strategy.n_features_ / self.max_partition_elements)
        return max(1, min(max(self.spark.sparkContext.defaultParallelism, by_size), max(task.n_needed, 1)))

    def frame(self, task: ClassTask, rng: np.random.Generator):
        """The lazy DataFrame of accepted rows and per-partition statistics rows (draws ``run_seed`` from ``rng``)."""
        import cloudpickle

        check_proposals(getattr(task, "proposals", "uniform"), task.strategy)
        n_parts = self.partitions_for(task)
        run_seed = int(rng.integers(2**63))
        scorer = _single_threaded(task.scorer, self.threads_per_task)
        payload = cloudpickle.dumps((task.strategy, scorer, float(task.cut), self.threads_per_task))
        broadcast = self.spark.sparkContext.broadcast(payload)
        plan = {"token": uuid.uuid4().hex, "run_seed": run_seed, "n_parts": n_parts, "n_needed": int(task.n_needed),
                "batch_size": int(task.batch_size), "max_rounds": int(task.max_rounds),
                "chunk_elements": int(self.chunk_elements), "label": task.label,
                "proposals": getattr(task, "proposals", "uniform")}
        schema = _schema(task.strategy.n_features_, task.strategy.out_dtype_)

        def generate_partition(batches):
            for batch in batches:
                for pid in batch["id"].tolist():
                    yield from _partition_rows(plan, broadcast, int(pid))

        return self.spark.range(0, n_parts, 1, numPartitions=n_parts).mapInPandas(generate_partition, schema)

    def plan(self, task: ClassTask, rng: np.random.Generator) -> str:
        """The physical plan of :meth:`frame` (for checking that it has no ``Exchange``)."""
        return self.frame(task, rng)._jdf.queryExecution().executedPlan().toString()

    def run(self, task: ClassTask, rng: np.random.Generator) -> ClassResult:
        """Accepted rows (collected as Arrow, partition order) and the totals of every partition."""
        table = self.frame(task, rng).toArrow()
        return split_frame(table, task.strategy.n_features_, task.strategy.out_dtype_)


def _single_threaded(scorer, threads: int | None):
    """A copy of ``scorer`` whose MojoOracle uses ``threads`` Java threads (others unchanged)."""
    oracle = getattr(scorer, "oracle", None)
    if threads is None or oracle is None or not hasattr(oracle, "n_threads") or oracle.n_threads == threads:
        return scorer
    from synthetic_intelligence.core.engines.mojo import MojoOracle

    if not isinstance(oracle, MojoOracle):
        return scorer
    import copy
    import pickle

    oracle = pickle.loads(pickle.dumps(oracle))  # a fresh, unloaded copy
    oracle.n_threads = threads
    scorer = copy.copy(scorer)
    scorer.oracle = oracle
    return scorer


def _load(plan: dict, broadcast) -> tuple:
    token = plan["token"]
    if token not in _LOADED:
        import cloudpickle

        _LOADED.clear()  # one class at a time per worker: drop the previous class's oracle
        _LOADED[token] = cloudpickle.loads(broadcast.value)
    return _LOADED[token]


def _quota(n_needed: int, n_parts: int, pid: int) -> int:
    base, extra = divmod(n_needed, n_parts)
    return base + (1 if pid < extra else 0)


def _partition_rows(plan: dict, broadcast, pid: int):
    """Run the numpy round loop on partition ``pid``'s quota; yield pandas batches, then its statistics row."""
    import time

    import pandas as pd

    started = time.time()
    strategy, scorer, cut, threads = _load(plan, broadcast)
    quota = _quota(plan["n_needed"], plan["n_parts"], pid)
    names = feature_columns(strategy.n_features_)
    stats: dict[str, Any] = {"partition": pid, "quota": quota, "rounds": [], "n_candidates": 0, "n_accepted": 0,
                             "seconds_generate": 0.0, "seconds_score": 0.0, "shortfall": None}
    accepted = np.empty((0, strategy.n_features_), dtype=strategy.out_dtype_)
    if quota > 0:
        batch = max(1, math.ceil(plan["batch_size"] * quota / plan["n_needed"]))
        sub = ClassTask(label=plan["label"], n_needed=quota, strategy=strategy, scorer=scorer, cut=cut,
                        batch_size=batch, max_rounds=plan["max_rounds"], proposals=plan["proposals"])
        rng = np.random.default_rng([plan["run_seed"], pid])
        executor = NumpyExecutor(chunk_elements=plan["chunk_elements"])
        if threads is None:
            result = executor.run(sub, rng)
        else:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=threads):
                result = executor.run(sub, rng)
        accepted = result.accepted
        stats.update(rounds=result.rounds, n_candidates=result.n_candidates, n_accepted=result.n_accepted,
                     seconds_generate=result.seconds_generate, seconds_score=result.seconds_score,
                     shortfall=result.shortfall)
    stats.update(n_kept=int(accepted.shape[0]), started=started, finished=time.time())
    for start in range(0, accepted.shape[0], _OUT_ROWS):
        rows = accepted[start:start + _OUT_ROWS]
        frame = pd.DataFrame(rows, columns=names, copy=False)
        frame.insert(0, STATS_COLUMN, pd.Series([None] * len(rows), dtype=object))
        frame.insert(0, PARTITION_COLUMN, np.full(len(rows), pid, dtype=np.int32))
        yield frame
    last = pd.DataFrame({name: pd.Series([None], dtype=object) for name in names})
    last.insert(0, STATS_COLUMN, [json.dumps(stats, default=float)])
    last.insert(0, PARTITION_COLUMN, np.asarray([pid], dtype=np.int32))
    yield last


def split_frame(table, n_features: int, dtype) -> ClassResult:
    """A :class:`ClassResult` from the executor's output (a ``pyarrow.Table`` or pandas DataFrame).

    Rows come in partition order (stable), generation order inside each partition;
    the rounds are summed over partitions round by round (``seconds``: the slowest
    partition's); the shortfall names the partitions that fell short.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    is_stats = pc.is_valid(table.column(STATS_COLUMN)).to_numpy(zero_copy_only=False)
    stats = [json.loads(s) for s in table.column(STATS_COLUMN).filter(pa.array(is_stats)).to_pylist()]
    rows = table.filter(pa.array(~is_stats))
    pids = rows.column(PARTITION_COLUMN).to_numpy()
    order = np.argsort(pids, kind="stable") if pids.size and np.any(np.diff(pids) < 0) else None
    names = feature_columns(n_features)
    accepted = np.empty((rows.num_rows, n_features), dtype=dtype)
    for i, name in enumerate(names):
        accepted[:, i] = rows.column(name).to_numpy()
    if order is not None:
        accepted = accepted[order]
    stats.sort(key=lambda s: s["partition"])
    return ClassResult(accepted, _merge_rounds(stats), sum(s["n_candidates"] for s in stats),
                       sum(s["n_accepted"] for s in stats), sum(s["seconds_generate"] for s in stats),
                       sum(s["seconds_score"] for s in stats), _shortfall(stats))


def _merge_rounds(stats: list[dict]) -> list[dict]:
    merged: dict[int, dict] = {}
    for part in stats:
        for r in part["rounds"]:
            m = merged.setdefault(r["round"], {"round": r["round"], "candidates": 0, "accepted": 0, "seconds": 0.0})
            m["candidates"] += r["candidates"]
            m["accepted"] += r["accepted"]
            m["seconds"] = max(m["seconds"], r["seconds"])
    out = []
    for number in sorted(merged):
        m = merged[number]
        out.append({"round": number, "candidates": m["candidates"], "accepted": m["accepted"],
                    "acceptance_rate": m["accepted"] / m["candidates"] if m["candidates"] else 0.0,
                    "seconds": m["seconds"]})
    return out


def _shortfall(stats: list[dict]) -> str | None:
    short = [s for s in stats if s["n_kept"] < s["quota"]]
    if not short:
        return None
    first = short[0]
    return (f"{len(short)} of {len(stats)} Spark partitions fell short (partition {first['partition']}: "
            f"{first['n_kept']} of {first['quota']} rows; {first['shortfall']})")
