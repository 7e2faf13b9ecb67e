"""The oracle: P(minority | x) learned on ``train`` only."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core.experiment import learners, metrics
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.metrics import EvaluationParams

logger = logging.getLogger(__name__)


def train_oracle(train: pd.DataFrame, validation: pd.DataFrame, oracle: LearnerConfig, evaluation: EvaluationParams):
    """Fit the oracle (H2O AutoML by default) and report its AUPRC on ``validation``."""
    oracle, evaluation = LearnerConfig.model_validate(oracle), EvaluationParams.model_validate(evaluation)
    model, info = learners.fit_learner(train, validation, oracle)
    leaderboard = info.pop("leaderboard", pd.DataFrame({"model_id": [info["model_id"]]}))
    Xv, yv = learners.split_xy(validation)
    ci = metrics.bootstrap_ci(yv.to_numpy(), learners.predict_minority(model, Xv),
                              n_boot=evaluation.n_boot, alpha=evaluation.alpha, random_state=evaluation.seed)
    report = {**info, "validation_auprc": ci["point"], "validation_auprc_ci_low": ci["ci_low"],
              "validation_auprc_ci_high": ci["ci_high"],
              "note": "validation also ranks AutoML's leaderboard when nfolds=0, so this figure is optimistic"
                      if oracle.engine == "h2o_automl" and oracle.nfolds == 0 else ""}
    logger.info("Oracle %s: validation AUPRC %.4f [%.4f, %.4f]", info["model_id"], ci["point"], ci["ci_low"], ci["ci_high"])
    return model, leaderboard, report
