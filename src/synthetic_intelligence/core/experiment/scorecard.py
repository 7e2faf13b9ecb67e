"""Swimlane scorecard, computation only: one row per lane x learner with AUPRC and its CI,
paired differences vs reference lanes within the same learner with their verdicts, the
lane's status (a lane that could not build its training set is listed as failed, with its
reason) and its provenance; precision-recall curve points, the drift sweep, and the summary
of the repeated splits (means and paired differences with t-intervals over repeats).

Every function returns a table; Markdown and figures are drawn from these tables by
:mod:`synthetic_intelligence.reporting`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from pydantic import Field, field_validator
from sklearn.metrics import precision_recall_curve, roc_auc_score

from synthetic_intelligence.core.experiment.metrics import (
    EvaluationParams,
    auprc,
    bootstrap_ci,
    bootstrap_indices,
    bootstrap_replicates,
    ci_from_replicates,
    paired_diff_from_replicates,
)
from synthetic_intelligence.core.schema import FAILED, HOLDOUTS, OK, SPLITS, TARGET

__all__ = [
    "BETTER", "WORSE", "TIE", "OK", "FAILED", "THRESHOLD_METRICS", "PR_CURVE_COLUMNS", "SWEEP_COLUMNS",
    "PROVENANCE_COLUMNS", "build_scorecard", "pr_curve_points", "drift_sweep_table", "ScorecardParams",
    "DriftSweepParams", "REPEATS_SUMMARY_COLUMNS", "repeats_summary", "t_interval",
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
#: Threshold-dependent metrics copied per holdout from each learner's metrics.
THRESHOLD_METRICS = ("roc_auc", "precision", "recall", "f1")
#: Where a row comes from: the lane's sampler, the learner, the seeds and the dataset versions.
PROVENANCE_COLUMNS = (
    "sampler", "sampler_params", "sampler_seed", "learner_engine", "learner_model", "learner_params",
    "learner_seed", "evaluation_seed", "run_id", *(f"version_{split}" for split in SPLITS),
    "version_train_set", "version_model", "version_learner_spec",
)


def _verdict(ci_low: float, ci_high: float) -> str:
    if ci_low > 0:
        return BETTER
    if ci_high < 0:
        return WORSE
    return TIE


def _ordered(keys_per_lane) -> list[str]:
    out: list[str] = []
    for keys in keys_per_lane:
        for k in keys:
            if k not in out:
                out.append(k)
    return out


def _holdouts_in(scores: Mapping) -> list[str]:
    present = {h for per_learner in scores.values() for per_holdout in per_learner.values() for h in per_holdout}
    return [h for h in HOLDOUTS if h in present]


def _check_aligned(scores, learner: str, holdout: str, lanes: list[str]) -> None:
    y_ref, first = None, None
    for lane in lanes:
        if holdout not in scores[lane][learner]:
            raise ValueError(f"lane {lane!r} learner {learner!r} has no scores for {holdout!r}")
        y = np.asarray(scores[lane][learner][holdout]["y_true"])
        if y_ref is None:
            y_ref, first = y, lane
        elif y.shape != y_ref.shape or not np.array_equal(y, y_ref):
            raise ValueError(
                f"{holdout}: y_true of lane {lane!r} ({learner}) differs from lane {first!r}; "
                "all lanes must be scored on the same rows in the same order"
            )


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _provenance(lane: str, learner: str, info: Mapping, m: Mapping) -> dict:
    """The provenance columns of one row from the lane's ``provenance`` and the learner's metrics."""
    prov = dict(info.get("provenance") or {})
    versions = dict(prov.get("versions") or {})
    described = dict(m.get("learner") or {})
    row = {
        "sampler": prov.get("sampler"),
        "sampler_params": _json(prov.get("sampler_params")),
        "sampler_seed": prov.get("sampler_seed"),
        "learner_engine": described.get("engine", m.get("engine")),
        "learner_model": described.get("model"),
        "learner_params": _json(described.get("params")),
        "learner_seed": described.get("seed"),
        "evaluation_seed": m.get("evaluation_seed"),
        "run_id": prov.get("run_id"),
        **{f"version_{split}": versions.get(split) for split in SPLITS},
        "version_train_set": versions.get(f"{lane}.train_set"),
        "version_model": versions.get(f"{lane}.{learner}.model"),
        "version_learner_spec": versions.get(f"learners.{learner}.spec"),
    }
    return row


def build_scorecard(  # noqa: PLR0912, PLR0915 - one table: each lane x learner x holdout cell and its references
    scores: Mapping[str, Mapping[str, Mapping[str, pd.DataFrame]]],
    metrics: Mapping[str, Mapping[str, Mapping]],
    *,
    lanes_info: Mapping[str, Mapping] | None = None,
    references: tuple[str, ...] = ("baseline", "smote"),
    n_boot: int = 1000,
    alpha: float = 0.05,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """One row per lane x learner (learners in order, lanes in order within each): AUPRC (+CI), paired
    AUPRC differences vs each reference lane *with the same learner* (+CI and verdict), threshold
    metrics, training facts, the lane's ``status`` / ``failure_reason`` and its provenance.

    ``scores[lane][learner][holdout]``: ``y_true``, ``score`` in row order (a failed lane: no
    learner or no holdout); ``metrics[lane][learner]``: the learner's metrics as train_evaluate
    writes them (``threshold_source``, ``train``, ``fit_seconds``, per holdout ``auprc`` ...);
    ``lanes_info[lane]``: ``status``, ``failure`` (``reason``) and ``provenance`` (sampler, its
    parameters and seed, synthetic share, ``seconds``, ``run_id``, ``versions``).  A failed lane's
    rows carry NaN numbers and no verdict; a comparison with a failed reference has none either.
    """
    lanes_info = lanes_info or {}
    lanes = _ordered([list(scores), list(metrics), list(lanes_info)])
    learners = _ordered([list(metrics.get(lane) or {}) + list(scores.get(lane) or {}) for lane in lanes])
    scores = {lane: {lr: dict((scores.get(lane) or {}).get(lr) or {}) for lr in learners} for lane in lanes}
    holdouts = _holdouts_in(scores)

    def failed(lane: str, learner: str) -> bool:
        info = lanes_info.get(lane) or {}
        m = (metrics.get(lane) or {}).get(learner) or {}
        return info.get("status") == FAILED or bool(m.get("failed")) or not scores[lane][learner]

    for learner in learners:
        ok = [lane for lane in lanes if not failed(lane, learner)]
        for h in holdouts:
            _check_aligned(scores, learner, h, ok)

    refs = [r for r in references if r in lanes]
    replicates: dict = {}

    def point_and_replicates(lane: str, learner: str, h: str) -> tuple[float, np.ndarray]:
        """AUPRC and its bootstrap replicates of one cell, computed once: every comparison reuses them
        (the rows are the holdout's, drawn from ``random_state`` as paired_bootstrap_diff draws them)."""
        if (lane, learner, h) not in replicates:
            df = scores[lane][learner][h]
            y, s = df["y_true"].to_numpy(), df["score"].to_numpy()
            idx = bootstrap_indices(y, n_boot, random_state)
            replicates[lane, learner, h] = (auprc(y, s), bootstrap_replicates(y, s, idx))
        return replicates[lane, learner, h]

    rows = []
    for learner in learners:
        for lane in lanes:
            m = (metrics.get(lane) or {}).get(learner) or {}
            info = lanes_info.get(lane) or {}
            is_failed = failed(lane, learner)
            reason = None
            if is_failed:
                reason = (info.get("failure") or {}).get("reason") or m.get("reason") or "no scores"
            row: dict = {"lane": lane, "learner": learner, "status": FAILED if is_failed else OK,
                         "failure_reason": reason}
            for h in holdouts:
                hm = m.get(h)
                if is_failed:
                    hm = {}
                elif hm is None:  # fall back to computing from the scores
                    df = scores[lane][learner][h]
                    ci = bootstrap_ci(df["y_true"].to_numpy(), df["score"].to_numpy(), auprc, n_boot=n_boot,
                                      alpha=alpha, random_state=random_state)
                    hm = {"auprc": ci["point"], "auprc_ci_low": ci["ci_low"], "auprc_ci_high": ci["ci_high"]}
                for k in ("auprc", "auprc_ci_low", "auprc_ci_high"):
                    row[f"{h}_{k}"] = float(hm.get(k, math.nan))
                for r in refs:
                    key = f"{h}_diff_vs_{r}"
                    if r == lane or is_failed or failed(r, learner):
                        row[key] = row[f"{key}_ci_low"] = row[f"{key}_ci_high"] = math.nan
                        row[f"{h}_vs_{r}"] = None
                        continue
                    (mine, mine_reps), (theirs, theirs_reps) = (point_and_replicates(lane, learner, h),
                                                                point_and_replicates(r, learner, h))
                    d = paired_diff_from_replicates(mine, theirs, mine_reps, theirs_reps, alpha=alpha)
                    row[key], row[f"{key}_ci_low"], row[f"{key}_ci_high"] = d["diff"], d["ci_low"], d["ci_high"]
                    row[f"{h}_vs_{r}"] = _verdict(d["ci_low"], d["ci_high"])
                for k in THRESHOLD_METRICS:
                    v = hm.get(k)
                    row[f"{h}_{k}"] = math.nan if v is None else float(v)
            train = m.get("train", {}) or {}
            prov = info.get("provenance") or {}
            row["train_rows"] = train.get("rows")
            row["train_minority_share"] = train.get("minority_share")
            row["synthetic_share"] = train.get("synthetic_share", prov.get("synthetic_share"))
            row["resample_seconds"] = train.get("resample_seconds", prov.get("seconds"))
            row["fit_seconds"] = m.get("fit_seconds")
            row["threshold_source"] = str(m.get("threshold_source") or ("none" if is_failed else "unknown"))
            row.update(_provenance(lane, learner, info, m))
            rows.append(row)

    out = pd.DataFrame(rows)
    for c in ("train_minority_share", "synthetic_share", "resample_seconds", "fit_seconds"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    for c in ("train_rows", "sampler_seed", "learner_seed", "evaluation_seed"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    return out


# ------------------------------------------------------------ PR curves --

PR_CURVE_COLUMNS = ["lane", "learner", "holdout", "recall", "precision", "threshold", "auprc", "prevalence"]


def pr_curve_points(scores: Mapping[str, Mapping[str, Mapping[str, pd.DataFrame]]]) -> pd.DataFrame:
    """Precision-recall curve of every lane x learner on every holdout, as one long table.

    ``scores[lane][learner][holdout]`` as for :func:`build_scorecard` (a failed lane has none).
    One row per point of :func:`sklearn.metrics.precision_recall_curve` (``threshold`` is
    NaN for its last point, recall 0 and precision 1), with the curve's ``auprc`` and the
    holdout's ``prevalence`` repeated on each of its rows.  Holdouts in
    :data:`~synthetic_intelligence.core.schema.HOLDOUTS` order, then learners, then lanes
    in input order.
    """
    learners = _ordered([list(per_learner) for per_learner in scores.values()])
    parts = []
    for h in _holdouts_in(scores):
        for learner in learners:
            for lane, per_learner in scores.items():
                df = (per_learner.get(learner) or {}).get(h)
                if df is None:
                    continue
                y, s = df["y_true"].to_numpy(), df["score"].to_numpy()
                precision, recall, thresholds = precision_recall_curve(y, s)
                parts.append(pd.DataFrame({
                    "lane": lane, "learner": learner, "holdout": h, "recall": recall, "precision": precision,
                    "threshold": np.append(thresholds, np.nan).astype(float),
                    "auprc": auprc(y, s), "prevalence": float(np.mean(y)),
                }))
    if not parts:
        return pd.DataFrame(columns=PR_CURVE_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PR_CURVE_COLUMNS]


# ---------------------------------------------------------- drift sweep --

SWEEP_COLUMNS = ["lane", "learner", "severity", "n_rows", "n_minority", "prevalence",
                 "auprc", "auprc_ci_low", "auprc_ci_high", "roc_auc", "holdout_new_world_severity"]


def drift_sweep_table(new_world_base: pd.DataFrame, predictors: Mapping, severities, *, drift: dict,
                      holdout_severity: float | None = None, n_boot: int = 1000, alpha: float = 0.05,
                      random_state: int = 0) -> pd.DataFrame:
    """AUPRC (bootstrap CI) of each lane x learner's predictor on the new world drifted to each severity.

    ``predictors`` maps ``(lane, learner)`` (or a lane alone: learner ``None``) ->
    ``f(X) -> P(minority)`` of an already trained model (nothing is refitted); rows come
    learner by learner, lanes in input order, severities ascending; ``drift`` holds ``apply_drift``'s other
    arguments, so the configured severity reproduces ``holdout_new_world``.
    ``holdout_severity`` (that configured severity, NaN when not given) is
    repeated in the column ``holdout_new_world_severity`` so that a figure
    can mark it from the table alone.
    """
    from synthetic_intelligence.core.worlds import apply_drift

    rows = []
    for severity in severities:
        drifted = apply_drift(new_world_base, float(severity), **drift)
        y = drifted[TARGET].to_numpy()
        X = drifted.drop(columns=TARGET)
        idx = bootstrap_indices(y, n_boot, random_state)  # bootstrap_ci's rows, drawn once per severity
        for key, predict in predictors.items():
            lane, learner = key if isinstance(key, tuple) else (key, None)
            s = predict(X)
            ci = ci_from_replicates(auprc(y, s), bootstrap_replicates(y, s, idx), alpha=alpha)
            rows.append({"lane": lane, "learner": learner, "severity": float(severity), "n_rows": int(y.size),
                         "n_minority": int(y.sum()), "prevalence": float(y.mean()), "auprc": ci["point"],
                         "auprc_ci_low": ci["ci_low"], "auprc_ci_high": ci["ci_high"],
                         "roc_auc": float(roc_auc_score(y, s)),
                         "holdout_new_world_severity": math.nan if holdout_severity is None
                         else float(holdout_severity)})
    keys = [key if isinstance(key, tuple) else (key, None) for key in predictors]
    order = {"lane": {lane: i for i, lane in enumerate(dict.fromkeys(k[0] for k in keys))},
             "learner": {learner: i for i, learner in enumerate(dict.fromkeys(k[1] for k in keys))}}
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    return table.sort_values(["learner", "lane", "severity"], kind="stable",
                             key=lambda c: c.map(order[c.name]) if c.name in order else c).reset_index(drop=True)


# ------------------------------------------------------- repeated splits --

def t_interval(values, alpha: float = 0.05) -> tuple[float, float, float]:
    """Mean and Student-t ``1 - alpha`` interval of the finite ``values`` (NaN interval below two values)."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(v.mean())
    if v.size < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(1 - alpha / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


REPEATS_SUMMARY_COLUMNS = ["lane", "learner", "holdout", "n_repeats", "n_ok", "n_failed", "auprc_mean",
                           "auprc_ci_low", "auprc_ci_high", "auprc_sd", "failure_reason"]


def repeats_summary(repeats: pd.DataFrame, *, references: tuple[str, ...] = ("baseline", "smote"),
                    alpha: float = 0.05) -> pd.DataFrame:
    """Per lane x learner x holdout over the repeated splits (the ``repeats_metrics`` long table):

    - ``auprc_mean`` with a Student-t ``1 - alpha`` interval over the repeats where the lane
      built its set (``n_ok``; ``n_failed`` repeats failed, the first ``failure_reason``);
    - per reference lane ``r``: ``diff_vs_<r>`` the mean of the per-repeat AUPRC differences
      (same learner, same holdout rows; repeats where both are ok: ``n_pairs_vs_<r>``) with
      its t-interval (``_ci_low``, ``_ci_high``), ``wins_vs_<r>`` / ``ties_vs_<r>`` /
      ``losses_vs_<r>`` (the sign of each repeat's difference) and ``vs_<r>``: better / worse
      when the interval excludes 0, else no clear difference (``None`` against itself, with a
      missing reference, or with fewer than two pairs).

    A holdout with no rows (``status`` n/a in every repeat) has no row here. Rows: learners in
    input order, lanes in input order within each, then holdouts.
    """
    if repeats.empty:
        return pd.DataFrame(columns=REPEATS_SUMMARY_COLUMNS)
    scored = repeats[repeats["status"] != "n/a"]
    lanes = list(pd.unique(repeats["lane"]))
    learners = list(pd.unique(repeats["learner"]))
    holdouts = [h for h in HOLDOUTS if h in set(scored["holdout"])]
    refs = [r for r in references if r in lanes]
    by = {key: g for key, g in scored.groupby(["lane", "learner", "holdout"], sort=False)}
    rows = []
    for learner in learners:
        for lane in lanes:
            for h in holdouts:
                g = by.get((lane, learner, h))
                if g is None:
                    continue
                ok = g[g["status"] == OK]
                mean, low, high = t_interval(ok["auprc"].to_numpy(float), alpha)
                reasons = [str(x) for x in g.loc[g["status"] == FAILED, "reason"] if not _missing(x)]
                row = {"lane": lane, "learner": learner, "holdout": h, "n_repeats": int(g["repeat"].nunique()),
                       "n_ok": int(ok["repeat"].nunique()), "n_failed": int((g["status"] == FAILED).sum()),
                       "auprc_mean": mean, "auprc_ci_low": low, "auprc_ci_high": high,
                       "auprc_sd": float(ok["auprc"].std(ddof=1)) if len(ok) > 1 else math.nan,
                       "failure_reason": reasons[0] if reasons else None}
                for r in refs:
                    ref = by.get((r, learner, h))
                    pairs = pd.DataFrame(columns=["auprc", "auprc_ref"]) if ref is None or r == lane else ok.merge(
                        ref.loc[ref["status"] == OK, ["repeat", "auprc"]], on="repeat", suffixes=("", "_ref"))
                    diff = (pairs["auprc"] - pairs["auprc_ref"]).to_numpy(float)
                    d_mean, d_low, d_high = t_interval(diff, alpha)
                    row.update({
                        f"diff_vs_{r}": d_mean, f"diff_vs_{r}_ci_low": d_low, f"diff_vs_{r}_ci_high": d_high,
                        f"n_pairs_vs_{r}": int(diff.size), f"wins_vs_{r}": int((diff > 0).sum()),
                        f"ties_vs_{r}": int((diff == 0).sum()), f"losses_vs_{r}": int((diff < 0).sum()),
                        f"vs_{r}": _verdict(d_low, d_high) if diff.size >= 2 else None,
                    })
                rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=REPEATS_SUMMARY_COLUMNS)
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
