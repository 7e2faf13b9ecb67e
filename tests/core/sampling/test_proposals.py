"""Adaptive proposals: parents drawn with weights learnt from earlier chunks (core/sampling/proposals.py)."""

from __future__ import annotations

import numpy as np
import pytest

from synthetic_intelligence.core.sampling import ClassTask, NumpyExecutor, OracleRejectionSampler, ProbaScorer
from synthetic_intelligence.core.sampling.proposals import FLOOR, AdaptiveProposals
from synthetic_intelligence.core.sampling.strategies import CandidateStrategy, make_strategy

CENTRE_GOOD = np.array([0.0, 0.0])
CENTRE_BAD = np.array([10.0, 0.0])


class NearGoodCentre:
    """A prefit oracle: P(class 1) = 0.9 within distance 2 of (0, 0), else 0.1."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        near = np.linalg.norm(np.asarray(X, dtype=np.float64)[:, :2] - CENTRE_GOOD, axis=1) < 2.0
        p1 = np.where(near, 0.9, 0.1)
        return np.column_stack([1 - p1, p1])


def two_clusters(seed=0, n_good=100, n_bad=100, n_major=1500):
    """Class 1 in two clusters: one where the oracle says class 1, one where it does not (wasted parents)."""
    rng = np.random.default_rng(seed)
    good = CENTRE_GOOD + 0.5 * rng.standard_normal((n_good, 2))
    bad = CENTRE_BAD + 0.5 * rng.standard_normal((n_bad, 2))
    major = np.array([0.0, 20.0]) + 3 * rng.standard_normal((n_major, 2))
    X = np.vstack([major, good, bad]).astype(np.float32)
    y = np.r_[np.zeros(n_major, int), np.ones(n_good + n_bad, int)]
    return X, y


def _sampler(proposals, candidates="interpolate", seed=0, **kw):
    return OracleRejectionSampler(oracle=NearGoodCentre(), gate="probability", threshold=0.5, batch_size=256,
                                  candidates=candidates, proposals=proposals, random_state=seed, **kw)


def test_adaptive_raises_acceptance_where_uniform_wastes_candidates():
    X, y = two_clusters()
    uniform = _sampler("uniform")
    uniform.fit_resample(X, y)
    adaptive = _sampler("adaptive")
    _, y_res = adaptive.fit_resample(X, y)
    assert np.count_nonzero(y_res == 1) == np.count_nonzero(y_res == 0)  # balanced all the same
    # uniform: only pairs near the good cluster pass (about 1/4 + a bit); adaptive learns the good parents
    assert uniform.acceptance_rate_ < 0.45
    assert adaptive.acceptance_rate_ > uniform.acceptance_rate_ + 0.2
    assert adaptive.n_candidates_ < 0.7 * uniform.n_candidates_
    # acceptance per round is reported, and later rounds beat the first (uniform) one
    rates = [r["acceptance_rate"] for r in adaptive.rounds_]
    assert len(rates) >= 2 and all(0 <= r <= 1 for r in rates)
    assert rates[-1] > rates[0] + 0.2
    first = adaptive.rounds_[0]
    assert first["acceptance_rate"] == pytest.approx(first["accepted"] / first["candidates"])


@pytest.mark.parametrize("candidates", ["interpolate", "cluster_interpolate", "gaussian"])
def test_adaptive_accepted_rows_all_pass_the_gate(candidates):
    X, y = two_clusters(seed=1)
    sampler = _sampler("adaptive", candidates=candidates, n_clusters=4)
    X_res, y_res = sampler.fit_resample(X, y)
    synthetic = X_res[len(X):]
    assert synthetic.shape[0] == np.count_nonzero(y == 0) - np.count_nonzero(y == 1)
    scores = NearGoodCentre().predict_proba(synthetic)[:, 1]
    assert scores.min() >= sampler.thresholds_[1] == 0.5
    assert sampler.rounds_ and all("acceptance_rate" in r for r in sampler.rounds_)


@pytest.mark.parametrize("candidates", ["interpolate", "cluster_interpolate", "gaussian"])
def test_adaptive_is_reproducible_for_a_seed(candidates):
    X, y = two_clusters(seed=2)
    a, _ = _sampler("adaptive", candidates=candidates, seed=5, n_clusters=4).fit_resample(X, y)
    b, _ = _sampler("adaptive", candidates=candidates, seed=5, n_clusters=4).fit_resample(X, y)
    c, _ = _sampler("adaptive", candidates=candidates, seed=6, n_clusters=4).fit_resample(X, y)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_auto_is_the_default_adaptive_for_registered_strategies():
    X, y = two_clusters(seed=3)
    default = OracleRejectionSampler(oracle=NearGoodCentre(), gate="probability", batch_size=256, random_state=0)
    assert default.get_params()["proposals"] == "auto"
    a, _ = default.fit_resample(X, y)
    b, _ = (adaptive := _sampler("adaptive")).fit_resample(X, y)
    np.testing.assert_array_equal(a, b)
    assert default.proposals_ == adaptive.proposals_ == "adaptive"
    u, _ = (uniform := _sampler("uniform")).fit_resample(X, y)
    assert uniform.proposals_ == "uniform" and not np.array_equal(a, u)
    assert default.acceptance_rate_ > uniform.acceptance_rate_


def test_weights_keep_every_parent_a_chance_and_favour_accepted_parents():
    X, y = two_clusters(seed=4)
    rows = X[y == 1]
    strategy = make_strategy("interpolate", n_clusters=8).fit(rows, seed=0)
    proposals = AdaptiveProposals(strategy)
    scorer = ProbaScorer.for_class(NearGoodCentre(), 1, np.array([0, 1]))
    rng = np.random.default_rng(0)
    for _ in range(5):
        cand = proposals.generate(rng, 2000)
        proposals.update(scorer(cand) >= 0.5)
    w = proposals.weights
    good = np.arange(len(rows)) < 100  # the first 100 rows of the class are the good cluster
    overall = (proposals.accepted.sum() / 2 + 1) / (proposals.proposed.sum() / 2 + 2)
    assert w.min() >= FLOOR * overall * (1 - 1e-12) and w.min() > 0
    assert np.median(w[good]) > 5 * np.median(w[~good])
    assert proposals.proposed.sum() == 2 * 5 * 2000  # both endpoints credited


def test_adaptive_with_a_strategy_it_cannot_weight_is_refused():
    class Jitter(CandidateStrategy):
        def _draw(self, rng, m):
            i = rng.integers(0, self.rows_.shape[0], size=m)
            return self.rows_[i] + rng.standard_normal((m, self.n_features_)).astype(self.rows_.dtype)

    X, y = two_clusters(seed=5)
    with pytest.raises(ValueError, match="proposals='adaptive'.*Jitter"):
        _sampler("adaptive", candidates=Jitter()).fit_resample(X, y)
    with pytest.raises(ValueError, match="proposals"):
        _sampler("greedy").fit_resample(X, y)
    auto = _sampler("auto", candidates=Jitter())  # the default never refuses a custom strategy: uniform draws
    X_res, _ = auto.fit_resample(X, y)
    assert auto.proposals_ == "uniform" and len(X_res) > len(X)


def test_executor_task_field_defaults_to_uniform():
    X, y = two_clusters(seed=6)
    strategy = make_strategy("interpolate", n_clusters=8).fit(X[y == 1], seed=0)
    scorer = ProbaScorer.for_class(NearGoodCentre(), 1, np.array([0, 1]))
    task = ClassTask(label=1, n_needed=300, strategy=strategy, scorer=scorer, cut=0.5, batch_size=256, max_rounds=20)
    assert task.proposals == "uniform"
    adaptive = ClassTask(**{**task.__dict__, "proposals": "adaptive"})
    out_u = NumpyExecutor().run(task, np.random.default_rng(0))
    out_a = NumpyExecutor().run(adaptive, np.random.default_rng(0))
    assert out_u.accepted.shape == out_a.accepted.shape == (300, 2)
    assert out_a.n_accepted / out_a.n_candidates > out_u.n_accepted / out_u.n_candidates


@pytest.mark.parametrize("candidates", ["interpolate", "cluster_interpolate"])
def test_adaptive_proposals_keep_the_interpolation_gap(candidates):
    """The near-copy guard holds for adaptive proposals too: on a 1-D class of two rows (0 and 1) every
    candidate's interpolation weight lies in [gap, 1 - gap], so every synthetic row in [0.3, 0.7]."""
    X = np.r_[np.zeros(2), 1.0, np.linspace(5, 9, 40)].reshape(-1, 1)
    y = np.r_[1, 1, 1, np.zeros(40, int)]
    X[1, 0] = 1.0  # class 1: rows at 0, 1, 1

    class Everything:
        classes_ = np.array([0, 1])

        def predict_proba(self, X):
            return np.column_stack([np.zeros(len(X)), np.ones(len(X))])

    for proposals in ("uniform", "adaptive"):
        sampler = OracleRejectionSampler(oracle=Everything(), gate="probability", threshold=0.5, batch_size=64,
                                         candidates=candidates, n_clusters=1, interpolation_gap=0.3,
                                         proposals=proposals, random_state=0)
        X_res, _ = sampler.fit_resample(X, y)
        synthetic = X_res[len(X):, 0]
        pairs = synthetic[(synthetic > 1e-9) & (synthetic < 1 - 1e-9)]
        assert synthetic.size > 0 and pairs.size > 0
        # a pair (0, 1) gives u or 1 - u in [0.3, 0.7]; a pair (1, 1) gives exactly 1
        assert np.all((synthetic >= 0.3 - 1e-6) & (synthetic <= 0.7 + 1e-6) | np.isclose(synthetic, 1.0)), proposals
