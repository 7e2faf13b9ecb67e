"""Thin nodes over :mod:`synthetic_intelligence.core.scorecard`: the swimlane scorecard and the drift sweep.

They emit tables only (``scorecard``, ``pr_curve_points``, ``drift_sweep``); the
reporting pipeline draws the Markdown and the figures from them.
Both nodes take one input per swimlane.  Node inputs must be fixed when the
pipeline is built, so the lanes are passed as keyword arguments named
``<kind>__<lane>`` (see :func:`input_key`); the pipeline builds that mapping
from :func:`synthetic_intelligence.lanes.swimlanes`.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping

import pandas as pd

from synthetic_intelligence.core import learners, scorecard
from synthetic_intelligence.core.scorecard import DriftSweepParams, ScorecardParams

logger = logging.getLogger(__name__)

SCORES, METRICS, RESAMPLE_REPORT, LEARNER = "scores", "metrics", "resample_report", "learner"
_SEP = "__"
SWEEP_COLUMNS = scorecard.SWEEP_COLUMNS


def _get(params, key: str, default=None):
    """``params[key]`` of a dict, or ``params.key`` of a typed parameter object."""
    if isinstance(params, Mapping):
        return params.get(key, default)
    return getattr(params, key, default)


def input_key(kind: str, lane: str) -> str:
    """The keyword under which a lane's dataset reaches a node, e.g. ``scores__smote``."""
    return f"{kind}{_SEP}{lane}"


def _by_lane(lane_inputs: dict, kinds: tuple[str, ...]) -> dict[str, dict]:
    """``{"scores__smote": x, ...}`` -> ``{"smote": {"scores": x}, ...}``, in input order."""
    out: dict[str, dict] = {}
    for key, value in lane_inputs.items():
        kind, sep, lane = key.partition(_SEP)
        if not sep or kind not in kinds or not lane:
            raise TypeError(f"unexpected input {key!r}: expected <kind>{_SEP}<lane> with kind in {kinds}")
        out.setdefault(lane, {})[kind] = value
    return out


def _holdout_scores(scores: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A lane's long score table -> ``{holdout: DataFrame(y_true, score)}`` in row order."""
    out = {}
    for h in scorecard.HOLDOUTS:
        part = scores[scores["set"] == h]
        if len(part):
            out[h] = part.sort_values("row")[["y_true", "score"]].reset_index(drop=True)
    return out


def build_scorecard(scorecard_params: ScorecardParams, **lane_inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scorecard (one row per lane) and the points of every lane's PR curve per holdout.

    ``lane_inputs``: ``scores__<lane>`` and ``metrics__<lane>`` for every lane,
    ``resample_report__<lane>`` for lanes that resample (its ``seconds`` becomes
    ``resample_seconds``).  ``scorecard_params``: ``n_boot``, ``alpha``, ``seed``
    of the paired bootstrap of AUPRC differences, and ``references`` (default
    baseline and smote).  Only the holdouts are scored; thresholds come from
    each lane's metrics, chosen on validation.
    """
    per_lane = _by_lane(lane_inputs, (SCORES, METRICS, RESAMPLE_REPORT))
    scores, lane_metrics = {}, {}
    for lane, d in per_lane.items():
        missing = [k for k in (SCORES, METRICS) if k not in d]
        if missing:
            raise ValueError(f"lane {lane!r} lacks {', '.join(missing)}")
        scores[lane] = _holdout_scores(d[SCORES])
        m = copy.deepcopy(dict(d[METRICS]))
        report = d.get(RESAMPLE_REPORT) or {}
        if report.get("seconds") is not None:
            m["train"] = {**(m.get("train") or {}), "resample_seconds": float(report["seconds"])}
        lane_metrics[lane] = m
    params = ScorecardParams.model_validate(scorecard_params)
    references = tuple(params.references)
    card = scorecard.build_scorecard(
        scores, lane_metrics, references=references,
        n_boot=params.n_boot, alpha=params.alpha, random_state=params.seed,
    )
    logger.info("Scorecard for lanes %s (references %s)", list(card["lane"]), [r for r in references if r in scores])
    return card, scorecard.pr_curve_points(scores)


def drift_sweep(new_world_base: pd.DataFrame, sweep: DriftSweepParams, drift: dict, source: dict,
                **lane_learners) -> pd.DataFrame:
    """AUPRC (bootstrap CI) of every lane's trained learner on the new world at each drift severity.

    The undrifted new-world rows go through :func:`~.core.synthetic.apply_drift`
    at each ``sweep["severities"]`` value with the other drift settings of
    ``data_isolation.drift`` (same seed, so severity ``drift["severity"]``
    reproduces ``holdout_new_world``; that severity is repeated in the column
    ``holdout_new_world_severity``).  Nothing is refitted.  With a user table
    (``source.kind == "table"``) the new world is real, not a drifted copy: the
    sweep does not apply and an empty table is returned.
    """
    models = {lane: d[LEARNER] for lane, d in _by_lane(lane_learners, (LEARNER,)).items()}
    if _get(source, "kind", "synthetic") == "table":
        logger.info("Drift sweep skipped: the data source is a user table")
        return pd.DataFrame(columns=SWEEP_COLUMNS)
    sweep = DriftSweepParams.model_validate(sweep)
    severities = list(sweep.severities)
    table = scorecard.drift_sweep_table(
        new_world_base,
        {lane: (lambda X, m=model: learners.predict_minority(m, X)) for lane, model in models.items()},
        severities,
        drift={k: _get(drift, k) for k in ("shift_scale", "relabel_share", "seed")},
        holdout_severity=float(_get(drift, "severity")),
        n_boot=sweep.n_boot, alpha=sweep.alpha, random_state=sweep.seed,
    )
    logger.info("Drift sweep: %d lanes x %d severities", len(models), len(severities))
    return table
