"""Repeated splits: every lane x fixed learner re-run on k re-splits of the training world.

The holdouts stay fixed (they were carved first and never feed a fit or a choice). Repeat
``r = 0 .. k-1`` re-splits the pool ``train ∪ validation`` into ``train_r`` / ``validation_r``
(stratified, the validation share of ``data_isolation.split``, seed ``repeats.seed + r``) and
re-seeds the samplers, the generation and the learners (their configured seeds ``+ r``). Each
repeat is one split of the experiment (:func:`~synthetic_intelligence.core.experiment.registry.run_split`):
every lane builds its training set as its kind in the lane registry says, with the same functions
as its lane node (:mod:`~synthetic_intelligence.core.experiment.training_sets`), fits each learner of
``repeats.learners`` and is scored (AUPRC) on both holdouts, which are the same rows in every repeat: differences between
lanes can be paired within a repeat and pooled over repeats (:func:`~.scorecard.repeats_summary`).

AutoML per repeat is too expensive, so the repeats use fixed components: scikit-learn learners
(``learners.<name>`` of the single split, sklearn engines only) and a fixed scikit-learn oracle
(``repeats.oracle``) for model_driven, fitted on each ``train_r``; its gate setting is chosen on
``validation_r`` exactly as the lane does (:func:`~.training_sets.choose_generation`). The
single split's model_driven lane uses the ``oracle`` pipeline's (AutoML) oracle instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sklearn.model_selection import train_test_split

from synthetic_intelligence.core.errors import ConfigurationError, DataValidationError
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.registry import FAILED, NOT_APPLICABLE, OK, Lane, reseed_learner
from synthetic_intelligence.core.progress import Progress
from synthetic_intelligence.core.schema import HOLDOUTS, TARGET

__all__ = ["RepeatsParams", "REPEATS_COLUMNS", "OK", "FAILED", "NOT_APPLICABLE", "resplit", "reseed_learner",
           "run_repeat", "run_repeats"]

logger = logging.getLogger(__name__)

#: One row per repeat x lane x learner x holdout.
REPEATS_COLUMNS = ["repeat", "seed", "lane", "learner", "holdout", "auprc", "n_train", "n_synthetic", "status",
                   "reason"]


def _default_oracle() -> LearnerConfig:
    return LearnerConfig(engine="sklearn", estimator="sklearn.ensemble.HistGradientBoostingClassifier",
                         estimator_kwargs={"max_iter": 100, "early_stopping": False, "random_state": 0})


class RepeatsParams(BaseModel):
    """``repeats``: how many re-splits, their seed, the fixed learners and the fixed oracle (checked before the run).

    ``k``: repeats (0 skips them: an empty table); ``seed``: repeat ``r`` re-splits with
    ``seed + r``; ``learners``: names of ``learners.<name>`` (sklearn engines only); ``oracle``:
    the model_driven oracle of every repeat (a scikit-learn :class:`LearnerConfig`).
    """

    model_config = ConfigDict(extra="forbid")

    k: int = Field(5, ge=0)
    seed: int = 0
    learners: list[str] = Field(default_factory=lambda: ["logreg", "hgb"], min_length=1)
    oracle: LearnerConfig = Field(default_factory=_default_oracle)

    @field_validator("learners")
    @classmethod
    def _unique(cls, names: list[str]) -> list[str]:
        if len(set(names)) != len(names):
            raise ValueError(f"repeats.learners must be unique; got {names}")
        return names

    @field_validator("oracle")
    @classmethod
    def _sklearn_oracle(cls, oracle: LearnerConfig) -> LearnerConfig:
        if oracle.engine != "sklearn":
            raise ValueError(f"the repeats' oracle must be a scikit-learn estimator (engine sklearn), got engine "
                             f"{oracle.engine}: an AutoML or H2O oracle per repeat is too slow")
        return oracle


def select_learners(names: list[str], configs: Mapping[str, object]) -> dict[str, LearnerConfig]:
    """``repeats.learners`` as :class:`LearnerConfig` from ``learners.<name>``; a missing name or an engine
    other than sklearn is a :class:`ConfigurationError` naming it."""
    out = {}
    for name in names:
        if name not in configs:
            raise ConfigurationError(f"repeats.learners names {name!r}, which is not a learner; the learners are "
                                     f"{', '.join(configs)} (learners.<name> in parameters_learners.yml)")
        config = LearnerConfig.model_validate(configs[name])
        if config.engine != "sklearn":
            raise ConfigurationError(f"repeats.learners: learners.{name} has engine {config.engine}; the repeats fit "
                                     "scikit-learn learners only (AutoML per repeat is too slow): remove it")
        out[name] = config
    return out


def resplit(train: pd.DataFrame, validation: pd.DataFrame, *, validation_share: float, holdout_share: float,
            seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pool ``train ∪ validation`` split again, stratified: ``(train_r, validation_r)``.

    ``validation_share`` is a share of the whole training world (as in ``data_isolation.split``),
    so ``validation_r`` holds ``validation_share / (1 - holdout_share)`` of the pool, as the main
    split's validation does. The holdouts are not touched.
    """
    pool = pd.concat([train, validation], ignore_index=True)
    try:
        train_r, validation_r = train_test_split(pool, test_size=validation_share / (1.0 - holdout_share),
                                                 stratify=pool[TARGET], random_state=seed)
    except ValueError as exc:
        raise DataValidationError(f"train + validation ({len(pool)} rows, {int(pool[TARGET].sum())} minority) is "
                                  f"too small to re-split stratified for the repeats ({exc})") from exc
    return train_r.reset_index(drop=True), validation_r.reset_index(drop=True)


def run_repeat(repeat: int, seed: int, train: pd.DataFrame, validation: pd.DataFrame,
               holdouts: Mapping[str, pd.DataFrame], *, lanes: Sequence[Lane], learners: Mapping[str, LearnerConfig],
               params: Mapping[str, object], oracle: LearnerConfig, backend="numpy") -> list[dict]:
    """The rows of one repeat on its split (``train``, ``validation``): every lane x learner x holdout, by the
    experiment's one split (:func:`~synthetic_intelligence.core.experiment.registry.run_split`, seeds moved by ``repeat``)."""
    holdouts = {h: holdouts[h] if holdouts.get(h) is not None else pd.DataFrame(columns=[TARGET]) for h in HOLDOUTS}
    rows, _ = experiment.run_split(train, validation, holdouts, lanes=lanes, params=params, learners=learners,
                                   oracle=oracle, offset=repeat, backend=backend,
                                   log=lambda line: logger.info("Repeat %d, %s", repeat, line))
    return [{"repeat": repeat, "seed": seed, **{c: row[c] for c in REPEATS_COLUMNS[2:]}} for row in rows]


def run_repeats(train: pd.DataFrame, validation: pd.DataFrame, holdouts: Mapping[str, pd.DataFrame], *,
                params: RepeatsParams, lanes: Sequence[Lane], learners: Mapping[str, LearnerConfig],
                lane_params: Mapping[str, object], validation_share: float, holdout_share: float,
                backend="numpy") -> pd.DataFrame:
    """The long table of every repeat (:data:`REPEATS_COLUMNS`), repeats in order, then lanes, learners, holdouts.

    ``holdouts``: ``holdout_iid`` and ``holdout_new_world`` (the latter may be empty: its rows
    are ``n/a``). ``lanes``: the lanes (:class:`~synthetic_intelligence.core.experiment.registry.Lane`);
    ``lane_params``: each lane's parameters by name (``<lane>.sampler`` of an imblearn lane,
    ``generation`` of model_driven). A lane that cannot build its training set in a repeat is
    ``failed`` there with its reason; the other lanes go on. Nothing here reads a holdout but to score it.
    """
    params = RepeatsParams.model_validate(params)
    lane_params = {lane.name: experiment.lane_params(lane, lane_params.get(lane.name)) for lane in lanes}
    rows: list[dict] = []
    progress = Progress("repeated splits", params.k, unit="repeats", logger=logger)
    for r in range(params.k):
        seed = params.seed + r
        train_r, validation_r = resplit(train, validation, validation_share=validation_share,
                                        holdout_share=holdout_share, seed=seed)
        found = run_repeat(r, seed, train_r, validation_r, holdouts, lanes=lanes, learners=learners,
                           params=lane_params, oracle=params.oracle, backend=backend)
        rows += found
        failed = sorted({row["lane"] for row in found if row["status"] == FAILED})
        progress.update(r + 1, f"repeat {r} (seed {seed}): {len(lanes) - len(failed)} of {len(lanes)} lanes ok"
                               + (f", failed: {', '.join(failed)}" if failed else ""))
    table = pd.DataFrame(rows, columns=REPEATS_COLUMNS)
    table["auprc"] = table["auprc"].astype(float)
    for c in ("repeat", "seed", "n_train", "n_synthetic"):
        table[c] = table[c].astype(np.int64)
    table["reason"] = table["reason"].astype(object)
    return table
