"""Thin nodes over :mod:`synthetic_intelligence.core.experiment.learners` and :mod:`~.core.experiment.metrics`.

Per learner (namespace ``<lane>.<learner>``): :func:`fit_learner` -> :func:`score_sets`
-> :func:`evaluate`; per lane: :func:`collect` gathers the learners' scores and metrics
into ``<lane>.scores`` (with a ``learner`` column) and ``<lane>.metrics`` (per learner,
with the lane's status and provenance).

A failed lane (its training-set step returned the empty sentinel, see
:func:`synthetic_intelligence.core.experiment.resample.build_or_fail`) passes through: no model
(:class:`~synthetic_intelligence.core.experiment.learners.NoModel`), no scores, metrics marked failed.
"""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import learners, metrics, training_sets
from synthetic_intelligence.core.experiment.learners import LearnerConfig, NoModel
from synthetic_intelligence.core.experiment.metrics import EvaluationParams
from synthetic_intelligence.core.experiment.resample import is_failed, lane_provenance
from synthetic_intelligence.core.schema import HOLDOUTS, PROVENANCE, SCORED_SETS, TARGET

logger = logging.getLogger(__name__)

SCORE_COLUMNS = ["set", "row", "y_true", "score"]
LANE_SCORE_COLUMNS = ["learner", *SCORE_COLUMNS]
SCORES, METRICS = "scores", "metrics"


def _train_facts(train_set: pd.DataFrame) -> dict:
    synthetic = train_set[PROVENANCE] if PROVENANCE in train_set else pd.Series(False, index=train_set.index)
    return {
        "rows": int(len(train_set)),
        "minority_share": float(train_set[TARGET].mean()) if len(train_set) else None,
        "synthetic_rows": int(synthetic.sum()),
        "synthetic_share": float(synthetic.mean()) if len(train_set) else 0.0,
    }


def fit_learner(train_set: pd.DataFrame, validation: pd.DataFrame, spec: dict, resample_report: dict | None = None,
                *, learner: str | None = None):
    """Fit the learner of ``spec`` (``learners.<learner>.spec``) on the lane's training set; provenance is
    dropped here.  An empty training set (a failed lane) fits nothing: :class:`NoModel`.  A learner that the
    lane's report lists as ``declined`` (``generation.tuning.confirm``: validation with it did not confirm the
    synthetic rows) is fitted on the real rows only, which are the lane's ``train``; ``fit_info`` says why."""
    config = LearnerConfig.model_validate(spec["config"])
    described = {**learners.describe(config), "selection": spec.get("selection")}
    train_set, declined = training_sets.learner_train_set(train_set, resample_report, learner)
    if declined:
        logger.info("%s trains on the %d real rows of the lane's training set: %s", learner, len(train_set), declined)
    if train_set.empty:
        info = {"failed": True, "engine": config.engine, "model_id": None, "fit_seconds": 0.0, "weighted": False,
                "learner": described, "train": _train_facts(train_set)}
        return NoModel(), pd.DataFrame({"model_id": pd.Series(dtype=str)}), info
    model, info = learners.fit_learner(train_set, validation, config)
    leaderboard = info.pop("leaderboard", pd.DataFrame({"model_id": [info["model_id"]]}))
    info.update(learner=described, train=_train_facts(train_set), **({"declined": declined} if declined else {}))
    logger.info("Fitted %s (%s) in %.1f s on %d rows", info["model_id"], config.engine, info["fit_seconds"],
                len(train_set))
    return model, leaderboard, info


def score_sets(model, validation: pd.DataFrame, holdout_iid: pd.DataFrame,
               holdout_new_world: pd.DataFrame) -> pd.DataFrame:
    """P(minority) for every row of validation and both holdouts, long format (set, row, y_true, score);
    no row for :class:`NoModel`.

    A set without rows (holdout_new_world with ``data_isolation.source.new_world.kind: none``) is not scored.
    """
    if isinstance(model, NoModel):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(SCORE_COLUMNS, (str, "int64", "int64", float))})
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
    """Metrics per holdout at the threshold chosen on validation (never on a holdout); a failed lane's
    learner gets ``{"failed": True, ...}`` with no metric."""
    evaluation = EvaluationParams.model_validate(evaluation)
    out = {"threshold_source": "validation", "fit_seconds": float(fit_info["fit_seconds"]),
           "engine": fit_info["engine"], "model_id": fit_info["model_id"], "learner": fit_info.get("learner"),
           "evaluation_seed": evaluation.seed, "train": fit_info["train"],
           **({"declined": fit_info["declined"]} if fit_info.get("declined") else {})}
    if is_failed(fit_info) or scores.empty:
        return {**out, "failed": True, "threshold_source": None, "threshold": None}
    val = scores[scores["set"] == "validation"]
    out["threshold"] = float(metrics.choose_threshold(val["y_true"].to_numpy(), val["score"].to_numpy()))
    for name in SCORED_SETS:
        part = scores[scores["set"] == name]
        if part.empty:  # not scored (no rows): not applicable
            out[name] = None
            continue
        out[name] = metrics.evaluate_scores(
            part["y_true"].to_numpy(), part["score"].to_numpy(), out["threshold"],
            n_boot=evaluation.n_boot, alpha=evaluation.alpha, random_state=evaluation.seed,
        )
    logger.info("%s: AUPRC %s", out["model_id"], ", ".join(
        f"{h}=n/a" if out[h] is None else
        f"{h}={out[h]['auprc']:.4f} [{out[h]['auprc_ci_low']:.4f}, {out[h]['auprc_ci_high']:.4f}]" for h in HOLDOUTS))
    return out


def collect(resample_report: dict, versions: dict, **learner_outputs) -> tuple[pd.DataFrame, dict]:
    """The lane's ``scores`` (every learner's, with a ``learner`` column) and ``metrics``.

    ``metrics``: ``status`` (``ok`` or ``failed``), ``failure`` (``reason``, ``error``; ``None``
    when ok), ``provenance`` (the sampler, its parameters and seed, the synthetic share, the
    run id and the versions of the datasets the lane read and wrote, from ``versions``: the
    ``<lane>.versions`` dataset the project's ProvenanceHook fills) and ``learners``
    (``{learner: metrics}``, each with its engine, model, parameters and seed).
    ``learner_outputs``: ``scores__<learner>`` and ``metrics__<learner>`` for every learner.
    """
    per_learner = {lanes.SEP.join(key): d for key, d in lanes.fan_in(learner_outputs, (SCORES, METRICS)).items()}
    frames = [d["scores"].assign(learner=name)[LANE_SCORE_COLUMNS] for name, d in per_learner.items()
              if len(d.get("scores", ()))]
    scores = (pd.concat(frames, ignore_index=True) if frames
              else pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                                 zip(LANE_SCORE_COLUMNS, (str, str, "int64", "int64", float))}))
    failed = is_failed(resample_report)
    versions = dict(versions or {})
    lane_metrics = {
        "status": "failed" if failed else "ok",
        "failure": {"reason": resample_report.get("reason"), "error": resample_report.get("error")} if failed else None,
        "provenance": {**lane_provenance(resample_report), "run_id": versions.get("run_id"),
                       "versions": dict(versions.get("versions") or {})},
        "learners": {name: d.get("metrics") for name, d in per_learner.items()},
    }
    return scores, lane_metrics
