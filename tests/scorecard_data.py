"""Score tables of three lanes shared by the core scorecard tests and the reporting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic_intelligence.core.metrics import choose_threshold, evaluate_scores

HOLDOUTS = ("holdout_iid", "holdout_new_world")
N_BOOT = 100


def three_lanes():
    """baseline and smote are equally weak; model_driven is clearly better."""
    rng = np.random.default_rng(0)
    scores, metrics = {}, {}
    ys = {}
    for i, h in enumerate(HOLDOUTS):
        n = 2000
        y = np.zeros(n, dtype=int)
        y[rng.choice(n, size=150, replace=False)] = 1
        ys[h] = y
    signal = {"baseline": 0.4, "smote": 0.4, "model_driven": 2.0}
    for lane, strength in signal.items():
        scores[lane], metrics[lane] = {}, {}
        for h, y in ys.items():
            z = strength * y + rng.normal(size=y.size)
            s = 1 / (1 + np.exp(-z))
            scores[lane][h] = pd.DataFrame({"y_true": y, "score": s})
            metrics[lane][h] = evaluate_scores(y, s, choose_threshold(y, s), n_boot=N_BOOT)
        metrics[lane]["train"] = {
            "rows": 1000 if lane == "baseline" else 1500,
            "minority_share": 0.1 if lane == "baseline" else 0.4,
            "synthetic_share": 0.0 if lane == "baseline" else 0.33,
            "resample_seconds": None if lane == "baseline" else 0.12,
        }
        metrics[lane]["fit_seconds"] = 1.5
    return scores, metrics
