"""H2O faults the user can meet, without starting a JVM: no Java, an unreachable URL, a dead JVM."""

import logging
import os
import socket
import time

import pytest

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.engines import lifecycle
from synthetic_intelligence.core.errors import ClusterError


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch):
    """A registry of its own (the session's H2O cluster may be registered)."""
    monkeypatch.setattr(lifecycle, "_closers", {})
    monkeypatch.setattr(lifecycle, "_previous", {})


@pytest.fixture
def no_java(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("H2O_JAVA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)


def test_missing_java_is_a_cluster_error_before_anything_starts(no_java):
    with pytest.raises(ClusterError, match="Java was not found: a local H2O cluster needs Java 17.*h2o.url"):
        h2o_utils.start_local(nthreads=1, max_mem_size="1G")
    assert not lifecycle.registered()


def test_bad_h2o_java_home_is_named(no_java, monkeypatch, tmp_path):
    monkeypatch.setenv("H2O_JAVA_HOME", str(tmp_path / "jdk"))
    with pytest.raises(ClusterError, match="H2O_JAVA_HOME is '.*jdk', which has no bin/java"):
        h2o_utils.find_java()


def test_unreachable_url_is_a_cluster_error_naming_it():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    t0 = time.time()
    with pytest.raises(ClusterError) as info:
        h2o_utils.connect(url)
    assert time.time() - t0 < 30
    msg = str(info.value)
    assert msg.startswith(f"cannot reach the H2O cluster at {url} (h2o.url in conf/<env>/h2o.yml)")
    assert "set h2o.url: null to start a local cluster" in msg


class FakeProcess:
    def __init__(self, code=None):
        self.code, self.pid, self.terminated = code, 4242, False

    def poll(self):
        return self.code

    def terminate(self):
        self.terminated, self.code = True, -15

    def wait(self, timeout=None):
        return self.code


class FakeServer:
    def __init__(self, code=None):
        self._process = FakeProcess(code)


def _handle(tmp_path, code):
    tmpdir = tmp_path / "si-run"
    (tmpdir / "ice").mkdir(parents=True)
    return h2o_utils.H2OHandle(name="si-abc", url="http://127.0.0.1:5555", owned=True,
                               server=FakeServer(code), tmpdir=str(tmpdir))


def test_death_message_names_cluster_port_and_how(tmp_path):
    handle = _handle(tmp_path, -9)
    assert not handle.alive()
    assert handle.death_message() == (
        "the local H2O cluster si-abc at 127.0.0.1:5555 died during the run (its JVM was killed by SIGKILL: the "
        "system's out-of-memory killer or a kill -9). Re-run; if memory is short, lower h2o.max_mem_size in "
        "conf/<env>/h2o.yml or use smaller data")


def test_death_by_java_heap_says_raise_max_mem_size(tmp_path):
    handle = _handle(tmp_path, 1)
    (tmp_path / "si-run" / "ice" / "h2o_me_started_from_python.out").write_text(
        "INFO ...\nException in thread: java.lang.OutOfMemoryError: Java heap space\n")
    msg = handle.death_message()
    assert "its JVM exited with code 1; it ran out of Java heap" in msg
    assert "Raise h2o.max_mem_size" in msg


class FakeConnection:
    def __init__(self, fail_with=None, on_call=None):
        self.fail_with, self.on_call, self.calls = fail_with, on_call, 0

    def request(self, endpoint, **kw):
        self.calls += 1
        if self.on_call:
            self.on_call()
        if self.fail_with:
            raise self.fail_with
        return {"ok": endpoint}


def test_requests_fail_fast_once_the_jvm_is_dead(tmp_path):
    from h2o.exceptions import H2OConnectionError

    handle = _handle(tmp_path, None)
    conn = FakeConnection()
    h2o_utils._fail_fast_when_dead(conn, handle)
    assert conn.request("GET /3/Jobs/1") == {"ok": "GET /3/Jobs/1"}
    # the JVM dies during a request: h2o's own error (which its job polling retries 30 times) becomes ClusterError
    conn.fail_with = H2OConnectionError("Local server has died unexpectedly. RIP.")
    conn.on_call = lambda: setattr(handle.server._process, "code", -9)
    with pytest.raises(ClusterError, match="si-abc at 127.0.0.1:5555 died") as info:
        conn.request("GET /3/Jobs/1")
    assert isinstance(info.value.__cause__, H2OConnectionError)
    calls = conn.calls
    with pytest.raises(ClusterError):  # later requests are not even sent
        conn.request("GET /3/Jobs/1")
    assert conn.calls == calls


def test_other_request_errors_pass_through_while_alive(tmp_path):
    handle = _handle(tmp_path, None)
    conn = FakeConnection(fail_with=KeyError("x"))
    h2o_utils._fail_fast_when_dead(conn, handle)
    with pytest.raises(KeyError):
        conn.request("GET /")


def test_stop_of_a_dead_cluster_cleans_up_without_a_shutdown_message(tmp_path, caplog):
    handle = _handle(tmp_path, -9)
    with caplog.at_level(logging.INFO):
        h2o_utils.stop(handle)
    assert "Shut down H2O cluster" not in caplog.text
    assert "H2O cluster si-abc had already stopped (JVM exit code -9)" in caplog.text
    assert not os.path.exists(handle.tmpdir)


def test_stop_of_a_live_cluster_terminates_the_jvm_and_removes_its_folder(tmp_path, caplog):
    handle = _handle(tmp_path, None)
    lifecycle.register(h2o_utils._key(handle), lambda: None)
    with caplog.at_level(logging.INFO):
        h2o_utils.stop(handle)
    assert handle.server._process.terminated and not os.path.exists(handle.tmpdir)
    assert "Shut down H2O cluster si-abc" in caplog.text
    assert h2o_utils._key(handle) not in lifecycle.registered()


# --- what a saved model was trained on (for core.errors.check_same_columns) ------------------------------------------

def test_model_feature_names_of_sklearn_and_adapter_models():
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"amount": [0.0, 1.0, 2.0, 3.0], "age": [1.0, 0.0, 1.0, 0.0]})
    model = LogisticRegression().fit(X, [0, 1, 0, 1])
    assert h2o_utils.model_feature_names(model) == ["amount", "age"]
    assert h2o_utils.model_feature_names(h2o_utils.H2OProbaAdapter(object(), ["x00", "x01"])) == ["x00", "x01"]
    assert h2o_utils.model_feature_names(LogisticRegression().fit(X.to_numpy(), [0, 1, 0, 1])) is None


@pytest.mark.h2o
def test_model_feature_names_of_an_h2o_model_exclude_the_response_and_weights(h2o_cluster):
    import numpy as np
    import pandas as pd
    from h2o.estimators import H2OGradientBoostingEstimator

    from synthetic_intelligence.core.errors import DataValidationError, check_same_columns

    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(200, 3)), columns=["x00", "x01", "x02"]).assign(target=rng.integers(0, 2, 200))
    frame = h2o_utils.to_h2o(df, target="target")
    model = H2OGradientBoostingEstimator(ntrees=2, seed=1)
    model.train(x=["x00", "x01", "x02"], y="target", training_frame=frame)
    assert h2o_utils.model_feature_names(model) == ["x00", "x01", "x02"]
    with pytest.raises(DataValidationError, match="only in train: 'amount'"):
        check_same_columns(h2o_utils.model_feature_names(model), "the oracle's features",
                           ["amount", "x01", "x02"], "train")
    # the class-weighted lane trains with a weights column: it is no feature either
    weighted_frame = h2o_utils.to_h2o(df.assign(sample_weight=1.0), target="target")
    weighted = H2OGradientBoostingEstimator(ntrees=2, seed=1, weights_column="sample_weight")
    weighted.train(x=["x00", "x01", "x02"], y="target", training_frame=weighted_frame)
    assert h2o_utils.model_feature_names(weighted) == ["x00", "x01", "x02"]
    h2o_utils.h2o_remove([frame, model, weighted_frame, weighted])
