"""The Spark backend of generate-and-gate: no shuffle, same accepted set as numpy, reproducible, retried tasks."""

from __future__ import annotations

import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.sampling import (
    ClassTask,
    GenerationError,
    OracleRejectionSampler,
    ProbaScorer,
)
from synthetic_intelligence.core.sampling.spark_executor import (
    SparkExecutor,
    split_frame,
)
from synthetic_intelligence.core.sampling.strategies import make_strategy

pytestmark = pytest.mark.spark

# The oracles below are classes of this test module: ship them to the Python workers by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=3000, n_features=6, n_informative=4, weights=[0.9], random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def oracle(data):
    X, y = data
    return LogisticRegression().fit(X, y)


def _task(data, oracle, n_needed=2000, cut=0.5):
    X, y = data
    strategy = make_strategy("interpolate", n_clusters=8).fit(X[y == 1], seed=0)
    scorer = ProbaScorer.for_class(oracle, 1, np.array([0, 1]))
    return ClassTask(label=1, n_needed=n_needed, strategy=strategy, scorer=scorer, cut=cut, batch_size=4096,
                     max_rounds=20)


class FlakyOracle:
    """The wrapped oracle, except that the first call anywhere (marked by a file) raises."""

    def __init__(self, inner, marker: Path, always: bool = False):
        self.inner, self.marker, self.always = inner, str(marker), always
        self.classes_ = inner.classes_

    def predict_proba(self, X):
        if self.always:
            raise RuntimeError("oracle always fails (test)")
        if not Path(self.marker).exists():
            Path(self.marker).write_text("failed once")
            raise RuntimeError("oracle fails on its first call (test)")
        return self.inner.predict_proba(X)


def test_generate_and_gate_plan_has_no_exchange(spark, data, oracle):
    plan = SparkExecutor(spark, n_partitions=3).plan(_task(data, oracle), np.random.default_rng(0))
    assert "MapInPandas" in plan and "Range" in plan
    assert "Exchange" not in plan


def test_quotas_partition_order_and_every_row_at_or_above_the_cut(spark, data, oracle):
    task = _task(data, oracle, n_needed=1001)
    executor = SparkExecutor(spark, n_partitions=4)
    table = executor.frame(task, np.random.default_rng(1)).toArrow()
    pids = table.column("_partition").to_numpy()
    stats_rows = table.column("_stats").is_valid().to_numpy(zero_copy_only=False)
    assert np.all(np.diff(pids) >= 0)  # collected partition by partition, no shuffle
    assert np.bincount(pids[~stats_rows]).tolist() == [251, 250, 250, 250]
    result = split_frame(table, task.strategy.n_features_, task.strategy.out_dtype_)
    assert result.accepted.shape == (1001, 6) and result.accepted.dtype == np.float32
    assert result.shortfall is None and result.n_accepted >= 1001 and result.n_candidates > result.n_accepted
    assert oracle.predict_proba(result.accepted)[:, 1].min() >= 0.5


def test_numpy_and_spark_backends_accept_statistically_the_same_set(spark, data, oracle):
    X, y = data
    # uniform proposals: the same distribution on both backends (adaptive weights are learnt per partition on
    # Spark, from fewer candidates, so their acceptance differs by design; test_proposals checks their gate)
    kwargs = {"oracle": oracle, "gate": "probability", "threshold": 0.6, "batch_size": 4096, "random_state": 5,
              "proposals": "uniform"}
    numpy_sampler = OracleRejectionSampler(backend="numpy", **kwargs)
    spark_sampler = OracleRejectionSampler(backend=SparkExecutor(spark, n_partitions=3), **kwargs)
    X_n, y_n = numpy_sampler.fit_resample(X, y)
    X_s, y_s = spark_sampler.fit_resample(X, y)
    assert np.bincount(y_n).tolist() == np.bincount(y_s).tolist()
    assert X_s[: len(X)].tobytes() == X.tobytes()
    syn_n, syn_s = X_n[len(X):], X_s[len(X):]
    assert oracle.predict_proba(syn_s)[:, 1].min() >= 0.6 and oracle.predict_proba(syn_n)[:, 1].min() >= 0.6
    # acceptance rates within 4 binomial standard errors of each other
    p_n, p_s = numpy_sampler.acceptance_rate_, spark_sampler.acceptance_rate_
    se = np.sqrt(p_n * (1 - p_n) / numpy_sampler.n_candidates_ + p_s * (1 - p_s) / spark_sampler.n_candidates_)
    assert abs(p_n - p_s) < 4 * se, (p_n, p_s)
    # the accepted sets have the same per-feature means (within 4 standard errors) and no row in common
    sd = np.sqrt(syn_n.var(axis=0) / len(syn_n) + syn_s.var(axis=0) / len(syn_s))
    assert np.all(np.abs(syn_n.mean(axis=0) - syn_s.mean(axis=0)) < 4 * sd)
    assert spark_sampler.n_rounds_ >= 1 and spark_sampler.seconds_score_ > 0


def test_same_seed_and_partitioning_reproduce_the_rows(spark, data, oracle):
    X, y = data

    def run(seed, n_partitions):
        sampler = OracleRejectionSampler(oracle=oracle, backend=SparkExecutor(spark, n_partitions=n_partitions),
                                         random_state=seed)
        return sampler.fit_resample(X, y)[0]

    first = run(7, 3)
    assert first.tobytes() == run(7, 3).tobytes()
    assert first.tobytes() != run(8, 3).tobytes()
    assert first[len(X):].tobytes() != run(7, 2)[len(X):].tobytes()  # the rows depend on the partitioning


def test_adaptive_proposals_on_spark_reproduce_pass_the_gate_and_report_rounds(spark):
    import tests.core.sampling.test_proposals as toy
    from tests.core.sampling.test_proposals import NearGoodCentre, two_clusters

    cloudpickle.register_pickle_by_value(toy)  # the toy oracle travels by value to the Python workers
    X, y = two_clusters(seed=7)

    def run(seed, proposals="adaptive"):
        sampler = OracleRejectionSampler(oracle=NearGoodCentre(), gate="probability", batch_size=256,
                                         proposals=proposals, random_state=seed,
                                         backend=SparkExecutor(spark, n_partitions=2))
        return sampler, sampler.fit_resample(X, y)[0]

    adaptive, rows = run(3)
    assert rows.tobytes() == run(3)[1].tobytes()
    assert rows.tobytes() != run(4)[1].tobytes()
    synthetic = rows[len(X):]
    assert synthetic.shape[0] == np.count_nonzero(y == 0) - np.count_nonzero(y == 1)
    assert NearGoodCentre().predict_proba(synthetic)[:, 1].min() >= 0.5
    uniform, _ = run(3, "uniform")
    assert adaptive.acceptance_rate_ > uniform.acceptance_rate_ + 0.1  # each partition learns its own weights
    assert len(adaptive.rounds_) >= 2 and adaptive.rounds_[-1]["acceptance_rate"] > adaptive.rounds_[0]["acceptance_rate"]


def test_a_task_that_raises_once_is_retried_and_the_output_is_identical(spark, data, oracle, tmp_path):
    marker = tmp_path / "failed"
    executor = SparkExecutor(spark, n_partitions=2)
    retried = executor.run(_task(data, FlakyOracle(oracle, marker), n_needed=500), np.random.default_rng(3))
    reference = executor.run(_task(data, oracle, n_needed=500), np.random.default_rng(3))
    assert marker.read_text() == "failed once"  # a task did fail, and Spark ran it again
    assert retried.shortfall is None and len(retried.accepted) == 500
    assert retried.accepted.tobytes() == reference.accepted.tobytes()
    assert (retried.n_candidates, retried.n_accepted) == (reference.n_candidates, reference.n_accepted)


def test_a_task_that_always_raises_fails_the_run_with_the_tasks_error(spark, data, oracle, tmp_path):
    task = _task(data, FlakyOracle(oracle, tmp_path / "unused", always=True), n_needed=100)
    with pytest.raises(Exception, match="oracle always fails"):
        SparkExecutor(spark, n_partitions=2).run(task, np.random.default_rng(0))


def test_a_shortfall_names_the_partitions_and_the_sampler_raises(spark, data, oracle):
    X, y = data
    sampler = OracleRejectionSampler(oracle=oracle, gate="probability", threshold=0.999999, batch_size=512,
                                     max_rounds=2, backend=SparkExecutor(spark, n_partitions=2), random_state=0)
    with pytest.raises(GenerationError, match="Spark partitions fell short"):
        sampler.fit_resample(X, y)


def test_default_partitions_follow_parallelism_and_size(spark, data, oracle):
    task = _task(data, oracle, n_needed=1000)
    assert SparkExecutor(spark).partitions_for(task) == spark.sparkContext.defaultParallelism
    assert SparkExecutor(spark, max_partition_elements=600).partitions_for(task) == 10
    with pytest.raises(ValueError, match="n_partitions"):
        SparkExecutor(spark, n_partitions=0)


@pytest.mark.h2o
def test_mojo_oracle_is_scored_inside_executors(spark, tiny_h2o_models):
    from synthetic_intelligence.core.engines.mojo import MojoOracle

    train = tiny_h2o_models["train"]
    X = train[tiny_h2o_models["features"]]
    y = train["target"].to_numpy()
    mojo = MojoOracle(tiny_h2o_models["se"]["mojo"], n_threads=-1)
    kwargs = {"oracle": mojo, "gate": "probability", "threshold": 0.5, "batch_size": 2048, "random_state": 2}
    spark_sampler = OracleRejectionSampler(backend=SparkExecutor(spark, n_partitions=2), **kwargs)
    X_s, _ = spark_sampler.fit_resample(X, y)
    numpy_sampler = OracleRejectionSampler(**kwargs)
    numpy_sampler.fit_resample(X, y)
    synthetic = X_s.iloc[len(X):]
    assert len(synthetic) == int((y == 0).sum() - (y == 1).sum())
    assert mojo.predict_proba(synthetic)[:, 1].min() >= 0.5  # rescored on the driver: the same numbers
    p_n, p_s = numpy_sampler.acceptance_rate_, spark_sampler.acceptance_rate_
    se = np.sqrt(p_n * (1 - p_n) / numpy_sampler.n_candidates_ + p_s * (1 - p_s) / spark_sampler.n_candidates_)
    assert abs(p_n - p_s) < 4 * se
