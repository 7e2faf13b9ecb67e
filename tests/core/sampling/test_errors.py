"""OracleRejectionSampler refuses bad input, bad parameters and bad oracle output with a message naming the problem."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.sampling import GenerationError, OracleRejectionSampler
from tests.core.sampling.cases import ConstantOracle, HalfOracle, make_toy, single_thread  # noqa: F401

THRESHOLD = 0.75


@pytest.fixture(scope="module")
def toy():
    X, y = make_toy()
    return X[::2], y[::2]  # 1000 majority, 100 minority rows


def _sampler(oracle=None, **kwargs):
    params = dict(oracle=oracle if oracle is not None else ConstantOracle(0.9), gate="probability",
                  threshold=THRESHOLD, batch_size=1024, random_state=0)
    params.update(kwargs)
    return OracleRejectionSampler(**params)


class NoProba:
    def predict(self, X):
        return np.zeros(len(X))


class Returns:
    """Not a scikit-learn estimator; ``predict_proba`` returns ``fn(X)``."""

    classes_ = np.array([0, 1])

    def __init__(self, fn):
        self.fn = fn

    def predict_proba(self, X):
        return self.fn(np.asarray(X))


def _proba(p):
    return np.column_stack([1 - p, p])


# --------------------------------------------------------------------------- #
# input data
# --------------------------------------------------------------------------- #
def test_single_class_rejected():
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="only one class"):
        _sampler().fit_resample(X, np.zeros(20, dtype=int))


def test_minority_with_one_row_rejected():
    X = np.random.RandomState(0).normal(size=(20, 2))
    y = np.zeros(20, dtype=int)
    y[0] = 1
    with pytest.raises(ValueError, match=r"Class 1 has 1 row.*at least 2"):
        _sampler().fit_resample(X, y)


def test_nan_or_inf_names_the_columns(toy):
    """Arrays refuse NaN and infinity; a DataFrame carries NaN (the mixed-type path) but refuses infinity."""
    X, y = toy
    X_nan = X.copy()
    X_nan[5, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinity in column index\(es\) \[1\]"):
        _sampler().fit_resample(X_nan, y)
    X_inf = X.copy()
    X_inf[3, 0] = np.inf
    with pytest.raises(ValueError, match=r"NaN or infinity in column index\(es\) \[0\]"):
        _sampler().fit_resample(X_inf, y)
    df = pd.DataFrame(X_inf, columns=["left", "right"])
    with pytest.raises(ValueError, match=r"NaN or infinity in column\(s\) \['left'\]"):
        _sampler().fit_resample(df, y)
    df.loc[5, "right"] = np.nan  # NaN and infinity: the mixed path names the infinite column
    with pytest.raises(ValueError, match=r"infinity in column\(s\) \['left'\]"):
        _sampler().fit_resample(df, y)


def test_string_columns_of_a_frame_are_categoricals_but_arrays_need_numbers(toy):
    X, y = toy
    df = pd.DataFrame({"x0": X[:, 0], "colour": np.where(X[:, 1] > 0, "red", "blue"), "x1": X[:, 1],
                       "kind": pd.Categorical(np.where(X[:, 0] > 0, "a", "b"))})
    X_res, _ = _sampler().fit_resample(df, y)
    assert list(X_res.dtypes) == list(df.dtypes)
    assert set(X_res["colour"]) == {"red", "blue"} and set(X_res["kind"]) == {"a", "b"}
    rows = [[float(a), "v"] for a in X[:, 0]]
    with pytest.raises(ValueError, match=r"non-numeric column\(s\) 1 "):
        _sampler().fit_resample(rows, y.tolist())


def test_object_column_of_numbers_is_accepted(toy):
    X, y = toy
    df = pd.DataFrame({"a": X[:, 0], "b": X[:, 1].astype(object)})
    X_res, y_res = _sampler().fit_resample(df, y)
    assert len(X_res) == len(y_res) == 2000


def test_list_input_gives_list_output(toy):
    X, y = toy
    X_list, y_list = _sampler().fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list)
    X_arr, y_arr = _sampler().fit_resample(X, y)
    np.testing.assert_array_equal(np.asarray(X_list), X_arr)
    np.testing.assert_array_equal(np.asarray(y_list), y_arr)


# --------------------------------------------------------------------------- #
# oracle and its output
# --------------------------------------------------------------------------- #
def test_oracle_without_predict_proba_rejected(toy):
    X, y = toy
    with pytest.raises(TypeError, match=r"'oracle' parameter.*predict_proba.*NoProba"):
        _sampler(NoProba()).fit_resample(X, y)


def test_fit_like_object_that_is_not_an_estimator_is_used_as_is(toy):
    """Regression: check_is_fitted crashed on objects with fit but no __sklearn_tags__."""

    class FitLike(ConstantOracle):
        def fit(self, X, y):  # pragma: no cover - must not be called
            raise AssertionError("a non-estimator oracle is assumed fitted")

    X, y = toy
    oracle = FitLike(0.9)
    sampler = _sampler(oracle)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.oracle_ is oracle
    assert np.bincount(y_res).tolist() == [1000, 1000]


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda X: _proba(np.full(len(X) - 1, 0.9)), r"shape \((\d+), 2\) for (\d+) rows; expected shape \(\d+, 2\)"),
        (lambda X: np.full((len(X), 3), 0.3), r"shape \(\d+, 3\) .*expected shape \(\d+, 2\)"),
        (lambda X: np.full((len(X), 2, 1), 0.5), r"shape \(\d+, 2, 1\)"),
        (lambda X: _proba(np.where(np.arange(len(X)) % 100 == 0, np.nan, 0.9)), r"NaN for (\d+) of (\d+) rows"),
        (lambda X: _proba(np.where(np.arange(len(X)) == 7, 5.0, 0.9)), r"returned 5\.0 for class 1, outside \[0, 1\]"),
        (lambda X: _proba(np.full(len(X), -0.25)), r"returned -0\.25 .*outside \[0, 1\]"),
        (lambda X: np.full((len(X), 2), "x"), r"non-numeric values"),
    ],
    ids=["short", "columns", "3-d", "nan", "five", "negative", "strings"],
)
@pytest.mark.parametrize("gate", ["probability", "quantile"])
def test_bad_oracle_output_is_named(toy, fn, message, gate):
    X, y = toy
    with pytest.raises(ValueError, match=r"Returns\.predict_proba returned") as excinfo:
        _sampler(Returns(fn), gate=gate).fit_resample(X, y)
    found = re.search(message, str(excinfo.value))
    assert found, str(excinfo.value)
    if "NaN" in message:
        n_nan, n_rows = map(int, found.groups())
        assert n_nan == -(-n_rows // 100)  # every 100th row is NaN
    if "rows; expected" in message:
        got, n_rows = map(int, found.groups())
        assert got == n_rows - 1


def test_probabilities_within_rounding_of_the_unit_interval_are_accepted(toy):
    X, y = toy
    sampler = _sampler(Returns(lambda X: _proba(np.full(len(X), 1.0 + 1e-9))))
    _, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [1000, 1000]


def test_class_missing_from_oracle_classes_is_named(toy):
    X, y = toy
    oracle = LogisticRegression().fit(X, np.where(y == 1, 2, 0))
    with pytest.raises(ValueError, match=r"Class 1 is not among the oracle's classes_ \[0, 2\]"):
        _sampler(oracle).fit_resample(X, y)


def test_out_of_fold_reference_needs_an_estimator(toy):
    X, y = toy
    with pytest.raises(ValueError, match="reference_scores='out_of_fold'.*ConstantOracle is not one"):
        _sampler(gate="quantile", reference_scores="out_of_fold").fit_resample(X, y)


# --------------------------------------------------------------------------- #
# parameters (declarative constraints: the message names parameter, range and value)
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("threshold", [0, 0.0, 1, 1.0, 1.5, -0.2, "0.5"])
@pytest.mark.parametrize("gate", ["probability", "quantile"])
def test_threshold_outside_open_unit_interval_rejected(toy, threshold, gate):
    X, y = toy
    with pytest.raises(ValueError, match=r"'threshold' parameter .* range \(0(\.0)?, 1(\.0)?\)\. Got"):
        _sampler(threshold=threshold, gate=gate).fit_resample(X, y)


@pytest.mark.parametrize("param, value", [("batch_size", 0), ("max_rounds", 0), ("batch_size", 2.5),
                                          ("n_clusters", -1)])
def test_bad_batch_size_or_max_rounds_rejected(toy, param, value):
    X, y = toy
    with pytest.raises(ValueError, match=rf"'{param}' parameter .* int in the range \[1, inf\)\. Got {value}"):
        _sampler(**{param: value}).fit_resample(X, y)


@pytest.mark.parametrize(
    "param, value, names",
    [
        ("candidates", "smote", ["interpolate", "cluster_interpolate", "gaussian", "CandidateStrategy"]),
        ("gate", "odds", ["quantile", "probability"]),
        ("reference_scores", "cv", ["in_sample", "out_of_fold"]),
        ("on_shortfall", "ignore", ["raise", "warn"]),
        ("backend", "spark", ["numpy", "'run'"]),
        ("sampling_strategy", 1.5, ["sampling_strategy"]),
    ],
)
def test_bad_option_lists_the_valid_ones(toy, param, value, names):
    X, y = toy
    with pytest.raises(ValueError, match=rf"'{param}' parameter of OracleRejectionSampler") as excinfo:
        _sampler(**{param: value}).fit_resample(X, y)
    for name in names:
        assert name in str(excinfo.value)


# --------------------------------------------------------------------------- #
# shortfall
# --------------------------------------------------------------------------- #
def test_shortfall_raises_generation_error(toy):
    X, y = toy
    sampler = _sampler(ConstantOracle(0.1), batch_size=1000, max_rounds=3)
    with pytest.raises(GenerationError, match=r"threshold=0\.75, gate='probability'") as excinfo:
        sampler.fit_resample(X, y)
    message = str(excinfo.value)
    assert "acceptance rate 0" in message
    assert "0 of 900" in message
    assert "gate='quantile'" in message  # the advice


def test_zero_scores_never_pass_even_the_quantile_gate(toy):
    """An oracle that gives the class probability 0 everywhere (cut 0) accepts nothing."""
    X, y = toy
    sampler = _sampler(ConstantOracle(0.0), gate="quantile", batch_size=512, max_rounds=3)
    with pytest.raises(GenerationError, match=r"0 of 900 .*gate='quantile' \(cut 0 on P\(class \| x\)"):
        sampler.fit_resample(X, y)


def test_shortfall_after_max_rounds(toy):
    X, y = toy
    # accepts ~half of the candidates: 2 rounds of 100 cannot give 900 rows
    sampler = _sampler(HalfOracle(), batch_size=100, max_rounds=2, threshold=0.5)
    with pytest.raises(GenerationError, match="max_rounds=2|unreachable"):
        sampler.fit_resample(X, y)


def test_shortfall_warn_returns_partial_output(toy):
    X, y = toy
    sampler = _sampler(HalfOracle(), batch_size=100, max_rounds=2, threshold=0.5, on_shortfall="warn")
    with pytest.warns(UserWarning, match=r"threshold=0\.5.*|acceptance rate"):
        X_res, y_res = sampler.fit_resample(X, y)
    n_syn = len(X_res) - len(X)
    assert 0 < n_syn < 900
    assert n_syn == sampler.n_synthetic_[1]
    assert np.all(X_res[len(X):, 0] > 0)
    assert np.bincount(y_res).tolist() == [1000, 100 + n_syn]
