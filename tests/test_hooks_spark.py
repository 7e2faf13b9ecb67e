"""The Spark hook: a session only before a node that needs one, from spark.yml; stopped with the run."""

from types import SimpleNamespace

import pytest

from synthetic_intelligence.core import lifecycle, spark_session
from synthetic_intelligence.core.generation import GenerationParams
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


def test_the_end_of_the_run_stops_only_registered_spark_sessions(monkeypatch):
    monkeypatch.setattr(lifecycle, "_closers", {})
    monkeypatch.setattr(lifecycle, "_previous", {})
    stopped = []
    lifecycle.register("h2o:x", lambda: stopped.append("h2o"))
    lifecycle.register("spark:app-1", lambda: stopped.append("spark"))
    SparkHook().on_pipeline_error(RuntimeError("boom"), {}, None, None)
    assert stopped == ["spark"] and lifecycle.registered() == ["h2o:x"]
    lifecycle.close_all()
