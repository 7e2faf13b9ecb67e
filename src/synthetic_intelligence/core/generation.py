"""Model-driven training sets: choose threshold and ratio on validation, then generate.

Both steps use :class:`~synthetic_intelligence.core.sampling.OracleRejectionSampler`
with an already trained oracle; nothing here sees a holdout.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd

from synthetic_intelligence.core import learners, metrics
from synthetic_intelligence.core.sampling import GenerationError, OracleRejectionSampler
from synthetic_intelligence.core.synthetic import TARGET


def oversample(train: pd.DataFrame, oracle, *, threshold: float, ratio, random_state: int, **sampler_kwargs):
    """``train`` plus accepted candidates, with ``is_synthetic``; returns ``(train_set, report)``."""
    X, y = learners.split_xy(train)
    sampler = OracleRejectionSampler(
        oracle=learners.as_oracle(oracle, list(X.columns)),
        threshold=threshold,
        sampling_strategy=ratio,
        random_state=random_state,
        **sampler_kwargs,
    )
    start = time.perf_counter()
    X_res, y_res = sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    out = X_res.copy()
    out[TARGET] = np.asarray(y_res, dtype=np.int64)
    out[learners.PROVENANCE] = np.arange(len(out)) >= len(train)
    n_synthetic = int(out[learners.PROVENANCE].sum())
    report = {
        "threshold": float(threshold),
        "ratio": ratio,
        "candidates": sampler.candidates,
        "n_candidates": int(sampler.n_candidates_),
        "n_accepted": int(sampler.n_accepted_),
        "n_synthetic": n_synthetic,
        "acceptance_rate": float(sampler.acceptance_rate_),
        "n_rounds": int(sampler.n_rounds_),
        "rounds": [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in sampler.rounds_],
        "seconds": seconds,
        "seconds_generate": float(sampler.seconds_generate_),
        "seconds_score": float(sampler.seconds_score_),
        "rows_in": int(len(train)),
        "rows_out": int(len(out)),
        "minority_share_out": float(out[TARGET].mean()),
    }
    return out, report


def tune(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    oracle,
    *,
    thresholds,
    ratios,
    learner: learners.LearnerConfig,
    random_state: int = 0,
    **sampler_kwargs,
) -> tuple[pd.DataFrame, dict]:
    """Score every (threshold, ratio) by the validation AUPRC of a cheap learner.

    The grid also carries a ``no oversampling`` row for reference; the choice is
    the best grid point that generated its full target (ties: the smaller ratio,
    then the higher threshold).
    """
    rows = []
    Xv, yv = learners.split_xy(validation)
    ref_model, _ = learners.fit_learner(train, validation, learner)
    ref = metrics.auprc(yv, learners.predict_minority(ref_model, Xv))
    rows.append({"threshold": np.nan, "ratio": np.nan, "validation_auprc": ref, "acceptance_rate": np.nan,
                 "n_synthetic": 0, "seconds": 0.0, "error": "", "reference": True})
    for threshold, ratio in itertools.product(thresholds, ratios):
        try:
            train_set, report = oversample(train, oracle, threshold=threshold, ratio=ratio,
                                           random_state=random_state, **sampler_kwargs)
        except (GenerationError, ValueError) as exc:
            rows.append({"threshold": threshold, "ratio": ratio, "validation_auprc": np.nan, "acceptance_rate": np.nan,
                         "n_synthetic": 0, "seconds": np.nan, "error": str(exc)[:300], "reference": False})
            continue
        model, _ = learners.fit_learner(train_set, validation, learner)
        score = metrics.auprc(yv, learners.predict_minority(model, Xv))
        rows.append({"threshold": threshold, "ratio": ratio, "validation_auprc": score,
                     "acceptance_rate": report["acceptance_rate"], "n_synthetic": report["n_synthetic"],
                     "seconds": report["seconds"], "error": "", "reference": False})
    grid = pd.DataFrame(rows)
    ok = grid[~grid["reference"] & grid["validation_auprc"].notna()]
    if ok.empty:
        raise GenerationError(
            "no (threshold, ratio) of the grid reached its target; errors: " + "; ".join(grid["error"].iloc[1:3])
        )
    best = ok.sort_values(["validation_auprc", "ratio", "threshold"], ascending=[False, True, False]).iloc[0]
    choice = {
        "threshold": float(best["threshold"]),
        "ratio": float(best["ratio"]),
        "validation_auprc": float(best["validation_auprc"]),
        "validation_auprc_no_oversampling": float(ref),
        "chosen_on": "validation",
        "tuned": True,
    }
    return grid, choice
