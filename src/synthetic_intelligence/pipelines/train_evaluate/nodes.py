"""Thin nodes over :mod:`synthetic_intelligence.core.learners` and :mod:`~.core.metrics`."""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence.core import learners, metrics
from synthetic_intelligence.core.learners import LearnerConfig
from synthetic_intelligence.core.metrics import EvaluationParams
from synthetic_intelligence.core.synthetic import TARGET

logger = logging.getLogger(__name__)
from synthetic_intelligence.core.schema import HOLDOUTS, SCORED_SETS  # noqa: E402


def fit_learner(train_set: pd.DataFrame, validation: pd.DataFrame, learner: LearnerConfig):
    """Fit the downstream learner on the swimlane's training set; provenance is dropped here."""
    config = LearnerConfig.model_validate(learner)
    model, info = learners.fit_learner(train_set, validation, config)
    leaderboard = info.pop("leaderboard", pd.DataFrame({"model_id": [info["model_id"]]}))
    synthetic = train_set[learners.PROVENANCE] if learners.PROVENANCE in train_set else pd.Series(False, index=train_set.index)
    info["train"] = {
        "rows": int(len(train_set)),
        "minority_share": float(train_set[TARGET].mean()),
        "synthetic_rows": int(synthetic.sum()),
        "synthetic_share": float(synthetic.mean()),
    }
    logger.info("Fitted %s (%s) in %.1f s on %d rows", info["model_id"], config.engine, info["fit_seconds"], len(train_set))
    return model, leaderboard, info


def score_sets(model, validation: pd.DataFrame, holdout_iid: pd.DataFrame, holdout_new_world: pd.DataFrame) -> pd.DataFrame:
    """P(minority) for every row of validation and both holdouts, long format (set, row, y_true, score).

    A set without rows (holdout_new_world with ``data_isolation.source.new_world.kind: none``) is not scored.
    """
    parts = []
    for name, df in zip(SCORED_SETS, (validation, holdout_iid, holdout_new_world), strict=True):
        if df.empty:
            continue
        learners.check_fits(model, "the lane's learner", df, name,
                            hint="the learner comes from another run: re-run the lane with data_isolation")
        parts.append(pd.DataFrame({
            "set": name,
            "row": range(len(df)),
            "y_true": df[TARGET].to_numpy(),
            "score": learners.predict_minority(model, df),
        }))
    return pd.concat(parts, ignore_index=True)


def evaluate(scores: pd.DataFrame, fit_info: dict, evaluation: EvaluationParams) -> dict:
    """Metrics per holdout at the threshold chosen on validation (never on a holdout)."""
    evaluation = EvaluationParams.model_validate(evaluation)
    val = scores[scores["set"] == "validation"]
    threshold = metrics.choose_threshold(val["y_true"].to_numpy(), val["score"].to_numpy())
    out = {"threshold_source": "validation", "threshold": float(threshold), "fit_seconds": float(fit_info["fit_seconds"]),
           "engine": fit_info["engine"], "model_id": fit_info["model_id"], "train": fit_info["train"]}
    for name in SCORED_SETS:
        part = scores[scores["set"] == name]
        if part.empty:  # not scored (no rows): not applicable
            out[name] = None
            continue
        out[name] = metrics.evaluate_scores(
            part["y_true"].to_numpy(), part["score"].to_numpy(), threshold,
            n_boot=evaluation.n_boot, alpha=evaluation.alpha, random_state=evaluation.seed,
        )
    logger.info("AUPRC %s", ", ".join(
        f"{h}=n/a" if out[h] is None else
        f"{h}={out[h]['auprc']:.4f} [{out[h]['auprc_ci_low']:.4f}, {out[h]['auprc_ci_high']:.4f}]" for h in HOLDOUTS))
    return out
