import json

import numpy as np
import pytest

from synthetic_intelligence.core.experiment.metrics import (
    auprc,
    bootstrap_ci,
    bootstrap_indices,
    bootstrap_replicates,
    choose_threshold,
    evaluate_scores,
    paired_bootstrap_diff,
    paired_diff_from_replicates,
    threshold_metrics,
)


def _labels(n, prevalence, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, size=int(round(n * prevalence)), replace=False)] = 1
    return y


def test_perfect_scorer_has_degenerate_ci_at_one():
    y = _labels(500, 0.1)
    ci = bootstrap_ci(y, y.astype(float), n_boot=200)
    assert ci["point"] == ci["ci_low"] == ci["ci_high"] == 1.0
    assert ci["n_boot"] == 200


def test_random_scorer_ci_contains_prevalence_and_is_narrow():
    y = _labels(5000, 0.1, seed=1)
    s = np.random.default_rng(2).uniform(size=y.size)
    ci = bootstrap_ci(y, s, n_boot=300)
    assert ci["ci_low"] <= 0.1 <= ci["ci_high"]
    assert ci["ci_high"] - ci["ci_low"] < 0.1
    assert ci["ci_low"] <= ci["point"] <= ci["ci_high"]


def test_bigger_sample_gives_narrower_ci():
    rng = np.random.default_rng(3)

    def width(n):
        y = _labels(n, 0.1, seed=n)
        s = y * 0.5 + rng.normal(size=n)
        ci = bootstrap_ci(y, s, n_boot=300)
        return ci["ci_high"] - ci["ci_low"]

    assert width(8000) < width(500)


def test_stratified_bootstrap_keeps_class_counts():
    y = _labels(300, 0.05, seed=4)
    seen = []

    def metric(yy, ss):
        seen.append(int(yy.sum()))
        return auprc(yy, ss)

    bootstrap_ci(y, np.random.default_rng(0).uniform(size=y.size), metric, n_boot=50)
    assert set(seen) == {int(y.sum())}


def _signal_and_noise(n=3000, seed=5):
    rng = np.random.default_rng(seed)
    y = _labels(n, 0.1, seed=seed)
    a = y + 0.5 * rng.normal(size=n)
    b = rng.normal(size=n)
    return y, a, b


def test_paired_diff_detects_better_scorer():
    y, a, b = _signal_and_noise()
    d = paired_bootstrap_diff(y, a, b, n_boot=300)
    assert d["diff"] > 0 and d["ci_low"] > 0
    assert d["p_a_not_better"] == 0.0
    d_rev = paired_bootstrap_diff(y, b, a, n_boot=300)
    assert d_rev["diff"] < 0 and d_rev["ci_high"] < 0
    assert d_rev["p_a_not_better"] == 1.0


def test_replicates_kept_per_scored_set_pair_exactly_as_the_paired_bootstrap():
    """The scorecard computes each set's replicates once and pairs them: the same figures as paired_bootstrap_diff."""
    y, a, b = _signal_and_noise()
    idx = bootstrap_indices(y, 200, random_state=3)
    kept = paired_diff_from_replicates(auprc(y, a), auprc(y, b), bootstrap_replicates(y, a, idx),
                                       bootstrap_replicates(y, b, idx))
    assert kept == paired_bootstrap_diff(y, a, b, n_boot=200, random_state=3)
    assert kept["ci_low"] > 0
    ci = bootstrap_ci(y, a, n_boot=200, random_state=3)
    assert np.quantile(bootstrap_replicates(y, a, idx), [0.025, 0.975]).tolist() == [ci["ci_low"], ci["ci_high"]]


def test_paired_diff_identical_scores_is_zero():
    y, a, _ = _signal_and_noise()
    d = paired_bootstrap_diff(y, a, a.copy(), n_boot=100)
    assert d["diff"] == 0.0
    assert d["ci_low"] == 0.0 and d["ci_high"] == 0.0


def test_choose_threshold_separable_gives_f1_one():
    y = _labels(400, 0.1, seed=6)
    rng = np.random.default_rng(6)
    s = np.where(y == 1, rng.uniform(0.6, 1.0, y.size), rng.uniform(0.0, 0.4, y.size))
    t = choose_threshold(y, s)
    m = threshold_metrics(y, s, t)
    assert m == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_threshold_metrics_zero_division():
    y = np.array([0, 1, 0, 1])
    s = np.array([0.1, 0.2, 0.3, 0.4])
    assert threshold_metrics(y, s, 0.9) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    m = threshold_metrics(y, s, 0.3)  # predicts rows 2,3 -> one TP, one FP
    assert m["precision"] == pytest.approx(0.5) and m["recall"] == pytest.approx(0.5)


def test_evaluate_scores_keys_and_json():
    y, a, _ = _signal_and_noise(n=1000)
    res = evaluate_scores(y, a, 0.5, n_boot=100)
    assert set(res) == {
        "auprc", "auprc_ci_low", "auprc_ci_high", "roc_auc", "precision", "recall",
        "f1", "threshold", "n_rows", "n_minority", "prevalence",
    }
    json.dumps(res)
    assert all(type(v) in (int, float) for v in res.values())
    assert type(res["n_rows"]) is int and res["n_rows"] == 1000
    assert res["n_minority"] == int(y.sum())
    assert res["prevalence"] == pytest.approx(y.mean())
    assert res["auprc_ci_low"] <= res["auprc"] <= res["auprc_ci_high"]


@pytest.mark.parametrize(
    "y, s, match",
    [
        ([0, 1, 0], [0.1, 0.2], "length mismatch"),
        ([0, 1, 2], [0.1, 0.2, 0.3], "binary"),
        ([0, 0, 0], [0.1, 0.2, 0.3], "both classes"),
        ([0, 1, 0], [0.1, np.nan, 0.3], "non-finite"),
        ([0, 1, 0], [0.1, np.inf, 0.3], "non-finite"),
        ([], [], "empty"),
    ],
)
def test_input_validation(y, s, match):
    with pytest.raises(ValueError, match=match):
        bootstrap_ci(y, s, n_boot=10)
    with pytest.raises(ValueError, match=match):
        evaluate_scores(y, s, 0.5, n_boot=10)


def test_paired_diff_validates_both_score_vectors():
    with pytest.raises(ValueError, match="length mismatch"):
        paired_bootstrap_diff([0, 1, 0], [0.1, 0.2, 0.3], [0.1, 0.2], n_boot=10)


@pytest.mark.parametrize("ties", [False, True], ids=["distinct scores", "tied scores"])
def test_auprc_replicates_equal_sklearn_average_precision_on_every_replicate(ties):
    """The vectorised replicates (one path without ties, one with) are sklearn's average precision per replicate."""
    from sklearn.metrics import average_precision_score

    from synthetic_intelligence.core.experiment.metrics import auprc_replicates

    y, a, _ = _signal_and_noise()
    s = np.round(a, 1) if ties else a
    assert (len(np.unique(s)) < len(s)) == ties
    idx = bootstrap_indices(y, 40, random_state=5)
    expected = [average_precision_score(y[i], s[i]) for i in idx]
    np.testing.assert_allclose(auprc_replicates(y, s, idx), expected, rtol=0, atol=1e-12)
