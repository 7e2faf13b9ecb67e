"""Engine faults on the real CLI: the local H2O JVM ends with the run however it ends, and a dead JVM is one line.

Each test starts ``kedro run --env quick`` in a copy of the project, finds the run's
JVM (a ``java`` child of the kedro process), then ends the run: SIGTERM, Ctrl-C,
an error, success, or the JVM killed during training.  Afterwards no JVM of that
run is left and its H2O temporary folder is gone.  About 10-25 s each.
"""

import glob
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from tests.test_cli import KEDRO, copy_project, kedro_env

pytestmark = [pytest.mark.slow, pytest.mark.h2o]


def children(pid: int, name: str = "java") -> list[int]:
    """Child processes of ``pid`` whose command is ``name`` (Linux /proc)."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        if ppid == pid and comm == name:
            found.append(int(stat.split("/")[2]))
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


class Run:
    """``kedro run`` in the background, its output in a file."""

    def __init__(self, project: Path, *args: str):
        self.log = project / "run.log"
        self._fh = open(self.log, "w")  # noqa: SIM115 - closed in wait()
        self.proc = subprocess.Popen([KEDRO, "run", "--env", "quick", *args], cwd=project, env=kedro_env(),
                                     stdout=self._fh, stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text()

    def wait_for(self, pattern: str, timeout: float = 180) -> re.Match:
        end = time.time() + timeout
        while time.time() < end:
            m = re.search(pattern, self.text())
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.proc.kill()
        raise AssertionError(f"{pattern!r} not seen; output:\n{self.text()[-4000:]}")

    def h2o_up(self) -> tuple[int, str]:
        """Wait until the run's H2O cluster is up; return its JVM pid and cluster name."""
        m = self.wait_for(r"Started local H2O cluster (\S+) on 127\.0\.0\.1:\d+ \(JVM pid (\d+)\)")
        jvm = int(m[2])
        assert jvm in children(self.proc.pid), "the JVM is a child of the kedro process"
        return jvm, m[1]

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._fh.close()


def gone(jvm: int, name: str, timeout: float = 5) -> bool:
    """The JVM has exited and its temporary folder is removed."""
    end = time.time() + timeout
    while running(jvm) and time.time() < end:
        time.sleep(0.1)
    return not running(jvm) and not glob.glob(os.path.join(tempfile.gettempdir(), f"{name}-*"))


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path)


@pytest.mark.chaos("SIGTERM / Ctrl-C of kedro run while H2O runs")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_terminated_run_leaves_no_jvm(project, sig, code):
    run = Run(project, "--pipelines", "data_isolation,oracle")
    jvm, name = run.h2o_up()
    run.proc.send_signal(sig)
    assert run.wait(60) == code
    assert gone(jvm, name), run.text()[-3000:]
    if sig == signal.SIGTERM:
        assert "Received SIGTERM: stopping local engines before exiting" in run.text()
    else:
        assert run.text().strip().splitlines()[-1].startswith("ERROR [Interrupted]")


def test_failed_run_leaves_no_jvm_and_ends_with_one_line(project):
    run = Run(project, "--pipelines", "oracle")  # no train / validation yet: loading fails after H2O started
    jvm, name = run.h2o_up()
    assert run.wait(60) == 1
    assert gone(jvm, name)
    assert run.text().strip().splitlines()[-1].startswith("ERROR [DatasetError] train: Did not find any versions")


@pytest.mark.chaos("the H2O JVM killed during the AutoML fit (dead JVM)")
def test_dead_jvm_is_reported_at_once_as_one_line(project):
    run = Run(project, "--pipelines", "data_isolation,oracle")
    jvm, name = run.h2o_up()
    run.wait_for(r"Running node: train_oracle")
    time.sleep(3)  # AutoML is training
    os.kill(jvm, signal.SIGKILL)
    killed = time.time()
    assert run.wait(60) == 1
    assert time.time() - killed < 15  # not h2o's 30 retries, 3 s apart
    text = run.text()
    last = text.strip().splitlines()[-1]
    assert re.match(rf"ERROR \[ClusterError\] the local H2O cluster {name} at 127\.0\.0\.1:\d+ died during the run "
                    r"\(its JVM was killed by SIGKILL", last), last
    assert "retry" not in text and "Shut down H2O cluster" not in text and "Traceback" not in text
    assert f"H2O cluster {name} had already stopped (JVM exit code -9)" in text
    assert len(text.splitlines()) < 150
    assert gone(jvm, name)


def test_hook_stops_the_jvm_and_removes_its_folders_at_the_end_of_a_run(tmp_path):
    # in a child process: the hook starts H2O for a pipeline with an h2o node, then ends the run normally
    code = textwrap.dedent("""
        import glob, logging, os, sys, tempfile
        from types import SimpleNamespace
        from kedro.pipeline import Pipeline, node
        from synthetic_intelligence.hooks import H2OHook
        logging.basicConfig(level=logging.INFO, stream=sys.stdout)
        hook = H2OHook()
        hook.after_context_created(SimpleNamespace(config_loader={"h2o": {"h2o": {"nthreads": 1, "max_mem_size": "1G"}}}))
        pipe = Pipeline([node(lambda: 1, None, "x", tags="h2o")])
        hook.before_pipeline_run({}, pipe, None)
        handle = hook._handle
        print("PID", handle.pid, "DIR", handle.tmpdir, "H2OLOGS", len(glob.glob(handle.tmpdir + "/*/h2ologs")), flush=True)
        hook.after_pipeline_run({}, {}, pipe, None)
        print("LEFT", len(glob.glob(os.path.join(tempfile.gettempdir(), handle.name + "-*"))), flush=True)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                         env=kedro_env(), cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    m = re.search(r"PID (\d+) DIR (\S+) H2OLOGS (\d+)", out.stdout)
    assert m and m[3] == "1", out.stdout  # h2ologs lives inside the run's folder, not in the system temp dir
    assert "LEFT 0" in out.stdout and "Shut down H2O cluster" in out.stdout
    assert not running(int(m[1]))


def test_a_leader_searched_with_a_non_automl_oracle_is_refused_before_any_node_runs():
    """``learners.automl.search: oracle`` with a scikit-learn oracle: the H2O hook names both parameters
    before the run starts (no JVM, no node), instead of failing after the oracle has trained."""
    from kedro.io import DataCatalog, MemoryDataset

    from synthetic_intelligence.core.errors import ConfigurationError
    from synthetic_intelligence.hooks import H2OHook
    from synthetic_intelligence.pipelines.learners import create_pipeline

    pipe = create_pipeline(["automl"])
    params = {"params:learners.automl": {"engine": "h2o_leader", "search": "oracle"},
              "params:oracle": {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression"}}
    catalog = DataCatalog({name: MemoryDataset(value) for name, value in params.items()})
    hook = H2OHook()
    with pytest.raises(ConfigurationError, match="learners.automl: search: oracle .* oracle.engine is sklearn"):
        hook.before_pipeline_run({}, pipe, catalog)
    assert hook._handle is None  # refused before a cluster was started
    catalog["params:oracle"] = MemoryDataset({"engine": "h2o_automl"})
    H2OHook.check_searches(pipe, catalog)  # an AutoML oracle: fine
