"""Score tables of three lanes shared by the core scorecard tests and the reporting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic_intelligence.core.experiment.metrics import choose_threshold, evaluate_scores

HOLDOUTS = ("holdout_iid", "holdout_new_world")
N_BOOT = 100
LEARNER = "hgb"


def _learner(rng, ys, signal, learner: str, scores: dict, metrics: dict) -> None:
    for lane, strength in signal.items():
        scores.setdefault(lane, {})[learner] = {}
        m = metrics.setdefault(lane, {})[learner] = {}
        for h, y in ys.items():
            z = strength * y + rng.normal(size=y.size)
            s = 1 / (1 + np.exp(-z))
            scores[lane][learner][h] = pd.DataFrame({"y_true": y, "score": s})
            m[h] = evaluate_scores(y, s, choose_threshold(y, s), n_boot=N_BOOT)
        m["train"] = {
            "rows": 1000 if lane == "baseline" else 1500,
            "minority_share": 0.1 if lane == "baseline" else 0.4,
            "synthetic_share": 0.0 if lane == "baseline" else 0.33,
            "resample_seconds": None if lane == "baseline" else 0.12,
        }
        m["fit_seconds"] = 1.5


def three_lanes(second_learner: bool = False):
    """``scores[lane][learner][holdout]``, ``metrics[lane][learner]``: baseline and smote are equally weak,
    model_driven is clearly better (learner ``hgb``; the numbers recorded before the split).  With
    ``second_learner``, a ``logreg`` learner where no lane differs from another."""
    rng = np.random.default_rng(0)
    scores, metrics = {}, {}
    ys = {}
    for h in HOLDOUTS:
        n = 2000
        y = np.zeros(n, dtype=int)
        y[rng.choice(n, size=150, replace=False)] = 1
        ys[h] = y
    _learner(rng, ys, {"baseline": 0.4, "smote": 0.4, "model_driven": 2.0}, LEARNER, scores, metrics)
    if second_learner:
        _learner(np.random.default_rng(1), ys, {"baseline": 1.0, "smote": 1.0, "model_driven": 1.0}, "logreg",
                 scores, metrics)
    return scores, metrics
