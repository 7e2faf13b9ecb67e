"""Behaviour of OracleRejectionSampler: the gate on a 2-D toy, strategies, pipelines, DataFrames, attributes.

Most tests use the absolute gate (``gate="probability"``) so that "every accepted
row scores at least THRESHOLD" is a direct check; the prior-aware default gate has
its own tests in ``test_gate.py``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import is_classifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from synthetic_intelligence.core.sampling import (
    CANDIDATE_STRATEGIES,
    ClassTask,
    GenerationError,
    NumpyExecutor,
    OracleRejectionSampler,
    make_strategy,
)
from synthetic_intelligence.sampling import (
    GenerationError as ReexportedGenerationError,
)
from synthetic_intelligence.sampling import (
    OracleRejectionSampler as ReexportedSampler,
)
from tests.core.sampling.cases import ConstantOracle, make_toy, single_thread  # noqa: F401

THRESHOLD = 0.75
GAP_BAND = 1.5  # |x0| < GAP_BAND is the majority gap between the two clusters


# --------------------------------------------------------------------------- #
# fixtures
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def toy():
    return make_toy()


@pytest.fixture(scope="module")
def knn_oracle(toy):
    X, y = toy
    return KNeighborsClassifier(n_neighbors=15).fit(X, y)


def _small_sampler(oracle, **kwargs):
    params = dict(oracle=oracle, gate="probability", threshold=THRESHOLD, batch_size=4096, random_state=0)
    params.update(kwargs)
    return OracleRejectionSampler(**params)


# --------------------------------------------------------------------------- #
# behaviour on the 2-D toy
# --------------------------------------------------------------------------- #
def test_accepted_rows_pass_gate_and_avoid_majority_gap(toy, knn_oracle):
    X, y = toy
    sampler = _small_sampler(knn_oracle)
    X_res, y_res = sampler.fit_resample(X, y)

    n_syn = 2000 - 200
    assert X_res.shape == (X.shape[0] + n_syn, 2)
    np.testing.assert_array_equal(X_res[: len(X)], X)  # original rows first
    np.testing.assert_array_equal(y_res[: len(y)], y)
    synthetic = X_res[len(X) :]
    assert np.all(y_res[len(y) :] == 1)

    # every accepted row passes the gate of the oracle
    proba = knn_oracle.predict_proba(synthetic)[:, 1]
    assert proba.min() >= THRESHOLD

    # ungated random-pair interpolation, computed independently with numpy
    rng = np.random.RandomState(123)
    minority = X[y == 1]
    i = rng.randint(len(minority), size=20000)
    j = rng.randint(len(minority), size=20000)
    u = rng.uniform(size=(20000, 1))
    raw = minority[i] + u * (minority[j] - minority[i])
    raw_gap_share = np.mean(np.abs(raw[:, 0]) < GAP_BAND)
    acc_gap_share = np.mean(np.abs(synthetic[:, 0]) < GAP_BAND)

    assert raw_gap_share > 0.1  # the raw candidates do bridge the gap
    assert acc_gap_share < raw_gap_share / 3
    assert 0.0 < sampler.acceptance_rate_ < 1.0  # the gate really rejected


@pytest.mark.parametrize("strategy", CANDIDATE_STRATEGIES)
def test_each_strategy_gives_requested_count(toy, knn_oracle, strategy):
    X, y = toy
    sampler = _small_sampler(knn_oracle, candidates=strategy)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [2000, 2000]
    synthetic = X_res[len(X) :]
    assert np.isfinite(synthetic).all()
    assert knn_oracle.predict_proba(synthetic)[:, 1].min() >= THRESHOLD
    assert sampler.n_synthetic_ == {1: 1800}


def test_cluster_interpolate_stays_within_clusters(toy):
    X, y = toy
    # an oracle that accepts everything: the within-cluster pairing itself
    # must avoid the gap, while plain interpolation bridges it
    sampler = _small_sampler(
        ConstantOracle(0.9), candidates="cluster_interpolate", n_clusters=2
    )
    X_res, _ = sampler.fit_resample(X, y)
    synthetic = X_res[len(X) :]
    assert np.mean(np.abs(synthetic[:, 0]) < GAP_BAND) < 0.01

    X_plain, _ = _small_sampler(ConstantOracle(0.9)).fit_resample(X, y)
    assert np.mean(np.abs(X_plain[len(X) :, 0]) < GAP_BAND) > 0.1


def test_gaussian_perturbs_with_half_the_cluster_std(toy):
    X, y = toy
    sampler = _small_sampler(ConstantOracle(0.9), candidates="gaussian", n_clusters=2)
    X_res, _ = sampler.fit_resample(X, y)
    synthetic = X_res[len(X) :]
    minority = X[y == 1]
    assert not (synthetic[:, None, :] == minority[None, :, :]).all(-1).any()
    for side in (-1, 1):
        cluster = minority[np.sign(minority[:, 0]) == side]
        syn = synthetic[np.sign(synthetic[:, 0]) == side]
        # x_i + N(0, (0.5 * sigma)^2) has variance sigma^2 * (1 + 0.25)
        expected = cluster.std(axis=0) * np.sqrt(1.25)
        np.testing.assert_allclose(syn.std(axis=0), expected, rtol=0.12)


# --------------------------------------------------------------------------- #
# imbalanced-learn / scikit-learn compatibility
# --------------------------------------------------------------------------- #
def test_reexport_module():
    assert ReexportedSampler is OracleRejectionSampler
    assert ReexportedGenerationError is GenerationError
    assert issubclass(GenerationError, RuntimeError)


def test_in_imblearn_pipeline(toy, knn_oracle):
    X, y = toy
    pipe = Pipeline(
        [("s", _small_sampler(knn_oracle)), ("clf", LogisticRegression())]
    )
    pipe.fit(X, y)
    pred = pipe.predict(X)
    assert pred.shape == y.shape
    assert set(np.unique(pred)) <= {0, 1}
    assert pipe.named_steps["s"].n_synthetic_ == {1: 1800}
    assert is_classifier(pipe)


def test_dataframe_round_trip_keeps_columns_and_dtypes(toy):
    X, y = toy
    rng = np.random.RandomState(1)
    df = pd.DataFrame(
        {
            "f32": X[:, 0].astype(np.float32),
            "f64": X[:, 1],
            "count": rng.randint(0, 5, size=len(X)).astype(np.int64),
        }
    )
    target = pd.Series(y, name="target")
    oracle = KNeighborsClassifier(n_neighbors=15).fit(df, target)
    sampler = _small_sampler(oracle)
    X_res, y_res = sampler.fit_resample(df, target)

    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(df.columns)
    pd.testing.assert_series_equal(X_res.dtypes, df.dtypes)
    assert y_res.name == "target"
    pd.testing.assert_frame_equal(X_res.iloc[: len(df)], df)
    assert len(X_res) == len(y_res) == 4000
    # integer column: synthetic values are rounded, within the observed range
    syn = X_res.iloc[len(df) :]
    assert syn["count"].between(0, 4).all()
    # the oracle scored exactly the returned rows
    assert oracle.predict_proba(syn)[:, 1].min() >= THRESHOLD


def test_same_random_state_gives_identical_output(toy, knn_oracle):
    X, y = toy
    df = pd.DataFrame(X, columns=["a", "b"])
    a_X, a_y = _small_sampler(knn_oracle, random_state=7).fit_resample(df, y)
    b_X, b_y = _small_sampler(knn_oracle, random_state=7).fit_resample(df, y)
    pd.testing.assert_frame_equal(a_X, b_X)
    np.testing.assert_array_equal(a_y, b_y)
    assert a_X.to_numpy().tobytes() == b_X.to_numpy().tobytes()
    c_X, _ = _small_sampler(knn_oracle, random_state=8).fit_resample(df, y)
    assert not np.array_equal(a_X.to_numpy(), c_X.to_numpy())


def test_sampling_strategy_float_and_dict(toy, knn_oracle):
    X, y = toy
    _, y_res = _small_sampler(knn_oracle, sampling_strategy=0.5).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [2000, 1000]
    _, y_res = _small_sampler(knn_oracle, sampling_strategy={1: 650}).fit_resample(
        X, y
    )
    assert np.bincount(y_res).tolist() == [2000, 650]


def test_multiclass_uses_matching_probability_column():
    rng = np.random.RandomState(0)
    X = np.vstack(
        [
            rng.normal((0, 0), 1.0, size=(600, 2)),
            rng.normal((6, 0), 0.7, size=(60, 2)),
            rng.normal((0, 6), 0.7, size=(40, 2)),
        ]
    )
    y = np.array(["maj"] * 600 + ["b"] * 60 + ["c"] * 40)
    oracle = KNeighborsClassifier(n_neighbors=9).fit(X, y)
    sampler = _small_sampler(oracle, threshold=0.6)
    X_res, y_res = sampler.fit_resample(X, y)
    counts = pd.Series(y_res).value_counts().to_dict()
    assert counts == {"maj": 600, "b": 600, "c": 600}
    proba = oracle.predict_proba(X_res[len(X) :])
    cols = {c: k for k, c in enumerate(oracle.classes_)}
    syn_y = y_res[len(y) :]
    for label in ("b", "c"):
        assert proba[syn_y == label, cols[label]].min() >= 0.6


def test_learned_attributes(toy, knn_oracle):
    X, y = toy
    sampler = _small_sampler(knn_oracle)
    sampler.fit_resample(X, y)
    assert sampler.oracle_ is knn_oracle  # prefit oracle used as is
    assert sampler.n_candidates_ >= sampler.n_accepted_ >= 1800
    assert sampler.acceptance_rate_ == pytest.approx(
        sampler.n_accepted_ / sampler.n_candidates_
    )
    assert sampler.n_rounds_ == len(sampler.rounds_) >= 1
    assert sum(r["candidates"] for r in sampler.rounds_) == sampler.n_candidates_
    assert sum(r["accepted"] for r in sampler.rounds_) == sampler.n_accepted_
    for r in sampler.rounds_:
        keys = {"round", "candidates", "accepted", "acceptance_rate", "seconds"}
        assert keys <= set(r)
        assert r["acceptance_rate"] == pytest.approx(r["accepted"] / r["candidates"])
    assert sampler.seconds_generate_ >= 0.0 and sampler.seconds_score_ > 0.0
    assert dict(sampler.sampling_strategy_) == {1: 1800}
    assert sampler.n_features_in_ == 2
    assert sampler.thresholds_ == {1: THRESHOLD}  # the absolute gate's cut is the threshold itself
    assert sampler.reference_scores_ is None
    assert all(r["class"] == 1 and r["cut"] == THRESHOLD for r in sampler.rounds_)


def test_unfitted_oracle_is_cloned_and_fitted(toy):
    X, y = toy
    oracle = KNeighborsClassifier(n_neighbors=15)
    sampler = _small_sampler(oracle)
    sampler.fit_resample(X, y)
    assert sampler.oracle_ is not oracle
    assert hasattr(sampler.oracle_, "classes_")
    assert not hasattr(oracle, "classes_")  # the user's object is untouched


def test_defaults_hist_gradient_boosting_oracle_and_median_quantile_gate():
    X, y = make_toy()
    X, y = X[::4], y[::4]  # keep the default oracle fit quick
    sampler = OracleRejectionSampler(batch_size=2048, random_state=0)
    assert (sampler.gate, sampler.threshold, sampler.candidates, sampler.backend) == (
        "quantile", 0.5, "interpolate", "numpy")
    X_res, y_res = sampler.fit_resample(X, y)
    assert isinstance(sampler.oracle_, HistGradientBoostingClassifier)
    assert np.bincount(y_res).tolist() == [500, 500]
    real = sampler.oracle_.predict_proba(X[y == 1])[:, 1]
    assert sampler.thresholds_[1] == pytest.approx(np.median(real))
    assert sampler.oracle_.predict_proba(X_res[len(X):])[:, 1].min() >= sampler.thresholds_[1]


def test_non_sklearn_oracle_without_classes_uses_column_one(toy):
    X, y = toy
    sampler = _small_sampler(ConstantOracle(0.9))
    _, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [2000, 2000]
    assert sampler.acceptance_rate_ == 1.0


class _PartsExecutor(NumpyExecutor):
    """The same rounds, returned as parts (a subclass: the sampler does not hand it the output to write into)."""


@pytest.mark.parametrize("on_shortfall", ["raise", "warn"])
def test_rows_written_into_the_output_equal_the_concatenated_parts(on_shortfall):
    """Three classes, the first short of its target (warn): the in-process executor's rows written straight after
    X give the same output as the parts concatenated; no gap where a class fell short."""
    rng = np.random.RandomState(1)
    X = np.vstack([rng.normal((0, 0), 1.0, size=(600, 2)), rng.normal((4, 0), 0.7, size=(60, 2)),
                   rng.normal((0, 4), 0.7, size=(40, 2))]).astype(np.float32)
    y = np.array([0] * 600 + [1] * 60 + [2] * 40)
    oracle = KNeighborsClassifier(n_neighbors=9).fit(X, y)
    kw = {"oracle": oracle, "threshold": 0.6, "random_state": 0, "batch_size": 128, "on_shortfall": on_shortfall,
          "max_rounds": 1 if on_shortfall == "warn" else 50, "gate": "probability"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        direct = OracleRejectionSampler(**kw)
        X_a, y_a = direct.fit_resample(X, y)
        X_b, y_b = OracleRejectionSampler(backend=_PartsExecutor(), **kw).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    assert X_a.dtype == np.float32 and len(X_a) == len(X) + sum(direct.n_synthetic_.values())
    np.testing.assert_array_equal(X_a[:len(X)], X)
    if on_shortfall == "warn":
        assert min(direct.n_synthetic_.values()) < 540  # a class fell short: its rows end where the next begin
    assert np.bincount(y_a[len(X):]).tolist() == [0, direct.n_synthetic_[1], direct.n_synthetic_[2]]


def test_the_executor_checks_the_output_it_is_given():
    rng = np.random.default_rng(0)
    strategy = make_strategy("interpolate", n_clusters=8).fit(rng.normal(size=(30, 3)).astype(np.float32), seed=0)
    task = ClassTask(label=1, n_needed=50, strategy=strategy, scorer=lambda c: np.ones(len(c)), cut=0.5,
                     batch_size=64, max_rounds=3)
    with pytest.raises(ValueError, match="out must have shape"):
        NumpyExecutor().run(task, rng, out=np.empty((50, 3), dtype=np.float64))
    out = np.full((50, 3), np.nan, dtype=np.float32)
    result = NumpyExecutor().run(task, rng, out=out)
    assert np.shares_memory(result.accepted, out) and not np.isnan(out).any()
