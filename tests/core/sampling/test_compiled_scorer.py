"""The compiled scorer of the default oracle gives the estimator's own probabilities and the same accepted rows."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.sampling import OracleRejectionSampler, ProbaScorer, tree_predictor
from synthetic_intelligence.core.sampling.scorer import CompiledTreeScorer

pytestmark = pytest.mark.skipif(not tree_predictor.numba_available(), reason="numba is not installed")


def _data(n=1500, n_classes=2, seed=0, nan_share=0.0):
    X, y = make_classification(n_samples=n, n_features=8, n_informative=5, n_classes=n_classes,
                               weights=[0.85] + [0.15 / (n_classes - 1)] * (n_classes - 1), random_state=seed)
    rng = np.random.default_rng(seed)
    if nan_share:
        X[rng.random(X.shape) < nan_share] = np.nan
    return X, y


def _candidates(X, n=5000, seed=1):
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, X.shape[0], n), rng.integers(0, X.shape[0], n)
    u = rng.random((n, 1))
    C = np.where(np.isnan(X[i]), X[j], X[i] + u * (X[j] - X[i]))
    C[:20] = X[:20]  # real rows: values equal to bin edges and thresholds occur
    C[20, 0], C[21, 1], C[22, 2] = 1e30, -1e30, np.nan
    return C


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("nan_share", [0.0, 0.05])
def test_compiled_predict_proba_equals_the_estimators_bit_for_bit(n_classes, nan_share):
    X, y = _data(n_classes=n_classes, nan_share=nan_share)
    model = HistGradientBoostingClassifier(max_iter=12, max_leaf_nodes=15, random_state=0).fit(X, y)
    compiled = tree_predictor.compile_hgb(model)
    assert compiled is not None
    C = _candidates(X)
    for dtype in (np.float64, np.float32):
        Cd = C.astype(dtype)
        assert np.array_equal(compiled.predict_proba(Cd), model.predict_proba(Cd))
    # empty batch and odd sizes (lockstep lanes plus a tail, several blocks)
    assert compiled.predict_proba(C[:0].astype(np.float32)).shape == (0, n_classes)
    n = tree_predictor.BLOCK_ROWS + 37
    assert np.array_equal(compiled.predict_proba(C[:n]), model.predict_proba(C[:n]))


def test_blocks_with_and_without_missing_values_take_their_own_path_and_agree():
    """A block without NaN takes the path with no missing-value test; one NaN sends its block down the general
    path. A model trained with missing values (NaN sent right at some nodes) scores both exactly."""
    X, y = _data(nan_share=0.05, seed=3)
    model = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=31, random_state=0).fit(X, y)
    compiled = tree_predictor.compile_hgb(model)
    assert compiled.nan_right.any()  # some node sends a NaN right: the general path matters
    block = tree_predictor.BLOCK_ROWS
    C = _candidates(np.nan_to_num(X), n=4 * block + 13)  # finite everywhere but row 22 (block 0)
    C[2 * block + 5, 3] = np.nan  # block 2 has one NaN; blocks 1, 3 and the tail block have none
    assert not tree_predictor._block_any_nan(C, block, 2 * block)
    assert tree_predictor._block_any_nan(C, 2 * block, 3 * block)
    for dtype in (np.float64, np.float32):
        Cd = C.astype(dtype)
        assert np.array_equal(compiled.predict_proba(Cd), model.predict_proba(Cd))
    finite = np.nan_to_num(C)[:8 * 7 + 3]  # one block: 7 lockstep groups and a tail of 3
    assert np.array_equal(compiled.predict_proba(finite), model.predict_proba(finite))


def test_float32_thresholds_round_down_exactly():
    thr = np.array([0.1, -0.1, 1.0, np.inf, -np.inf, 3.4e38, 1e300, -1e300])
    t32 = tree_predictor._round_down_float32(thr)
    assert np.all(t32.astype(np.float64) <= thr)
    finite = np.isfinite(t32)
    with np.errstate(over="ignore"):  # float32's largest value steps to inf
        above = np.nextafter(t32[finite], np.float32(np.inf))
    assert np.all(above.astype(np.float64) > thr[finite])


def test_for_class_uses_the_compiled_scorer_only_where_it_is_exact():
    X, y = _data()
    hgb = HistGradientBoostingClassifier(max_iter=4, random_state=0).fit(X, y)
    assert type(ProbaScorer.for_class(hgb, 1, np.array([0, 1]))) is CompiledTreeScorer
    assert type(ProbaScorer.for_class(hgb, 1, np.array([0, 1]), compiled=False)) is ProbaScorer
    lr = LogisticRegression().fit(X, y)
    assert type(ProbaScorer.for_class(lr, 1, np.array([0, 1]))) is ProbaScorer
    Xc = X.copy()
    Xc[:, 0] = np.floor(np.abs(Xc[:, 0]) * 2) % 4
    categorical = HistGradientBoostingClassifier(max_iter=4, categorical_features=[0], random_state=0).fit(Xc, y)
    assert tree_predictor.compile_hgb(categorical) is None
    assert type(ProbaScorer.for_class(categorical, 1, np.array([0, 1]))) is ProbaScorer
    names = [f"f{i}" for i in range(X.shape[1])]
    framed = HistGradientBoostingClassifier(max_iter=4, random_state=0).fit(pd.DataFrame(X, columns=names), y)
    assert type(ProbaScorer.for_class(framed, 1, np.array([0, 1]), feature_names=names)) is CompiledTreeScorer
    assert type(ProbaScorer.for_class(framed, 1, np.array([0, 1]), feature_names=names[::-1])) is ProbaScorer


def test_compiled_scorer_pickles_and_scores_like_the_plain_one():
    X, y = _data()
    hgb = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    fast = pickle.loads(pickle.dumps(ProbaScorer.for_class(hgb, 0, np.array([0, 1]))))
    plain = ProbaScorer.for_class(hgb, 0, np.array([0, 1]), compiled=False)
    C = _candidates(X).astype(np.float32)
    assert np.array_equal(fast(C), plain(C))
    assert fast(C).dtype == plain(C).dtype


@pytest.mark.parametrize("candidates", ["interpolate", "gaussian"])
def test_sampler_accepts_the_same_rows_with_and_without_the_compiled_scorer(monkeypatch, candidates):
    X, y = _data(n=1000, n_classes=3)
    X = X.astype(np.float32)

    def run():
        oracle = HistGradientBoostingClassifier(max_iter=15, random_state=0)
        sampler = OracleRejectionSampler(oracle=oracle, random_state=3, candidates=candidates, batch_size=2048)
        X_res, y_res = sampler.fit_resample(X, y)
        return X_res, y_res, sampler

    X_fast, y_fast, fast = run()
    monkeypatch.setattr(tree_predictor, "compile_hgb", lambda estimator: None)
    X_plain, y_plain, plain = run()
    assert np.array_equal(X_fast, X_plain) and np.array_equal(y_fast, y_plain)
    assert fast.thresholds_ == plain.thresholds_ and fast.rounds_[0]["accepted"] == plain.rounds_[0]["accepted"]
    # every accepted row at or above its class's cut under the estimator's own predict_proba
    n = X.shape[0]
    for label, cut in fast.thresholds_.items():
        rows = X_fast[n:][y_fast[n:] == label]
        column = list(fast.oracle_.classes_).index(label)
        assert rows.shape[0] > 0 and np.all(fast.oracle_.predict_proba(rows)[:, column] >= cut)


def test_executor_keeps_accepted_rows_in_order_without_a_final_concatenation():
    """The accepted rows fill one array of the target size in generation order; a short class returns only the
    rows it got; rows of another dtype than the strategy's are still kept (as chunks)."""
    from synthetic_intelligence.core.sampling import ClassTask, NumpyExecutor, make_strategy

    X, y = _data(n=600)
    rows = X[y == 1].astype(np.float32)
    strategy = make_strategy("interpolate", n_clusters=2).fit(rows, seed=0)

    def scorer(c):
        return (c[:, 0] > np.median(rows[:, 0])).astype(float)

    task = ClassTask(label=1, n_needed=500, strategy=strategy, scorer=scorer, cut=0.5, batch_size=256, max_rounds=50)
    result = NumpyExecutor().run(task, np.random.default_rng(0))
    assert result.accepted.shape == (500, rows.shape[1]) and result.accepted.dtype == np.float32
    assert result.accepted.base is None  # the array itself, not a view of a larger buffer
    again = NumpyExecutor().run(task, np.random.default_rng(0))
    assert np.array_equal(result.accepted, again.accepted)
    short = NumpyExecutor().run(
        ClassTask(label=1, n_needed=10**6, strategy=strategy, scorer=scorer, cut=0.5, batch_size=256, max_rounds=2),
        np.random.default_rng(0))
    assert short.shortfall and 0 < short.accepted.shape[0] < 10**6 and short.accepted.base is None

    class Float64Rows(type(strategy)):
        def generate(self, rng, m):
            return super().generate(rng, m).astype(np.float64)

    odd = Float64Rows().fit(rows, seed=0)
    mixed = NumpyExecutor().run(ClassTask(label=1, n_needed=300, strategy=odd, scorer=scorer, cut=0.5,
                                          batch_size=256, max_rounds=50), np.random.default_rng(0))
    assert mixed.accepted.shape[0] == 300 and mixed.accepted.dtype == np.float64


def test_compiled_scores_in_a_forked_child_after_the_parent_used_its_threads():
    """Spark's Python workers are forked: the thread pool of the parent has no threads there."""
    import multiprocessing

    X, y = _data()
    compiled = tree_predictor.compile_hgb(HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y))
    C = _candidates(X, n=3 * tree_predictor._MIN_PARALLEL_ROWS)
    expected = compiled.predict_proba(C)  # the parent's pool is started
    with multiprocessing.get_context("fork").Pool(1) as pool:
        got = pool.apply_async(compiled.predict_proba, (C,)).get(timeout=120)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_interpolation_equals_numpys_bit_for_bit(dtype):
    """The compiled pass (in parts on the pool) rounds each step as numpy's in-place passes do: same bits,
    NaN included, over magnitudes where a fused multiply-add would differ."""
    from synthetic_intelligence.core.sampling import strategies

    rng = np.random.default_rng(7)
    rows = (rng.normal(size=(3000, 9)) * np.array([1e-20, 1e-3, 1, 3, 1e5, 1e30, 7, 1, 1])).astype(dtype)
    rows[11, 2] = np.nan
    m = 4 * strategies._MIN_COMPILED_ROWS + 5  # several parts and an odd tail
    i = rng.integers(0, rows.shape[0], m)
    j = (i + rng.integers(1, rows.shape[0], m)) % rows.shape[0]
    u = rng.random(m, dtype=dtype)
    got = strategies._interpolate(rows, i, j, u)
    want = strategies._interpolate_numpy(rows, i, j, u)
    bits = np.int32 if dtype == np.float32 else np.int64
    assert got.dtype == dtype and np.array_equal(got.view(bits), want.view(bits))


def test_the_sampler_gives_the_same_rows_with_and_without_the_compiled_interpolation(monkeypatch):
    from synthetic_intelligence.core.sampling import strategies

    X, y = _data(n=4000, seed=2)
    kw = {"oracle": HistGradientBoostingClassifier(max_iter=10, random_state=0), "random_state": 3,
          "batch_size": 4 * strategies._MIN_COMPILED_ROWS, "sampling_strategy": 1.0}
    compiled = OracleRejectionSampler(**kw).fit_resample(X.astype(np.float32), y)
    assert callable(strategies._interpolate_rows)  # the compiled pass was built and used
    monkeypatch.setattr(strategies, "_interpolate_rows", None)
    plain = OracleRejectionSampler(**kw).fit_resample(X.astype(np.float32), y)
    assert np.array_equal(compiled[0], plain[0]) and np.array_equal(compiled[1], plain[1])
