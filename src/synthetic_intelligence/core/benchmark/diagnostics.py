"""Why a lane wins or loses: where its synthetic rows sit, per split, and per table and lane.

For every lane whose training set holds synthetic rows (the ``imblearn``, ``imblearn_tuned`` and
``model_driven`` kinds) on one split, :func:`diagnose` describes its synthetic rows against the split's
real ``train`` rows (the benchmark calls it from :func:`~synthetic_intelligence.core.benchmark.run.run_split`;
the rows are ``benchmark_diagnostics``, :func:`per_table` averages them over repeats into
``benchmark_diagnostic_table``):

- the amount and, for a model-driven lane, the gate, its chosen threshold and ratio and the acceptance rate
  (accepted / proposed candidates); a tuned sampler's chosen grid point;
- distances in standardised feature units (numeric columns scaled by train's mean and standard deviation,
  missing values at the mean, categorical and boolean columns one-hot): from each synthetic row to its nearest
  real minority row and its nearest real majority row, beside the same for the real minority rows (their
  nearest *other* minority row, their nearest majority row). The samplers do not record a row's parents;
  every sampler here draws its parents from train's minority rows, so the nearest real minority row is the
  nearest possible parent (a lower bound on the distance to the nearer parent);
- near-copies: synthetic rows whose nearest real row (either class) is closer than ``near_copy`` times the
  median distance between a real minority row and its nearest other minority row;
- the oracle's score (the model-driven lanes' oracle, fitted on the split's ``train``) of the synthetic rows
  and of the real minority rows of ``train``, as quantiles, and the median percentile of a synthetic row's
  score among the real minority rows' scores (50: where a typical real minority row sits).

At most ``max_rows`` synthetic rows (a seeded sample) are measured per lane and split, to bound the cost.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.features import NUMERIC, feature_kinds
from synthetic_intelligence.core.schema import OK, PROVENANCE, TARGET, WEIGHT

__all__ = ["COLUMNS", "diagnose", "per_table"]

#: The measured columns of a diagnostic row (besides table, repeat, lane, kind, sampler, status, gate, choice).
COLUMNS = ["n_synthetic", "synthetic_per_minority", "acceptance_rate", "threshold", "ratio", "n_measured",
           "d_minority_median", "d_majority_median", "real_d_minority_median", "real_d_majority_median",
           "d_minority_relative", "closer_to_majority_share", "real_closer_to_majority_share", "near_copy_share",
           "oracle_q10", "oracle_q50", "oracle_q90", "real_oracle_q10", "real_oracle_q50", "real_oracle_q90",
           "oracle_percentile_median"]


def _encoder(train: pd.DataFrame, features: list[str]):
    """A function mapping rows to standardised numeric features (fitted on ``train``'s real rows)."""
    kinds = feature_kinds(train[features])
    numeric = [c for c in features if kinds[c] == NUMERIC]
    other = [c for c in features if c not in numeric]
    mean = train[numeric].astype(np.float64).mean()
    std = train[numeric].astype(np.float64).std(ddof=0).replace(0.0, 1.0).fillna(1.0)
    levels = {c: sorted(map(str, train[c].astype(object).where(train[c].notna(), "<NA>").unique())) for c in other}

    def encode(df: pd.DataFrame) -> np.ndarray:
        blocks = [((df[numeric].astype(np.float64) - mean) / std).fillna(0.0).to_numpy()] if numeric else []
        for c in other:
            values = df[c].astype(object).where(df[c].notna(), "<NA>").astype(str).to_numpy()
            blocks.append((values[:, None] == np.asarray(levels[c])[None, :]).astype(np.float64))
        return np.hstack(blocks) if blocks else np.zeros((len(df), 0))

    return encode


def _nearest(reference: np.ndarray, query: np.ndarray, *, skip_self: bool = False) -> np.ndarray:
    """Distance from each query row to its nearest reference row (``skip_self``: the query is the reference)."""
    if len(reference) <= int(skip_self) or not len(query):
        return np.full(len(query), np.nan)
    k = 2 if skip_self else 1
    distances, _ = NearestNeighbors(n_neighbors=k).fit(reference).kneighbors(query)
    return distances[:, k - 1]


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")


def _median(values: np.ndarray) -> float:
    return float(np.nanmedian(values)) if len(values) and np.isfinite(values).any() else float("nan")


def diagnose(train: pd.DataFrame, train_set: pd.DataFrame, report: dict, oracle=None, *, max_rows: int = 1000,
             near_copy: float = 0.1, seed: int = 0) -> dict:
    """The diagnostic measures of one lane's synthetic rows on one split (:data:`COLUMNS` plus ``gate`` and
    ``choice``); NaN where a measure does not apply (no synthetic rows, no oracle, not a gated lane)."""
    features = [c for c in train.columns if c not in (TARGET, PROVENANCE, WEIGHT)]
    n_minority = int((train[TARGET] == 1).sum())
    synthetic = train_set[train_set[PROVENANCE].astype(bool)] if PROVENANCE in train_set.columns else train_set.iloc[:0]
    choice = report.get("choice") or {}
    row = {c: float("nan") for c in COLUMNS}
    row.update(n_synthetic=int(len(synthetic)),
               synthetic_per_minority=len(synthetic) / n_minority if n_minority else float("nan"),
               acceptance_rate=_number(report.get("acceptance_rate")),
               threshold=_number(report.get("threshold")), ratio=_number(report.get("ratio")),
               gate=str(report.get("gate") or ""),
               choice=json.dumps({k: v for k, v in choice.items() if not isinstance(v, (list, dict))},
                                 sort_keys=True, default=str) if choice else "")
    if not len(synthetic):
        row["n_measured"] = 0
        return row
    if len(synthetic) > max_rows:
        synthetic = synthetic.sample(n=max_rows, random_state=seed)
    encode = _encoder(train, features)
    is_minority = (train[TARGET] == 1).to_numpy()
    z_min, z_maj = encode(train.loc[is_minority, features]), encode(train.loc[~is_minority, features])
    z_syn = encode(synthetic[features])
    d_min, d_maj = _nearest(z_min, z_syn), _nearest(z_maj, z_syn)
    real_min, real_maj = _nearest(z_min, z_min, skip_self=True), _nearest(z_maj, z_min)
    scale = _median(real_min)
    nearest_real = np.fmin(d_min, d_maj)
    row.update(n_measured=int(len(synthetic)), d_minority_median=_median(d_min), d_majority_median=_median(d_maj),
               real_d_minority_median=scale, real_d_majority_median=_median(real_maj),
               d_minority_relative=_median(d_min) / scale if scale > 0 else float("nan"),
               closer_to_majority_share=float(np.mean(d_maj < d_min)),
               real_closer_to_majority_share=float(np.mean(real_maj < real_min)) if len(real_min) else float("nan"),
               near_copy_share=float(np.mean(nearest_real <= near_copy * scale)) if np.isfinite(scale) else float("nan"))
    if oracle is not None:
        s_syn = np.asarray(learners.predict_minority(oracle, synthetic[features]), dtype=np.float64)
        s_real = np.sort(np.asarray(learners.predict_minority(oracle, train.loc[is_minority, features]),
                                    dtype=np.float64))
        for q in (10, 50, 90):
            row[f"oracle_q{q}"] = float(np.quantile(s_syn, q / 100))
            row[f"real_oracle_q{q}"] = float(np.quantile(s_real, q / 100))
        # percentile of each synthetic score among the real minority scores (ties count half)
        below = np.searchsorted(s_real, s_syn, side="left")
        at_or_below = np.searchsorted(s_real, s_syn, side="right")
        row["oracle_percentile_median"] = float(np.median(100.0 * (below + at_or_below) / (2 * len(s_real))))
    return row


def per_table(diagnostics: pd.DataFrame) -> pd.DataFrame:
    """The split rows averaged over repeats per table, lane and ``learner`` (the learners a lane's set served
    when the lane chooses per learner, ``per_learner``; empty when one set served every learner): the mean of
    every measure of :data:`COLUMNS` over the repeats where the lane built its training set, ``n_repeats``
    (those repeats), ``n_failed``, and the gate and the most frequent choice."""
    if diagnostics.empty:
        return pd.DataFrame(columns=["table", "lane", "learner", "kind", "sampler", "n_repeats", "n_failed", "gate",
                                     "choice", *COLUMNS])
    if "learner" not in diagnostics.columns:
        diagnostics = diagnostics.assign(learner="")
    diagnostics = diagnostics.assign(learner=diagnostics["learner"].fillna("").astype(str))
    ok = diagnostics[diagnostics["status"] == OK]
    keys = ["table", "lane", "learner"]
    base = diagnostics.groupby(keys, sort=True).agg(kind=("kind", "first"), sampler=("sampler", "first"),
                                                    n_failed=("status", lambda s: int((s != OK).sum())))
    means = ok.groupby(keys, sort=True)[COLUMNS].mean()
    counts = ok.groupby(keys, sort=True).size().rename("n_repeats")
    modes = ok.groupby(keys, sort=True).agg(
        gate=("gate", lambda s: s.mode().iloc[0] if len(s.mode()) else ""),
        choice=("choice", lambda s: s.mode().iloc[0] if len(s.mode()) else ""))
    out = base.join(counts).join(modes).join(means)
    out["n_repeats"] = out["n_repeats"].fillna(0).astype(int)
    return out.reset_index()[["table", "lane", "learner", "kind", "sampler", "n_repeats", "n_failed", "gate", "choice",
                              *COLUMNS]]
