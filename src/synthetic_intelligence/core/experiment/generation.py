"""Model-driven training sets: choose threshold and ratio on validation, then generate.

Both steps use :class:`~synthetic_intelligence.core.sampling.OracleRejectionSampler`
with an already trained oracle; nothing here sees a holdout.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from synthetic_intelligence.core.experiment import learners, metrics
from synthetic_intelligence.core.experiment.resample import AppendRows, resample
from synthetic_intelligence.core.progress import Progress
from synthetic_intelligence.core.sampling import BACKENDS, ClassTask, GenerationError, OracleRejectionSampler, accepted
from synthetic_intelligence.core.sampling.mixed import FrameCodec
from synthetic_intelligence.core.sampling.scorer import native
from synthetic_intelligence.core.schema import PROVENANCE, TARGET, WEIGHT

logger = logging.getLogger(__name__)

_UNIT_OPEN = {"gt": 0.0, "lt": 1.0}


class TuningParams(BaseModel):
    """The validation grid: every threshold x ratio, scored by a cheap learner's validation AUPRC."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    #: the grid may choose "no synthetic rows": when no (threshold, ratio) beats the unresampled training set
    #: on validation with the tuning learner, the lane trains on train as is and its report says so
    allow_none: bool = False
    thresholds: list[float] = Field(min_length=1)
    ratios: list[float] = Field(min_length=1)
    learner: learners.LearnerConfig
    #: further cheap learners the grid also scores with (name -> LearnerConfig): a grid point's *gain* is, per
    #: learner, its validation AUPRC minus that learner's AUPRC on the unresampled train, combined over
    #: ``learner`` and these by ``combine`` (``mean``, or ``min``: synthetic rows only where they help every
    #: learner); the grid then chooses by gain (and ``allow_none`` chooses none when no gain is positive).
    #: Empty: ``learner`` alone chooses, as before.
    more_learners: dict[str, learners.LearnerConfig] = Field(default_factory=dict)
    combine: Literal["mean", "min"] = "mean"
    #: each learner of the experiment trains on the set chosen with it: the grid is scored once by every
    #: scikit-learn learner the lane serves (the benchmark's, the repeated splits'), and each takes the point
    #: best for it (``allow_none``: none when no point beats its AUPRC on the unresampled train); a learner of
    #: another engine (H2O) takes ``learner``'s choice. false: ``learner`` chooses for every learner.
    per_learner: bool = False
    #: with ``allow_none``: synthetic rows only when the chosen point beats the unresampled train in at least
    #: this share of stratified bootstrap resamples of validation (paired: the same rows for both; 200
    #: resamples), else none. ``None``: when its validation AUPRC is higher (any margin), as before
    min_confidence: float | None = Field(None, gt=0.0, lt=1.0)
    #: each scikit-learn learner the lane serves whose estimator is not ``learner``'s trains on the chosen
    #: synthetic rows only when, fitted on them, it beats itself on the unresampled train in at least this share
    #: of 200 paired bootstrap resamples of validation; else on the unresampled train. ``None``: every learner
    #: trains on the chosen set. Like ``per_learner``, built by the repeated splits and the benchmark
    confirm: float | None = Field(None, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _one_way_to_choose(self):
        if self.per_learner and self.more_learners:
            raise ValueError("per_learner chooses for each learner with that learner alone: more_learners (and "
                             "combine) would be unused; set one of them")
        if self.min_confidence is not None and self.more_learners:
            raise ValueError("min_confidence compares one learner's AUPRC; it does not combine with more_learners")
        if self.confirm is not None and self.per_learner:
            raise ValueError("confirm checks tuning.learner's choice with the other learners; per_learner lets each "
                             "choose for itself: set one of them")
        if self.min_confidence is not None and not self.allow_none:
            raise ValueError("min_confidence decides when to choose no synthetic rows: set allow_none: true")
        return self

    @field_validator("more_learners")
    @classmethod
    def _sklearn_only(cls, value: dict) -> dict:
        for name, config in value.items():
            if name == "learner" or not name.replace("_", "").isalnum():
                raise ValueError(f"invalid learner name {name!r}: use letters, digits and '_', not 'learner'")
            if config.engine != "sklearn":
                raise ValueError(f"{name}: a tuning learner must be a cheap scikit-learn learner (engine sklearn), "
                                 f"got engine {config.engine}")
        return value

    @field_validator("thresholds")
    @classmethod
    def _thresholds_in_unit_interval(cls, values: list[float]) -> list[float]:
        bad = [v for v in values if not 0.0 < v < 1.0]
        if bad:
            raise ValueError(f"every threshold must lie in (0, 1); got {bad}")
        return values

    @field_validator("ratios")
    @classmethod
    def _ratios_in_unit_interval(cls, values: list[float]) -> list[float]:
        bad = [v for v in values if not 0.0 < v <= 1.0]
        if bad:
            raise ValueError(f"every ratio (minority/majority after resampling) must lie in (0, 1]; got {bad}")
        return values


class GenerationParams(BaseModel):
    """``generation`` parameters, validated by Kedro before the first node runs.

    ``threshold``/``ratio`` are the fixed setting, used only with ``tuning.enabled: false``;
    set while tuning is on they are reported as unused.  ``sampler`` holds
    :class:`OracleRejectionSampler` keyword arguments, checked by the sampler's own constraints.
    ``backend`` runs generate-and-gate in this process (``numpy``) or in Spark executors
    (``spark``: same semantics and parameters; ``spark_partitions`` partitions per class,
    default from the session's parallelism; fix it to reproduce rows across clusters).
    """

    model_config = ConfigDict(extra="forbid")

    seed: int = 0
    backend: Literal["numpy", "spark"] = "numpy"
    spark_partitions: int | None = Field(None, ge=1)
    threshold: float | None = Field(None, **_UNIT_OPEN)
    ratio: float | None = Field(None, gt=0.0, le=1.0)
    sampler: dict = Field(default_factory=dict)
    #: ``shift``: the synthetic rows add minority weight (the class balance moves to ``ratio``, as every
    #: over-sampler does); ``keep``: every row of a class is weighted so that the class keeps its weight in train
    #: (``sample_weight``: n_real / n_rows of the class), so the synthetic rows reshape the minority without
    #: re-weighing it (:func:`keep_class_prior`)
    class_prior: Literal["shift", "keep"] = "shift"
    tuning: TuningParams

    @field_validator("sampler")
    @classmethod
    def _sampler_kwargs(cls, value: dict) -> dict:
        for key in ("oracle", "threshold", "sampling_strategy", "random_state", "backend"):
            if key in value:
                raise ValueError(f"sampler.{key} is set by the pipeline, not here; remove it")
        try:
            OracleRejectionSampler(**value)._validate_params()  # names the bad keyword or value
        except TypeError as exc:  # an unknown keyword: a ValueError, so that pydantic reports it in one line
            raise ValueError(str(exc).replace("OracleRejectionSampler.__init__()", "OracleRejectionSampler")) from exc
        return value

    @model_validator(mode="after")
    def _fixed_setting(self):
        if self.tuning.enabled:
            unused = [k for k in ("threshold", "ratio") if getattr(self, k) is not None]
            if unused:
                warnings.warn(f"generation.{' and generation.'.join(unused)} unused: generation.tuning.enabled is "
                              "true, so the validation grid chooses them (set tuning.enabled=false to fix them)",
                              UserWarning, stacklevel=2)
        if self.backend != "spark" and self.spark_partitions is not None:
            warnings.warn("generation.spark_partitions unused: generation.backend is not spark", UserWarning,
                          stacklevel=2)
        if not self.tuning.enabled and (self.threshold is None or self.ratio is None):
            raise ValueError("generation.tuning.enabled is false, so generation.threshold and generation.ratio "
                             "must both be set")
        return self


def make_backend(backend: str = "numpy", *, spark_partitions: int | None = None):
    """The sampler's ``backend``: ``"numpy"``, or a :class:`SparkExecutor` on the active (or a new) Spark session."""
    if backend == "numpy":
        return "numpy"
    if backend != "spark":
        raise ValueError(f"generation.backend must be 'numpy' or 'spark'; got {backend!r}")
    from synthetic_intelligence.core.engines import spark as spark_session
    from synthetic_intelligence.core.sampling.spark_executor import SparkExecutor

    return SparkExecutor(spark_session.get_or_create(), n_partitions=spark_partitions)


def _sampler(train: pd.DataFrame, oracle, *, threshold: float, ratio, random_state: int, backend="numpy",
             **sampler_kwargs) -> tuple[OracleRejectionSampler, pd.DataFrame, pd.Series]:
    X, y = learners.split_xy(train)
    sampler = OracleRejectionSampler(
        oracle=learners.as_oracle(oracle, list(X.columns)),
        threshold=threshold,
        sampling_strategy=ratio,
        random_state=random_state,
        backend=backend,
        **sampler_kwargs,
    )
    return sampler, X, y


def _setting(sampler: OracleRejectionSampler, *, threshold: float, ratio, backend) -> dict:
    """The report's keys that describe the setting (known before any row is generated)."""
    return {
        "threshold": float(threshold),
        "ratio": ratio,
        "candidates": sampler.candidates,
        "gate": sampler.gate,
        "backend": backend if isinstance(backend, str) else type(backend).__name__,
        "sampler_params": {k: v for k, v in sampler.get_params(deep=False).items()
                           if v is None or isinstance(v, (bool, int, float, str))},
    }


def _counts(sampler: OracleRejectionSampler) -> dict:
    """The report's keys that the sampler's fitted counts give."""
    return {
        "cuts": {str(k): float(v) for k, v in sampler.thresholds_.items()},
        "n_candidates": int(sampler.n_candidates_),
        "n_accepted": int(sampler.n_accepted_),
        "acceptance_rate": float(sampler.acceptance_rate_),
        "n_rounds": int(sampler.n_rounds_),
        "rounds": [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in sampler.rounds_],
        "seconds_generate": float(sampler.seconds_generate_),
        "seconds_score": float(sampler.seconds_score_),
    }


def keep_class_prior(train_set: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """``train_set`` (real and synthetic rows, ``is_synthetic``) with a ``sample_weight`` column that gives every
    class its weight in the real rows: each row of class c weighs n_real(c) / n_rows(c). The class weights."""
    labels = train_set[TARGET]
    real = labels[~train_set[PROVENANCE].to_numpy(dtype=bool)].value_counts()
    weight = (real / labels.value_counts()).reindex(labels.value_counts().index, fill_value=0.0)
    out = train_set.copy()
    out[WEIGHT] = labels.map(weight).to_numpy(dtype=np.float64)
    return out, {str(k): float(v) for k, v in weight.items()}


def _with_prior(out: pd.DataFrame, report: dict, class_prior: str) -> tuple[pd.DataFrame, dict]:
    if class_prior not in ("shift", "keep"):
        raise ValueError(f"class_prior must be 'shift' or 'keep', got {class_prior!r}")
    if class_prior == "shift":
        return out, report
    out, weights = keep_class_prior(out)
    return out, {**report, "class_prior": class_prior, "class_weights": weights}


def oversample(train: pd.DataFrame, oracle, *, threshold: float, ratio, random_state: int, backend="numpy",
               class_prior: str = "shift", **sampler_kwargs):
    """``train`` plus accepted candidates, with ``is_synthetic``; returns ``(train_set, report)``.

    ``backend``: ``"numpy"`` or an executor (see :func:`make_backend`); the accepted rows
    come back to this process (the validation grid fits a learner on each setting's set).
    """
    sampler, _, _ = _sampler(train, oracle, threshold=threshold, ratio=ratio, random_state=random_state,
                             backend=backend, **sampler_kwargs)
    out, info = resample(train, sampler)
    setting = _setting(sampler, threshold=threshold, ratio=ratio, backend=backend)
    counts = _counts(sampler)
    report = {**info, **{k: setting[k] for k in ("threshold", "ratio", "candidates", "gate", "backend")},
              "cuts": counts.pop("cuts"), "sampler_params": setting["sampler_params"], **counts}
    return _with_prior(out, report, class_prior)


def generate_table(train: pd.DataFrame, oracle, *, threshold: float, ratio, random_state: int, backend="numpy",
                   class_prior: str = "shift", **sampler_kwargs) -> tuple[object, dict]:
    """The accepted rows as a table (:mod:`~synthetic_intelligence.core.sampling.accepted`) and the plan that
    :func:`build_from_table` needs to turn it into the training set: ``(table, plan)``.

    A mixed-type ``train`` (categorical, boolean or missing values) gives a table of the sampler's
    work matrix (category codes, 0/1, ``NaN``; float64) and the plan's ``codec`` that
    :func:`build_from_table` decodes it with, so both backends write plain numbers.

    ``backend="numpy"``: the rounds run here and the table is a pandas DataFrame. A
    :class:`SparkExecutor`: the table is a *lazy* Spark DataFrame (nothing runs until it is
    written, from the executors; no row comes to the driver). The same seed (and
    partitioning) gives the same rows as :func:`oversample`.
    """
    start = time.perf_counter()
    sampler, X, y = _sampler(train, oracle, threshold=threshold, ratio=ratio, random_state=random_state,
                             backend=backend, **sampler_kwargs)
    tasks, rng = sampler.prepare(X, y)
    features, dtype = list(X.columns), tasks[0].strategy.out_dtype_ if tasks else np.dtype(np.float64)
    if isinstance(backend, str):
        executor = BACKENDS[backend]()
        prepared, started = time.perf_counter() - start, time.time()
        results = [(task.label, executor.run(task, rng)) for task in tasks]
        table = accepted.numpy_table(results, features, TARGET, y.dtype, started, time.time())
    else:
        prepared = time.perf_counter() - start
        table = accepted.spark_table(backend.spark, [(task.label, backend.frame(task, rng)) for task in tasks],
                                     features, TARGET, y.dtype, dtype)
    plan = {
        **_setting(sampler, threshold=threshold, ratio=ratio, backend=backend),
        "sampler_kwargs": {k: v for k, v in sampler.get_params(deep=False).items()
                           if k not in ("oracle", "backend", "sampling_strategy", "random_state")},
        "classes": [{"label": native(t.label), "n_needed": int(t.n_needed), "cut": float(t.cut)} for t in tasks],
        "features": features,
        "dtype": np.dtype(dtype).name,
        "seconds_prepare": float(prepared),
        "class_prior": class_prior,
    }
    if sampler.feature_codec_ is not None:  # mixed types: the table holds the work matrix (codes, NaN)
        plan["codec"] = sampler.feature_codec_.to_dict()
    return table, plan


def build_from_table(train: pd.DataFrame, table: pd.DataFrame, plan: dict) -> tuple[pd.DataFrame, dict]:
    """``train`` plus the table's accepted rows, with ``is_synthetic`` (:func:`resample`), and the report
    :func:`oversample` gives; a class that fell short raises :class:`GenerationError` as the sampler does."""
    sampler = OracleRejectionSampler(**plan["sampler_kwargs"])
    tasks = [ClassTask(label=c["label"], n_needed=c["n_needed"], strategy=None, scorer=None, cut=c["cut"],
                       batch_size=sampler.batch_size, max_rounds=sampler.max_rounds) for c in plan["classes"]]
    results = accepted.read_table(table, [t.label for t in tasks], plan["features"], TARGET, np.dtype(plan["dtype"]))
    sampler.record(tasks, results)
    matrix = (np.concatenate([r.accepted for r in results]) if results else
              np.empty((0, len(plan["features"])), dtype=plan["dtype"]))
    if plan.get("codec"):  # mixed types: codes back to the train's dtypes (categories, booleans, NaN)
        rows = FrameCodec.from_dict(plan["codec"]).decode(matrix).set_axis(plan["features"], axis=1)
    else:
        rows = pd.DataFrame(matrix, columns=plan["features"])
    labels = np.concatenate([np.full(r.accepted.shape[0], t.label, dtype=train[TARGET].dtype)
                             for t, r in zip(tasks, results, strict=True)]) if results else []
    out, info = resample(train, AppendRows(rows, pd.Series(labels, dtype=train[TARGET].dtype, name=TARGET)))
    info["sampler"] = "OracleRejectionSampler"
    info["seconds"] = float(plan["seconds_prepare"] + accepted.wall_seconds(table))
    counts = _counts(sampler)
    report = {**info, **{k: plan[k] for k in ("threshold", "ratio", "candidates", "gate", "backend")},
              "cuts": counts.pop("cuts"), "sampler_params": plan["sampler_params"], **counts}
    return _with_prior(out, report, plan.get("class_prior", "shift"))


class RememberedScores:
    """An oracle that scores each distinct input once: ``predict_proba`` of rows it has already scored (the
    same values, dtype, shape and columns) is the remembered result, the oracle is not called again.

    The validation grid runs the sampler once per (threshold, ratio) with the same seed: every setting
    scores the same real minority rows and, for the same ratio, the same first batch of candidates.
    Scoring is the costly part with a StackedEnsemble oracle; remembering it changes no number.
    Other attributes (``classes_``, ``feature_names_in_``) are the oracle's.
    """

    def __init__(self, oracle):
        self.oracle = oracle
        self._seen: dict = {}

    def __getattr__(self, name: str):
        if name in ("oracle", "_seen"):
            raise AttributeError(name)
        return getattr(self.oracle, name)

    def predict_proba(self, X):
        values = np.ascontiguousarray(X.to_numpy() if isinstance(X, pd.DataFrame) else np.asarray(X))
        if values.dtype.kind not in "biuf":
            if not isinstance(X, pd.DataFrame):  # not plain numbers: nothing to compare by bytes
                return np.asarray(self.oracle.predict_proba(X))
            # a mixed-type frame (categories, nullable dtypes): compare by pandas' row hashes and the dtypes
            values = np.ascontiguousarray(pd.util.hash_pandas_object(X, index=False).to_numpy())[:, None]
            values = values.view(np.uint8).reshape(len(X), -1)
            columns = (*map(str, X.columns), *map(str, X.dtypes))
        else:
            columns = tuple(map(str, X.columns)) if isinstance(X, pd.DataFrame) else None
        key = (values.shape, values.dtype.str, columns, hashlib.blake2b(values.view(np.uint8), digest_size=20).digest())
        if key not in self._seen:
            self._seen[key] = np.asarray(self.oracle.predict_proba(X))
        return self._seen[key].copy()


def _score_grid(train: pd.DataFrame, validation: pd.DataFrame, oracle, *, thresholds, ratios,
                scorers: dict[str, learners.LearnerConfig], random_state: int, backend, gain=None, combine: str = "",
                class_prior: str = "shift", sampler_kwargs: dict) -> tuple[pd.DataFrame, dict[str, float], _Scored]:
    """Every (threshold, ratio) generated once and scored by each of ``scorers`` on validation: the grid (a
    ``no oversampling`` reference row first), each scorer's AUPRC on the unresampled train, and every row's
    validation scores (:class:`_Scored`, for ``tuning.min_confidence``).

    Columns: ``validation_auprc`` (the first scorer's), ``validation_auprc_<name>`` (each other one's, when
    there are several), ``validation_gain`` (``gain(values, refs)``, when given), acceptance, synthetic rows, error.
    """
    first = next(iter(scorers))
    several = len(scorers) > 1
    Xv, yv = learners.split_xy(validation)
    predictions: dict[tuple[int, str], np.ndarray] = {}

    def scores(train_set: pd.DataFrame) -> dict[str, float]:
        out = {}
        for name, config in scorers.items():
            model, _ = learners.fit_learner(train_set, validation, config)
            predictions[(len(rows), name)] = predicted = learners.predict_minority(model, Xv)
            out[name] = metrics.auprc(yv, predicted)
        return out

    def columns(values: dict[str, float]) -> dict[str, float]:
        return {f"validation_auprc_{k}": v for k, v in values.items() if k != first} if several else {}

    rows: list[dict] = []
    refs = scores(train)
    ref = refs[first]
    rows.append({"threshold": np.nan, "ratio": np.nan, "validation_auprc": ref, **columns(refs),
                 **({"validation_gain": 0.0} if gain else {}), "acceptance_rate": np.nan,
                 "n_synthetic": 0, "seconds": 0.0, "error": "", "reference": True})
    settings = list(itertools.product(thresholds, ratios))
    if isinstance(backend, str):  # numpy: the grid's settings re-score the same rows (Spark scores in executors)
        oracle = RememberedScores(learners.as_oracle(oracle, list(learners.split_xy(train)[0].columns)))
    progress = Progress("generation grid", len(settings), unit="settings", logger=logger)
    for i, (threshold, ratio) in enumerate(settings, start=1):
        try:
            train_set, report = oversample(train, oracle, threshold=threshold, ratio=ratio, random_state=random_state,
                                           backend=backend, class_prior=class_prior, **sampler_kwargs)
        except (GenerationError, ValueError) as exc:
            rows.append({"threshold": threshold, "ratio": ratio, "validation_auprc": np.nan, "acceptance_rate": np.nan,
                         "n_synthetic": 0, "seconds": np.nan, "error": str(exc)[:300], "reference": False})
            progress.update(i, f"threshold {threshold:g}, ratio {ratio:g}: not reached ({type(exc).__name__})")
            continue
        values = scores(train_set)
        score, point_gain = values[first], gain(values, refs) if gain else None
        rows.append({"threshold": threshold, "ratio": ratio, "validation_auprc": score, **columns(values),
                     **({"validation_gain": point_gain} if gain else {}),
                     "acceptance_rate": report["acceptance_rate"], "n_synthetic": report["n_synthetic"],
                     "seconds": report["seconds"], "error": "", "reference": False})
        progress.update(i, f"threshold {threshold:g}, ratio {ratio:g}: validation AUPRC " + (
            ", ".join(f"{k} {v:.4f} (no oversampling {refs[k]:.4f})" for k, v in values.items()) if several and not gain
            else f"{score:.4f} (no oversampling {ref:.4f})") + (f", gain ({combine}) {point_gain:+.4f}" if gain else ""))
    grid = pd.DataFrame(rows)
    if grid.loc[~grid["reference"], "validation_auprc"].isna().all():
        raise GenerationError(
            "no (threshold, ratio) of the grid reached its target; errors: " + "; ".join(grid["error"].iloc[1:3])
        )
    return grid, refs, _Scored(np.asarray(yv), predictions)


#: Stratified bootstrap resamples of validation behind ``tuning.min_confidence``.
CONFIDENCE_RESAMPLES = 200


@dataclass(frozen=True)
class _Scored:
    """The validation labels and each grid row's validation scores by scorer (``(row, scorer) -> scores``)."""

    y: np.ndarray
    predictions: dict

    def confidence(self, point: int, scorer: str, random_state: int = 0) -> float:
        """The share of stratified bootstrap resamples of validation (:data:`CONFIDENCE_RESAMPLES`, paired: the
        same rows for both) where grid row ``point``'s AUPRC with ``scorer`` is above the reference row's (0)."""
        idx = metrics.bootstrap_indices(self.y, CONFIDENCE_RESAMPLES, random_state)
        ours = metrics.bootstrap_replicates(self.y, self.predictions[(point, scorer)], idx)
        ref = metrics.bootstrap_replicates(self.y, self.predictions[(0, scorer)], idx)
        return float(np.mean(ours > ref))


def _best_point(grid: pd.DataFrame, key: str) -> pd.Series:
    """The grid point with the largest ``key`` (ties: the smaller ratio, then the higher threshold)."""
    ok = grid[~grid["reference"] & grid["validation_auprc"].notna()]
    return ok.sort_values([key, "ratio", "threshold"], ascending=[False, True, False]).iloc[0]


def _unsure(sure: float, min_confidence: float) -> str:
    return (f"the best grid point beat it in {sure:.0%} of {CONFIDENCE_RESAMPLES} bootstrap resamples of validation, "
            f"below tuning.min_confidence {min_confidence:.0%}")


def _no_synthetic_rows(ref: float, best_auprc: float, beaten: str, *, better: bool = True, **info) -> dict:
    """The choice *no synthetic rows* (:func:`is_none`), ``beaten`` saying why; ``better``: no oversampling scored
    at least the best point on validation (False: the point scored higher, not surely: ``min_confidence``)."""
    return {
        "threshold": None, "ratio": None, "oversample": False,
        "validation_auprc": float(ref), "validation_auprc_no_oversampling": float(ref),
        "validation_auprc_best_grid_point": float(best_auprc), **info,
        "no_oversampling_better_on_validation": better,
        "reason": f"no (threshold, ratio) beat the unresampled training set on validation ({beaten}): "
                  "no synthetic rows",
        "chosen_on": "validation", "tuned": True,
    }


def tune(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    oracle,
    *,
    thresholds,
    ratios,
    learner: learners.LearnerConfig,
    random_state: int = 0,
    backend="numpy",
    allow_none: bool = False,
    more_learners: dict[str, learners.LearnerConfig] | None = None,
    combine: str = "mean",
    class_prior: str = "shift",
    min_confidence: float | None = None,
    **sampler_kwargs,
) -> tuple[pd.DataFrame, dict]:
    """Score every (threshold, ratio) by the validation AUPRC of a cheap learner.

    The grid also carries a ``no oversampling`` row for reference; the choice is
    the best grid point that generated its full target (ties: the smaller ratio,
    then the higher threshold). With ``allow_none`` the choice is *no synthetic rows*
    (:func:`is_none`) when no grid point beats that reference (a tie chooses none).

    With ``more_learners`` every grid point is also scored by each of them: a point's
    ``validation_gain`` is ``combine`` (``mean`` or ``min``) over ``learner`` and these of
    (its validation AUPRC - that learner's AUPRC without synthetic rows); the best point is
    the one with the largest gain, and ``allow_none`` chooses none when that gain is not
    positive. ``validation_auprc`` stays ``learner``'s; ``validation_auprc_<name>`` is each one's.
    """
    if combine not in ("mean", "min"):
        raise ValueError(f"combine must be 'mean' or 'min', got {combine!r}")
    scorers = {"learner": learner, **(more_learners or {})}
    several = len(scorers) > 1

    def gain_of(values: dict[str, float], refs: dict[str, float]) -> float:
        gains = [values[k] - refs[k] for k in scorers]
        return float(np.mean(gains) if combine == "mean" else min(gains))

    if several and min_confidence is not None:
        raise ValueError("min_confidence compares one learner's AUPRC; it does not combine with more_learners")
    grid, refs, scored = _score_grid(train, validation, oracle, thresholds=thresholds, ratios=ratios, scorers=scorers,
                                     random_state=random_state, backend=backend, combine=combine,
                                     class_prior=class_prior, gain=gain_of if several else None,
                                     sampler_kwargs=sampler_kwargs)
    ref = refs["learner"]
    best = _best_point(grid, "validation_gain" if several else "validation_auprc")  # one learner: AUPRC orders as gain
    several_info = {"validation_gain": float(best["validation_gain"]), "combine": combine,
                    "tuning_learners": list(scorers)} if several else {}
    none = (float(best["validation_gain"]) <= 0.0) if several else ref >= float(best["validation_auprc"])
    if allow_none and not none and min_confidence is not None:
        sure = scored.confidence(int(best.name), "learner", random_state)
        several_info["validation_confidence"] = sure
        if sure < min_confidence:
            return grid, _no_synthetic_rows(ref, float(best["validation_auprc"]), _unsure(sure, min_confidence),
                                            better=False, **several_info)
    if allow_none and none:
        beaten = (f"the {combine} gain over the learners ({', '.join(scorers)}) of the best grid point is "
                  f"{float(best['validation_gain']):+.4f}" if several else
                  f"AUPRC {ref:.4f} >= best grid point {float(best['validation_auprc']):.4f}")
        return grid, _no_synthetic_rows(ref, float(best["validation_auprc"]), beaten, **several_info)
    choice = {
        "threshold": float(best["threshold"]),
        "ratio": float(best["ratio"]),
        "validation_auprc": float(best["validation_auprc"]),
        "validation_auprc_no_oversampling": float(ref),
        **several_info,
        # without allow_none the lane still oversamples with the best grid point; this says when validation
        # preferred none
        "no_oversampling_better_on_validation": bool(float(best["validation_gain"]) < 0.0 if several
                                                     else ref > float(best["validation_auprc"])),
        "chosen_on": "validation",
        "tuned": True,
    }
    return grid, choice


def tune_each(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    oracle,
    *,
    thresholds,
    ratios,
    served: dict[str, learners.LearnerConfig],
    random_state: int = 0,
    backend="numpy",
    allow_none: bool = False,
    class_prior: str = "shift",
    min_confidence: float | None = None,
    **sampler_kwargs,
) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The grid of :func:`tune` scored once by every learner of ``served``, and each learner's own choice.

    Every (threshold, ratio) is generated once (the same rows whichever learner reads them); learner ``name``'s
    choice is the point of its largest validation AUPRC (``validation_auprc_<name>``; ties as :func:`tune`), or,
    with ``allow_none``, no synthetic rows when no point beats its AUPRC on the unresampled train. Each choice
    is the one :func:`tune` gives with that learner alone.
    """
    if not served:
        raise ValueError("tune_each needs at least one learner to serve")
    names = list(served)
    grid, refs, scored = _score_grid(train, validation, oracle, thresholds=thresholds, ratios=ratios, scorers=served,
                                     random_state=random_state, backend=backend, class_prior=class_prior,
                                     sampler_kwargs=sampler_kwargs)
    if len(names) > 1:  # every learner's column under its name; validation_auprc stays the first one's
        grid.insert(grid.columns.get_loc("validation_auprc") + 1, f"validation_auprc_{names[0]}",
                    grid["validation_auprc"])
    choices = {}
    for name in names:
        key = f"validation_auprc_{name}" if len(names) > 1 else "validation_auprc"
        best, ref = _best_point(grid, key), refs[name]
        info = {"tuning_learner": name}
        if allow_none and ref < float(best[key]) and min_confidence is not None:
            info["validation_confidence"] = sure = scored.confidence(int(best.name), name, random_state)
            if sure < min_confidence:
                choices[name] = _no_synthetic_rows(ref, float(best[key]), f"{name}: " + _unsure(sure, min_confidence),
                                                   better=False, **info)
                continue
        if allow_none and ref >= float(best[key]):
            choices[name] = _no_synthetic_rows(ref, float(best[key]), f"{name}: AUPRC {ref:.4f} >= best grid point "
                                               f"{float(best[key]):.4f}", **info)
            continue
        choices[name] = {"threshold": float(best["threshold"]), "ratio": float(best["ratio"]),
                         "validation_auprc": float(best[key]), "validation_auprc_no_oversampling": float(ref), **info,
                         "no_oversampling_better_on_validation": bool(ref > float(best[key])),
                         "chosen_on": "validation", "tuned": True}
    return grid, choices


def is_none(choice: dict) -> bool:
    """True when the choice is *no synthetic rows* (``tuning.allow_none`` and nothing beat the raw train)."""
    return choice.get("oversample") is False


def choose_each(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: GenerationParams,
                served: dict[str, learners.LearnerConfig]) -> tuple[pd.DataFrame, dict[str, dict]]:
    """Each learner's choice: the grid scored by ``served`` (:func:`tune_each`) with ``tuning.per_learner``,
    else :func:`choose`'s one choice for every learner. ``served``: the learners the lane trains (name ->
    config); those of another engine than scikit-learn, and ``served`` empty, take ``tuning.learner``'s choice."""
    tunable = {k: v for k, v in served.items() if v.engine == "sklearn"}
    if not (params.tuning.enabled and params.tuning.per_learner and tunable):
        grid, choice = choose(train, validation, oracle, params)
        choices = {name: choice for name in served}
        if params.tuning.confirm is not None and not is_none(choice) and not choice.get("failed"):
            choices.update(confirm(train, validation, oracle, params, choice, confirmers(params, served)))
        return grid, choices
    others = [name for name in served if name not in tunable]
    scorers = {**tunable, **({"learner": params.tuning.learner} if others else {})}
    grid, choices = tune_each(train, validation, oracle, thresholds=params.tuning.thresholds,
                              ratios=params.tuning.ratios, served=scorers, random_state=params.seed,
                              allow_none=params.tuning.allow_none, class_prior=params.class_prior,
                              min_confidence=params.tuning.min_confidence,
                              backend=make_backend(params.backend, spark_partitions=params.spark_partitions),
                              **params.sampler)
    return grid, {name: choices[name if name in tunable else "learner"] for name in served}


def confirmers(params: GenerationParams, served: dict[str, learners.LearnerConfig]) -> dict[str, learners.LearnerConfig]:
    """The learners of ``served`` that confirm ``tuning.learner``'s choice (``tuning.confirm``): the scikit-learn
    ones whose estimator is not ``tuning.learner``'s (none when ``tuning.confirm`` is not set)."""
    if params.tuning.confirm is None:
        return {}
    return {k: v for k, v in served.items() if v.engine == "sklearn" and v.estimator != params.tuning.learner.estimator}


def confirm(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: GenerationParams, choice: dict,
            checked: dict[str, learners.LearnerConfig]) -> dict[str, dict]:
    """``tuning.confirm``: each learner of ``checked`` keeps ``choice`` (the same object) only when, fitted on the
    chosen set, it beats itself fitted on the unresampled train in at least ``tuning.confirm`` of the paired
    bootstrap resamples of validation (:data:`CONFIDENCE_RESAMPLES`); else its choice is no synthetic rows."""
    if not checked:
        return {}
    chosen, _ = oversample(train, oracle, threshold=choice["threshold"], ratio=choice["ratio"],
                           random_state=params.seed, backend=make_backend(params.backend,
                                                                          spark_partitions=params.spark_partitions),
                           class_prior=params.class_prior, **params.sampler)
    Xv, yv = learners.split_xy(validation)
    out = {}
    for name, config in checked.items():
        predictions = {}
        for row, train_set in ((0, train), (1, chosen)):
            model, _ = learners.fit_learner(train_set, validation, config)
            predictions[(row, name)] = learners.predict_minority(model, Xv)
        sure = _Scored(np.asarray(yv), predictions).confidence(1, name, params.seed)
        if sure >= params.tuning.confirm:
            out[name] = choice
            continue
        out[name] = _no_synthetic_rows(
            metrics.auprc(yv, predictions[(0, name)]), metrics.auprc(yv, predictions[(1, name)]),
            f"{name} did not confirm the chosen point: it beat {name} on the unresampled train in {sure:.0%} of "
            f"{CONFIDENCE_RESAMPLES} bootstrap resamples of validation, below tuning.confirm "
            f"{params.tuning.confirm:.0%}", better=False, tuning_learner=name, validation_confidence=sure)
    return out


def choose(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: GenerationParams) -> tuple[pd.DataFrame, dict]:
    """The grid on validation when tuning is on, else the fixed setting as a one-row grid."""
    if not params.tuning.enabled:
        choice = {"threshold": float(params.threshold), "ratio": float(params.ratio), "chosen_on": "fixed",
                  "tuned": False}
        return pd.DataFrame([choice]), choice
    return tune(train, validation, oracle, thresholds=params.tuning.thresholds, ratios=params.tuning.ratios,
                learner=params.tuning.learner, random_state=params.seed, allow_none=params.tuning.allow_none,
                more_learners=params.tuning.more_learners, combine=params.tuning.combine, class_prior=params.class_prior,
                min_confidence=params.tuning.min_confidence,
                backend=make_backend(params.backend, spark_partitions=params.spark_partitions), **params.sampler)
