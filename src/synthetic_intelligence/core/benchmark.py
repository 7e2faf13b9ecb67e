"""The benchmark: every lane x the same learners x repeated stratified splits of many tables.

One *split* of a table (a seed) is the unit of work:

1. a stratified ``test`` part is set aside; it only grades;
2. features are standardised with a scaler fitted on the ``train`` part (inside the split);
3. lanes build their training set from ``train``: ``baseline`` (as is), ``class_weighted``
   (balanced sample weights), one lane per imbalanced-learn sampler, and one
   ``model_driven_<strategy>`` lane per candidate strategy of :class:`OracleRejectionSampler`;
4. every learner (fixed by parameters, the same for every lane) is fitted on every lane's
   training set and scored on ``test`` (AUPRC).

The model-driven lanes choose their sampler settings (the ``grid``: threshold, ratio, ...)
per learner on a ``validation`` part carved from ``train``: the oracle is fitted on the
rest of ``train``, each grid point's training set is built there and the learner is scored
on ``validation``. The chosen setting is then applied with an oracle refitted on all of
``train``. ``test`` never takes part in a choice. A lane that cannot build its training set
(sampler error, too few neighbours, :class:`GenerationError`) is recorded as failed with its
reason.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import logging
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight
from threadpoolctl import threadpool_limits

from synthetic_intelligence.core import smote
from synthetic_intelligence.core.benchmark_data import describe
from synthetic_intelligence.core.sampling import CANDIDATE_STRATEGIES, OracleRejectionSampler
from synthetic_intelligence.core.schema import BASELINE, MODEL_DRIVEN, SMOTE, TARGET

logger = logging.getLogger(__name__)

CLASS_WEIGHTED = "class_weighted"
OK, FAILED = "ok", "failed"
DEFAULT_SAMPLERS = {
    SMOTE: {"sampler": "SMOTE", "kwargs": {"k_neighbors": 5}},
    "borderline_smote": {"sampler": "BorderlineSMOTE", "kwargs": {"kind": "borderline-1"}},
    "adasyn": {"sampler": "ADASYN", "kwargs": {}},
    "random_oversampler": {"sampler": "RandomOverSampler", "kwargs": {}},
}


#: Keys of ``params:benchmark`` read by other nodes (table loading, summary).
OTHER_KEYS = {"tables", "min_minority_rows", "summary"}


def model_driven_lane(strategy: str) -> str:
    return f"{MODEL_DRIVEN}_{strategy}"


@dataclass
class EstimatorSpec:
    """A scikit-learn classifier by import path and keyword arguments."""

    estimator: str
    kwargs: dict = field(default_factory=dict)

    def build(self, seed: int | None = None, where: str = "estimator"):
        module, _, name = self.estimator.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ValueError(f"{where}: cannot import {self.estimator!r}: {exc}") from exc
        kwargs = dict(self.kwargs)
        if seed is not None and "random_state" in inspect.signature(cls).parameters:
            kwargs.setdefault("random_state", seed)
        est = cls(**kwargs)
        if not hasattr(est, "predict_proba"):
            raise ValueError(f"{where}: {self.estimator!r} has no predict_proba")
        return est


@dataclass
class ModelDrivenConfig:
    strategies: list[str] = field(default_factory=lambda: list(CANDIDATE_STRATEGIES))
    oracle: EstimatorSpec = field(
        default_factory=lambda: EstimatorSpec("sklearn.ensemble.HistGradientBoostingClassifier",
                                              {"max_iter": 100, "early_stopping": False}))
    #: Keyword arguments of every OracleRejectionSampler (e.g. ``gate``, ``batch_size``); the grid overrides them.
    sampler_kwargs: dict = field(default_factory=dict)
    #: Sampler keywords chosen on validation: every combination of the listed values is tried.
    grid: dict = field(default_factory=lambda: {"threshold": [0.5], "sampling_strategy": [1.0]})


@dataclass
class BenchmarkConfig:
    learners: dict[str, EstimatorSpec]
    repeats: int = 5
    seed: int = 0
    test_size: float = 0.3
    validation_size: float = 0.25
    standardize: bool = True
    class_weighted: bool = True
    samplers: dict[str, dict] = field(default_factory=lambda: dict(DEFAULT_SAMPLERS))
    model_driven: ModelDrivenConfig = field(default_factory=ModelDrivenConfig)
    n_jobs: int = 1

    @classmethod
    def from_params(cls, params: dict) -> BenchmarkConfig:
        """Validated config from ``params:benchmark`` (errors name the parameter).

        ``learners`` and ``samplers`` entries set to ``None`` (``null`` in YAML) are dropped, so an
        environment can remove an entry of ``base`` (parameters merge key by key).
        """
        p = {k: v for k, v in params.items() if k not in OTHER_KEYS}
        known = {"learners", "repeats", "seed", "test_size", "validation_size", "standardize", "class_weighted",
                 "samplers", "model_driven", "n_jobs"}
        unknown = sorted(set(p) - known)
        if unknown:
            raise ValueError(f"benchmark: unknown key(s) {unknown}; valid: {sorted(known | OTHER_KEYS)}")
        learners = {k: v for k, v in (p.get("learners") or {}).items() if v is not None}
        if not learners:
            raise ValueError("benchmark.learners is empty: name at least one learner")
        specs = {name: _spec(v, f"benchmark.learners.{name}") for name, v in learners.items()}
        md = dict(p.get("model_driven") or {})
        bad_md = sorted(set(md) - {"strategies", "oracle", "sampler_kwargs", "grid"})
        if bad_md:
            raise ValueError(f"benchmark.model_driven: unknown key(s) {bad_md}")
        md_cfg = ModelDrivenConfig(
            strategies=list(md.get("strategies", CANDIDATE_STRATEGIES)),
            oracle=(_spec(md["oracle"], "benchmark.model_driven.oracle") if "oracle" in md
                    else ModelDrivenConfig().oracle),
            sampler_kwargs=dict(md.get("sampler_kwargs") or {}),
            grid={k: list(v) for k, v in (md.get("grid") or ModelDrivenConfig().grid).items()},
        )
        config = cls(
            learners=specs,
            **{k: p[k] for k in known - {"learners", "model_driven", "samplers"} if k in p},
            samplers=({k: v for k, v in p["samplers"].items() if v is not None}
                      if p.get("samplers") is not None else dict(DEFAULT_SAMPLERS)),
            model_driven=md_cfg,
        )
        config.validate()
        return config

    def validate(self) -> None:  # noqa: PLR0912 - one check per parameter, each naming it
        if int(self.repeats) < 2:
            raise ValueError(f"benchmark.repeats must be >= 2 (intervals are over repeats), got {self.repeats}")
        for name in ("test_size", "validation_size"):
            value = getattr(self, name)
            if not 0 < float(value) < 1:
                raise ValueError(f"benchmark.{name} must be in (0, 1), got {value}")
        if int(self.n_jobs) == 0:
            raise ValueError("benchmark.n_jobs must be non-zero (-1 = all cores)")
        if SMOTE not in self.samplers:
            raise ValueError(f"benchmark.samplers must keep the reference lane {SMOTE!r}")
        for lane, spec in self.samplers.items():
            if not isinstance(spec, dict) or "sampler" not in spec:
                raise ValueError(f"benchmark.samplers.{lane} needs 'sampler' (an imbalanced-learn class name), "
                                 f"got {spec!r}")
            unknown = sorted(set(spec) - {"sampler", "kwargs", "grid"})
            if unknown:
                raise ValueError(f"benchmark.samplers.{lane}: unknown key(s) {unknown}; valid: sampler, kwargs, grid")
            for key, values in (spec.get("grid") or {}).items():
                if not values:
                    raise ValueError(f"benchmark.samplers.{lane}.grid.{key} is empty")
            for point in _points(spec.get("grid")):
                try:
                    smote.make_sampler(spec["sampler"], {**(spec.get("kwargs") or {}), **point})
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"benchmark.samplers.{lane} (grid point {point}): {exc}") from exc
        bad = sorted(set(self.model_driven.strategies) - set(CANDIDATE_STRATEGIES))
        if bad:
            raise ValueError(f"benchmark.model_driven.strategies: unknown {bad}; valid: {list(CANDIDATE_STRATEGIES)}")
        for key, values in self.model_driven.grid.items():
            if not values:
                raise ValueError(f"benchmark.model_driven.grid.{key} is empty")
        reserved = sorted({"oracle", "candidates", "random_state"} & set(self.model_driven.sampler_kwargs))
        if reserved:
            raise ValueError(f"benchmark.model_driven.sampler_kwargs: {reserved} are set by the benchmark itself")
        for point in self.grid_points():
            try:
                OracleRejectionSampler(**{**self.model_driven.sampler_kwargs, **point})._validate_params()
            except (TypeError, ValueError) as exc:
                raise ValueError(f"benchmark.model_driven (sampler_kwargs + grid point {point}): {exc}") from exc
        for name, spec in self.learners.items():
            spec.build(where=f"benchmark.learners.{name}")
        self.model_driven.oracle.build(where="benchmark.model_driven.oracle")

    def grid_points(self) -> list[dict]:
        return _points(self.model_driven.grid)

    def lanes(self) -> list[str]:
        return [BASELINE, *([CLASS_WEIGHTED] if self.class_weighted else []), *self.samplers,
                *(model_driven_lane(s) for s in self.model_driven.strategies)]


def _points(grid: dict | None) -> list[dict]:
    """Every combination of a grid's values (``[{}]`` for no grid)."""
    grid = grid or {}
    return [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]


def _spec(value, where: str) -> EstimatorSpec:
    if not isinstance(value, dict) or "estimator" not in value:
        raise ValueError(f"{where} needs an 'estimator' import path (and optional 'kwargs'), got {value!r}")
    bad = sorted(set(value) - {"estimator", "kwargs"})
    if bad:
        raise ValueError(f"{where}: unknown key(s) {bad}")
    return EstimatorSpec(str(value["estimator"]), dict(value.get("kwargs") or {}))


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:400]


def _json(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


class _Split:
    """One seeded split of one table: the parts, the learners and the rows it records."""

    def __init__(self, name: str, table: pd.DataFrame, repeat: int, config: BenchmarkConfig):
        self.config, self.repeat, self.seed = config, repeat, int(config.seed) + repeat
        self.info = describe(name, table)
        X = table.drop(columns=[TARGET]).to_numpy(np.float64)
        y = table[TARGET].to_numpy(np.int64)
        X_tr, X_te, self.y_tr, self.y_te = train_test_split(
            X, y, test_size=config.test_size, stratify=y, random_state=self.seed)
        if config.standardize:
            scaler = StandardScaler().fit(X_tr)
            X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
        self.X_tr, self.X_te = X_tr, X_te
        self.X_fit, self.X_val, self.y_fit, self.y_val = train_test_split(
            X_tr, self.y_tr, test_size=config.validation_size, stratify=self.y_tr, random_state=self.seed)
        self.rows: list[dict] = []
        self.tuning: list[dict] = []

    def learner(self, name: str):
        return self.config.learners[name].build(self.seed, where=f"benchmark.learners.{name}")

    def record(self, lane: str, learner: str, *, status: str = OK, error: str = "", sampler: str = "",
               sampler_params: dict | None = None, X_train=None, n_synthetic: int = 0, resample_seconds: float = 0.0,
               sample_weight=None, extra: dict | None = None) -> None:
        """Fit ``learner`` on a lane's training set, score ``test``, append one result row."""
        row = {**self.info, "repeat": self.repeat, "seed": self.seed, "lane": lane, "learner": learner,
               "learner_params": _json(self.config.learners[learner].__dict__), "sampler": sampler,
               "sampler_params": _json(sampler_params or {}), "status": status, "error": error,
               "n_train": len(self.y_tr), "n_train_out": np.nan, "n_synthetic": int(n_synthetic),
               "synthetic_share": np.nan, "n_test": len(self.y_te), "n_test_minority": int(self.y_te.sum()),
               "auprc": np.nan, "roc_auc": np.nan, "resample_seconds": float(resample_seconds),
               "fit_seconds": np.nan, **(extra or {})}
        if status == OK:
            X, y = X_train
            row["n_train_out"] = len(y)
            row["synthetic_share"] = float(n_synthetic / len(y))
            try:
                start = time.perf_counter()
                model = self.learner(learner)
                model.fit(X, y, **({} if sample_weight is None else {"sample_weight": sample_weight}))
                row["fit_seconds"] = time.perf_counter() - start
                scores = _minority_scores(model, self.X_te)
                row["auprc"] = float(average_precision_score(self.y_te, scores))
                row["roc_auc"] = float(roc_auc_score(self.y_te, scores))
            except Exception as exc:  # noqa: BLE001 - a failing fit is a recorded result, not a crash
                row.update(status=FAILED, error=f"learner fit failed: {_reason(exc)}")
        self.rows.append(row)

    def run(self) -> tuple[list[dict], list[dict]]:
        train = (self.X_tr, self.y_tr)
        for learner in self.config.learners:
            self.record(BASELINE, learner, X_train=train)
            if self.config.class_weighted:
                self.record(CLASS_WEIGHTED, learner, X_train=train, sampler="sample_weight",
                            sampler_params={"class_weight": "balanced"},
                            sample_weight=compute_sample_weight("balanced", self.y_tr))
        for lane, spec in self.config.samplers.items():
            self._imblearn_lane(lane, spec)
        if self.config.model_driven.strategies:
            self._model_driven_lanes()
        return self.rows, self.tuning

    def _imblearn_lane(self, lane: str, spec: dict) -> None:
        kwargs = dict(spec.get("kwargs") or {})
        params = {**kwargs, "random_state": self.seed}

        def resample(point: dict, X, y):
            sampler = smote.make_sampler(spec["sampler"], {**kwargs, **point}, random_state=self.seed)
            start = time.perf_counter()
            X_res, y_res = sampler.fit_resample(X, y)
            return X_res, y_res, time.perf_counter() - start, {}

        if spec.get("grid"):  # the sampler's keywords are chosen on validation, like the model-driven lanes'
            self._tuned_lane(lane, spec["sampler"], _points(spec["grid"]), resample, resample, params)
            return
        try:
            X_res, y_res, seconds, _ = resample({}, self.X_tr, self.y_tr)
        except Exception as exc:  # noqa: BLE001 - recorded as a failed lane
            for learner in self.config.learners:
                self.record(lane, learner, status=FAILED, error=_reason(exc), sampler=spec["sampler"],
                            sampler_params=params)
            return
        for learner in self.config.learners:
            self.record(lane, learner, sampler=spec["sampler"], sampler_params=params, X_train=(X_res, y_res),
                        n_synthetic=len(y_res) - len(self.y_tr), resample_seconds=seconds)

    def _resample(self, oracle, strategy: str, point: dict, X, y):
        md = self.config.model_driven
        sampler = OracleRejectionSampler(oracle=oracle, candidates=strategy, random_state=self.seed,
                                         **{**md.sampler_kwargs, **point})
        start = time.perf_counter()
        X_res, y_res = sampler.fit_resample(X, y)
        stats = {"acceptance_rate": float(sampler.acceptance_rate_), "n_candidates": int(sampler.n_candidates_)}
        return X_res, y_res, time.perf_counter() - start, stats

    def _model_driven_lanes(self) -> None:
        md, points = self.config.model_driven, self.config.grid_points()
        learners = list(self.config.learners)
        try:
            oracle_fit = md.oracle.build(self.seed).fit(self.X_fit, self.y_fit)
            oracle_train = md.oracle.build(self.seed).fit(self.X_tr, self.y_tr)
        except Exception as exc:  # noqa: BLE001
            for strategy in md.strategies:
                for learner in learners:
                    self.record(model_driven_lane(strategy), learner, status=FAILED, sampler="OracleRejectionSampler",
                                error=f"oracle fit failed: {_reason(exc)}")
            return
        for strategy in md.strategies:
            base_params = {**md.sampler_kwargs, "candidates": strategy, "random_state": self.seed,
                           "oracle": _json(md.oracle.__dict__)}
            self._tuned_lane(
                model_driven_lane(strategy), "OracleRejectionSampler", points,
                lambda point, X, y, s=strategy: self._resample(oracle_fit, s, point, X, y),
                lambda point, X, y, s=strategy: self._resample(oracle_train, s, point, X, y),
                base_params)

    def _tuned_lane(self, lane: str, sampler: str, points: list[dict], resample_fit, resample_final,
                    base_params: dict) -> None:
        """Score every grid point on validation (sampler fitted on the fit part), per learner; then apply
        each learner's best point on all of ``train`` (the next best if it cannot reach its target).

        ``resample_fit`` / ``resample_final``: ``(point, X, y) -> (X_res, y_res, seconds, stats)`` on the
        fit part and on all of ``train`` (the model-driven lanes use an oracle fitted on each).
        """
        learners = list(self.config.learners)
        # validation AUPRC of every grid point, per learner (NaN where the point failed)
        scores = np.full((len(points), len(learners)), np.nan)
        errors = [""] * len(points)
        for g, point in enumerate(points):
            base = {"table": self.info["table"], "repeat": self.repeat, "seed": self.seed, "lane": lane,
                    **{f"grid_{k}": v for k, v in point.items()}}
            try:
                X_res, y_res, seconds, stats = resample_fit(point, self.X_fit, self.y_fit)
            except Exception as exc:  # noqa: BLE001 - a grid point that cannot reach its target is skipped
                errors[g] = _reason(exc)
                self.tuning.append({**base, "learner": "", "validation_auprc": np.nan, "error": errors[g]})
                continue
            for li, learner in enumerate(learners):
                try:
                    model = self.learner(learner).fit(X_res, y_res)
                    scores[g, li] = average_precision_score(self.y_val, _minority_scores(model, self.X_val))
                    err = ""
                except Exception as exc:  # noqa: BLE001
                    err = f"learner fit failed: {_reason(exc)}"
                self.tuning.append({**base, "learner": learner, "validation_auprc": scores[g, li], "error": err,
                                    "n_synthetic": len(y_res) - len(self.y_fit), "seconds": seconds, **stats})
        cache: dict[int, object] = {}
        for li, learner in enumerate(learners):
            self._final_tuned(lane, sampler, learner, points, scores[:, li], errors, resample_final, cache, base_params)

    def _final_tuned(self, lane, sampler, learner, points, val_scores, errors, resample_final, cache,
                     base_params) -> None:
        """Apply the best validated grid point on all of ``train``; the next best if it cannot reach its target."""
        order = [g for g in np.argsort(-np.nan_to_num(val_scores, nan=-np.inf), kind="stable")
                 if np.isfinite(val_scores[g])]
        if not order:
            reasons = "; ".join(sorted({e for e in errors if e}))[:400] or "no learner could be fitted"
            self.record(lane, learner, status=FAILED, sampler=sampler, sampler_params=base_params,
                        error=f"no grid point reached its target on validation: {reasons}")
            return
        last_error = ""
        for rank, g in enumerate(order):
            if g not in cache:
                try:
                    cache[g] = resample_final(points[g], self.X_tr, self.y_tr)
                except Exception as exc:  # noqa: BLE001
                    cache[g] = exc
            if isinstance(cache[g], Exception):
                last_error = _reason(cache[g])
                continue
            X_res, y_res, seconds, stats = cache[g]
            self.record(lane, learner, sampler=sampler, sampler_params={**base_params, **points[g]},
                        X_train=(X_res, y_res), n_synthetic=len(y_res) - len(self.y_tr), resample_seconds=seconds,
                        extra={"validation_auprc": float(val_scores[g]), "grid_rank": rank, **stats})
            return
        self.record(lane, learner, status=FAILED, sampler=sampler, sampler_params=base_params,
                    error=f"every validated grid point failed on train: {last_error}")


def _minority_scores(model, X) -> np.ndarray:
    proba = model.predict_proba(X)
    return np.asarray(proba[:, list(model.classes_).index(1)], dtype=np.float64)


def run_split(name: str, table: pd.DataFrame, repeat: int, config: BenchmarkConfig) -> tuple[list, list, float]:
    """Every lane x learner on one seeded split of one table; returns ``(rows, tuning_rows, seconds)``."""
    start = time.perf_counter()
    # One thread per split: parallelism comes from n_jobs (OpenMP spinning on a busy machine costs a lot).
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        rows, tuning = _Split(name, table, repeat, config).run()
    return rows, tuning, time.perf_counter() - start


#: Fixed cost of a split (model-driven grid, clustering, fits) in the units of rows x sqrt(features);
#: measured: ~3 s for a 336 x 7 table, ~100 s for 13,086 x 216, on one core.
_SPLIT_OVERHEAD = 5000.0


def _cost(table: pd.DataFrame) -> float:
    """Relative cost of a split of ``table``; orders the work (largest first) and weighs the ETA."""
    return float(len(table) * np.sqrt(max(1, table.shape[1] - 1)) + _SPLIT_OVERHEAD)


def run_benchmark(
    tables: dict[str, pd.DataFrame], config: BenchmarkConfig, *, log=logger
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All tables x repeats, ``config.n_jobs`` splits at a time; logs tables done, elapsed and ETA."""
    if not tables:
        raise ValueError("no benchmark tables to run")
    repeats = int(config.repeats)
    names = sorted(tables, key=lambda n: -_cost(tables[n]))  # the largest first: a short tail
    costs = {n: _cost(tables[n]) for n in names}
    total_cost = sum(costs.values()) * repeats
    tasks = [(n, r) for n in names for r in range(repeats)]
    log.info("benchmark: %d tables x %d repeats = %d splits, %d lanes x %d learners, n_jobs=%s",
             len(names), repeats, len(tasks), len(config.lanes()), len(config.learners), config.n_jobs)
    rows, tuning, left = [], [], {n: repeats for n in names}
    done_cost, start = 0.0, time.perf_counter()
    jobs = (delayed(run_split)(n, tables[n], r, config) for n, r in tasks)
    for split_rows, split_tuning, seconds in Parallel(n_jobs=config.n_jobs, return_as="generator_unordered")(jobs):
        name = split_rows[0]["table"]
        rows.extend(split_rows)
        tuning.extend(split_tuning)
        left[name] -= 1
        done_cost += costs[name]
        elapsed = time.perf_counter() - start
        eta = elapsed * (total_cost - done_cost) / done_cost
        tables_done = sum(v == 0 for v in left.values())
        failed = sum(r["status"] == FAILED for r in split_rows)
        log.info("benchmark: %s repeat done (%.1f s, %d failed cells); tables done %d/%d; elapsed %.0f s; ETA %.0f s",
                 name, seconds, failed, tables_done, len(names), elapsed, eta)
    results = pd.DataFrame(rows).sort_values(["table", "repeat", "lane", "learner"], kind="stable")
    return results.reset_index(drop=True), pd.DataFrame(tuning)
