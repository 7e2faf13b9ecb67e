"""Scaling measurements: SMOTE vs model-driven oversampling (numpy and Spark backends), each in a child process.

One *world* (``make_classification``, float32) is drawn once at the largest size and
saved as ``.npy``; the measurement at ``N`` rows reads its first ``N`` rows (the world
is shuffled, so every size has the same distribution and the oracles fitted once
suit every size). Each measurement runs in a fresh child process
(:func:`run_measurement`) while this process samples the resident memory of the
child and all its descendants (Spark's JVM and Python workers, a MOJO's JVM) with
``psutil``; the peak of that sum is the measurement's peak memory. The child reports
seconds: ``wall`` (everything after the input and the oracle are loaded, the oracle
never fitted inside), ``generate`` and ``score`` (summed over tasks), ``startup``
(a Spark session, not in ``wall``). Every child also records the machine it ran on
(:func:`machine_info`: CPU model, cores, BLAS / OpenMP libraries and their threads,
library versions, load average before and after).

Methods (:data:`METHODS`):

- ``smote``: imbalanced-learn ``SMOTE(k_neighbors=5)`` to balance, in memory;
- ``smote_fast``: the same SMOTE given the neighbour search a user would reach for to
  speed it up, ``k_neighbors=NearestNeighbors(n_neighbors=k + 1, n_jobs=-1,
  algorithm=...)`` (``scaling.fast_smote_algorithm``): the fastest SMOTE reference;
- ``numpy``: ``OracleRejectionSampler`` to the same count, in this child's process,
  timed in its steps (``prepare``: checks, oracle's class columns, the gate's cut from
  the real rows' scores, fitted strategies; the executor's rounds: ``generate``,
  ``score`` and the rest of the loop; ``output``: the resampled table), with the
  acceptance rate of every round;
- ``spark``: the same task in Spark executors (:class:`SparkExecutor`); accepted rows
  are written as Parquet by the executors (the product's output at scale), not
  collected; the per-partition statistics are read back from that output;
- ``numpy_adaptive`` / ``spark_adaptive``: ``numpy`` / ``spark`` with
  ``proposals="adaptive"`` (parents drawn with weights learnt from the chunks
  scored so far, :mod:`.sampling.proposals`); ``numpy_uniform`` / ``spark_uniform``: with
  ``proposals="uniform"`` (parents drawn uniformly). ``numpy`` / ``spark`` alone use the sampler's
  default (``"auto"``: adaptive for the registered strategies).

Plain library code; no pipeline framework, no plotting.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import pickle
import shutil
import time
import traceback
from pathlib import Path

import numpy as np

__all__ = ["METHODS", "fit_exponent", "fit_sklearn_oracle", "machine_info", "make_world", "run_measurement",
           "train_mojo_oracle"]

logger = logging.getLogger(__name__)

METHODS = ("smote", "smote_fast", "numpy", "spark", "numpy_adaptive", "spark_adaptive", "numpy_uniform", "spark_uniform")
#: Libraries whose versions the measurements record.
_VERSIONED = ("numpy", "scipy", "scikit-learn", "imbalanced-learn", "numba", "pyspark", "h2o")
_POLL_S = 0.1


def make_world(folder: str | Path, *, n_rows: int, n_features: int = 40, minority_share: float = 0.08,
               seed: int = 0) -> dict:
    """Draw the world once (float32 ``X.npy``, int8 ``y.npy`` in ``folder``); returns paths and counts."""
    from sklearn.datasets import make_classification

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    informative, redundant = max(2, n_features * 2 // 5), n_features // 5  # 16 + 8 of 40, as the project's world
    X, y = make_classification(n_samples=n_rows, n_features=n_features, n_informative=informative,
                               n_redundant=redundant, n_clusters_per_class=min(3, 2 ** informative // 2),
                               weights=[1 - minority_share], flip_y=0.01,
                               shuffle=True, random_state=seed)
    X = X.astype(np.float32)
    np.save(folder / "X.npy", X)
    np.save(folder / "y.npy", y.astype(np.int8))
    return {"folder": str(folder), "n_rows": int(n_rows), "n_features": int(n_features),
            "minority_share": float(y.mean())}


def load_world(world: dict, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n_rows`` rows of the world, in memory."""
    folder = Path(world["folder"])
    if n_rows > world["n_rows"]:
        raise ValueError(f"scaling: {n_rows} rows asked, the world has {world['n_rows']}")
    X = np.array(np.load(folder / "X.npy", mmap_mode="r")[:n_rows])
    y = np.array(np.load(folder / "y.npy", mmap_mode="r")[:n_rows])
    return X, y


def fit_sklearn_oracle(world: dict, path: str | Path, *, n_rows: int, seed: int = 0) -> dict:
    """HistGradientBoosting on the world's first ``n_rows`` rows, pickled to ``path`` (not timed)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = load_world(world, n_rows)
    start = time.perf_counter()
    model = HistGradientBoostingClassifier(random_state=seed).fit(X, y)
    Path(path).write_bytes(pickle.dumps(model))
    return {"kind": "sklearn", "path": str(path), "fit_rows": int(n_rows),
            "fit_seconds": time.perf_counter() - start, "model": "HistGradientBoostingClassifier"}


def train_mojo_oracle(world: dict, folder: str | Path, *, n_rows: int, seed: int = 0, nfolds: int = 3,
                      ntrees: int = 50) -> dict:
    """A StackedEnsemble (GBM + DRF + GLM, ``nfolds`` CV) trained on the connected H2O cluster; its MOJO saved.

    The cluster is used for training only: the MOJO is scored in-process
    (:class:`~synthetic_intelligence.core.engines.mojo.MojoOracle`).
    """
    import pandas as pd
    from h2o.estimators import (
        H2OGeneralizedLinearEstimator,
        H2OGradientBoostingEstimator,
        H2ORandomForestEstimator,
        H2OStackedEnsembleEstimator,
    )

    from synthetic_intelligence.core.engines import h2o as h2o_utils

    X, y = load_world(world, n_rows)
    names = [f"x{i}" for i in range(X.shape[1])]
    start = time.perf_counter()
    frame = h2o_utils.to_h2o(pd.DataFrame(X, columns=names).assign(target=y.astype(int)), target="target")
    cv = {"nfolds": nfolds, "fold_assignment": "Modulo", "keep_cross_validation_predictions": True, "seed": seed}
    bases = [H2OGradientBoostingEstimator(ntrees=ntrees, max_depth=5, **cv),
             H2ORandomForestEstimator(ntrees=ntrees, max_depth=12, **cv),
             H2OGeneralizedLinearEstimator(family="binomial", **cv)]
    for base in bases:
        base.train(x=names, y="target", training_frame=frame)
    ensemble = H2OStackedEnsembleEstimator(base_models=bases, seed=seed)
    ensemble.train(x=names, y="target", training_frame=frame)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mojo = ensemble.download_mojo(path=str(folder), get_genmodel_jar=True)
    return {"kind": "mojo", "path": str(mojo), "fit_rows": int(n_rows), "fit_seconds": time.perf_counter() - start,
            "model": f"StackedEnsemble({', '.join(b.algo for b in bases)})"}


def load_oracle(oracle: dict, *, n_threads: int = -1):
    """The oracle described by :func:`fit_sklearn_oracle` / :func:`train_mojo_oracle`."""
    if oracle["kind"] == "sklearn":
        return pickle.loads(Path(oracle["path"]).read_bytes())
    from synthetic_intelligence.core.engines.mojo import MojoOracle

    return MojoOracle(oracle["path"], n_threads=n_threads)


def fit_exponent(sizes, seconds) -> float:
    """Slope of log(seconds) on log(size) by least squares (NaN for fewer than two points)."""
    sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    keep = (sizes > 0) & (seconds > 0)
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(sizes[keep]), np.log(seconds[keep]), 1)[0])


def machine_info() -> dict:
    """The machine a measurement ran on: CPU model, cores, BLAS / OpenMP libraries and threads, versions, load."""
    import importlib.metadata as md
    import platform

    info = {"cpu_model": _cpu_model(), "logical_cores": os.cpu_count(), "physical_cores": None,
            "platform": platform.platform(), "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        import psutil

        info["physical_cores"] = psutil.cpu_count(logical=False)
        info["memory_gib"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:  # pragma: no cover
        pass
    try:
        from threadpoolctl import threadpool_info

        info["threadpools"] = [{"api": p.get("user_api"), "library": p.get("internal_api"),
                                "threads": p.get("num_threads"), "version": p.get("version"),
                                "architecture": p.get("architecture"), "file": Path(p.get("filepath", "")).name}
                               for p in threadpool_info()]
    except ImportError:  # pragma: no cover
        info["threadpools"] = []
    blas = [p for p in info["threadpools"] if p["api"] == "blas"]
    info["blas"] = "; ".join(f"{p['library']} {p['version'] or '?'} ({p['threads']} threads)" for p in blas) or "unknown"
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    info["versions"] = versions
    return info


def _cpu_model() -> str:
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # not Linux
        pass
    return platform.processor() or platform.machine()


# -- one measurement in a child process ---------------------------------------------------------------------------
def run_measurement(spec: dict, *, timeout_s: float, child=None, timeout_status: str = "timeout",
                    timeout_error: str | None = None) -> dict:
    """Run ``spec`` in a fresh child process; add ``peak_rss_bytes`` (child + descendants), ``status`` and
    ``seconds_elapsed`` (as seen from here, the child's start included).

    ``status``: ``ok``, ``timeout_status`` (killed after ``timeout_s``; ``error`` says so, or ``timeout_error``)
    or ``error`` (``error`` holds the message). ``child(conn, spec)``, an importable function that sends one
    result dict on ``conn``, is this module's measurement unless given.
    """
    import psutil

    ctx = multiprocessing.get_context("spawn")
    parent_end, child_end = ctx.Pipe(duplex=False)
    process = ctx.Process(target=child or _child, args=(child_end, spec), daemon=False)
    process.start()
    child_end.close()
    root = psutil.Process(process.pid)
    peak, result, started = 0, None, time.monotonic()
    while True:
        peak = max(peak, _tree_rss(root))
        if parent_end.poll(_POLL_S):
            try:
                result = parent_end.recv()
            except EOFError:
                result = None
            break
        if not process.is_alive():
            break
        if time.monotonic() - started > timeout_s:
            _kill_tree(root)
            result = {"status": timeout_status, "error": timeout_error or f"killed after {timeout_s:.0f} s"}
            break
    process.join(timeout=60)
    if process.is_alive():
        _kill_tree(root)
        process.join()
    if result is None:
        result = {"status": "error", "error": f"child exited with code {process.exitcode} (killed for memory?)"}
    result.update(peak_rss_bytes=int(peak), seconds_elapsed=time.monotonic() - started)
    return result


def _tree_rss(root) -> int:
    import psutil

    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def _kill_tree(root) -> None:
    import psutil

    try:
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass


def _child(conn, spec: dict) -> None:
    try:
        before = machine_info()
        result = {"status": "ok", **_measure(spec)}
        result["machine"] = {**machine_info(), "load_average_before": before["load_average"]}
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which records it
        result = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:2000],
                  "traceback": traceback.format_exc()[-4000:]}
    conn.send(result)
    conn.close()


def _measure(spec: dict) -> dict:
    X, y = load_world(spec["world"], spec["n_rows"])
    method = spec["method"]
    if method in ("smote", "smote_fast"):
        return _smote(X, y, spec)
    oracle = load_oracle(spec["oracle"], n_threads=-1)
    for mode in ("adaptive", "uniform"):  # the same measurement with proposals=<mode>
        if method.endswith(f"_{mode}"):
            spec = {**spec, "sampler": {**spec.get("sampler", {}), "proposals": mode}}
            method = method.removesuffix(f"_{mode}")
    if method == "numpy":
        return _numpy(X, y, oracle, spec)
    if method == "spark":
        return _spark(X, y, oracle, spec)
    raise ValueError(f"scaling: unknown method {method!r}; one of {METHODS}")


def _smote(X, y, spec):
    from imblearn.over_sampling import SMOTE

    k = spec.get("k_neighbors", 5)
    neighbours = k
    if spec["method"] == "smote_fast":
        from sklearn.neighbors import NearestNeighbors

        neighbours = NearestNeighbors(n_neighbors=k + 1, n_jobs=-1, algorithm=spec.get("fast_smote_algorithm", "auto"))
    start = time.perf_counter()
    X_res, _ = SMOTE(k_neighbors=neighbours, random_state=spec["seed"]).fit_resample(X, y)
    wall = time.perf_counter() - start
    return {"seconds_wall": wall, "seconds_generate": wall, "seconds_score": 0.0,
            "n_synthetic": int(len(X_res) - len(X)), "n_candidates": int(len(X_res) - len(X)),
            "neighbours": repr(neighbours)}


def _sampler(oracle, spec, backend="numpy"):
    from synthetic_intelligence.core.sampling import OracleRejectionSampler

    return OracleRejectionSampler(oracle=oracle, random_state=spec["seed"], backend=backend, **spec["sampler"])


def _numpy(X, y, oracle, spec):
    """``fit_resample`` in its documented steps (``prepare``, then ``run_tasks``: the executor per class writing
    into the output, the counts recorded), each timed, so the wall time is accounted for; the same rows and the
    same code as ``fit_resample`` for the seed."""
    sampler = _sampler(oracle, spec)
    start = time.perf_counter()
    tasks, rng = sampler.prepare(X, y)
    t_prepared = time.perf_counter()
    X_res, y_res = sampler.run_tasks(tasks, rng, X, y)
    end = time.perf_counter()
    run = end - t_prepared
    rounds = sampler.rounds_
    return {"seconds_wall": end - start, "seconds_generate": sampler.seconds_generate_,
            "seconds_score": sampler.seconds_score_, "seconds_prepare": t_prepared - start,
            "seconds_loop_other": run - sampler.seconds_generate_ - sampler.seconds_score_ - sampler.seconds_output_,
            "seconds_output": sampler.seconds_output_, "n_synthetic": int(len(X_res) - len(X)),
            "n_rows_out": int(len(y_res)), "n_candidates": int(sampler.n_candidates_),
            "score_rows_per_s": sampler.n_candidates_ / sampler.seconds_score_ if sampler.seconds_score_ else None,
            "scorer": type(tasks[0].scorer).__name__ if tasks else None,
            "acceptance_by_round": [round(r["acceptance_rate"], 4) for r in rounds],
            "candidates_by_round": [int(r["candidates"]) for r in rounds]}


def _spark(X, y, oracle, spec):
    """The sampler's steps with the class task run by Spark executors that write the accepted rows as Parquet."""
    from synthetic_intelligence.core.engines import spark as spark_session
    from synthetic_intelligence.core.sampling import ClassTask, ProbaScorer, class_cut, make_strategy
    from synthetic_intelligence.core.sampling.proposals import resolve_proposals
    from synthetic_intelligence.core.sampling.spark_executor import STATS_COLUMN, SparkExecutor, split_frame

    start = time.perf_counter()
    spark = spark_session.get_or_create(spec.get("spark") or {})
    spark.range(1).count()  # the JVM is up before the clock starts
    startup = time.perf_counter() - start
    out = Path(spec["output"])
    shutil.rmtree(out, ignore_errors=True)
    params = {"threshold": 0.5, "gate": "quantile", "candidates": "interpolate", "batch_size": 65536,
              "max_rounds": 50, "n_clusters": 8, **spec["sampler"]}
    try:
        start = time.perf_counter()
        rng = np.random.default_rng(spec["seed"])
        classes = np.unique(y)
        n_needed = int((y == 0).sum() - (y == 1).sum())
        scorer = ProbaScorer.for_class(oracle, 1, classes)
        minority = X[y == 1]
        if params["gate"] == "quantile":
            cut = class_cut("quantile", params["threshold"], scorer(minority))
        else:
            cut = class_cut("probability", params["threshold"])
        strategy = make_strategy(params["candidates"], n_clusters=params["n_clusters"]).fit(
            minority, seed=spec["seed"], out_dtype=X.dtype)
        task = ClassTask(label=1, n_needed=n_needed, strategy=strategy, scorer=scorer, cut=cut,
                         batch_size=params["batch_size"], max_rounds=params["max_rounds"],
                         proposals=resolve_proposals(params.get("proposals", "auto"), strategy))
        executor = SparkExecutor(spark, n_partitions=spec.get("spark_partitions"))
        n_partitions = executor.partitions_for(task)
        executor.frame(task, rng).write.parquet(str(out))
        wall = time.perf_counter() - start
        stats = spark.read.parquet(str(out)).where(f"{STATS_COLUMN} IS NOT NULL").toArrow()
        result = split_frame(stats, strategy.n_features_, strategy.out_dtype_)
        n_written = spark.read.parquet(str(out)).where(f"{STATS_COLUMN} IS NULL").count()
    finally:
        spark_session.stop()
        shutil.rmtree(out, ignore_errors=True)
    return {"seconds_wall": wall, "seconds_generate": result.seconds_generate, "seconds_score": result.seconds_score,
            "seconds_startup": startup, "n_synthetic": int(n_written), "n_candidates": int(result.n_candidates),
            "n_partitions": n_partitions, "shortfall": result.shortfall,
            "acceptance_by_round": [round(r["acceptance_rate"], 4) for r in result.rounds],
            "candidates_by_round": [int(r["candidates"]) for r in result.rounds]}


def predicted_seconds(sizes, seconds, n_rows: int) -> tuple[float, float]:
    """``(seconds at n_rows, exponent)``: the power law through the two largest measured sizes.

    The local exponent (not a fit over every size) because SMOTE's grows with the size
    (1.86 from 1M to 4M rows): the latest slope is the least optimistic one. NaN with
    fewer than two measured sizes.
    """
    pairs = sorted((float(n), float(t)) for n, t in zip(sizes, seconds, strict=True) if n > 0 and t > 0)
    if len(pairs) < 2:
        return float("nan"), float("nan")
    (n0, t0), (n1, t1) = pairs[-2], pairs[-1]
    exponent = math.log(t1 / t0) / math.log(n1 / n0)
    return float(t1 * (n_rows / n1) ** exponent), float(exponent)
