import numpy as np
import pandas as pd
import pytest
from kedro.runner import SequentialRunner
from kedro_datasets.pandas import ParquetDataset
from sklearn.ensemble import HistGradientBoostingClassifier

from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.sampling import GenerationError
from synthetic_intelligence.pipelines.model_driven import create_pipeline as model_driven_pipeline
from synthetic_intelligence.pipelines.model_driven import nodes as gen_nodes
from synthetic_intelligence.pipelines.oracle import create_pipeline as oracle_pipeline
from synthetic_intelligence.pipelines.oracle.nodes import train_oracle
from tests.lane_data import lane_catalog

CHEAP = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
         "estimator_kwargs": {"max_iter": 30, "random_state": 0}}
PARAMS = {"seed": 0, "threshold": None, "ratio": None,
          "sampler": {"candidates": "interpolate", "batch_size": 4096, "max_rounds": 20},
          "tuning": {"enabled": True, "thresholds": [0.5, 0.8], "ratios": [0.2, 0.4], "learner": CHEAP}}
EVALUATION = {"n_boot": 50, "alpha": 0.05, "seed": 0}


@pytest.fixture(scope="module")
def oracle(tiny_world):
    X, y = learners.split_xy(tiny_world["train"])
    return HistGradientBoostingClassifier(max_iter=50, random_state=0).fit(X, y)


def test_train_oracle_reports_validation_auprc(tiny_world):
    model, leaderboard, report = train_oracle(tiny_world["train"], tiny_world["validation"], CHEAP, EVALUATION)
    assert report["validation_auprc_ci_low"] <= report["validation_auprc"] <= report["validation_auprc_ci_high"]
    assert report["validation_auprc"] > tiny_world["validation"]["target"].mean()
    assert report["note"] == ""  # no AutoML leaderboard selection on validation for a sklearn oracle


def test_choose_setting_grid_is_on_validation_and_picks_its_best(tiny_world, oracle):
    grid, choice = gen_nodes.choose_setting(tiny_world["train"], tiny_world["validation"], oracle, PARAMS)
    assert len(grid) == 1 + 4 and grid["reference"].sum() == 1
    best = grid[~grid["reference"]]["validation_auprc"].max()
    assert choice["validation_auprc"] == pytest.approx(best)
    assert (choice["threshold"], choice["ratio"]) in {(0.5, 0.2), (0.5, 0.4), (0.8, 0.2), (0.8, 0.4)}
    assert choice["chosen_on"] == "validation"
    ref = grid.loc[grid["reference"], "validation_auprc"].iloc[0]
    assert choice["no_oversampling_better_on_validation"] == (ref > best)


def test_fixed_setting_when_tuning_disabled(tiny_world, oracle):
    params = {**PARAMS, "threshold": 0.75, "ratio": 0.5, "tuning": {**PARAMS["tuning"], "enabled": False}}
    grid, choice = gen_nodes.choose_setting(tiny_world["train"], tiny_world["validation"], oracle, params)
    assert choice == {"threshold": 0.75, "ratio": 0.5, "chosen_on": "fixed", "tuned": False}


def generate(train, oracle, choice, params, tmp_path=None):
    """The generate node, its table written and read back (Spark: through SparkDataset), then build_train_set."""
    table, plan = gen_nodes.generate(train, oracle, choice, params)
    if not isinstance(table, pd.DataFrame):  # a lazy Spark DataFrame
        from kedro_datasets.spark import SparkDataset

        SparkDataset(filepath=str(tmp_path / "accepted_rows.parquet")).save(table)
        table = ParquetDataset(filepath=str(tmp_path / "accepted_rows.parquet")).load()
    return gen_nodes.build_train_set(train, table, plan)


def test_generate_appends_gated_synthetic_rows(tiny_world, oracle):
    train = tiny_world["train"]
    train_set, report = generate(train, oracle, {"threshold": 0.7, "ratio": 0.3}, PARAMS)
    synthetic = train_set[train_set["is_synthetic"]]
    assert len(synthetic) == report["n_synthetic"] > 0
    assert train_set.iloc[: len(train)].drop(columns="is_synthetic").equals(train)
    assert (synthetic["target"] == 1).all()
    X = synthetic.drop(columns=["target", "is_synthetic"])
    assert (oracle.predict_proba(X)[:, 1] >= 0.7).all()
    n_min, n_maj = (train_set["target"] == 1).sum(), (train_set["target"] == 0).sum()
    assert n_min == int(0.3 * n_maj)
    assert 0 < report["acceptance_rate"] <= 1 and report["rounds"]


class Never:
    """An oracle that never finds a candidate minority-like."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        return np.column_stack([np.ones(len(X)), np.zeros(len(X))])


def test_generate_unreachable_threshold_fails_the_lane_naming_it(tiny_world):
    train_set, report = generate(tiny_world["train"], Never(), {"threshold": 0.9, "ratio": 0.5},
                                 {**PARAMS, "sampler": {"max_rounds": 3, "batch_size": 512}})
    assert train_set.empty and list(train_set.columns) == [*tiny_world["train"].columns, "is_synthetic"]
    assert report["failed"] and report["error"] == GenerationError.__name__ and "threshold" in report["reason"]


def test_no_working_grid_point_fails_the_lane_through_both_steps(tiny_world):
    params = {**PARAMS, "sampler": {"max_rounds": 2, "batch_size": 512}}
    grid, choice = gen_nodes.choose_setting(tiny_world["train"], tiny_world["validation"], Never(), params)
    assert choice["failed"] and "no (threshold, ratio) of the grid" in choice["reason"]
    train_set, report = generate(tiny_world["train"], Never(), choice, params)
    assert train_set.empty and report["failed"] and report["reason"] == choice["reason"]
    assert report["error"] == "GenerationError"


def test_model_driven_sliced_pipelines_oracle_to_metrics(tiny_world, tmp_path):
    catalog = lane_catalog(tiny_world, ["model_driven"], {"hgb": CHEAP}, specs=True, **{
        "params:oracle": CHEAP, "params:generation": PARAMS})
    for name in ("model_driven.accepted_rows@spark", "model_driven.accepted_rows@pandas"):  # transcoded: one file
        catalog[name] = ParquetDataset(filepath=str(tmp_path / "accepted_rows.parquet"))
    pipeline = oracle_pipeline() + model_driven_pipeline(["hgb"])
    outputs = SequentialRunner().run(pipeline, catalog)
    lane = outputs["model_driven.metrics"].load()
    metrics = lane["learners"]["hgb"]
    assert lane["status"] == "ok" and metrics["train"]["synthetic_rows"] > 0
    for holdout in ("holdout_iid", "holdout_new_world"):
        assert metrics[holdout]["auprc_ci_low"] <= metrics[holdout]["auprc"] <= metrics[holdout]["auprc_ci_high"]
    prov = lane["provenance"]
    assert prov["n_synthetic"] == metrics["train"]["synthetic_rows"]
    assert prov["sampler"] == "OracleRejectionSampler" and prov["sampler_seed"] == PARAMS["seed"]
    assert {"threshold", "ratio", "gate", "candidates"} <= set(prov["sampler_params"])


def test_generation_is_part_of_the_model_driven_namespace():
    pipe = model_driven_pipeline(["hgb"])
    assert {n.namespace for n in pipe.nodes} == {"model_driven", "model_driven.hgb"}
    assert {"model_driven.choose_setting", "model_driven.generate", "model_driven.build_train_set"} <= {
        n.name for n in pipe.nodes}
    assert pipe.inputs() == {"train", "validation", "holdout_iid", "holdout_new_world", "oracle",
                             "params:generation", "learners.hgb.spec", "params:evaluation", "model_driven.versions"}
    assert {"model_driven.generation_grid", "model_driven.accepted_rows@spark", "model_driven.generation_plan"} <= (
        pipe.all_outputs())
    assert "model_driven.accepted_rows@pandas" in pipe.only_nodes("model_driven.build_train_set").inputs()


@pytest.mark.parametrize(("change", "named"), [
    ({"threshold": 1.5}, "threshold"),
    ({"ratio": -0.5}, "ratio"),
    ({"sampler": {"candidates": "bogus"}}, "bogus"),
    ({"sampler": {"threshold": 0.3}}, "sampler.threshold"),
    ({"tuning": {**PARAMS["tuning"], "thresholds": [0.5, 1.2]}}, "1.2"),
    ({"tuning": {**PARAMS["tuning"], "learner": {**CHEAP, "max_models": "abc"}}}, "max_models"),
    ({"tuning": {**PARAMS["tuning"], "enabled": False}}, "must both be set"),
    ({"seeed": 1}, "seeed"),
])
def test_generation_parameters_are_checked_naming_the_problem(change, named):
    with pytest.raises(ValueError, match=named):
        GenerationParams.model_validate({**PARAMS, **change})


def test_fixed_setting_while_tuning_is_reported_unused():
    with pytest.warns(UserWarning, match="generation.threshold unused"):
        GenerationParams.model_validate({**PARAMS, "threshold": 0.6})


@pytest.mark.spark
def test_generate_with_the_spark_backend_keeps_the_train_set_contract(spark, tiny_world, oracle, tmp_path):
    train = tiny_world["train"]
    choice = {"threshold": 0.7, "ratio": 0.3}
    params = {**PARAMS, "backend": "spark", "spark_partitions": 2}
    train_set, report = generate(train, oracle, choice, params, tmp_path)
    _, numpy_report = generate(train, oracle, choice, PARAMS)
    synthetic = train_set[train_set["is_synthetic"]]
    assert report["backend"] == "SparkExecutor" and numpy_report["backend"] == "numpy"
    assert len(synthetic) == report["n_synthetic"] == numpy_report["n_synthetic"] > 0
    assert train_set.iloc[: len(train)].drop(columns="is_synthetic").equals(train)
    assert list(train_set.columns) == [*train.columns, "is_synthetic"] and (synthetic["target"] == 1).all()
    X = synthetic.drop(columns=["target", "is_synthetic"])
    assert (oracle.predict_proba(X)[:, 1] >= report["cuts"]["1"]).all()
    assert report["rounds"] and 0 < report["acceptance_rate"] <= 1


def test_backend_parameter_is_checked_before_the_run():
    with pytest.raises(ValueError, match="backend"):
        GenerationParams.model_validate({**PARAMS, "backend": "dask"})
    with pytest.raises(ValueError, match="sampler.backend is set by the pipeline"):
        GenerationParams.model_validate({**PARAMS, "sampler": {"backend": "numpy"}})
    with pytest.warns(UserWarning, match="spark_partitions unused"):
        GenerationParams.model_validate({**PARAMS, "spark_partitions": 4})


@pytest.mark.spark
def test_spark_backend_writes_versioned_parquet_from_spark_and_the_lane_reads_it_as_pandas(
        spark, tiny_world, oracle, tmp_path, monkeypatch):
    """The generate step's rows: a lazy Spark DataFrame saved by SparkDataset (versioned, part files), read back by
    transcoding as pandas; the train_set is train plus those rows; nothing is collected on the driver."""
    from kedro.io import Version
    from kedro_datasets.spark import SparkDataset
    from pyspark.sql import DataFrame

    from synthetic_intelligence.core.sampling.accepted import STATS_COLUMNS, accepted_rows
    from synthetic_intelligence.core.sampling.spark_executor import SparkExecutor

    params = {**PARAMS, "backend": "spark", "spark_partitions": 3, "threshold": 0.6, "ratio": 0.3,
              "tuning": {**PARAMS["tuning"], "enabled": False}}
    path = tmp_path / "accepted_rows.parquet"
    version = "2026-01-01T00.00.00.000Z"
    catalog = lane_catalog(tiny_world, ["model_driven"], {"hgb": CHEAP}, specs=True, **{
        "params:generation": params, "oracle": oracle})
    catalog["model_driven.accepted_rows@spark"] = SparkDataset(filepath=str(path), version=Version(None, version))
    catalog["model_driven.accepted_rows@pandas"] = ParquetDataset(filepath=str(path), version=Version(None, None))
    for name in ("toPandas", "toArrow", "collect", "toLocalIterator"):  # no driver collect in this path
        monkeypatch.setattr(DataFrame, name, lambda *a, _n=name, **k: pytest.fail(f"DataFrame.{_n} on the driver"))
    monkeypatch.setattr(SparkExecutor, "run", lambda *a, **k: pytest.fail("SparkExecutor.run collects"))
    pipe = model_driven_pipeline(["hgb"]).only_nodes_with_tags("generation")
    outputs = SequentialRunner().run(pipe, catalog)

    written = path / version / "accepted_rows.parquet"
    parts = sorted(p.name for p in written.glob("part-*.parquet"))
    assert written.is_dir() and (written / "_SUCCESS").exists() and len(parts) == 3  # one per partition
    rows = accepted_rows(pd.read_parquet(written))
    train, train_set = tiny_world["train"], outputs["model_driven.train_set"].load()
    report = outputs["model_driven.resample_report"].load()
    assert report["backend"] == "SparkExecutor" and len(rows) == report["n_synthetic"] > 0
    assert train_set.iloc[: len(train)].drop(columns="is_synthetic").equals(train)
    synthetic = train_set.iloc[len(train):]
    assert synthetic["is_synthetic"].all() and not train_set.iloc[: len(train)]["is_synthetic"].any()
    pd.testing.assert_frame_equal(synthetic.drop(columns="is_synthetic").reset_index(drop=True), rows,
                                  check_dtype=False)
    assert not set(STATS_COLUMNS) & set(train_set.columns)
    assert report["n_candidates"] >= report["n_accepted"] >= report["n_synthetic"]
    assert len(report["rounds"]) == report["n_rounds"] >= 1 and report["seconds"] > 0

    monkeypatch.undo()
    table, _ = gen_nodes.generate(train, oracle, {"threshold": 0.6, "ratio": 0.3}, params)
    assert isinstance(table, DataFrame)  # the node returns a lazy Spark DataFrame
    assert "Exchange" not in table._jdf.queryExecution().executedPlan().toString()
    with pytest.raises(Exception, match="(?i)exist"):  # a versioned save never overwrites
        SparkDataset(filepath=str(path), version=Version(None, version)).save(table)
    again = tmp_path / "again.parquet"
    SparkDataset(filepath=str(again)).save(table)  # the same seed and partitioning: the same rows
    pd.testing.assert_frame_equal(accepted_rows(pd.read_parquet(again)), rows)


@pytest.mark.parametrize("level", [0.01, 0.999])
def test_confirm_in_the_lane_pipeline_fits_a_declining_learner_on_the_real_rows(tiny_world, oracle, level):
    """generation.tuning.confirm in the lane pipeline: choose_setting checks the chosen point with each learner of
    another estimator (logistic regression), the report lists who declined, and that learner's fit node trains
    on the real rows of the lane's training set; the tuning learner's kind takes the synthetic rows."""
    from synthetic_intelligence.pipelines.train_evaluate import nodes as te

    logreg = {"config": {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
                         "estimator_kwargs": {"max_iter": 300}}}
    hgb = {"config": CHEAP}
    params = {**PARAMS, "tuning": {**PARAMS["tuning"], "allow_none": True, "confirm": level}}
    train, validation = tiny_world["train"], tiny_world["validation"]
    grid, choice = gen_nodes.choose_setting(train, validation, oracle, params, spec__logreg=logreg, spec__hgb=hgb)
    _, plain = gen_nodes.choose_setting(train, validation, oracle, PARAMS)
    assert (choice["threshold"], choice["ratio"]) == (plain["threshold"], plain["ratio"])
    assert set(choice["declined"]) == ({"logreg"} if level > 0.5 else set())  # hgb is the tuning learner's kind
    train_set, report = generate(train, oracle, choice, params)
    assert report["declined"] == choice["declined"] and report["n_synthetic"] > 0
    _, _, info = te.fit_learner(train_set, validation, logreg, report, learner="logreg")
    _, _, kept = te.fit_learner(train_set, validation, hgb, report, learner="hgb")
    assert kept["train"]["synthetic_rows"] == report["n_synthetic"] and "declined" not in kept
    if level > 0.5:
        assert info["train"] == {**info["train"], "rows": len(train), "synthetic_rows": 0}
        assert "did not confirm" in info["declined"]
    else:
        assert info["train"]["synthetic_rows"] == report["n_synthetic"]
