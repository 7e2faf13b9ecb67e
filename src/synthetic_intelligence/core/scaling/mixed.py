"""Mixed-type scaling: model-driven oversampling (numpy) beside SMOTENC on one synthetic mixed-type table.

One *world* is drawn once at the largest size and saved as Parquet: ``n_numeric`` float columns
(``make_classification``) and ``n_categorical`` pandas ``category`` columns whose level frequencies
differ by class (so they carry signal, as a credit or fraud table's do), and a binary ``target``.
The measurement at ``N`` rows reads its first ``N`` rows (the world is shuffled). Each method runs
in a fresh child process while this process samples the resident memory of the child (and any
descendant) with ``psutil``; the peak of that sum is the method's peak memory. A method past its
time budget is killed and reported ``over budget`` with the budget it had, never extrapolated.

Methods (:data:`METHODS`), both to balance (the same number of synthetic rows):

- ``smotenc``: the project's SMOTE lane on a mixed-type table, :func:`core.experiment.imblearn_lanes.fit_resample_mixed`
  (imbalanced-learn ``SMOTENC(k_neighbors=5)``, the categorical columns as categorical features);
- ``numpy``: :class:`OracleRejectionSampler` on the DataFrame (:class:`~.sampling.mixed.FrameCodec`:
  numeric columns interpolated, each categorical taken from a parent), numpy backend; its oracle,
  a ``HistGradientBoostingClassifier`` with native categorical support, is fitted in the same child
  on the same rows, and its seconds are reported apart (``seconds_oracle``) and in ``seconds_total``.

Run it (no Kedro, no ``make``)::

    python -m synthetic_intelligence.core.scaling.mixed --sizes 100000 1000000 --budget 900

Plain library code; no pipeline framework, no plotting.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

from synthetic_intelligence.core.scaling.measure import (  # one way to run a child, one machine record
    machine_info,
    run_measurement,
)

__all__ = ["METHODS", "make_mixed_world", "measure", "run_method", "speedups", "to_markdown"]

METHODS = ("smotenc", "numpy")
_GIB = 1024**3


def make_mixed_world(folder: str | Path, *, n_rows: int, n_numeric: int = 30, n_categorical: int = 10,
                     minority_share: float = 0.08, seed: int = 0) -> dict:
    """Draw the world once (``world.parquet`` in ``folder``); returns its path and counts.

    Categorical column ``c{j}`` has ``4 + 2 j`` levels (4 to 22 for ten columns); its level frequencies
    are one Dirichlet draw for the majority and another for the minority class, so it carries signal.
    """
    from sklearn.datasets import make_classification

    if n_rows < 100 or n_numeric < 2 or n_categorical < 1:
        raise ValueError(f"make_mixed_world: n_rows >= 100, n_numeric >= 2, n_categorical >= 1; got "
                         f"{n_rows}, {n_numeric}, {n_categorical}")
    rng = np.random.default_rng(seed)
    informative, redundant = max(2, n_numeric * 2 // 5), n_numeric // 5
    X, y = make_classification(n_samples=n_rows, n_features=n_numeric, n_informative=informative,
                               n_redundant=redundant, n_clusters_per_class=min(3, 2 ** informative // 2),
                               weights=[1 - minority_share], flip_y=0.01, shuffle=True, random_state=seed)
    data = {f"x{i}": X[:, i].astype(np.float64) for i in range(n_numeric)}
    minority = y == 1
    for j in range(n_categorical):
        n_levels = 4 + 2 * j
        levels = [f"L{j}_{k}" for k in range(n_levels)]
        codes = np.empty(n_rows, dtype=np.int64)
        for mask in (minority, ~minority):
            p = rng.dirichlet(np.ones(n_levels))
            codes[mask] = rng.choice(n_levels, size=int(mask.sum()), p=p)
        data[f"c{j}"] = pd.Categorical.from_codes(codes, categories=levels)
    frame = pd.DataFrame(data)
    frame["target"] = y.astype(np.int8)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "world.parquet"
    frame.to_parquet(path, index=False)
    return {"path": str(path), "n_rows": n_rows, "n_numeric": n_numeric, "n_categorical": n_categorical,
            "minority_share": float(y.mean()), "seed": seed}


def _load(world: dict, n_rows: int) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_parquet(world["path"]).iloc[:n_rows].reset_index(drop=True)
    y = frame.pop("target").astype(np.int64)
    return frame, y


def _smotenc(X: pd.DataFrame, y: pd.Series, spec: dict) -> dict:
    from imblearn.over_sampling import SMOTE

    from synthetic_intelligence.core.experiment.imblearn_lanes import fit_resample_mixed

    start = time.perf_counter()
    X_res, _, report = fit_resample_mixed(SMOTE(k_neighbors=spec.get("k_neighbors", 5), random_state=spec["seed"]),
                                          X, y)
    wall = time.perf_counter() - start
    return {"sampler_used": report["sampler_used"], "seconds_oracle": 0.0, "seconds_sample": wall,
            "seconds_total": wall, "n_synthetic": int(len(X_res) - len(X))}


def _numpy(X: pd.DataFrame, y: pd.Series, spec: dict) -> dict:
    from sklearn.ensemble import HistGradientBoostingClassifier

    from synthetic_intelligence.core.sampling import OracleRejectionSampler

    start = time.perf_counter()
    oracle = HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=spec.get("oracle_iter", 100),
                                            early_stopping=False, random_state=spec["seed"]).fit(X, y)
    fitted = time.perf_counter()
    sampler = OracleRejectionSampler(oracle=oracle, random_state=spec["seed"], **spec.get("sampler", {}))
    X_res, _ = sampler.fit_resample(X, y)
    done = time.perf_counter()
    new = X_res.iloc[len(X):]
    outside = sum(int((~new[c].isin(X[c].cat.categories) & new[c].notna()).sum()) for c in X.columns
                  if isinstance(X[c].dtype, pd.CategoricalDtype))
    return {"sampler_used": "OracleRejectionSampler", "seconds_oracle": fitted - start, "seconds_sample": done - fitted,
            "seconds_total": done - start, "n_synthetic": int(len(X_res) - len(X)),
            "n_candidates": int(sampler.n_candidates_), "levels_outside_train": outside,
            "dtypes_kept": bool((X_res.dtypes == X.dtypes).all())}


def _child(conn, spec: dict) -> None:
    try:
        X, y = _load(spec["world"], spec["n_rows"])
        run = {"smotenc": _smotenc, "numpy": _numpy}[spec["method"]]
        result = {"status": "ok", **run(X, y, spec)}
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which records it
        result = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:2000],
                  "traceback": traceback.format_exc()[-4000:]}
    conn.send(result)
    conn.close()


def run_method(spec: dict, *, budget_s: float) -> dict:
    """``spec`` (``world``, ``n_rows``, ``method``, ``seed``, ...) in a fresh child process, killed past ``budget_s``.

    Adds ``status`` (``ok``, ``over budget``, ``error``), ``peak_rss_bytes`` (the child and its descendants,
    sampled every 0.1 s), ``seconds_elapsed`` (as seen from here, the child's start and load included).
    """
    if spec.get("method") not in METHODS:
        raise ValueError(f"scaling_mixed: unknown method {spec.get('method')!r}; one of {METHODS}")
    child = importlib.import_module("synthetic_intelligence.core.scaling.mixed")._child  # importable under spawn, also from __main__
    result = run_measurement(spec, timeout_s=budget_s, child=child, timeout_status="over budget",
                             timeout_error=f"killed after its budget of {budget_s:.0f} s")
    result.update(method=spec["method"], n_rows=spec["n_rows"], budget_s=budget_s)
    return result


def measure(folder: str | Path, sizes: list[int], *, n_numeric: int = 30, n_categorical: int = 10,
            budget_s: float = 900.0, seed: int = 0, sampler: dict | None = None, log=print) -> pd.DataFrame:
    """Both methods at every size (smallest first), in one run; one row per size x method.

    A method over budget (or failed) at one size is not run at larger sizes (reported ``skipped``).
    Each row: status, seconds (oracle, sample, total), peak memory in GiB, synthetic rows, the load
    average before and after the method.
    """
    sizes = sorted(int(s) for s in sizes)
    if not sizes or sizes[0] < 100:
        raise ValueError(f"scaling_mixed: sizes must be at least 100 rows; got {sizes}")
    world = make_mixed_world(folder, n_rows=sizes[-1], n_numeric=n_numeric, n_categorical=n_categorical, seed=seed)
    sampler = {"batch_size": 262144, "max_rounds": 50, **(sampler or {})}
    rows, stopped = [], set()
    for n in sizes:
        for method in METHODS:
            if method in stopped:
                rows.append({"method": method, "n_rows": n, "status": "skipped",
                             "error": "over budget or failed at a smaller size"})
                continue
            load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else np.nan
            log(f"scaling_mixed: {method} at {n:,} rows (budget {budget_s:.0f} s; load {load_before:.2f}) ...")
            row = run_method({"world": world, "n_rows": n, "method": method, "seed": seed, "sampler": sampler},
                             budget_s=budget_s)
            row.pop("traceback", None)
            row["load_before"] = load_before
            row["load_after"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else np.nan
            row["peak_gib"] = row.pop("peak_rss_bytes") / _GIB
            log(f"scaling_mixed: {method} at {n:,} rows: {row['status']}, {row.get('seconds_total', np.nan):.1f} s, "
                f"peak {row['peak_gib']:.2f} GiB" + (f" ({row.get('error')})" if row["status"] != "ok" else ""))
            if row["status"] != "ok":
                stopped.add(method)
            rows.append(row)
    return pd.DataFrame(rows)


def speedups(results: pd.DataFrame) -> pd.DataFrame:
    """Per size: SMOTENC seconds / model-driven numpy seconds (sampling only, and with the oracle's fit).

    Where SMOTENC went over budget the ratio is a lower bound (``at_least``): its budget over numpy's time.
    """
    out = []
    for n, g in results.groupby("n_rows"):
        by = g.set_index("method")
        if "numpy" not in by.index or by.loc["numpy", "status"] != "ok" or "smotenc" not in by.index:
            continue
        smote = by.loc["smotenc"]
        if smote["status"] == "ok":
            seconds, bound = float(smote["seconds_total"]), False
        elif smote["status"] == "over budget":
            seconds, bound = float(smote["budget_s"]), True
        else:
            continue
        out.append({"n_rows": int(n), "smotenc_seconds": seconds, "smotenc_over_budget": bound,
                    "speedup_sample": seconds / float(by.loc["numpy", "seconds_sample"]),
                    "speedup_with_oracle_fit": seconds / float(by.loc["numpy", "seconds_total"]),
                    "numpy_peak_gib": float(by.loc["numpy", "peak_gib"]),
                    "smotenc_peak_gib": float(smote["peak_gib"])})
    return pd.DataFrame(out)


def to_markdown(results: pd.DataFrame, ratios: pd.DataFrame, info: dict) -> str:
    """The measurement as markdown: the machine, one row per size x method, the speed-ups."""
    lines = ["# Mixed-type scaling: model-driven numpy vs SMOTENC", "",
             f"Machine: {info.get('cpu_model')}, {info.get('logical_cores')} CPUs, {info.get('memory_gib')} GiB, "
             f"BLAS {info.get('blas')}; load average (1, 5, 15 min) before the run {info.get('load_average')} "
             "(on a shared machine figures are upper bounds on an idle one's).", "",
             "| rows | method | status | oracle s | sample s | total s | peak GiB | synthetic rows | load before |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for _, r in results.iterrows():
        def f(key, fmt="{:.1f}", row=r):
            value = row.get(key, np.nan)
            return fmt.format(value) if isinstance(value, (int, float, np.number)) and np.isfinite(value) else "-"
        status = r["status"] + (f" ({r['budget_s']:.0f} s)" if r["status"] == "over budget" else "")
        lines.append(f"| {int(r['n_rows']):,} | {r['method']} | {status} | {f('seconds_oracle')} | "
                     f"{f('seconds_sample')} | {f('seconds_total')} | {f('peak_gib', '{:.2f}')} | "
                     f"{f('n_synthetic', '{:,.0f}')} | {f('load_before', '{:.2f}')} |")
    if not ratios.empty:
        lines += ["", "| rows | SMOTENC s | speed-up (sampling) | speed-up (with oracle fit) |", "|---:|---:|---:|---:|"]
        for _, r in ratios.iterrows():
            at_least = ">= " if r["smotenc_over_budget"] else ""
            lines.append(f"| {int(r['n_rows']):,} | {at_least}{r['smotenc_seconds']:.1f} | "
                         f"{at_least}{r['speedup_sample']:.1f}x | {at_least}{r['speedup_with_oracle_fit']:.1f}x |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthetic_intelligence.core.scaling.mixed",
                                     description="Model-driven numpy vs SMOTENC on a synthetic mixed-type table.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--numeric", type=int, default=30)
    parser.add_argument("--categorical", type=int, default=10)
    parser.add_argument("--budget", type=float, default=900.0, help="seconds per method and size (default 900)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="data/07_model_output/scaling_mixed",
                        help="folder for the world, results.csv, results.json and summary.md")
    args = parser.parse_args(argv)
    out = Path(args.out)
    info = machine_info()
    results = measure(out, args.sizes, n_numeric=args.numeric, n_categorical=args.categorical,
                      budget_s=args.budget, seed=args.seed)
    ratios = speedups(results)
    results.to_csv(out / "results.csv", index=False)
    (out / "results.json").write_text(json.dumps({"machine": info, "load_average_after": machine_info()[
        "load_average"], "results": results.to_dict("records"), "speedups": ratios.to_dict("records")},
        indent=2, default=str))
    md = to_markdown(results, ratios, info)
    (out / "summary.md").write_text(md)
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
