"""The sampler's parts on their own: strategies, scorer, the pure step, executors, pluggable backends."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.sampling import (
    CANDIDATE_STRATEGIES,
    STRATEGIES,
    CandidateStrategy,
    ClassResult,
    ClassTask,
    ClusterInterpolate,
    Gaussian,
    Interpolate,
    NumpyExecutor,
    OracleRejectionSampler,
    ProbaScorer,
    StepResult,
    accept_mask,
    generate_and_gate,
    make_strategy,
)
from tests.core.sampling.cases import ConstantOracle, LogisticOnFirstFeature, make_toy, single_thread  # noqa: F401


@pytest.fixture(scope="module")
def toy():
    return make_toy()


@pytest.fixture(scope="module")
def minority(toy):
    X, y = toy
    return X[y == 1].astype(np.float32)


# --------------------------------------------------------------------------- #
# strategies
# --------------------------------------------------------------------------- #
def test_registry_names_each_strategy_once():
    assert CANDIDATE_STRATEGIES == ("interpolate", "cluster_interpolate", "gaussian")
    assert dict(STRATEGIES) == {"interpolate": Interpolate, "cluster_interpolate": ClusterInterpolate,
                                "gaussian": Gaussian}
    assert isinstance(make_strategy("interpolate", n_clusters=3), Interpolate)
    assert make_strategy("gaussian", n_clusters=3).n_clusters == 3
    with pytest.raises(ValueError, match="Unknown candidates strategy 'smote'.*'interpolate'"):
        make_strategy("smote", n_clusters=3)


@pytest.mark.parametrize("name", CANDIDATE_STRATEGIES)
def test_fitted_strategy_is_stateless_between_draws_and_pickles(minority, name):
    strategy = make_strategy(name, n_clusters=2).fit(minority, seed=0, out_dtype=np.float64)
    a = strategy.generate(np.random.default_rng(5), 300)
    b = strategy.generate(np.random.default_rng(5), 300)  # same generator seed, same rows
    clone = pickle.loads(pickle.dumps(strategy))  # what a Spark broadcast does
    c = clone.generate(np.random.default_rng(5), 300)
    assert a.shape == (300, 2) and a.dtype == np.float64
    assert a.tobytes() == b.tobytes() == c.tobytes()
    assert np.isfinite(a).all()


def test_interpolate_stays_on_segments_between_class_rows(minority):
    strategy = Interpolate().fit(minority)
    cand = strategy.generate(np.random.default_rng(0), 2000)
    lo, hi = minority.min(axis=0), minority.max(axis=0)
    assert ((cand >= lo - 1e-5) & (cand <= hi + 1e-5)).all()
    assert cand.dtype == np.float32


def test_rounded_columns_are_integers(minority):
    rounded = np.array([False, True])
    cand = Interpolate().fit(minority, rounded=rounded).generate(np.random.default_rng(0), 500)
    np.testing.assert_array_equal(cand[:, 1], np.rint(cand[:, 1]))
    assert not np.array_equal(cand[:, 0], np.rint(cand[:, 0]))


def test_strategy_needs_two_rows():
    with pytest.raises(ValueError, match=r"Interpolate needs at least 2 rows .* shape \(1, 2\)"):
        Interpolate().fit(np.zeros((1, 2)))


class ShiftedCopies(CandidateStrategy):
    """A user-defined strategy: a class row shifted by a fixed offset."""

    def __init__(self, offset=0.25):
        self.offset = offset

    def _draw(self, rng, m):
        return self.rows_[rng.integers(0, self.rows_.shape[0], size=m)] + self.offset


def test_user_strategy_instance_plugs_in_and_is_not_fitted_in_place(toy):
    X, y = toy
    mine = ShiftedCopies(offset=0.25)
    sampler = OracleRejectionSampler(oracle=ConstantOracle(0.9), candidates=mine, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    synthetic = X_res[len(X):]
    assert len(synthetic) == 1800
    minority = X[y == 1]
    # every synthetic row is some minority row + 0.25 (float32 rounding aside)
    diff = synthetic[:, None, :] - minority[None, :, :]
    assert np.isclose(diff, 0.25, atol=1e-5).all(axis=2).any(axis=1).all()
    assert not hasattr(mine, "rows_")


# --------------------------------------------------------------------------- #
# scorer
# --------------------------------------------------------------------------- #
def test_scorer_reads_the_column_of_the_label_from_classes_():
    X = np.random.RandomState(0).normal(size=(300, 2))
    y = np.where(X[:, 0] > 0.5, "rare", "common")
    lr = LogisticRegression().fit(X, y)  # classes_ = ['common', 'rare']
    scorer = ProbaScorer.for_class(lr, "rare", np.unique(y))
    np.testing.assert_array_equal(scorer(X), lr.predict_proba(X)[:, 1])
    assert pickle.loads(pickle.dumps(scorer))(X[:5]).shape == (5,)


def test_scorer_without_classes_uses_sorted_label_position_and_one_d_output():
    class OneD:
        def predict_proba(self, X):
            return np.full(len(X), 0.8)  # P(second class)

    X = np.zeros((4, 2))
    classes = np.array([3, 7])
    assert ProbaScorer.for_class(OneD(), 7, classes)(X).tolist() == [0.8] * 4
    assert ProbaScorer.for_class(OneD(), 3, classes)(X) == pytest.approx([0.2] * 4)
    assert ProbaScorer.for_class(LogisticOnFirstFeature(), 3, classes).column == 0


def test_scorer_passes_a_dataframe_to_an_oracle_fitted_on_one():
    df = pd.DataFrame({"a": np.linspace(-1, 1, 50), "b": np.linspace(1, -1, 50)})
    lr = LogisticRegression().fit(df, (df["a"] > 0).astype(int))
    scorer = ProbaScorer.for_class(lr, 1, np.array([0, 1]), feature_names=["a", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "X does not have valid feature names" would fail here
        scores = scorer(df.to_numpy())
    np.testing.assert_allclose(scores, lr.predict_proba(df)[:, 1])


# --------------------------------------------------------------------------- #
# the pure step and the executor
# --------------------------------------------------------------------------- #
def test_accept_mask_never_passes_a_zero_score():
    scores = np.array([0.0, 0.1, 0.5, 0.9])
    assert accept_mask(scores, 0.5).tolist() == [False, False, True, True]
    assert accept_mask(scores, 0.0).tolist() == [False, True, True, True]


def test_generate_and_gate_is_pure(minority):
    strategy = Interpolate().fit(minority, out_dtype=np.float64)
    scorer = ProbaScorer.for_class(LogisticOnFirstFeature(), 1, np.array([0, 1]))
    a = generate_and_gate(strategy, scorer, 0.7, 5000, np.random.default_rng(1))
    b = generate_and_gate(strategy, scorer, 0.7, 5000, np.random.default_rng(1))
    assert isinstance(a, StepResult) and a.n_candidates == 5000
    assert a.accepted.tobytes() == b.accepted.tobytes() and a.n_accepted == b.n_accepted == len(a.accepted)
    assert 0 < a.n_accepted < 5000
    assert scorer(a.accepted).min() >= 0.7
    assert a.seconds_generate >= 0 and a.seconds_score >= 0


def _task(minority, n_needed, cut=0.7, **kwargs):
    strategy = Interpolate().fit(minority, out_dtype=np.float64)
    scorer = ProbaScorer.for_class(LogisticOnFirstFeature(), 1, np.array([0, 1]))
    params = dict(label=1, n_needed=n_needed, strategy=strategy, scorer=scorer, cut=cut, batch_size=1000,
                  max_rounds=10)
    params.update(kwargs)
    return ClassTask(**params)


def test_numpy_executor_meets_the_target_and_accounts_for_every_round(minority):
    result = NumpyExecutor().run(_task(minority, 3000), np.random.default_rng(0))
    assert isinstance(result, ClassResult) and result.shortfall is None
    assert result.accepted.shape == (3000, 2)
    assert sum(r["candidates"] for r in result.rounds) == result.n_candidates
    assert sum(r["accepted"] for r in result.rounds) == result.n_accepted >= 3000
    assert [r["round"] for r in result.rounds] == list(range(1, len(result.rounds) + 1))


def test_numpy_executor_reports_a_shortfall_instead_of_raising(minority):
    result = NumpyExecutor().run(_task(minority, 3000, cut=0.9999, max_rounds=2), np.random.default_rng(0))
    assert result.shortfall and ("max_rounds=2" in result.shortfall or "unreachable" in result.shortfall)
    assert result.accepted.shape[0] < 3000 and result.accepted.dtype == np.float64


class RecordingExecutor:
    """A backend that delegates to NumpyExecutor and records the tasks it ran."""

    def __init__(self):
        self.tasks = []

    def run(self, task, rng):
        self.tasks.append(task)
        return NumpyExecutor().run(task, rng)


class PartitionedExecutor:
    """What a Spark backend does, in one process: the quota split over partitions, each
    looping the pure step with its own generator seeded from (run seed, partition id)."""

    def __init__(self, n_partitions=3, chunk=2048):
        self.n_partitions, self.chunk = n_partitions, chunk

    def run(self, task, rng):
        run_seed = int(rng.integers(2**63))
        quotas = np.diff(np.linspace(0, task.n_needed, self.n_partitions + 1).astype(int))
        parts, n_cand, n_acc = [], 0, 0
        for pid, quota in enumerate(quotas):
            part_rng = np.random.default_rng([run_seed, pid])
            kept = 0
            while kept < quota:
                step = generate_and_gate(task.strategy, task.scorer, task.cut, self.chunk, part_rng)
                parts.append(step.accepted[: quota - kept])
                kept += len(parts[-1])
                n_cand, n_acc = n_cand + step.n_candidates, n_acc + step.n_accepted
        rounds = [{"round": 1, "candidates": n_cand, "accepted": n_acc, "acceptance_rate": n_acc / n_cand,
                   "seconds": 0.0}]
        return ClassResult(np.concatenate(parts), rounds, n_cand, n_acc)


def test_backend_object_plugs_in_and_numpy_by_name_is_the_same(toy):
    X, y = toy
    kwargs = dict(oracle=LogisticOnFirstFeature(), gate="probability", threshold=0.7, random_state=3)
    recorder = RecordingExecutor()
    X_a, y_a = OracleRejectionSampler(backend=recorder, **kwargs).fit_resample(X, y)
    X_b, y_b = OracleRejectionSampler(backend="numpy", **kwargs).fit_resample(X, y)
    assert X_a.tobytes() == X_b.tobytes() and y_a.tobytes() == y_b.tobytes()
    assert [(t.label, t.n_needed, t.cut) for t in recorder.tasks] == [(1, 1800, 0.7)]


def test_partitioned_backend_through_the_same_step_is_reproducible(toy):
    X, y = toy
    kwargs = dict(oracle=LogisticOnFirstFeature(), threshold=0.5, random_state=3)
    sampler = OracleRejectionSampler(backend=PartitionedExecutor(), **kwargs)
    X_a, y_a = sampler.fit_resample(X, y)
    X_b, _ = OracleRejectionSampler(backend=PartitionedExecutor(), **kwargs).fit_resample(X, y)
    assert np.bincount(y_a).tolist() == [2000, 2000]
    assert X_a.tobytes() == X_b.tobytes()
    cut = sampler.thresholds_[1]
    assert LogisticOnFirstFeature().predict_proba(X_a[len(X):])[:, 1].min() >= cut
    assert sampler.n_rounds_ == 1 and sampler.rounds_[0]["cut"] == cut


@pytest.mark.parametrize(("X", "expected"), [
    (np.array([[1.0, 2.0]]), np.float32),
    (np.zeros((0, 3)), np.float32),
    (np.array([[1.0, np.nan]]), np.float64),   # a missing value keeps the float64 path
    (np.array([[1e39, 0.0]]), np.float64),     # beyond float32 either way
    (np.array([[-1e39, 0.0]]), np.float64),
    (np.array([[-np.inf, 0.0]]), np.float64),
])
def test_working_dtype_reads_the_largest_magnitude_of_either_sign(X, expected):
    from synthetic_intelligence.core.sampling.inputs import working_dtype

    assert working_dtype(X)[0] is expected
