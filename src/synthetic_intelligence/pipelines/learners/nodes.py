"""Thin node over :func:`synthetic_intelligence.core.experiment.learners.resolve`."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.experiment.learners import LearnerConfig

logger = logging.getLogger(__name__)


def resolve_learner(train: pd.DataFrame, validation: pd.DataFrame, learner: LearnerConfig, oracle_report: dict,
                    oracle_leaderboard: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """``learners.<learner>.spec`` (what every lane fits) and its selection's leaderboard.

    A configured learner (``sklearn``, ``h2o``, per-lane ``h2o_automl``) is written as it is.
    An ``h2o_leader`` learner is chosen once by H2O AutoML on ``train`` (the baseline lane's
    training set) against ``validation``: with ``search: oracle`` (the default run) from the
    oracle's AutoML, which searched the same data (``oracle_report``, ``oracle_leaderboard``),
    with ``search: own`` by an AutoML of its own; the leader's algorithm and parameters become
    the ``h2o`` learner every lane refits.  ``spec``: ``config`` (a :class:`LearnerConfig`),
    ``configured`` (the parameters as written) and ``selection`` (leader, algo, where it was
    chosen, the excluded algorithms; ``None`` for a configured learner).
    """
    configured = LearnerConfig.model_validate(learner)
    resolved, info = learners.resolve(configured, train, validation,
                                      oracle_search={**(oracle_report or {}), "leaderboard": oracle_leaderboard})
    leaderboard = info.pop("leaderboard", pd.DataFrame({"model_id": [learners.describe(resolved)["model"]]}))
    selection = info if info.pop("selected") else None
    if selection:
        logger.info("AutoML leader %s (%s) chosen on %s in %.1f s; every lane refits it with its parameters",
                    selection["leader"], selection["algo"], selection["selected_on"], selection["seconds"])
    return {"config": resolved.model_dump(mode="json"), "configured": configured.model_dump(mode="json"),
            "selection": selection}, leaderboard
