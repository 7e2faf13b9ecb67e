"""Every lane's training-set step as one plain function: the lane nodes and the repeated splits call these.

- :func:`raw` (``baseline``): ``train`` unchanged;
- :func:`class_weighted`: ``train`` plus balanced class weights;
- :func:`imblearn` (the SMOTE-family lanes): ``train`` resampled by one imbalanced-learn sampler;
- :func:`imblearn_tuned`: the same with some of the sampler's keywords chosen on validation
  (:class:`TunedSamplerParams`: a grid and a cheap learner, as the model_driven lane chooses its setting);
- :func:`choose_generation` then :func:`generate` (``model_driven``): the gate setting chosen on
  validation (never a holdout) with an already trained oracle, then train plus accepted candidates.

Each returns ``(train_set, report)`` through :func:`~synthetic_intelligence.core.experiment.resample.resample` (one
provenance rule); a step that cannot build its set from this data returns the failed-lane sentinel
(:func:`~synthetic_intelligence.core.experiment.resample.build_or_fail`), so a lane fails alone.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from synthetic_intelligence.core.experiment import generation, learners, metrics
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.resample import (
    TRAINING_SET_ERRORS,
    build_or_fail,
    failed_training_set,
    is_failed,
    resample,
)
from synthetic_intelligence.core.schema import PROVENANCE, TARGET, WEIGHT

__all__ = ["raw", "class_weighted", "imblearn", "TunedSamplerParams", "imblearn_tuned", "imblearn_tuned_each",
           "choose_generation", "choose_generation_confirmed", "choose_generation_each", "learner_train_set",
           "generate", "generate_each"]

logger = logging.getLogger(__name__)


def raw(train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged (every row real) and its report."""
    return resample(train)


def no_synthetic_rows(train: pd.DataFrame, reason: str, **context) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged, reported as the model-driven lane's choice of no synthetic rows (``reason``)."""
    train_set, report = resample(train)
    return train_set, {**report, **context, "n_synthetic": 0, "no_synthetic_rows": True, "reason": reason}


def class_weighted(train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``train`` unchanged plus balanced class weights (``sample_weight``) that the learner uses."""
    return resample(train, weights=True)


def _jsonable(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def imblearn(train: pd.DataFrame, sampler: ImblearnSamplerParams | dict) -> tuple[pd.DataFrame, dict]:
    """``train`` resampled by ``sampler`` (``<lane>.sampler``), with ``is_synthetic`` provenance, and its report.

    When the sampler cannot resample this data (too few minority rows for ``k_neighbors``,
    an imbalanced-learn complaint about the rows) the lane fails alone: an empty training
    set and a report ``{"failed": True, "reason": ...}``.
    """
    if not isinstance(sampler, ImblearnSamplerParams):
        sampler = ImblearnSamplerParams.model_validate(sampler)
    context = {"sampler": sampler.name, "kwargs": sampler.kwargs, "seed": sampler.seed}

    def build() -> tuple[pd.DataFrame, dict]:
        sampler.check_fits(int((train[TARGET] == 1).sum()), "<lane>.sampler")
        estimator = sampler.build()
        out, report = resample(train, estimator)
        report.update(context, params={k: v for k, v in estimator.get_params(deep=False).items() if _jsonable(v)})
        logger.info("%s: %d -> %d rows (%d synthetic, %d removed) in %.2f s; minority share %.3f -> %.3f",
                    sampler.name, report["rows_in"], report["rows_out"], report["n_synthetic"], report["n_removed"],
                    report["seconds"], report["minority_share_in"], report["minority_share_out"])
        return out, report

    return build_or_fail(build, train, what=sampler.name, **context)


class TunedSamplerParams(BaseModel):
    """An imbalanced-learn lane whose sampler keywords are chosen on validation: ``sampler`` (as
    ``<lane>.sampler``), ``grid`` (keyword -> values; every combination is tried, each overriding
    ``sampler.kwargs``) and ``learner``, the cheap learner whose validation AUPRC picks the point
    (as ``generation.tuning.learner``)."""

    model_config = ConfigDict(extra="forbid")

    sampler: ImblearnSamplerParams
    grid: dict[str, list] = Field(min_length=1)
    learner: LearnerConfig
    #: each scikit-learn learner the lane serves takes the grid point best for it on validation
    #: (as ``generation.tuning.per_learner``); false: ``learner``'s point for every learner
    per_learner: bool = False

    @model_validator(mode="after")
    def _points_are_samplers(self):
        empty = [k for k, values in self.grid.items() if not values]
        if empty:
            raise ValueError(f"grid.{empty[0]} is empty")
        for point in self.points():  # names the bad keyword or value
            ImblearnSamplerParams(name=self.sampler.name, kwargs={**self.sampler.kwargs, **point},
                                  seed=self.sampler.seed)
        return self

    def points(self) -> list[dict]:
        """Every combination of the grid's values, in order."""
        return [dict(zip(self.grid, values, strict=True)) for values in itertools.product(*self.grid.values())]

    def at(self, point: dict) -> ImblearnSamplerParams:
        """The sampler of one grid point."""
        return self.sampler.model_copy(update={"kwargs": {**self.sampler.kwargs, **point}})


def imblearn_tuned(train: pd.DataFrame, validation: pd.DataFrame,
                   params: TunedSamplerParams | dict) -> tuple[pd.DataFrame, dict]:
    """``train`` resampled (:func:`imblearn`) at every grid point, each scored by ``params.learner``'s AUPRC
    on ``validation`` (never a holdout); the best point's training set and report, with ``choice`` and
    ``validation_grid``. When no point can build its set the lane fails alone (the failed-lane sentinel)."""
    params = TunedSamplerParams.model_validate(params)
    return _tuned_sets(train, validation, params, {"": params.learner})[""]


def imblearn_tuned_each(train: pd.DataFrame, validation: pd.DataFrame, params: TunedSamplerParams | dict,
                        served: dict[str, LearnerConfig]) -> dict[str, tuple[pd.DataFrame, dict]]:
    """:func:`imblearn_tuned` for each learner of ``served`` (``per_learner``): every grid point resampled once
    and scored by each scikit-learn learner; each takes the point best for it (``validation_auprc_<name>`` in
    the grid); a learner of another engine takes ``params.learner``'s point. Without ``per_learner``: one
    training set, ``params.learner``'s, for every learner."""
    params = TunedSamplerParams.model_validate(params)
    tunable = {k: v for k, v in served.items() if v.engine == "sklearn"} if params.per_learner else {}
    scorers = {**tunable, **({"": params.learner} if len(tunable) < len(served) else {})}
    sets = _tuned_sets(train, validation, params, scorers)
    return {name: sets[name if name in tunable else ""] for name in served}


def _tuned_sets(train: pd.DataFrame, validation: pd.DataFrame, params: TunedSamplerParams,
                scorers: dict[str, LearnerConfig]) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Each scorer's best grid point's training set and report (scorer ``""``: the grid's ``validation_auprc``
    column; any other: ``validation_auprc_<name>``)."""
    grid, built = [], []
    yv = validation[TARGET].to_numpy()
    columns = {name: f"validation_auprc_{name}" if name else "validation_auprc" for name in scorers}
    for point in params.points():
        train_set, report = imblearn(train, params.at(point))
        row = {**point, **{c: np.nan for c in columns.values()}, "n_synthetic": report.get("n_synthetic", 0),
               "error": ""}
        if is_failed(report):
            row["error"] = str(report.get("reason"))[:300]
        else:
            for name, config in scorers.items():
                model, _ = learners.fit_learner(train_set, validation, config)
                row[columns[name]] = metrics.auprc(yv, learners.predict_minority(model, validation))
            built.append((train_set, report, row))
        grid.append(row)
    if not built:
        reasons = "; ".join(sorted({r["error"] for r in grid}))[:400]
        failed = failed_training_set(train, f"no grid point of {params.sampler.name} could resample train: "
                                     f"{reasons}", sampler=params.sampler.name, seed=params.sampler.seed)
        return dict.fromkeys(scorers, failed)
    out = {}
    for name, column in columns.items():
        train_set, report, row = max(built, key=lambda b: b[2][column])  # ties: the earlier point
        choice = {k: row[k] for k in params.grid} | {"validation_auprc": row[column]}
        out[name] = train_set, {**report, "choice": choice | ({"tuning_learner": name} if name else {}),
                                "validation_grid": grid}
    return out


def choose_generation(train: pd.DataFrame, validation: pd.DataFrame, oracle,
                      params: GenerationParams | dict) -> tuple[pd.DataFrame, dict]:
    """The (threshold, ratio) grid scored on validation (never a holdout), or the fixed setting.

    When no grid point reaches its target on this data the choice is the failed-lane
    sentinel ``{"failed": True, "reason": ...}`` and :func:`generate` passes it on.
    """
    params = GenerationParams.model_validate(params)
    grid, choices = _chosen(lambda: {"": generation.choose(train, validation, oracle, params)})
    return grid, choices[""]


def choose_generation_confirmed(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: GenerationParams | dict,
                                served: dict[str, LearnerConfig]) -> tuple[pd.DataFrame, dict]:
    """:func:`choose_generation` for a lane that builds one training set for all its learners (the lane
    pipeline): with ``generation.tuning.confirm`` each learner of ``served`` that confirms
    (:func:`~synthetic_intelligence.core.experiment.generation.confirmers`) checks the chosen point on validation,
    and the choice's ``declined`` (learner -> reason) names those that train on the real rows
    (:func:`learner_train_set`). ``tuning.per_learner`` (several amounts) is not built here: it says so."""
    params = GenerationParams.model_validate(params)
    if params.tuning.per_learner:
        logger.warning("generation.tuning.per_learner: the lane builds one training set, chosen with "
                       "generation.tuning.learner, for every learner; one set per learner is built by the repeated "
                       "splits (kedro run --pipeline repeats) and the benchmark")
    grid, choice = choose_generation(train, validation, oracle, params)
    checked = generation.confirmers(params, served)
    if checked and not is_failed(choice) and not generation.is_none(choice):
        confirmed = generation.confirm(train, validation, oracle, params, choice, checked)
        declined = {name: c["reason"] for name, c in confirmed.items() if generation.is_none(c)}
        for name, reason in declined.items():
            logger.info("%s trains on the real rows: %s", name, reason)
        choice = {**choice, "declined": declined}
    return grid, choice


def learner_train_set(train_set: pd.DataFrame, report: dict | None, learner: str | None) -> tuple[pd.DataFrame, str | None]:
    """The rows ``learner`` is fitted on: ``train_set``, or its real rows (which are the lane's ``train``, without
    weights) when the lane's report lists the learner as ``declined`` (:func:`choose_generation_confirmed`);
    and the reason it declined (``None``: it did not)."""
    declined = ((report or {}).get("declined") or {}).get(learner) if learner else None
    if not declined or train_set.empty:
        return train_set, None
    real = ~train_set[PROVENANCE].to_numpy(dtype=bool)
    return train_set.loc[real].drop(columns=[WEIGHT], errors="ignore").reset_index(drop=True), declined


def choose_generation_each(train: pd.DataFrame, validation: pd.DataFrame, oracle, params: GenerationParams | dict,
                           served: dict[str, LearnerConfig]) -> tuple[pd.DataFrame, dict[str, dict]]:
    """:func:`choose_generation` for each learner of ``served`` (``generation.tuning.per_learner``:
    :func:`~synthetic_intelligence.core.experiment.generation.choose_each`): ``(grid, {learner: choice})``."""
    params = GenerationParams.model_validate(params)
    grid, choices = _chosen(lambda: _by_learner(*generation.choose_each(train, validation, oracle, params, served)),
                            served)
    return grid, choices


def _by_learner(grid: pd.DataFrame, choices: dict[str, dict]) -> dict[str, tuple[pd.DataFrame, dict]]:
    return {name: (grid, choice) for name, choice in choices.items()}


def _chosen(choose, names=("",)) -> tuple[pd.DataFrame, dict[str, dict]]:
    """``choose()`` (``{name: (grid, choice)}``) with the failed-lane sentinel for every name when no setting
    works on this data; each choice logged once."""
    try:
        found = choose()
    except TRAINING_SET_ERRORS as exc:
        logger.warning("No generation setting works on this data (%s: %s); the lane is reported as failed and "
                       "the other lanes go on", type(exc).__name__, exc)
        failed = {"failed": True, "reason": str(exc), "error": type(exc).__name__}
        return pd.DataFrame({"error": [str(exc)]}), {name: dict(failed) for name in names}
    for name, (_, choice) in found.items():
        who = f"{name}: " if name else ""
        if generation.is_none(choice):
            logger.info("%sChose no synthetic rows on validation: %s", who, choice["reason"])
        elif choice.get("no_oversampling_better_on_validation"):
            logger.warning("%sOn validation no oversampling (AUPRC %.4f) beat every grid point (best %.4f): the "
                           "model_driven lane uses the best grid point; expect it to tie or lose to baseline", who,
                           choice["validation_auprc_no_oversampling"], choice["validation_auprc"])
        if choice["tuned"] and not generation.is_none(choice):
            logger.info("%sChose threshold %.2f and ratio %s on validation (AUPRC %.4f; no oversampling %.4f)", who,
                        choice["threshold"], choice["ratio"], choice["validation_auprc"],
                        choice["validation_auprc_no_oversampling"])
    grid = next(iter(found.values()))[0] if found else pd.DataFrame()
    return grid, {name: choice for name, (_, choice) in found.items()}


def generate(train: pd.DataFrame, oracle, choice: dict, params: GenerationParams | dict,
             backend="numpy") -> tuple[pd.DataFrame, dict]:
    """Train plus accepted candidates (``is_synthetic``) and the generation report; a failed choice, or a
    generation that cannot reach its target, gives the failed-lane sentinel (empty set, ``failed`` report).

    ``backend``: ``"numpy"`` or an executor (:func:`~synthetic_intelligence.core.experiment.generation.make_backend`).
    """
    params = GenerationParams.model_validate(params)
    context = {"sampler": "OracleRejectionSampler", "seed": params.seed}
    if is_failed(choice):
        return failed_training_set(train, choice.get("reason") or "no generation setting was chosen",
                                   **context, error=choice.get("error", "failed"))
    if generation.is_none(choice):
        return no_synthetic_rows(train, choice["reason"], **context)

    def build() -> tuple[pd.DataFrame, dict]:
        train_set, report = generation.oversample(train, oracle, threshold=choice["threshold"], ratio=choice["ratio"],
                                                  random_state=params.seed, backend=backend,
                                                  class_prior=params.class_prior, **params.sampler)
        logger.info("Generated %d synthetic rows from %d candidates (acceptance %.3f) in %.1f s (backend %s)",
                    report["n_synthetic"], report["n_candidates"], report["acceptance_rate"], report["seconds"],
                    params.backend)
        return train_set, {**report, "seed": params.seed}

    return build_or_fail(build, train, what="the oracle rejection sampler", **context)


def generate_each(train: pd.DataFrame, oracle, choices: dict[str, dict], params: GenerationParams | dict,
                  backend="numpy") -> dict[str, tuple[pd.DataFrame, dict]]:
    """:func:`generate` for each learner's choice (:func:`choose_generation_each`); learners with the same
    choice share one training set (generated once: the same seed gives the same rows)."""
    built: dict[tuple, tuple[pd.DataFrame, dict]] = {}
    out = {}
    for name, choice in choices.items():
        key = (is_failed(choice), generation.is_none(choice), choice.get("threshold"), choice.get("ratio"))
        if key not in built:
            built[key] = generate(train, oracle, choice, params, backend=backend)
        out[name] = built[key]
    return out
