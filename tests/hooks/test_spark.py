"""The Spark hook: a session only before a node that needs one, from spark.yml; stopped with the run."""

from types import SimpleNamespace

import pytest

from synthetic_intelligence.core.engines import lifecycle
from synthetic_intelligence.core.engines import spark as spark_session
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.hooks import SparkHook


def _node(*tags):
    return SimpleNamespace(tags=set(tags))


@pytest.fixture
def started(monkeypatch):
    calls = []
    monkeypatch.setattr(spark_session, "get_or_create", lambda settings=None: calls.append(dict(settings or {})))
    return calls


def test_a_spark_node_with_backend_spark_starts_a_session_from_spark_yml(started):
    hook = SparkHook()
    hook._settings = {"spark.master": "local[2]"}
    hook.before_node_run(_node("spark", "h2o"), None, {"params:generation": {"backend": "spark"}, "train": 1},
                         False, "run")
    assert started == [{"spark.master": "local[2]"}]


@pytest.mark.parametrize("node, inputs", [
    (_node("h2o"), {"params:generation": {"backend": "spark"}}),  # not a Spark node
    (_node("spark"), {"params:generation": {"backend": "numpy"}}),  # a Spark node told to use numpy
])
def test_no_session_where_no_node_needs_one(started, node, inputs):
    SparkHook().before_node_run(node, None, inputs, False, "run")
    assert started == []


def test_typed_parameters_are_read_too(started):
    params = GenerationParams.model_validate({"backend": "numpy", "tuning": {
        "thresholds": [0.5], "ratios": [0.5], "learner": {"engine": "sklearn"}}})
    assert not SparkHook.wants_spark(_node("spark"), {"params:generation": params})
    assert SparkHook.wants_spark(_node("spark"), {"train": object()})  # a Spark node with no backend switch


def test_session_settings_defaults_loopback_and_checks():
    local = spark_session.session_settings({"spark.master": "local[2]", "spark.ui.enabled": True})
    assert local["spark.driver.bindAddress"] == "127.0.0.1" and local["spark.ui.enabled"] == "true"
    cluster = spark_session.session_settings({"spark.master": "spark://head:7077"})
    assert "spark.driver.bindAddress" not in cluster and cluster["spark.app.name"] == "synthetic_intelligence"
    assert "spark.executor.pyspark.memory" not in local
    with pytest.raises(ValueError, match="'master' is not a Spark property"):
        spark_session.session_settings({"master": "local"})


@pytest.mark.parametrize(("backend", "writer", "ok"), [
    ("spark", "spark", True), ("numpy", "pandas", True), ("spark", "pandas", False), ("numpy", "spark", False)])
def test_the_accepted_rows_writer_must_follow_the_backend(backend, writer, ok, tmp_path):
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.pipeline import Pipeline, node
    from kedro_datasets.pandas import ParquetDataset
    from kedro_datasets.spark import SparkDataset

    from synthetic_intelligence.core.errors import ConfigurationError

    pipe = Pipeline([node(lambda p: p, "params:generation", "model_driven.rows@spark", name="generate")])
    dataset = (SparkDataset if writer == "spark" else ParquetDataset)(filepath=str(tmp_path / "rows.parquet"))
    catalog = DataCatalog({"params:generation": MemoryDataset({"backend": backend}),
                           "model_driven.rows@spark": dataset})
    if ok:
        SparkHook().before_pipeline_run({}, pipe, catalog)
    else:
        with pytest.raises(ConfigurationError, match=f"generation.backend is '{backend}'.*--params"):
            SparkHook().before_pipeline_run({}, pipe, catalog)


def test_the_end_of_the_run_stops_only_registered_spark_sessions(monkeypatch):
    monkeypatch.setattr(lifecycle, "_closers", {})
    monkeypatch.setattr(lifecycle, "_previous", {})
    stopped = []
    lifecycle.register("h2o:x", lambda: stopped.append("h2o"))
    lifecycle.register("spark:app-1", lambda: stopped.append("spark"))
    SparkHook().on_pipeline_error(RuntimeError("boom"), {}, None, None)
    assert stopped == ["spark"] and lifecycle.registered() == ["h2o:x"]
    lifecycle.close_all()


_RUN = r'''
import sys
from kedro.framework.hooks.manager import _create_hook_manager, _register_hooks
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline, node
from kedro.runner import SequentialRunner
from pyspark import SparkContext
from synthetic_intelligence.hooks import SparkHook

def numpy_step(params):
    assert SparkContext._active_spark_context is None, "a numpy node started Spark"
    return 1

def spark_step(x, params):
    from pyspark.sql import SparkSession
    spark = SparkSession.getActiveSession()
    print("MASTER", spark.sparkContext.master, spark.conf.get("spark.ui.enabled"))
    if sys.argv[1] == "fail":
        raise RuntimeError("node failed (test)")
    return spark.range(5).count()

hook = SparkHook()
hook._settings = {"spark.master": "local[1]", "spark.driver.memory": "512m"}
manager = _create_hook_manager()
_register_hooks(manager, [hook])
pipeline = Pipeline([
    node(numpy_step, "params:numpy", "x", name="numpy_step", tags="spark"),
    node(spark_step, ["x", "params:spark"], "y", name="spark_step", tags="spark"),
])
catalog = DataCatalog({"params:numpy": MemoryDataset({"backend": "numpy"}),
                       "params:spark": MemoryDataset({"backend": "spark"})})
try:
    SequentialRunner().run(pipeline, catalog, manager)
    manager.hook.after_pipeline_run(run_params={}, run_result={}, pipeline=pipeline, catalog=catalog)
except RuntimeError as exc:
    manager.hook.on_pipeline_error(error=exc, run_params={}, pipeline=pipeline, catalog=catalog)
    print("ERROR", exc)
print("STOPPED", SparkContext._active_spark_context is None)
'''


@pytest.mark.spark
@pytest.mark.parametrize("outcome", ["ok", "fail"])
def test_a_real_run_starts_spark_only_for_the_spark_node_and_stops_it_after(outcome, tmp_path):
    import os
    import subprocess
    import sys

    script = tmp_path / "run.py"
    script.write_text(_RUN)
    done = subprocess.run([sys.executable, str(script), outcome], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYSPARK_PYTHON": sys.executable}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "MASTER local[1] false" in done.stdout
    assert ("ERROR node failed (test)" in done.stdout) == (outcome == "fail")
    assert "STOPPED True" in done.stdout
