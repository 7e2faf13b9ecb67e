"""The scaling benchmark's plan, time budget, table and summary (measurements: :mod:`.scaling`).

For each size (ascending) it measures SMOTE once and model-driven oversampling with
each oracle and backend, every measurement in its own child process. Before a
measurement, its time at this size is predicted from the two largest sizes it was
measured at (:func:`~.scaling.predicted_seconds`); a measurement predicted above
``time_budget_s``, or killed at ``time_budget_s``, is not measured: its row holds
the prediction, marked ``extrapolated``. Progress lines go to the log.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from synthetic_intelligence.core import scaling

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
    methods: list[Literal["smote", "numpy", "spark"]] = ["smote", "numpy", "spark"]
    oracles: list[Literal["sklearn", "mojo"]] = ["sklearn", "mojo"]
    sklearn_fit_rows: int = Field(128_000, ge=100)
    mojo_fit_rows: int = Field(32_000, ge=100)
    mojo_ntrees: int = Field(50, ge=1)
    k_neighbors: int = Field(5, ge=1)
    sampler: dict = Field(default_factory=dict)
    spark: dict = Field(default_factory=dict)
    spark_partitions: int | None = Field(None, ge=1)
    time_budget_s: float = Field(900.0, gt=0)
    exponent_from_rows: int = Field(1_000_000, ge=1)
    workdir: str = "data/02_intermediate/scaling"


def _series(method: str, oracle: str | None) -> str:
    return "SMOTE" if method == "smote" else f"model-driven {method} ({oracle} oracle)"


def plan(params: ScalingParams) -> list[dict]:
    """Every (size, method, oracle) in the order measured."""
    steps = []
    for n_rows in sorted(params.sizes):
        if "smote" in params.methods:
            steps.append({"n_rows": n_rows, "method": "smote", "oracle": None})
        for oracle in params.oracles:
            for method in (m for m in params.methods if m != "smote"):
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
                "sampler": params.sampler, "spark": params.spark, "spark_partitions": params.spark_partitions,
                "oracle": oracles.get(step["oracle"]), "output": str(Path(world["folder"]) / "spark_output")}
        logger.info("[scaling %d/%d] %s at %d rows ...", i, len(steps), series, step["n_rows"])
        result = run(spec, timeout_s=params.time_budget_s)
        row.update({k: v for k, v in result.items() if k != "traceback"})
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


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("seconds_wall", "seconds_generate", "seconds_score", "seconds_startup", "peak_rss_bytes",
                "n_synthetic", "n_candidates", "exponent_used", "n_partitions"):
        if col not in frame:
            frame[col] = np.nan
    frame["peak_rss_gib"] = frame["peak_rss_bytes"] / _GIB
    frame["rows_per_s"] = frame["n_synthetic"] / frame["seconds_wall"]
    frame["acceptance_rate"] = np.where(frame["method"] == "smote", np.nan,
                                        frame["n_synthetic"] / frame["n_candidates"])
    # the rest of the wall time: driver work, Spark scheduling, output transfer or write (IO)
    workers = np.where(frame["method"] == "spark", frame["n_partitions"].clip(upper=os.cpu_count() or 1), 1)
    busy = (frame["seconds_generate"].fillna(0) + frame["seconds_score"].fillna(0)) / workers
    frame["seconds_io_other"] = (frame["seconds_wall"] - busy).where(frame["method"] != "smote", 0.0)
    frame.loc[frame["status"] != "ok", "seconds_io_other"] = np.nan
    frame["oracle"] = frame["oracle"].fillna("")
    order = ["series", "n_rows", "method", "oracle", "status", "extrapolated", "seconds_wall", "seconds_generate",
             "seconds_score", "seconds_io_other", "seconds_startup", "peak_rss_gib", "rows_per_s", "n_synthetic",
             "n_candidates", "acceptance_rate", "n_partitions", "exponent_used", "error"]
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
              *, at_rows: int = 4_000_000, big_rows: int = 10_000_000) -> dict:
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
    for series, exponent in exponents.items():
        if series != "SMOTE":
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
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "memory_gib": _memory_gib(), "load_average": list(os.getloadavg()),
                    "note": "load_average (1, 5, 15 min) at the end of the run; the measurements keep up to 'cpus' "
                            "cores busy themselves, so a 15-minute load well above that means other jobs ran at the "
                            "same time and the times are pessimistic"},
        "params": params.model_dump(),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _memory_gib() -> float | None:
    try:
        import psutil

        return round(psutil.virtual_memory().total / _GIB, 1)
    except ImportError:  # pragma: no cover
        return None
