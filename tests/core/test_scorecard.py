import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from synthetic_intelligence.core.metrics import choose_threshold, evaluate_scores
from synthetic_intelligence.core.scorecard import (
    build_scorecard,
    drift_sweep_figure,
    pr_curve_figure,
    scorecard_markdown,
)

HOLDOUTS = ("holdout_iid", "holdout_new_world")
N_BOOT = 100


@pytest.fixture(scope="module")
def lanes():
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


@pytest.fixture(scope="module")
def card(lanes):
    scores, metrics = lanes
    return build_scorecard(scores, metrics, n_boot=N_BOOT)


def test_scorecard_columns(card):
    assert list(card["lane"]) == ["baseline", "smote", "model_driven"]
    expected = {"lane", "train_rows", "synthetic_share", "resample_seconds", "fit_seconds"}
    for h in HOLDOUTS:
        expected |= {f"{h}_auprc", f"{h}_auprc_ci_low", f"{h}_auprc_ci_high",
                     f"{h}_roc_auc", f"{h}_precision", f"{h}_recall", f"{h}_f1"}
        for r in ("baseline", "smote"):
            expected |= {f"{h}_diff_vs_{r}", f"{h}_diff_vs_{r}_ci_low",
                         f"{h}_diff_vs_{r}_ci_high", f"{h}_vs_{r}"}
    assert expected <= set(card.columns)
    assert len(card) == 3


def test_scorecard_verdicts(card):
    c = card.set_index("lane")
    for h in HOLDOUTS:
        # references get NaN against themselves
        assert math.isnan(c.loc["baseline", f"{h}_diff_vs_baseline"])
        assert math.isnan(c.loc["smote", f"{h}_diff_vs_smote_ci_low"])
        # clearly better lane
        assert c.loc["model_driven", f"{h}_vs_baseline"] == "better"
        assert c.loc["model_driven", f"{h}_vs_smote"] == "better"
        assert c.loc["model_driven", f"{h}_diff_vs_baseline_ci_low"] > 0
        # references are clearly worse than model_driven (from their perspective)
        assert c.loc["model_driven", f"{h}_auprc"] > c.loc["baseline", f"{h}_auprc"]
        assert c.loc["smote", f"{h}_vs_baseline"] in {"better", "worse", "no clear difference"}
    assert c.loc["baseline", "resample_seconds"] != c.loc["baseline", "resample_seconds"]  # NaN
    assert c.loc["smote", "train_rows"] == 1500


def test_worse_verdict(lanes):
    scores, metrics = lanes
    # make model_driven the reference: the others must be worse than it
    card = build_scorecard(scores, metrics, references=("model_driven",), n_boot=N_BOOT)
    c = card.set_index("lane")
    for h in HOLDOUTS:
        assert c.loc["baseline", f"{h}_vs_model_driven"] == "worse"
        assert c.loc["smote", f"{h}_vs_model_driven"] == "worse"
        assert c.loc["baseline", f"{h}_diff_vs_model_driven_ci_high"] < 0
    assert "holdout_iid_diff_vs_baseline" not in card.columns
    md = scorecard_markdown(card)
    assert "worse than model_driven" in md


def test_misaligned_rows_raise(lanes):
    scores, metrics = lanes
    bad = {k: dict(v) for k, v in scores.items()}
    bad["smote"]["holdout_iid"] = bad["smote"]["holdout_iid"].iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match="same rows"):
        build_scorecard(bad, metrics, n_boot=10)


def test_markdown(card):
    md = scorecard_markdown(card, title="Test card")
    assert md.startswith("# Test card")
    for lane in ("baseline", "smote", "model_driven"):
        assert lane in md
    assert "AUPRC [lo, hi]" in md and "Δ vs baseline [lo, hi]" in md
    assert "IID holdout" in md and "New-world holdout" in md and "Training" in md
    verdict_lines = [l for l in md.splitlines() if l.startswith("- **model_driven**")]
    assert len(verdict_lines) == 1
    assert "better than baseline" in verdict_lines[0]
    assert "worse" not in verdict_lines[0]
    assert "wins 4, loses 0, ties 0 of 4 comparisons" in verdict_lines[0]
    # the second reference is judged against the first; the first gets no sentence
    smote_lines = [l for l in md.splitlines() if l.startswith("- **smote**")]
    assert len(smote_lines) == 1 and "baseline" in smote_lines[0]
    assert not any(l.startswith("- **baseline**") for l in md.splitlines())
    # every table row has the same number of cells as its header
    for block in md.split("\n\n"):
        rows = [l for l in block.splitlines() if l.startswith("|")]
        if rows:
            assert len({r.count(" | ") for r in rows}) == 1


def test_pr_curve_figure(lanes):
    scores, _ = lanes
    fig = pr_curve_figure(scores)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        # one curve per lane + a prevalence reference line
        assert len(ax.get_lines()) == 3 + 1
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(l.startswith("model_driven (AUPRC=") for l in labels)
    fig.canvas.draw()


def test_drift_sweep_figure():
    rows = []
    for lane, base in (("baseline", 0.5), ("smote", 0.55), ("model_driven", 0.7)):
        for sev in (0.0, 0.5, 1.0):
            a = base - 0.2 * sev
            rows.append({"lane": lane, "severity": sev, "auprc": a,
                         "auprc_ci_low": a - 0.05, "auprc_ci_high": a + 0.05})
    fig = drift_sweep_figure(pd.DataFrame(rows))
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 3
    assert len(ax.collections) == 3  # one CI band per lane
    assert list(ax.get_lines()[2].get_ydata()) == pytest.approx([0.7, 0.6, 0.5])
    fig.canvas.draw()
