"""Tests for synthetic_intelligence.core.sampling.OracleRejectionSampler."""

from __future__ import annotations

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
    GenerationError,
    OracleRejectionSampler,
)
from synthetic_intelligence.sampling import (
    GenerationError as ReexportedGenerationError,
)
from synthetic_intelligence.sampling import (
    OracleRejectionSampler as ReexportedSampler,
)

THRESHOLD = 0.75
GAP_BAND = 1.5  # |x0| < GAP_BAND is the majority gap between the two clusters


# --------------------------------------------------------------------------- #
# fixtures
# --------------------------------------------------------------------------- #
def _toy(seed: int = 0):
    """Two minority blobs at (-4, 0) and (4, 0) in a majority background that
    is uniform over a box and denser in the gap around (0, 0)."""
    rng = np.random.RandomState(seed)
    minority = np.vstack(
        [
            rng.normal((-4.0, 0.0), 0.6, size=(100, 2)),
            rng.normal((4.0, 0.0), 0.6, size=(100, 2)),
        ]
    )
    background = rng.uniform((-8.0, -4.0), (8.0, 4.0), size=(1200, 2))
    gap = rng.normal((0.0, 0.0), 1.0, size=(800, 2))
    X = np.vstack([background, gap, minority])
    y = np.concatenate([np.zeros(2000, dtype=int), np.ones(200, dtype=int)])
    return X, y


@pytest.fixture(scope="module")
def toy():
    return _toy()


@pytest.fixture(scope="module")
def knn_oracle(toy):
    X, y = toy
    return KNeighborsClassifier(n_neighbors=15).fit(X, y)


def _small_sampler(oracle, **kwargs):
    params = dict(oracle=oracle, threshold=THRESHOLD, batch_size=4096, random_state=0)
    params.update(kwargs)
    return OracleRejectionSampler(**params)


class ConstantOracle:
    """Not a scikit-learn estimator; always predicts P(class 1) = p."""

    def __init__(self, p: float):
        self.p = p

    def predict_proba(self, X):
        X = np.asarray(X)
        return np.column_stack(
            [np.full(len(X), 1.0 - self.p), np.full(len(X), self.p)]
        )


class HalfOracle:
    """Accepts candidates with x0 > 0 (about half of them on the toy)."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        p = (np.asarray(X)[:, 0] > 0).astype(float)
        return np.column_stack([1 - p, p])


class NoProba:
    def predict(self, X):
        return np.zeros(len(X))


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


def test_unknown_strategy_lists_valid_ones(toy, knn_oracle):
    X, y = toy
    with pytest.raises(ValueError, match="interpolate.*cluster_interpolate.*gaussian"):
        _small_sampler(knn_oracle, candidates="smote").fit_resample(X, y)


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


def test_unfitted_oracle_is_cloned_and_fitted(toy):
    X, y = toy
    oracle = KNeighborsClassifier(n_neighbors=15)
    sampler = _small_sampler(oracle)
    sampler.fit_resample(X, y)
    assert sampler.oracle_ is not oracle
    assert hasattr(sampler.oracle_, "classes_")
    assert not hasattr(oracle, "classes_")  # the user's object is untouched


def test_default_oracle_is_hist_gradient_boosting():
    X, y = _toy()
    X, y = X[::4], y[::4]  # keep the default oracle fit quick
    sampler = OracleRejectionSampler(threshold=0.6, batch_size=2048, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert isinstance(sampler.oracle_, HistGradientBoostingClassifier)
    assert np.bincount(y_res).tolist() == [500, 500]


def test_non_sklearn_oracle_without_classes_uses_column_one(toy):
    X, y = toy
    sampler = _small_sampler(ConstantOracle(0.9))
    _, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [2000, 2000]
    assert sampler.acceptance_rate_ == 1.0


# --------------------------------------------------------------------------- #
# bad input
# --------------------------------------------------------------------------- #
def test_single_class_rejected(knn_oracle):
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="only one class"):
        _small_sampler(knn_oracle).fit_resample(X, np.zeros(20, dtype=int))


def test_minority_with_one_row_rejected():
    X = np.random.RandomState(0).normal(size=(20, 2))
    y = np.zeros(20, dtype=int)
    y[0] = 1
    with pytest.raises(ValueError, match=r"Class 1 has 1 row.*at least 2"):
        _small_sampler(ConstantOracle(0.9)).fit_resample(X, y)


def test_nan_in_dataframe_names_column(toy, knn_oracle):
    X, y = toy
    df = pd.DataFrame(X, columns=["left", "right"])
    df.loc[5, "right"] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinity.*'right'"):
        _small_sampler(knn_oracle).fit_resample(df, y)
    X_inf = X.copy()
    X_inf[3, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        _small_sampler(knn_oracle).fit_resample(X_inf, y)


def test_oracle_without_predict_proba_rejected(toy):
    X, y = toy
    with pytest.raises(TypeError, match=r"predict_proba; NoProba does not"):
        _small_sampler(NoProba()).fit_resample(X, y)


@pytest.mark.parametrize("threshold", [0, 0.0, 1, 1.0, 1.5, -0.2])
def test_threshold_outside_open_unit_interval_rejected(toy, knn_oracle, threshold):
    X, y = toy
    with pytest.raises(ValueError, match=r"threshold.*open interval \(0, 1\)"):
        _small_sampler(knn_oracle, threshold=threshold).fit_resample(X, y)


@pytest.mark.parametrize(
    "param, value", [("batch_size", 0), ("max_rounds", 0), ("batch_size", 2.5)]
)
def test_bad_batch_size_or_max_rounds_rejected(toy, knn_oracle, param, value):
    X, y = toy
    with pytest.raises(ValueError, match=f"{param} must be a positive integer"):
        _small_sampler(knn_oracle, **{param: value}).fit_resample(X, y)


# --------------------------------------------------------------------------- #
# shortfall
# --------------------------------------------------------------------------- #
def test_shortfall_raises_generation_error(toy):
    X, y = toy
    sampler = _small_sampler(ConstantOracle(0.1), batch_size=1000, max_rounds=3)
    with pytest.raises(GenerationError, match=r"threshold=0\.75") as excinfo:
        sampler.fit_resample(X, y)
    message = str(excinfo.value)
    assert "acceptance rate 0" in message
    assert "0 of 1800" in message


def test_shortfall_after_max_rounds(toy):
    X, y = toy
    # accepts ~half of the candidates: 2 rounds of 100 cannot give 1800 rows
    sampler = _small_sampler(HalfOracle(), batch_size=100, max_rounds=2, threshold=0.5)
    with pytest.raises(GenerationError, match="max_rounds=2|unreachable"):
        sampler.fit_resample(X, y)


def test_shortfall_warn_returns_partial_output(toy):
    X, y = toy
    sampler = _small_sampler(
        HalfOracle(), batch_size=200, max_rounds=2, threshold=0.5, on_shortfall="warn"
    )
    with pytest.warns(UserWarning, match=r"threshold=0\.5.*|acceptance rate"):
        X_res, y_res = sampler.fit_resample(X, y)
    n_syn = len(X_res) - len(X)
    assert 0 < n_syn < 1800
    assert n_syn == sampler.n_synthetic_[1]
    assert np.all(X_res[len(X) :, 0] > 0)
    assert np.bincount(y_res).tolist() == [2000, 200 + n_syn]
