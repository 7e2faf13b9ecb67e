"""Swimlane scorecard, computation only: AUPRC with CIs, paired differences vs reference
lanes with their verdicts, precision-recall curve points and the drift sweep.

Every function returns a table; Markdown and figures are drawn from these tables by
:mod:`synthetic_intelligence.reporting`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from pydantic import Field, field_validator
from sklearn.metrics import precision_recall_curve, roc_auc_score

from synthetic_intelligence.core.metrics import (
    EvaluationParams,
    auprc,
    bootstrap_ci,
    paired_bootstrap_diff,
)
from synthetic_intelligence.core.schema import HOLDOUTS, TARGET

__all__ = [
    "BETTER", "WORSE", "TIE", "THRESHOLD_METRICS", "PR_CURVE_COLUMNS", "SWEEP_COLUMNS",
    "build_scorecard", "pr_curve_points", "drift_sweep_table", "ScorecardParams", "DriftSweepParams",
]


class ScorecardParams(EvaluationParams):
    """``qa.scorecard``: paired-bootstrap settings and the reference lanes every lane is compared with."""

    references: list[str] = Field(default_factory=lambda: ["baseline", "smote"], min_length=1)


class DriftSweepParams(EvaluationParams):
    """``qa.drift_sweep``: the new-world drift severities (each in [0, 1]) the learners are re-scored at."""

    severities: list[float] = Field(default_factory=lambda: [0.0, 0.25, 0.5, 0.75, 1.0], min_length=1)

    @field_validator("severities")
    @classmethod
    def _in_unit_interval(cls, values: list[float]) -> list[float]:
        bad = [s for s in values if not 0.0 <= s <= 1.0]
        if bad:
            raise ValueError(f"every drift severity must lie in [0, 1]; got {bad}")
        return values

BETTER, WORSE, TIE = "better", "worse", "no clear difference"
#: Threshold-dependent metrics copied per holdout from each lane's metrics.
THRESHOLD_METRICS = ("roc_auc", "precision", "recall", "f1")


def _verdict(ci_low: float, ci_high: float) -> str:
    if ci_low > 0:
        return BETTER
    if ci_high < 0:
        return WORSE
    return TIE


def _holdouts_in(scores: Mapping[str, Mapping[str, pd.DataFrame]]) -> list[str]:
    present = {h for lane_scores in scores.values() for h in lane_scores}
    return [h for h in HOLDOUTS if h in present]


def _check_aligned(scores, holdout: str, lanes: list[str]) -> np.ndarray:
    y_ref = None
    for lane in lanes:
        if holdout not in scores[lane]:
            raise ValueError(f"lane {lane!r} has no scores for {holdout!r}")
        y = np.asarray(scores[lane][holdout]["y_true"])
        if y_ref is None:
            y_ref, first = y, lane
        elif y.shape != y_ref.shape or not np.array_equal(y, y_ref):
            raise ValueError(
                f"{holdout}: y_true of lane {lane!r} differs from lane {first!r}; "
                "all lanes must be scored on the same rows in the same order"
            )
    return y_ref


def build_scorecard(
    scores: Mapping[str, Mapping[str, pd.DataFrame]],
    metrics: Mapping[str, Mapping],
    *,
    references: tuple[str, ...] = ("baseline", "smote"),
    n_boot: int = 1000,
    alpha: float = 0.05,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """One row per lane with AUPRC (+CI), paired AUPRC differences vs each
    reference lane (+CI and verdict), threshold metrics and training facts.

    ``threshold_source`` says on which set each lane's threshold was chosen
    (``metrics[lane]["threshold_source"]``, ``"unknown"`` when absent).
    """
    lanes = list(scores)
    refs = [r for r in references if r in scores]
    holdouts = _holdouts_in(scores)
    for h in holdouts:
        _check_aligned(scores, h, lanes)

    rows = []
    for lane in lanes:
        m = metrics.get(lane, {})
        row: dict = {"lane": lane}
        for h in holdouts:
            df = scores[lane][h]
            y, s = df["y_true"].to_numpy(), df["score"].to_numpy()
            hm = m.get(h)
            if hm is None:  # fall back to computing from the scores
                ci = bootstrap_ci(y, s, auprc, n_boot=n_boot, alpha=alpha,
                                  random_state=random_state)
                hm = {"auprc": ci["point"], "auprc_ci_low": ci["ci_low"],
                      "auprc_ci_high": ci["ci_high"]}
            row[f"{h}_auprc"] = float(hm["auprc"])
            row[f"{h}_auprc_ci_low"] = float(hm["auprc_ci_low"])
            row[f"{h}_auprc_ci_high"] = float(hm["auprc_ci_high"])
            for r in refs:
                key = f"{h}_diff_vs_{r}"
                if r == lane:
                    row[key] = row[f"{key}_ci_low"] = row[f"{key}_ci_high"] = math.nan
                    row[f"{h}_vs_{r}"] = None
                    continue
                d = paired_bootstrap_diff(
                    y, s, scores[r][h]["score"].to_numpy(), auprc,
                    n_boot=n_boot, alpha=alpha, random_state=random_state,
                )
                row[key] = d["diff"]
                row[f"{key}_ci_low"] = d["ci_low"]
                row[f"{key}_ci_high"] = d["ci_high"]
                row[f"{h}_vs_{r}"] = _verdict(d["ci_low"], d["ci_high"])
            for k in THRESHOLD_METRICS:
                v = hm.get(k)
                row[f"{h}_{k}"] = math.nan if v is None else float(v)
        train = m.get("train", {}) or {}
        row["train_rows"] = train.get("rows")
        row["train_minority_share"] = train.get("minority_share")
        row["synthetic_share"] = train.get("synthetic_share")
        row["resample_seconds"] = train.get("resample_seconds")
        row["fit_seconds"] = m.get("fit_seconds")
        row["threshold_source"] = str(m.get("threshold_source", "unknown"))
        rows.append(row)

    out = pd.DataFrame(rows)
    for c in ("train_minority_share", "synthetic_share", "resample_seconds", "fit_seconds"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["train_rows"] = pd.to_numeric(out["train_rows"], errors="coerce").astype("Int64")
    return out


# ------------------------------------------------------------ PR curves --

PR_CURVE_COLUMNS = ["lane", "holdout", "recall", "precision", "threshold", "auprc", "prevalence"]


def pr_curve_points(scores: Mapping[str, Mapping[str, pd.DataFrame]]) -> pd.DataFrame:
    """Precision-recall curve of every lane on every holdout, as one long table.

    One row per point of :func:`sklearn.metrics.precision_recall_curve` (``threshold`` is
    NaN for its last point, recall 0 and precision 1), with the curve's ``auprc`` and the
    holdout's ``prevalence`` repeated on each of its rows. Lanes in input order, holdouts
    in :data:`~synthetic_intelligence.core.schema.HOLDOUTS` order.
    """
    parts = []
    for h in _holdouts_in(scores):
        for lane, lane_scores in scores.items():
            if h not in lane_scores:
                continue
            df = lane_scores[h]
            y, s = df["y_true"].to_numpy(), df["score"].to_numpy()
            precision, recall, thresholds = precision_recall_curve(y, s)
            parts.append(pd.DataFrame({
                "lane": lane, "holdout": h, "recall": recall, "precision": precision,
                "threshold": np.append(thresholds, np.nan).astype(float),
                "auprc": auprc(y, s), "prevalence": float(np.mean(y)),
            }))
    if not parts:
        return pd.DataFrame(columns=PR_CURVE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PR_CURVE_COLUMNS]


# ---------------------------------------------------------- drift sweep --

SWEEP_COLUMNS = ["lane", "severity", "n_rows", "n_minority", "prevalence",
                 "auprc", "auprc_ci_low", "auprc_ci_high", "roc_auc", "holdout_new_world_severity"]


def drift_sweep_table(new_world_base: pd.DataFrame, predictors: Mapping, severities, *, drift: dict,
                      holdout_severity: float | None = None, n_boot: int = 1000, alpha: float = 0.05,
                      random_state: int = 0) -> pd.DataFrame:
    """AUPRC (bootstrap CI) of each lane's predictor on the new world drifted to each severity.

    ``predictors`` maps lane -> ``f(X) -> P(minority)`` of an already trained
    model (nothing is refitted); ``drift`` holds ``apply_drift``'s other
    arguments, so the configured severity reproduces ``holdout_new_world``.
    ``holdout_severity`` (that configured severity, NaN when not given) is
    repeated in the column ``holdout_new_world_severity`` so that a figure
    can mark it from the table alone.
    """
    from synthetic_intelligence.core.synthetic import apply_drift

    rows = []
    for severity in severities:
        drifted = apply_drift(new_world_base, float(severity), **drift)
        y = drifted[TARGET].to_numpy()
        X = drifted.drop(columns=TARGET)
        for lane, predict in predictors.items():
            s = predict(X)
            ci = bootstrap_ci(y, s, auprc, n_boot=n_boot, alpha=alpha, random_state=random_state)
            rows.append({"lane": lane, "severity": float(severity), "n_rows": int(y.size), "n_minority": int(y.sum()),
                         "prevalence": float(y.mean()), "auprc": ci["point"], "auprc_ci_low": ci["ci_low"],
                         "auprc_ci_high": ci["ci_high"], "roc_auc": float(roc_auc_score(y, s)),
                         "holdout_new_world_severity": math.nan if holdout_severity is None
                         else float(holdout_severity)})
    order = {lane: i for i, lane in enumerate(predictors)}
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    return table.sort_values(["lane", "severity"], key=lambda c: c.map(order) if c.name == "lane" else c,
                             kind="stable").reset_index(drop=True)
