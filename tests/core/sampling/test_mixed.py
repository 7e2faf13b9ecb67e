"""The sampler on mixed-type DataFrames: categorical / boolean / text / missing columns in, the same dtypes out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from synthetic_intelligence.core.sampling import OracleRejectionSampler
from synthetic_intelligence.core.sampling.mixed import FrameCodec, needs_codec
from synthetic_intelligence.core.sampling.strategies import STRATEGIES, make_strategy
from tests.core.sampling.cases import ConstantOracle, single_thread  # noqa: F401

STRATEGY_NAMES = tuple(STRATEGIES)


def mixed_frame(n=800, seed=0):
    """A small credit-like table: float with NaN, int, category (an unused level, a majority-only level),
    text, bool, nullable boolean and integer with pd.NA, pandas ``str`` with missing values."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(np.int64)
    grade = np.where(y == 1, rng.choice(list("AB"), n), rng.choice(list("ABCZ"), n))
    frame = pd.DataFrame({
        "amount": rng.normal(size=n) + 1.5 * y,
        "count": rng.integers(0, 10, n).astype(np.int32),
        "grade": pd.Categorical(grade, categories=list("ABCDZ")),
        "state": np.where(rng.random(n) < 0.5, "NY", "CA").astype(object),
        "flag": rng.random(n) < 0.3,
        "nflag": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
        "nint": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 5, n)), dtype="Int64"),
        "term": pd.Series(np.where(rng.random(n) < 0.1, None, rng.choice(["36m", "60m"], n)), dtype="str"),
    })
    frame.loc[rng.random(n) < 0.2, "amount"] = np.nan
    return frame, pd.Series(y, name="target")


def _sampler(**kwargs):
    params = dict(oracle=ConstantOracle(0.9), gate="probability", threshold=0.5, batch_size=1024, random_state=0)
    params.update(kwargs)
    return OracleRejectionSampler(**params)


@pytest.mark.parametrize("candidates", STRATEGY_NAMES)
def test_same_dtypes_back_levels_from_the_class_and_real_rows_untouched(candidates):
    X, y = mixed_frame()
    sampler = _sampler(candidates=candidates)
    X_res, y_res = sampler.fit_resample(X, y)
    assert list(X_res.dtypes) == list(X.dtypes) and list(X_res.columns) == list(X.columns)
    assert X_res["grade"].dtype == X["grade"].dtype  # categories (and their order) kept
    assert isinstance(y_res, pd.Series) and y_res.name == "target" and y_res.dtype == y.dtype
    pd.testing.assert_frame_equal(X_res.iloc[: len(X)], X)
    synthetic, minority = X_res.iloc[len(X):], X[y == 1]
    assert len(synthetic) == sampler.n_synthetic_[1] > 0 and (y_res.iloc[len(X):] == 1).all()
    for column in ("grade", "state", "flag", "nflag", "term"):  # every value is one the class's rows hold
        assert set(synthetic[column].dropna()) <= set(minority[column].dropna()), column
    assert "Z" not in set(synthetic["grade"])  # a level only majority rows hold
    assert synthetic["count"].dtype == np.int32  # rounded, then cast back
    if candidates != "gaussian":  # interpolation stays inside the class's range
        assert synthetic["count"].between(minority["count"].min(), minority["count"].max()).all()
    assert (synthetic["nint"].dropna() % 1 == 0).all() and synthetic["nint"].isna().any()
    for column in ("amount", "nflag", "nint", "term"):  # missingness carried over, not dropped
        assert synthetic[column].isna().any(), column
    assert not synthetic[["count", "grade", "state", "flag"]].isna().any().any()
    assert sampler.feature_codec_.describe() == {
        "amount": "numeric", "count": "integer", "grade": "categorical", "state": "categorical", "flag": "boolean",
        "nflag": "boolean", "nint": "integer", "term": "categorical"}


def test_nearer_parent_gives_the_categoricals_and_the_missingness():
    """Two rows: every candidate's category, and whether it misses ``v``, come from the nearer parent; where only
    the farther parent misses ``v`` the candidate takes the nearer parent's value."""
    codec_rows = np.array([[0.0, np.nan, 10.0, 0.0],   # parent A: code 0, v missing
                           [1.0, 5.0, 20.0, np.nan]])  # parent B: code 1, v = 5, w missing
    parents = np.array([True, False, False, False])
    strategy = make_strategy("interpolate", n_clusters=8).fit(codec_rows, parents=parents)
    cand = strategy.generate(np.random.default_rng(0), 4000)
    from_a, from_b = cand[:, 0] == 0, cand[:, 0] == 1
    assert (from_a | from_b).all() and 0.4 < from_a.mean() < 0.6
    assert np.isnan(cand[from_a, 1]).all() and (cand[from_b, 1] == 5.0).all()
    assert (cand[from_a, 3] == 0.0).all() and np.isnan(cand[from_b, 3]).all()
    u = (cand[:, 2] - 10.0) / 10.0  # the numeric column is interpolated; the nearer parent is u's side
    assert ((u < 0.5) == from_a).all() and (u >= 0) .all() and (u <= 1).all()


def test_missing_share_is_carried_in_expectation():
    X, y = mixed_frame(n=3000, seed=1)
    X_res, _ = _sampler().fit_resample(X, y)
    real, synthetic = X[y == 1], X_res.iloc[len(X):]
    for column in ("amount", "nflag", "nint", "term"):
        assert abs(synthetic[column].isna().mean() - real[column].isna().mean()) < 0.05, column


def test_gaussian_keeps_parent_columns_and_missing_values_of_its_row():
    rows = np.array([[0.0, 1.0, np.nan], [1.0, 2.0, 3.0], [1.0, 2.5, 3.5], [0.0, 1.5, np.nan]])
    strategy = make_strategy("gaussian", n_clusters=1).fit(rows, parents=np.array([True, False, False]))
    cand = strategy.generate(np.random.default_rng(0), 2000)
    assert set(np.unique(cand[:, 0])) == {0.0, 1.0}
    assert (np.isnan(cand[:, 2]) == (cand[:, 0] == 0.0)).all()  # code 0 rows miss the third column
    assert np.isfinite(cand[:, 1]).all() and len(np.unique(cand[:, 1])) > 1000  # noise on numbers


def test_numeric_frame_without_missing_values_keeps_the_numeric_path():
    X, y = mixed_frame()
    numeric = X[["count"]].assign(amount=X["amount"].fillna(0.0))
    assert not needs_codec(numeric) and needs_codec(X) and needs_codec(numeric.assign(amount=X["amount"]))
    sampler = _sampler()
    X_frame, _ = sampler.fit_resample(numeric, y)
    assert sampler.feature_codec_ is None
    X_array, _ = _sampler().fit_resample(numeric.to_numpy(np.float64), y.to_numpy())
    np.testing.assert_array_equal(X_frame.to_numpy(np.float64)[len(X):, 1], X_array[len(X):, 1])


def test_default_oracle_uses_native_categoricals_and_rejects_implausible_combinations():
    """Minority rows are (grade A and x > 0) or (grade B and x < 0): interpolating an A row with a B row gives a
    candidate whose grade may not match the side of x; the HistGradientBoosting oracle, fitted on the categorical
    column natively, rejects most of them."""
    rng = np.random.default_rng(3)
    n = 4000
    x = rng.normal(size=n)
    grade = rng.choice(["A", "B"], n)
    y = (((grade == "A") & (x > 0.3)) | ((grade == "B") & (x < -0.3))) & (rng.random(n) < 0.4)
    X = pd.DataFrame({"x": x, "grade": pd.Categorical(grade), "noise": rng.normal(size=n)})
    y = y.astype(int)

    def implausible(rows):
        return float((((rows["grade"] == "A") & (rows["x"] < 0)) | ((rows["grade"] == "B") & (rows["x"] > 0))).mean())

    sampler = OracleRejectionSampler(random_state=0, batch_size=2048)
    gated, _ = sampler.fit_resample(X, y)
    assert isinstance(sampler.oracle_, HistGradientBoostingClassifier)
    assert sampler.oracle_.is_categorical_.tolist() == [False, True, False]
    unfiltered, _ = _sampler().fit_resample(X, y)
    assert implausible(unfiltered.iloc[n:]) > 0.04
    assert implausible(gated.iloc[n:]) < implausible(unfiltered.iloc[n:]) / 4


def test_out_of_fold_reference_and_a_prefit_oracle_on_mixed_frames():
    X, y = mixed_frame()
    sampler = OracleRejectionSampler(reference_scores="out_of_fold", random_state=0, batch_size=2048)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.reference_scores_ == "out_of_fold" and len(X_res) > len(X)
    codec = FrameCodec.from_frame(X)
    prefit = HistGradientBoostingClassifier(random_state=0).fit(codec.oracle_frame(codec.encode(X)), y)
    again = OracleRejectionSampler(oracle=prefit, random_state=0, batch_size=2048)
    X_again, _ = again.fit_resample(X, y)
    assert again.oracle_ is prefit and list(X_again.dtypes) == list(X.dtypes)


def test_seeded_output_is_reproducible_and_lists_and_arrays_of_y_work():
    X, y = mixed_frame()
    first, y_first = _sampler().fit_resample(X, y.tolist())
    second, y_second = _sampler().fit_resample(X, y.to_numpy())
    pd.testing.assert_frame_equal(first, second)
    assert isinstance(y_first, list) and isinstance(y_second, np.ndarray) and y_first == y_second.tolist()


def test_prepare_gives_tasks_on_the_work_matrix_and_decode_gives_the_dtypes():
    X, y = mixed_frame()
    sampler = _sampler()
    tasks, rng = sampler.prepare(X, y)
    rows = tasks[0].strategy.generate(rng, 50)
    assert rows.dtype == np.float64 and rows.shape == (50, X.shape[1])
    assert list(sampler.decode(rows).dtypes) == list(X.dtypes)


def test_infinity_and_all_missing_columns():
    X, y = mixed_frame()
    with pytest.raises(ValueError, match=r"infinity in column\(s\) \['amount'\]"):
        _sampler().fit_resample(X.assign(amount=X["amount"].replace(np.nan, np.inf)), y)
    X_res, _ = _sampler().fit_resample(X.assign(empty=np.nan), y)  # an all-missing column stays missing
    assert X_res["empty"].isna().all() and X_res["empty"].dtype == np.float64


@pytest.mark.spark
def test_spark_backend_on_a_mixed_frame(spark):
    from synthetic_intelligence.core.sampling.spark_executor import SparkExecutor

    X, y = mixed_frame()
    sampler = _sampler(backend=SparkExecutor(spark, n_partitions=2))
    X_res, _ = sampler.fit_resample(X, y)
    synthetic, minority = X_res.iloc[len(X):], X[y == 1]
    assert list(X_res.dtypes) == list(X.dtypes) and len(synthetic) == sampler.n_synthetic_[1] > 0
    assert set(synthetic["grade"].dropna()) <= set(minority["grade"]) and synthetic["amount"].isna().any()
    again, _ = _sampler(backend=SparkExecutor(spark, n_partitions=2)).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_res, again)


def test_lane_generation_in_two_steps_through_parquet_on_a_mixed_train(tmp_path):
    """The model_driven lane's table holds the work matrix (codes, NaN) and the plan its codec: read back, the
    training set equals the one-step one, in the train's dtypes."""
    import json

    from synthetic_intelligence.core.experiment import generation
    from synthetic_intelligence.core.schema import TARGET

    X, y = mixed_frame()
    train = X.assign(**{TARGET: y.to_numpy()})
    codec = FrameCodec.from_frame(X)
    oracle = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(codec.oracle_frame(codec.encode(X)), y)
    kw = {"threshold": 0.5, "ratio": 0.4, "random_state": 7, "batch_size": 2048, "max_rounds": 20}
    expected, _ = generation.oversample(train, oracle, **kw)
    table, plan = generation.generate_table(train, oracle, **kw)
    plan = json.loads(json.dumps(plan))  # the plan is a JSON dataset
    table.to_parquet(tmp_path / "accepted.parquet")
    train_set, report = generation.build_from_table(train, pd.read_parquet(tmp_path / "accepted.parquet"), plan)
    pd.testing.assert_frame_equal(train_set, expected)
    assert list(train_set.dtypes[list(X.columns)]) == list(X.dtypes) and report["n_synthetic"] > 0


@pytest.mark.spark
def test_spark_lane_table_of_a_mixed_train_reads_back_to_the_train_dtypes(spark, tmp_path):
    """The lane's Spark path: the executors write the work matrix (doubles, NaN or null), the plan's codec turns
    it back into the train's dtypes, and the training set equals the one fit_resample gives on the same backend."""
    from synthetic_intelligence.core.experiment import generation
    from synthetic_intelligence.core.sampling.spark_executor import SparkExecutor
    from synthetic_intelligence.core.schema import TARGET

    X, y = mixed_frame(n=600)
    train = X.assign(**{TARGET: y.to_numpy()})
    kw = {"threshold": 0.5, "ratio": 0.4, "random_state": 3, "batch_size": 1024, "max_rounds": 20,
          "backend": SparkExecutor(spark, n_partitions=2)}
    oracle = ConstantOracle(0.9)
    expected, _ = generation.oversample(train, oracle, **kw)
    table, plan = generation.generate_table(train, oracle, **kw)
    table.write.parquet(str(tmp_path / "accepted"))
    train_set, _ = generation.build_from_table(train, pd.read_parquet(tmp_path / "accepted"), plan)
    pd.testing.assert_frame_equal(train_set, expected)
    assert list(train_set.dtypes[list(X.columns)]) == list(X.dtypes) and train_set["is_synthetic"].any()


def test_remembered_scores_remember_mixed_frames_and_tell_them_apart():
    """The validation grid's memo (generation.RememberedScores) also works on the oracle frames of a mixed table:
    the same rows are scored once, a frame that differs in one category is scored again."""
    from synthetic_intelligence.core.experiment.generation import RememberedScores

    class Counting:
        classes_ = np.array([0, 1])
        calls = 0

        def predict_proba(self, X):
            Counting.calls += 1
            return np.column_stack([np.zeros(len(X)), np.ones(len(X))])

    X, _ = mixed_frame()
    codec = FrameCodec.from_frame(X)
    remembered = RememberedScores(Counting())
    remembered.predict_proba(codec.oracle_frame(codec.encode(X)))
    remembered.predict_proba(codec.oracle_frame(codec.encode(X)))
    assert Counting.calls == 1
    other = X.copy()
    other.loc[0, "grade"] = "B" if other.loc[0, "grade"] != "B" else "A"
    remembered.predict_proba(codec.oracle_frame(codec.encode(other)))
    assert Counting.calls == 2
