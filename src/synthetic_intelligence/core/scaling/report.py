"""The scaling benchmark's plan, time budget, table and summary (measurements: :mod:`.measure`).

For each size (ascending) it measures SMOTE once and model-driven oversampling with
each oracle and backend, every measurement in its own child process. Before a
measurement, its time at this size is predicted from the two largest sizes it was
measured at (:func:`~.measure.predicted_seconds`); a measurement predicted above
``time_budget_s``, or killed at ``time_budget_s``, is not measured: its row holds
the prediction, marked ``extrapolated``. Progress lines go to the log.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from synthetic_intelligence.core.scaling import measure as scaling

__all__ = ["ScalingParams", "measure_all", "summarise"]

logger = logging.getLogger(__name__)
_GIB = 2**30


class ScalingParams(BaseModel):
    """``scaling`` parameters (``conf/base/parameters_scaling.yml``), validated before the run."""

    model_config = ConfigDict(extra="forbid")

    sizes: list[int] = Field(min_length=1)
    n_features: int = Field(40, ge=2)
    minority_share: float = Field(0.08, gt=0.0, lt=0.5)
    seed: int = 0
    methods: list[Literal["smote", "smote_fast", "numpy", "spark", "numpy_adaptive", "spark_adaptive",
                          "numpy_uniform", "spark_uniform"]] = [
        "smote", "smote_fast", "numpy", "spark"]
    oracles: list[Literal["sklearn", "mojo"]] = ["sklearn", "mojo"]
    sklearn_fit_rows: int = Field(128_000, ge=100)
    mojo_fit_rows: int = Field(32_000, ge=100)
    mojo_ntrees: int = Field(50, ge=1)
    k_neighbors: int = Field(5, ge=1)
    fast_smote_algorithm: Literal["auto", "kd_tree", "ball_tree", "brute"] = "auto"
    sampler: dict = Field(default_factory=dict)
    spark: dict = Field(default_factory=dict)
    spark_partitions: int | None = Field(None, ge=1)
    time_budget_s: float = Field(900.0, gt=0)
    exponent_from_rows: int = Field(1_000_000, ge=1)
    workdir: str = "data/02_intermediate/scaling"


#: Methods that need no oracle (measured once per size).
_NO_ORACLE = ("smote", "smote_fast")
#: Series name of the fast-neighbour SMOTE reference.
FAST_SMOTE = "SMOTE (fast neighbours)"


def _series(method: str, oracle: str | None) -> str:
    if method in _NO_ORACLE:
        return "SMOTE" if method == "smote" else FAST_SMOTE
    return f"model-driven {method} ({oracle} oracle)"


def plan(params: ScalingParams) -> list[dict]:
    """Every (size, method, oracle) in the order measured."""
    steps = []
    for n_rows in sorted(params.sizes):
        for method in (m for m in _NO_ORACLE if m in params.methods):
            steps.append({"n_rows": n_rows, "method": method, "oracle": None})
        for oracle in params.oracles:
            for method in (m for m in params.methods if m not in _NO_ORACLE):
                steps.append({"n_rows": n_rows, "method": method, "oracle": oracle})
    return steps


def measure_all(world: dict, oracles: dict, params: ScalingParams, *, run=scaling.run_measurement) -> pd.DataFrame:
    """One row per planned measurement (measured or extrapolated); see the module docstring."""
    history: dict[str, list[tuple[int, float]]] = {}
    rows = []
    steps = plan(params)
    for i, step in enumerate(steps, 1):
        series = _series(step["method"], step["oracle"])
        done = history.setdefault(series, [])
        predicted, exponent = scaling.predicted_seconds([n for n, _ in done], [t for _, t in done], step["n_rows"])
        row = {"series": series, **step, "extrapolated": False, "status": "", "error": ""}
        if predicted > params.time_budget_s:
            row.update(status="skipped", extrapolated=True, seconds_wall=predicted, exponent_used=exponent)
            logger.info("[scaling %d/%d] %s at %d rows: skipped, %.0f s predicted (exponent %.2f) > budget %.0f s",
                        i, len(steps), series, step["n_rows"], predicted, exponent, params.time_budget_s)
            rows.append(row)
            continue
        spec = {**step, "world": world, "seed": params.seed, "k_neighbors": params.k_neighbors,
                "fast_smote_algorithm": params.fast_smote_algorithm,
                "sampler": params.sampler, "spark": params.spark, "spark_partitions": params.spark_partitions,
                "oracle": oracles.get(step["oracle"]), "output": str(Path(world["folder"]) / "spark_output")}
        logger.info("[scaling %d/%d] %s at %d rows ...", i, len(steps), series, step["n_rows"])
        result = run(spec, timeout_s=params.time_budget_s)
        row.update(_flat(result))
        if result["status"] == "ok":
            done.append((step["n_rows"], result["seconds_wall"]))
            logger.info("[scaling %d/%d] %s at %d rows: %.1f s (generate %.1f, score %.1f task-seconds), peak %.2f "
                        "GiB, %d synthetic rows from %d candidates", i, len(steps), series, step["n_rows"],
                        result["seconds_wall"], result.get("seconds_generate", 0.0), result.get("seconds_score", 0.0),
                        result["peak_rss_bytes"] / _GIB, result.get("n_synthetic", 0), result.get("n_candidates", 0))
        else:
            if result["status"] == "timeout" and not np.isnan(predicted):
                row.update(extrapolated=True, seconds_wall=max(predicted, params.time_budget_s),
                           exponent_used=exponent)
            logger.warning("[scaling %d/%d] %s at %d rows: %s (%s)", i, len(steps), series, step["n_rows"],
                           result["status"], result.get("error", ""))
        rows.append(row)
    return _table(pd.DataFrame(rows))


def _flat(result: dict) -> dict:
    """A child's result as table cells: lists as JSON text, the machine as its load and one JSON cell."""
    row = {k: v for k, v in result.items() if k not in ("traceback", "machine")}
    for key in ("acceptance_by_round", "candidates_by_round"):
        if key in row:
            row[key] = json.dumps(row[key])
    machine = result.get("machine")
    if machine:
        row["load_1min_before"] = machine["load_average_before"][0]
        row["load_1min_after"] = machine["load_average"][0]
        row["machine"] = json.dumps({k: v for k, v in machine.items()
                                     if k not in ("load_average", "load_average_before")}, sort_keys=True)
    return row


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("seconds_wall", "seconds_generate", "seconds_score", "seconds_startup", "peak_rss_bytes",
                "n_synthetic", "n_candidates", "exponent_used", "n_partitions", "seconds_prepare",
                "seconds_loop_other", "seconds_output", "score_rows_per_s", "load_1min_before", "load_1min_after"):
        if col not in frame:
            frame[col] = np.nan
    frame["peak_rss_gib"] = frame["peak_rss_bytes"] / _GIB
    frame["rows_per_s"] = frame["n_synthetic"] / frame["seconds_wall"]
    frame["acceptance_rate"] = np.where(frame["method"].isin(_NO_ORACLE), np.nan,
                                        frame["n_synthetic"] / frame["n_candidates"])
    # the rest of the wall time: driver work, Spark scheduling, output transfer or write (IO)
    workers = np.where(frame["method"].isin(["spark", "spark_adaptive", "spark_uniform"]), frame["n_partitions"].clip(upper=os.cpu_count() or 1), 1)
    busy = (frame["seconds_generate"].fillna(0) + frame["seconds_score"].fillna(0)) / workers
    frame["seconds_io_other"] = (frame["seconds_wall"] - busy).where(~frame["method"].isin(_NO_ORACLE), 0.0)
    frame.loc[frame["status"] != "ok", "seconds_io_other"] = np.nan
    frame["oracle"] = frame["oracle"].fillna("")
    order = ["series", "n_rows", "method", "oracle", "status", "extrapolated", "seconds_wall", "seconds_generate",
             "seconds_score", "seconds_io_other", "seconds_prepare", "seconds_loop_other", "seconds_output",
             "seconds_startup", "peak_rss_gib", "rows_per_s", "score_rows_per_s", "n_synthetic", "n_candidates",
             "acceptance_rate", "acceptance_by_round", "candidates_by_round", "scorer", "neighbours", "n_partitions",
             "exponent_used", "load_1min_before", "load_1min_after", "error", "machine"]
    return frame[[c for c in order if c in frame]].reset_index(drop=True)


def _value(table: pd.DataFrame, series: str, n_rows: int, column: str = "seconds_wall") -> float | None:
    hit = table[(table["series"] == series) & (table["n_rows"] == n_rows)]
    if hit.empty or pd.isna(hit[column].iloc[0]):
        return None
    return float(hit[column].iloc[0])


def _target(value, goal: str, limit: float, *, extrapolated: bool = False) -> dict:
    if value is None:
        return {"value": None, "target": f"{goal} {limit}", "met": None}
    met = value >= limit if goal == ">=" else value <= limit if goal == "<=" else value < limit
    return {"value": round(value, 3), "target": f"{goal} {limit}", "met": bool(met), "extrapolated": extrapolated}


def summarise(table: pd.DataFrame, params: ScalingParams, oracles: dict | None = None,
              *, at_rows: int = 4_000_000, big_rows: int = 10_000_000, small_rows: int = 1_000_000) -> dict:
    """Exponents per series (measured sizes >= ``exponent_from_rows``), the targets, the machine."""
    measured = table[(table["status"] == "ok") & ~table["extrapolated"].astype(bool)]
    exponents, local = {}, {}
    for series, rows in measured.groupby("series"):
        local[series] = scaling.predicted_seconds(rows["n_rows"].tolist(), rows["seconds_wall"].tolist(), 1)[1]
        part = rows[rows["n_rows"] >= params.exponent_from_rows]
        exponents[series] = scaling.fit_exponent(part["n_rows"], part["seconds_wall"])

    def ratio(num: str, den: str, n_rows: int) -> tuple[float | None, bool]:
        a, b = _value(table, num, n_rows), _value(table, den, n_rows)
        ext = bool(table[(table["series"].isin([num, den])) & (table["n_rows"] == n_rows)]["extrapolated"].any())
        return (a / b if a and b else None), ext

    targets = {}
    for oracle, limit in (("sklearn", 10.0), ("mojo", 3.0)):
        value, ext = ratio("SMOTE", _series("numpy", oracle), at_rows)
        targets[f"smote_over_model_driven_numpy_{oracle}_at_{at_rows}"] = _target(value, ">=", limit, extrapolated=ext)
        value, ext = ratio("SMOTE", _series("spark", oracle), at_rows)
        targets[f"smote_over_model_driven_spark_{oracle}_at_{at_rows}"] = _target(value, ">=", limit, extrapolated=ext)
    value, ext = ratio("SMOTE", _series("numpy", "sklearn"), small_rows)
    targets[f"smote_over_model_driven_numpy_sklearn_at_{small_rows}"] = _target(value, ">=", 4.0, extrapolated=ext)
    for method in ("numpy_adaptive", "numpy_uniform"):  # the series with proposals set, where measured
        for oracle in ("sklearn", "mojo"):
            for n_rows, limit in ((small_rows, 4.0 if oracle == "sklearn" else None),
                                  (at_rows, 10.0 if oracle == "sklearn" else 3.0)):
                value, ext = ratio("SMOTE", _series(method, oracle), n_rows)
                if value is not None and limit is not None:
                    targets[f"smote_over_model_driven_{method}_{oracle}_at_{n_rows}"] = _target(
                        value, ">=", limit, extrapolated=ext)
    for n_rows in (small_rows, at_rows):  # a reference, no target: the fastest SMOTE a user could get
        value, ext = ratio(FAST_SMOTE, _series("numpy", "sklearn"), n_rows)
        if value is not None:
            targets[f"fast_smote_over_model_driven_numpy_sklearn_at_{n_rows}"] = {
                "value": round(value, 3), "target": None, "met": None, "extrapolated": ext}
    for series, exponent in exponents.items():
        if series not in ("SMOTE", FAST_SMOTE):
            targets[f"exponent {series}"] = _target(None if np.isnan(exponent) else exponent, "<=", 1.1)
    for oracle in ("sklearn", "mojo"):
        value, ext = ratio(_series("spark", oracle), _series("numpy", oracle), at_rows)
        targets[f"spark_over_numpy_{oracle}_at_{at_rows}"] = _target(value, "<=", 1.5, extrapolated=ext)
    peaks = measured[measured["n_rows"] == big_rows]
    for _, row in peaks.iterrows():
        targets[f"peak_gib {row['series']} at {big_rows}"] = _target(float(row["peak_rss_gib"]), "<", 12.0)
    return {
        "exponents": {k: (None if np.isnan(v) else round(v, 3)) for k, v in exponents.items()},
        "exponent_sizes": f">= {params.exponent_from_rows} rows, measured points only",
        "local_exponents": {k: (None if np.isnan(v) else round(v, 3)) for k, v in local.items()},
        "local_exponent_sizes": "the two largest measured sizes of each series",
        "targets": targets,
        "oracles": {k: {kk: vv for kk, vv in v.items() if kk != "path"} for k, v in (oracles or {}).items()},
        "machine": _machine(table),
        "params": params.model_dump(),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _machine(table: pd.DataFrame) -> dict:
    """The machine of the measurements (as a child recorded it) and the load average around them."""
    recorded = table["machine"].dropna() if "machine" in table else pd.Series(dtype=object)
    machine = json.loads(recorded.iloc[0]) if len(recorded) else {
        "cpu_model": platform.processor() or platform.machine(), "logical_cores": os.cpu_count(),
        "platform": platform.platform(), "python": platform.python_version(), "memory_gib": _memory_gib()}
    loads = pd.concat([table.get("load_1min_before", pd.Series(dtype=float)),
                       table.get("load_1min_after", pd.Series(dtype=float))]).dropna()
    machine.update({
        "cpus": machine.get("logical_cores", os.cpu_count()),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "load_1min_during": {"min": round(float(loads.min()), 2), "max": round(float(loads.max()), 2)}
        if len(loads) else None,
        "note": "load_1min_during: the 1-minute load average before and after each measurement; the measurements "
                "keep up to 'cpus' cores busy themselves, so a load well above that means other jobs ran at the same "
                "time and absolute times are pessimistic (ratios of one run are the figures to quote)"})
    return machine


def _memory_gib() -> float | None:
    try:
        import psutil

        return round(psutil.virtual_memory().total / _GIB, 1)
    except ImportError:  # pragma: no cover
        return None
