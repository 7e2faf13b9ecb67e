"""The prior-aware quantile gate: it works where an absolute probability cut accepts nothing."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.sampling import GenerationError, OracleRejectionSampler
from tests.core.sampling.cases import single_thread  # noqa: F401


def _rare_table(weight: float, *, seed: int, flip_y: float = 0.01, n: int = 12_000):
    return make_classification(n_samples=n, n_features=8, n_informative=3, class_sep=0.5, weights=[weight],
                               flip_y=flip_y, random_state=seed)


@pytest.mark.parametrize(
    "seed, flip_y",
    [(3, 0.01), (4, 0.0)],
    ids=["issue-recipe-1.3pct-after-label-noise", "0.9pct-no-label-noise"],
)
def test_quantile_gate_works_where_absolute_gate_accepts_nothing(seed, flip_y):
    """weights=[0.991], 12,000 rows, 8 features, 3 informative, class_sep=0.5, logistic-regression oracle.

    The oracle never scores a real minority row 0.5, and interpolated candidates of a
    linear model cannot score above the best real row, so ``P >= 0.5`` accepts nothing.
    """
    X, y = _rare_table(0.991, seed=seed, flip_y=flip_y)
    assert y.mean() < 0.015
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    real = lr.predict_proba(X[y == 1])[:, 1]
    assert real.max() < 0.5  # the premise: no real minority row reaches the absolute cut

    with pytest.raises(GenerationError, match=r"accepted only 0 of \d+ .*threshold=0\.5, gate='probability'"):
        OracleRejectionSampler(oracle=lr, gate="probability", threshold=0.5, random_state=0).fit_resample(X, y)

    sampler = OracleRejectionSampler(oracle=lr, gate="quantile", threshold=0.5, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [int((y == 0).sum())] * 2
    cut = sampler.thresholds_[1]
    assert cut == pytest.approx(np.median(real)) and cut < 0.1
    assert sampler.reference_scores_ == "in_sample"
    assert lr.predict_proba(X_res[len(X):])[:, 1].min() >= cut
    assert {r["cut"] for r in sampler.rounds_} == {cut}
    assert 0 < sampler.acceptance_rate_ < 1


@pytest.mark.parametrize(
    "n, seed, hgb_params, absolute_fails",
    [(12_000, 2, {}, False), (4174, 4, {"max_depth": 2, "max_iter": 50}, True)],
    ids=["12000-rows-default-hgb", "4174-rows-shallow-hgb"],
)
def test_quantile_gate_with_gradient_boosting_at_0_8_percent(n, seed, hgb_params, absolute_fails):
    """0.8% minority, a HistGradientBoosting oracle fitted on the table.

    The default one fits its 96 minority rows closely (in-sample median 0.41) and the
    absolute gate works too; a shallow one (median 0.06, best real row 0.42) is what
    an absolute cut of 0.5 cannot use. The quantile gate works with both.
    """
    X, y = _rare_table(0.992, seed=seed, flip_y=0.0, n=n)
    assert y.mean() == pytest.approx(0.008, abs=0.0005)
    hgb = HistGradientBoostingClassifier(random_state=0, **hgb_params).fit(X, y)
    if absolute_fails:
        with pytest.raises(GenerationError, match=r"gate='probability'"):
            OracleRejectionSampler(oracle=hgb, gate="probability", random_state=0).fit_resample(X, y)
    sampler = OracleRejectionSampler(oracle=hgb, sampling_strategy=0.25, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    n_syn = int(0.25 * (y == 0).sum()) - int(y.sum())
    assert sampler.n_synthetic_ == {1: n_syn} and len(y_res) == len(y) + n_syn
    real = hgb.predict_proba(X[y == 1])[:, 1]
    assert sampler.thresholds_[1] == pytest.approx(np.median(real))
    assert hgb.predict_proba(X_res[len(X):])[:, 1].min() >= sampler.thresholds_[1]


def test_out_of_fold_reference_is_laxer_for_an_overfitting_oracle():
    """In-sample scores of a flexible oracle are optimistic; out-of-fold ones are not."""
    X, y = _rare_table(0.992, seed=2, flip_y=0.0)
    kwargs = dict(oracle=HistGradientBoostingClassifier(random_state=0), sampling_strategy=0.05, random_state=0)
    in_sample = OracleRejectionSampler(**kwargs)
    in_sample.fit_resample(X, y)
    oof = OracleRejectionSampler(reference_scores="out_of_fold", **kwargs)
    oof.fit_resample(X, y)
    assert oof.reference_scores_ == "out_of_fold" and in_sample.reference_scores_ == "in_sample"
    assert oof.thresholds_[1] < in_sample.thresholds_[1]
    assert oof.acceptance_rate_ > in_sample.acceptance_rate_
    assert not hasattr(kwargs["oracle"], "classes_")  # the user's estimator is never fitted


def test_out_of_fold_reference_barely_moves_for_a_smooth_oracle():
    X, y = _rare_table(0.95, seed=0, n=3000)
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    cuts = {}
    for ref in ("in_sample", "out_of_fold"):
        sampler = OracleRejectionSampler(oracle=lr, reference_scores=ref, random_state=0)
        sampler.fit_resample(X, y)
        cuts[ref] = sampler.thresholds_[1]
    assert cuts["out_of_fold"] == pytest.approx(cuts["in_sample"], rel=0.25)


@pytest.mark.parametrize("q", [0.25, 0.5, 0.75])
def test_quantile_means_the_same_share_of_real_rows_at_any_prior(q):
    """At a 1% and at a 30% prior, the cut passes the same share (1 - q) of the class's real rows."""
    shares = []
    for weight in (0.99, 0.7):
        X, y = _rare_table(weight, seed=1, n=6000)
        lr = LogisticRegression(max_iter=1000).fit(X, y)
        sampler = OracleRejectionSampler(oracle=lr, threshold=q, sampling_strategy={1: int(y.sum()) + 50},
                                         random_state=0)
        sampler.fit_resample(X, y)
        real = lr.predict_proba(X[y == 1])[:, 1]
        shares.append(np.mean(real >= sampler.thresholds_[1]))
    assert shares == pytest.approx([1 - q, 1 - q], abs=0.02)


def test_quantile_gate_cuts_each_class_on_its_own_column():
    X, y = make_classification(n_samples=3000, n_features=6, n_informative=4, n_classes=3, n_clusters_per_class=1,
                               weights=[0.9, 0.07, 0.03], random_state=0)
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    sampler = OracleRejectionSampler(oracle=lr, threshold=0.6, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    proba = lr.predict_proba(X)
    for label in (1, 2):
        assert sampler.thresholds_[label] == pytest.approx(np.quantile(proba[y == label, label], 0.6))
        syn = X_res[len(X):][y_res[len(y):] == label]
        assert lr.predict_proba(syn)[:, label].min() >= sampler.thresholds_[label]
    assert sorted(sampler.thresholds_) == [1, 2]
