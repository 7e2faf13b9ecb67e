"""Tests for synthetic_intelligence.core.experiment.scorecard: the lane x learner scorecard, verdicts, failed lanes and
PR-curve points."""

import math

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.experiment.scorecard import (
    PR_CURVE_COLUMNS,
    PROVENANCE_COLUMNS,
    build_scorecard,
    pr_curve_points,
)
from tests.golden_numbers import assert_unchanged
from tests.scorecard_data import HOLDOUTS, LEARNER, N_BOOT, three_lanes


@pytest.fixture(scope="module")
def lanes():
    return three_lanes()


@pytest.fixture(scope="module")
def card(lanes):
    scores, metrics = lanes
    return build_scorecard(scores, metrics, n_boot=N_BOOT)


def test_scorecard_columns(card):
    assert list(card["lane"]) == ["baseline", "smote", "model_driven"]
    assert list(card["learner"]) == [LEARNER] * 3 and list(card["status"]) == ["ok"] * 3
    expected = {"lane", "learner", "status", "failure_reason", "train_rows", "synthetic_share", "resample_seconds",
                "fit_seconds", *PROVENANCE_COLUMNS}
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


def test_misaligned_rows_raise(lanes):
    scores, metrics = lanes
    bad = {lane: {lr: dict(h) for lr, h in v.items()} for lane, v in scores.items()}
    bad["smote"][LEARNER]["holdout_iid"] = bad["smote"][LEARNER]["holdout_iid"].iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match="same rows"):
        build_scorecard(bad, metrics, n_boot=10)


def test_scorecard_numbers_unchanged_by_the_split(card):
    assert_unchanged(card, "core_scorecard")
    assert card["threshold_source"].tolist() == ["unknown"] * 3  # these metrics do not say


def test_pr_curve_points(lanes):
    scores, _ = lanes
    points = pr_curve_points(scores)
    assert list(points.columns) == PR_CURVE_COLUMNS
    assert list(pd.unique(points["lane"])) == ["baseline", "smote", "model_driven"]
    assert list(pd.unique(points["holdout"])) == list(HOLDOUTS) and set(points["learner"]) == {LEARNER}
    for (lane, h), curve in points.groupby(["lane", "holdout"], sort=False):
        y, s = scores[lane][LEARNER][h]["y_true"].to_numpy(), scores[lane][LEARNER][h]["score"].to_numpy()
        assert curve["recall"].iloc[0] == 1.0 and curve["recall"].iloc[-1] == 0.0
        assert curve["precision"].iloc[-1] == 1.0 and math.isnan(curve["threshold"].iloc[-1])
        assert curve["threshold"].iloc[:-1].is_monotonic_increasing
        # the step area under the points is the AUPRC (average precision) carried by every row
        ap = -np.sum(np.diff(curve["recall"].to_numpy()) * curve["precision"].to_numpy()[:-1])
        assert curve["auprc"].nunique() == 1 and curve["auprc"].iloc[0] == pytest.approx(ap)
        assert curve["prevalence"].iloc[0] == pytest.approx(y.mean())
        assert len(curve) == len(np.unique(s)) + 1
    assert pr_curve_points({}).empty


def test_scorecard_and_sweep_parameters_are_checked():
    from synthetic_intelligence.core.experiment.scorecard import DriftSweepParams, ScorecardParams

    assert ScorecardParams().references == ["baseline", "smote"]
    with pytest.raises(ValueError, match="severity"):
        DriftSweepParams(severities=[0.5, 1.5])
    with pytest.raises(ValueError, match="alpha"):
        ScorecardParams(alpha=0.9)


def test_rows_are_learner_by_learner_and_compare_within_a_learner():
    scores, metrics = three_lanes(second_learner=True)
    card = build_scorecard(scores, metrics, n_boot=N_BOOT)
    assert list(zip(card["learner"], card["lane"])) == [
        (lr, lane) for lr in (LEARNER, "logreg") for lane in ("baseline", "smote", "model_driven")]
    c = card.set_index(["lane", "learner"])
    for h in HOLDOUTS:
        assert c.loc[("model_driven", LEARNER), f"{h}_vs_baseline"] == "better"
        # with logreg no lane differs: the comparison is not made against hgb's baseline
        assert c.loc[("model_driven", "logreg"), f"{h}_vs_baseline"] == "no clear difference"
        own = scores["model_driven"]["logreg"][h]
        assert c.loc[("model_driven", "logreg"), f"{h}_diff_vs_baseline"] == pytest.approx(
            metrics["model_driven"]["logreg"][h]["auprc"] - metrics["baseline"]["logreg"][h]["auprc"])
        assert len(own) == 2000


def test_a_failed_lane_gets_rows_without_numbers_and_no_comparison():
    scores, metrics = three_lanes()
    scores["smote"], metrics["smote"] = {}, {LEARNER: {"failed": True, "train": {"rows": 0}}}
    info = {"smote": {"status": "failed", "failure": {"reason": "no candidate accepted", "error": "GenerationError"},
                      "provenance": {"sampler": "SMOTE", "sampler_seed": 3, "run_id": "r",
                                     "versions": {"train": "v1", "smote.train_set": "v2"}}}}
    card = build_scorecard(scores, metrics, lanes_info=info, n_boot=N_BOOT)
    c = card.set_index("lane")
    assert c.loc["smote", "status"] == "failed" and c.loc["smote", "failure_reason"] == "no candidate accepted"
    for h in HOLDOUTS:
        assert math.isnan(c.loc["smote", f"{h}_auprc"]) and pd.isna(c.loc["smote", f"{h}_vs_baseline"])
        assert math.isnan(c.loc["model_driven", f"{h}_diff_vs_smote"])
        assert pd.isna(c.loc["model_driven", f"{h}_vs_smote"])
        assert c.loc["model_driven", f"{h}_vs_baseline"] == "better"
    assert (c.loc["smote", "sampler"], c.loc["smote", "sampler_seed"]) == ("SMOTE", 3)
    assert (c.loc["smote", "version_train"], c.loc["smote", "version_train_set"]) == ("v1", "v2")
    assert c.loc["smote", "threshold_source"] == "none"
    assert "smote" not in set(pr_curve_points(scores)["lane"])
