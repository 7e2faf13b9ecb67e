"""Thin nodes over :mod:`synthetic_intelligence.core.experiment.scorecard`: the lane x learner scorecard, the drift sweep
and the summary of the repeated splits.

They emit tables only (``scorecard``, ``pr_curve_points``, ``drift_sweep``, ``repeats_summary``); the
reporting pipeline draws the Markdown and the figures from them.
Both nodes take one input per swimlane (the drift sweep: per swimlane and learner).
Node inputs must be fixed when the pipeline is built, so they are passed as keyword
arguments named ``<kind>__<lane>`` or ``<kind>__<lane>__<learner>`` (see :func:`synthetic_intelligence.lanes.input_key`);
the pipeline builds that mapping from :func:`synthetic_intelligence.lanes.swimlanes` and
:func:`~synthetic_intelligence.lanes.learners`.
"""

from __future__ import annotations

import logging

import pandas as pd

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import learners, scorecard
from synthetic_intelligence.core.experiment.learners import NoModel
from synthetic_intelligence.core.experiment.scorecard import DriftSweepParams, ScorecardParams
from synthetic_intelligence.core.params import setting

logger = logging.getLogger(__name__)

SCORES, METRICS, MODEL = "scores", "metrics", "model"
SWEEP_COLUMNS = scorecard.SWEEP_COLUMNS




def _holdout_scores(scores: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    """A lane's long score table -> ``{learner: {holdout: DataFrame(y_true, score)}}`` in row order."""
    out: dict[str, dict[str, pd.DataFrame]] = {}
    if "learner" not in scores.columns:
        raise ValueError("a lane's scores have no 'learner' column: they come from before lanes fitted several "
                         "learners; re-run the lanes")
    for learner, part in scores.groupby("learner", sort=False):
        for h in scorecard.HOLDOUTS:
            rows = part[part["set"] == h].sort_values("row")
            if len(rows):
                out.setdefault(str(learner), {})[h] = rows[["y_true", "score"]].reset_index(drop=True)
    return out


def build_scorecard(scorecard_params: ScorecardParams, **lane_inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scorecard (one row per lane x learner) and the points of every PR curve per holdout.

    ``lane_inputs``: ``scores__<lane>`` and ``metrics__<lane>`` for every lane (as
    train_evaluate's ``collect`` writes them).  ``scorecard_params``: ``n_boot``, ``alpha``,
    ``seed`` of the paired bootstrap of AUPRC differences, and ``references`` (default
    baseline and smote), compared within each learner.  Only the holdouts are scored;
    thresholds come from each learner's metrics, chosen on validation.  A lane that could not
    build its training set is listed as failed with its reason (one WARNING line per lane).
    """
    per_lane = {key[0]: d for key, d in lanes.fan_in(lane_inputs, (SCORES, METRICS)).items()}
    scores, metrics, info = {}, {}, {}
    for lane, d in per_lane.items():
        missing = [k for k in (SCORES, METRICS) if k not in d]
        if missing:
            raise ValueError(f"lane {lane!r} lacks {', '.join(missing)}")
        lane_metrics = dict(d[METRICS])
        if "learners" not in lane_metrics:
            raise ValueError(f"{lane}.metrics has no 'learners': it comes from before lanes fitted several learners; "
                             "re-run the lanes")
        scores[lane] = _holdout_scores(d[SCORES])
        metrics[lane] = dict(lane_metrics["learners"])
        info[lane] = {k: lane_metrics.get(k) for k in ("status", "failure", "provenance")}
        if lane_metrics.get("status") == scorecard.FAILED:
            logger.warning("Lane %s FAILED to build its training set (%s): it is listed as failed in the scorecard",
                           lane, (lane_metrics.get("failure") or {}).get("reason"))
    params = ScorecardParams.model_validate(scorecard_params)
    card = scorecard.build_scorecard(scores, metrics, lanes_info=info, references=tuple(params.references),
                                     n_boot=params.n_boot, alpha=params.alpha, random_state=params.seed)
    logger.info("Scorecard: %d lanes x %d learners (references %s)", card["lane"].nunique(), card["learner"].nunique(),
                [r for r in params.references if r in scores])
    return card, scorecard.pr_curve_points(scores)


def drift_sweep(new_world_base: pd.DataFrame, sweep: DriftSweepParams, drift: dict, source: dict,
                **lane_models) -> pd.DataFrame:
    """AUPRC (bootstrap CI) of every lane x learner's trained model on the new world at each drift severity.

    ``lane_models``: ``model__<lane>__<learner>``.  The undrifted new-world rows go
    through :func:`~.core.worlds.apply_drift` at each ``sweep["severities"]`` value with
    the other drift settings of ``data_isolation.drift`` (same seed, so severity
    ``drift["severity"]`` reproduces ``holdout_new_world``; that severity is repeated in
    the column ``holdout_new_world_severity``).  Nothing is refitted; a failed lane (no
    model) has no row.  With a user table (``source.kind == "table"``) the new world is
    real, not a drifted copy: the sweep does not apply and an empty table is returned.
    """
    models = {key: d[MODEL] for key, d in lanes.fan_in(lane_models, (MODEL,)).items()}
    if setting(source, "kind", "synthetic") == "table":
        logger.info("Drift sweep skipped: the data source is a user table")
        return pd.DataFrame(columns=SWEEP_COLUMNS)
    sweep = DriftSweepParams.model_validate(sweep)
    severities = list(sweep.severities)
    predictors = {(key[0], key[1] if len(key) > 1 else None): (lambda X, m=model: learners.predict_minority(m, X))
                  for key, model in models.items() if not isinstance(model, NoModel)}
    table = scorecard.drift_sweep_table(
        new_world_base, predictors, severities,
        drift={k: setting(drift, k) for k in ("shift_scale", "relabel_share", "seed")},
        holdout_severity=float(setting(drift, "severity")),
        n_boot=sweep.n_boot, alpha=sweep.alpha, random_state=sweep.seed,
    )
    logger.info("Drift sweep: %d models x %d severities", len(predictors), len(severities))
    return table


def summarise_repeats(repeats_metrics: pd.DataFrame, scorecard_params: ScorecardParams) -> pd.DataFrame:
    """``repeats_metrics`` -> ``repeats_summary``: per lane x learner x holdout the mean AUPRC over the repeated
    splits with a t-interval (``alpha`` of ``qa.scorecard``) and, per reference of ``qa.scorecard.references``,
    the paired difference pooled over repeats with wins / ties / losses and a verdict."""
    params = ScorecardParams.model_validate(scorecard_params)
    summary = scorecard.repeats_summary(repeats_metrics, references=tuple(params.references), alpha=params.alpha)
    if len(repeats_metrics):
        logger.info("Repeated splits: %d repeats summarised (%d lane x learner x holdout rows)",
                    repeats_metrics["repeat"].nunique(), len(summary))
    return summary
