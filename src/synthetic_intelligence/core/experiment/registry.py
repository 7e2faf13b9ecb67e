"""The lane registry and one split of the experiment: every lane is declared once and built one way.

A *lane* is a name and a *kind* (:class:`Lane`). A kind (:data:`KINDS`) says, once, how a lane of
that kind builds its training set from ``train`` / ``validation`` / its parameters (and an oracle),
with which functions of :mod:`~synthetic_intelligence.core.experiment.training_sets`, and what its report holds:

- ``raw``: no parameters; ``train`` unchanged;
- ``class_weighted``: no parameters; ``train`` plus balanced class weights;
- ``imblearn``: ``<lane>.sampler`` (:class:`ImblearnSamplerParams`); ``train`` resampled by one
  imbalanced-learn sampler;
- ``imblearn_tuned``: :class:`TunedSamplerParams` (a sampler, a grid of its keywords, a tuning
  learner); the same with its grid point chosen on validation (the benchmark's ``tuned_samplers``);
- ``model_driven``: ``generation`` (:class:`GenerationParams`) and a fitted oracle; the gate setting
  chosen on validation, then ``train`` plus the accepted candidates.

Three users share it, so a lane is built the same way everywhere:

- the lane pipelines (``pipelines/<kind's pipeline>``; which lanes exist is ``synthetic_intelligence.lanes``)
  call the same training-set functions in their nodes (the model_driven lane splits its step into
  three nodes so that Spark writes the accepted rows);
- the repeated splits (:mod:`~synthetic_intelligence.core.experiment.repeats`) run :func:`run_split` on each re-split;
- the benchmark (:mod:`~synthetic_intelligence.core.benchmark.run`) runs :func:`run_split` on each split of
  each table.

:func:`run_split` is the experiment on one split: every lane builds its training set
(:func:`build_training_set`, through :func:`~synthetic_intelligence.core.experiment.resample.resample`: one provenance
rule; a data failure fails the lane alone, :func:`~synthetic_intelligence.core.experiment.resample.build_or_fail`),
every learner (:class:`~synthetic_intelligence.core.experiment.learners.LearnerConfig`) is fitted on it and scored on
each holdout with :func:`~synthetic_intelligence.core.experiment.metrics.auprc`. Holdouts only grade.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ValidationError

from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment import learners as learners_mod
from synthetic_intelligence.core.experiment import metrics, training_sets
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.resample import is_failed, lane_provenance
from synthetic_intelligence.core.experiment.training_sets import TunedSamplerParams
from synthetic_intelligence.core.schema import FAILED, OK, TARGET

__all__ = ["RAW", "CLASS_WEIGHTED", "IMBLEARN", "IMBLEARN_TUNED", "MODEL_DRIVEN", "KINDS", "LaneKind", "Lane", "OK", "FAILED",
           "NOT_APPLICABLE", "lane_params", "reseed", "reseed_learner", "build_training_set", "build_training_sets",
           "lane_report", "learner_report", "run_split"]

logger = logging.getLogger(__name__)

RAW, CLASS_WEIGHTED, IMBLEARN, MODEL_DRIVEN = "raw", "class_weighted", "imblearn", "model_driven"
IMBLEARN_TUNED = "imblearn_tuned"
#: A row's status: scored (``OK``), its lane could not build a training set (``FAILED``), or the holdout has no rows.
NOT_APPLICABLE = "n/a"


def _plus(value, offset: int):
    return value + offset if isinstance(value, int) and not isinstance(value, bool) else value


def reseed_learner(config: LearnerConfig, offset: int) -> LearnerConfig:
    """``config`` with its seed moved by ``offset`` (sklearn: ``random_state`` when set; H2O: ``seed``)."""
    if offset == 0:
        return config
    if config.engine == "sklearn":
        kwargs = dict(config.estimator_kwargs)
        if "random_state" in kwargs:
            kwargs["random_state"] = _plus(kwargs["random_state"], offset)
        return config.model_copy(update={"estimator_kwargs": kwargs})
    if config.engine == "h2o":
        return config.model_copy(update={"params": {**config.params, "seed": _plus(config.params.get("seed", 0),
                                                                                    offset)}})
    return config.model_copy(update={"seed": config.seed + offset})


def _reseed_sampler(params: ImblearnSamplerParams, offset: int) -> ImblearnSamplerParams:
    return params if offset == 0 else params.model_copy(update={"seed": params.seed + offset})


def _reseed_tuned(params: TunedSamplerParams, offset: int) -> TunedSamplerParams:
    if offset == 0:
        return params
    return params.model_copy(update={"sampler": _reseed_sampler(params.sampler, offset),
                                     "learner": reseed_learner(params.learner, offset)})


def _reseed_generation(params: GenerationParams, offset: int) -> GenerationParams:
    if offset == 0:
        return params
    tuning = params.tuning.model_copy(update={
        "learner": reseed_learner(params.tuning.learner, offset),
        "more_learners": {k: reseed_learner(v, offset) for k, v in params.tuning.more_learners.items()}})
    return params.model_copy(update={"seed": params.seed + offset, "tuning": tuning})


def _raw(train, validation, params, oracle, backend):
    return training_sets.raw(train)


def _class_weighted(train, validation, params, oracle, backend):
    return training_sets.class_weighted(train)


def _imblearn(train, validation, params, oracle, backend):
    return training_sets.imblearn(train, params)


def _imblearn_tuned(train, validation, params, oracle, backend):
    return training_sets.imblearn_tuned(train, validation, params)


def _imblearn_tuned_each(train, validation, params, oracle, backend, served):
    return training_sets.imblearn_tuned_each(train, validation, params, served)


def _model_driven(train, validation, params, oracle, backend):
    return _model_driven_each(train, validation, params, oracle, backend, {"": params.tuning.learner})[""]


def _model_driven_each(train, validation, params, oracle, backend, served):
    grid, choices = training_sets.choose_generation_each(train, validation, oracle, params, served)
    records = grid.to_dict("records") if "validation_auprc" in grid.columns else []
    sets, out = training_sets.generate_each(train, oracle, choices, params, backend=backend), {}
    for name, (train_set, report) in sets.items():  # one choice for all (not per learner): one shared set
        key = (id(sets[name]), id(choices[name]))
        if key not in out:
            choice = {k: v for k, v in choices[name].items() if k not in ("failed", "reason", "error")}
            out[key] = train_set, {**report, "validation_grid": records, "choice": choice}
    return {name: out[(id(sets[name]), id(choices[name]))] for name in served}


@dataclass(frozen=True)
class LaneKind:
    """How every lane of one kind builds its training set.

    ``params``: the model of its parameters (``None``: it takes none), found at ``where`` (``{lane}`` is the
    lane's name); ``oracle``: whether it needs a fitted oracle; ``synthetic``: whether its training set
    may hold synthetic rows; ``report``: what its report (``<lane>.resample_report``) describes;
    ``build(train, validation, params, oracle, backend) -> (train_set, report)``;
    ``reseed(params, offset)``: its parameters with every seed moved by ``offset`` (repeat ``r``: ``+ r``).
    """

    name: str
    params: type[BaseModel] | None
    where: str | None
    oracle: bool
    synthetic: bool
    report: str
    build: Callable[..., tuple[pd.DataFrame, dict]]
    reseed: Callable[[object, int], object] | None = None
    #: ``build_each(train, validation, params, oracle, backend, served) -> {learner: (train_set, report)}``: the
    #: training set of each learner the lane serves (``served``: name -> config), for kinds whose parameters may
    #: choose per learner (``per_learner``); ``None``: one set for every learner (``build``)
    build_each: Callable[..., dict[str, tuple[pd.DataFrame, dict]]] | None = None


#: Every kind of lane, by name. A new kind: a training-set function in core/experiment/training_sets.py and one entry here.
KINDS: dict[str, LaneKind] = {
    kind.name: kind for kind in (
        LaneKind(RAW, None, None, oracle=False, synthetic=False, build=_raw,
                 report="rows in and out; no sampler"),
        LaneKind(CLASS_WEIGHTED, None, None, oracle=False, synthetic=False, build=_class_weighted,
                 report="rows in and out and the balanced class weights"),
        LaneKind(IMBLEARN, ImblearnSamplerParams, "{lane}.sampler", oracle=False, synthetic=True, build=_imblearn,
                 reseed=_reseed_sampler,
                 report="the sampler, its parameters and seed; rows in and out, synthetic and removed rows"),
        LaneKind(IMBLEARN_TUNED, TunedSamplerParams, "{lane}", oracle=False, synthetic=True, build=_imblearn_tuned,
                 reseed=_reseed_tuned, build_each=_imblearn_tuned_each,
                 report="as imblearn, plus the grid point chosen on validation and the validation grid"),
        LaneKind(MODEL_DRIVEN, GenerationParams, "generation", oracle=True, synthetic=True, build=_model_driven,
                 reseed=_reseed_generation, build_each=_model_driven_each,
                 report="the chosen gate setting (threshold, ratio), candidates, acceptance, synthetic rows"),
    )
}


@dataclass(frozen=True)
class Lane:
    """One lane: its name (a Kedro namespace, a scorecard row) and its kind (:data:`KINDS`)."""

    name: str
    kind: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"lane {self.name!r}: unknown kind {self.kind!r}; the kinds are {', '.join(KINDS)}")
        if not self.name.replace("_", "").isalnum():
            raise ValueError(f"invalid lane name {self.name!r}: use letters, digits and '_'")

    @property
    def spec(self) -> LaneKind:
        return KINDS[self.kind]

    @property
    def synthetic(self) -> bool:
        return self.spec.synthetic

    @property
    def parameters(self) -> str | None:
        """Where the lane's parameters live (``smote.sampler``, ``generation``); ``None`` when it takes none."""
        return None if self.spec.where is None else self.spec.where.format(lane=self.name)


def lane_params(lane: Lane, value):
    """``value`` validated as ``lane``'s parameters (a model of its kind), ``None`` for a kind that takes none;
    a missing or invalid value is a :class:`ConfigurationError` naming the parameter and each problem."""
    model = lane.spec.params
    if model is None:
        return None
    if value is None:
        raise ConfigurationError(f"lane {lane.name!r} ({lane.kind}) needs its parameters {lane.parameters}")
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, (lane.parameters, *e['loc'])))}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"parameters are invalid: {problems}") from exc


def reseed(lane: Lane, params, offset: int):
    """``lane``'s parameters with every seed moved by ``offset``."""
    return params if lane.spec.reseed is None or params is None else lane.spec.reseed(params, offset)


def build_training_set(lane: Lane, train: pd.DataFrame, validation: pd.DataFrame, params=None, *, oracle=None,
                       backend="numpy") -> tuple[pd.DataFrame, dict]:
    """``lane``'s training set and report, built as its kind says (the lane node's own functions)."""
    params = lane_params(lane, params)
    if lane.spec.oracle and oracle is None:
        raise ValueError(f"lane {lane.name!r} ({lane.kind}) needs a fitted oracle")
    return lane.spec.build(train, validation, params, oracle, backend)


def build_training_sets(lane: Lane, train: pd.DataFrame, validation: pd.DataFrame, params=None, *, oracle=None,
                        backend="numpy", served: Mapping[str, LearnerConfig]) -> dict[str, tuple[pd.DataFrame, dict]]:
    """The training set and report of each learner of ``served`` (name -> config): one set for all (the same
    objects) unless the lane's parameters choose per learner (``per_learner``; :attr:`LaneKind.build_each`)."""
    params = lane_params(lane, params)
    if lane.spec.oracle and oracle is None:
        raise ValueError(f"lane {lane.name!r} ({lane.kind}) needs a fitted oracle")
    if lane.spec.build_each is not None and served:
        return lane.spec.build_each(train, validation, params, oracle, backend, dict(served))
    built = lane.spec.build(train, validation, params, oracle, backend)
    return dict.fromkeys(served, built)


def lane_report(sets: Mapping[str, tuple[pd.DataFrame, dict]]) -> dict:
    """One lane's report from its learners' sets: the report when they share one training set, else the first
    learner's with ``per_learner`` (learner -> its own report; :func:`learner_report` reads it)."""
    reports = [report for _, report in sets.values()]
    if not reports:
        return {}
    if all(r is reports[0] for r in reports):
        return reports[0]
    return {**reports[0], "per_learner": {name: report for name, (_, report) in sets.items()}}


def learner_report(report: dict, learner: str) -> dict:
    """The report of the training set ``learner`` was fitted on (:func:`lane_report`)."""
    return (report.get("per_learner") or {}).get(learner, report)


def _distinct(sets: Mapping[str, tuple]) -> list[tuple[str, ...]]:
    """The learners of each distinct training set of ``sets`` (learners sharing one set share its objects)."""
    groups: dict[int, list[str]] = {}
    for name, built in sets.items():
        groups.setdefault(id(built), []).append(name)
    return [tuple(names) for names in groups.values()]


def _describe_set(sets: Mapping[str, tuple], names: tuple[str, ...]) -> str:
    train_set, report = sets[names[0]]
    who = f"{', '.join(names)}: " if len(names) < len(sets) else ""
    if is_failed(report):
        return f"{who}FAILED ({report.get('reason')})"
    return f"{who}{len(train_set):,} rows ({int(report.get('n_synthetic') or 0):,} synthetic)"


def _holdout_row(lane: Lane, learner: str, holdout: str, report: dict, train_set: pd.DataFrame) -> dict:
    failed = is_failed(report)
    provenance = lane_provenance(report)
    return {"lane": lane.name, "kind": lane.kind, "learner": learner, "holdout": holdout, "auprc": math.nan,
            "n_train": 0 if failed else len(train_set), "n_synthetic": 0 if failed else provenance["n_synthetic"],
            "synthetic_share": 0.0 if failed else provenance["synthetic_share"],
            "sampler": provenance["sampler"], "sampler_params": provenance["sampler_params"],
            "resample_seconds": float(report.get("seconds") or 0.0), "fit_seconds": math.nan,
            "status": FAILED if failed else OK, "reason": str(report.get("reason") or "failed") if failed else None}


def run_split(train: pd.DataFrame, validation: pd.DataFrame, holdouts: Mapping[str, pd.DataFrame], *,
              lanes: Sequence[Lane], params: Mapping[str, object], learners: Mapping[str, LearnerConfig],
              oracle: LearnerConfig | None = None, offset: int = 0, backend="numpy",
              log: Callable[[str], None] | None = None,
              on_lane: Callable[..., None] | None = None) -> tuple[list[dict], dict[str, dict]]:
    """Every lane x learner x holdout on one split: ``(rows, reports)``.

    ``params``: each lane's parameters by lane name (kinds that take none need no entry);
    ``oracle``: the learner fitted on ``train`` (``validation`` for early stopping) as the oracle of
    the model_driven lanes, once per split; ``offset``: moves every seed (samplers, generation,
    oracle, learners) by it. A row per lane x learner x holdout: ``auprc`` (NaN where the lane
    failed, ``n/a`` where a holdout has no rows), ``n_train`` and ``n_synthetic`` (the provenance
    rule), the sampler, fit and resample seconds, ``status`` and ``reason``. ``reports``: each
    lane's training-set report. A lane that cannot build its training set from this data is
    ``failed`` with its reason and the other lanes go on; nothing else is caught. ``on_lane(lane, train_set,
    report, oracle)``, when given, sees each lane's training set as it is built, with the fitted oracle of the
    split (``None`` until a lane needed one): the benchmark's diagnostics read the synthetic rows there.
    """
    rows: list[dict] = []
    reports: dict[str, dict] = {}
    fitted_oracle = None
    served = {name: reseed_learner(config, offset) for name, config in learners.items()}
    for lane in lanes:
        start = time.perf_counter()
        if lane.spec.oracle and fitted_oracle is None:
            if oracle is None:
                raise ValueError(f"lane {lane.name!r} ({lane.kind}) needs an oracle learner")
            fitted_oracle, _ = learners_mod.fit_learner(train, validation, reseed_learner(oracle, offset))
        sets = build_training_sets(lane, train, validation, reseed(lane, lane_params(lane, params.get(lane.name)),
                                   offset), oracle=fitted_oracle, backend=backend, served=served)
        reports[lane.name] = lane_report(sets)
        if on_lane is not None:  # each distinct training set once, with the learners fitted on it
            for names in _distinct(sets):
                train_set, report = sets[names[0]]
                on_lane(lane, train_set, report, fitted_oracle, names if len(names) < len(sets) else ())
        lane_rows = []
        for name, config in served.items():
            train_set, report = sets[name]
            failed = is_failed(report)
            scores, fit_seconds = {}, math.nan
            if not failed:
                model, info = learners_mod.fit_learner(train_set, validation, config)
                fit_seconds = float(info["fit_seconds"])
                scores = {h: learners_mod.predict_minority(model, df) for h, df in holdouts.items() if len(df)}
            for h, df in holdouts.items():
                row = _holdout_row(lane, name, h, report, train_set)
                row["fit_seconds"] = fit_seconds
                if not failed and not len(df):
                    row.update(status=NOT_APPLICABLE, reason=f"{h} has no rows")
                elif not failed:
                    row["auprc"] = metrics.auprc(df[TARGET].to_numpy(), scores[h])
                    row["roc_auc"] = metrics.roc_auc(df[TARGET].to_numpy(), scores[h])
                lane_rows.append(row)
        rows += lane_rows
        if log is not None:
            log(f"lane {lane.name}: " + "; ".join(_describe_set(sets, names) for names in _distinct(sets))
                + ("; AUPRC " + ", ".join(f"{r['learner']}/{r['holdout']}={r['auprc']:.4f}" for r in lane_rows
                                           if r["status"] == OK) if any(r["status"] == OK for r in lane_rows) else "")
                + f" in {time.perf_counter() - start:.1f} s")
    return rows, reports
