"""A crash loses nothing and leaves nothing half-written (issue 20, part 2).

Each case kills a process outright (``kill -9``: no handler, no ``finally``, no atexit)
at a chosen moment, then checks what an ordinary next step sees: every earlier version
still loads, no partial version is picked as "latest", and no engine process or
temporary folder outlives the next run.  See :mod:`tests.chaos.plugin` for the report.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from synthetic_intelligence.core.engines import lifecycle
from tests.hooks.test_h2o import running

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"


def catalog_entry(name: str) -> dict:
    """The entry ``name`` of conf/base's catalog files, as the project declares it."""
    for path in sorted((ROOT / "conf" / "base").glob("catalog*.yml")):
        entries = yaml.safe_load(path.read_text()) or {}
        if name in entries:
            entry = dict(entries[name])
            entry.pop("metadata", None)
            return entry
    raise KeyError(name)


def wait_gone(pids, timeout: float) -> list[int]:
    """The ``pids`` still running after ``timeout`` seconds."""
    end = time.time() + timeout
    while time.time() < end and any(running(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if running(p)]


# -- kill -9 during a versioned save ------------------------------------------------------------------------------
SAVED = ["train", "scorecard", "run_manifest", "pr_curves", "latent_tsne_plotly", "scorecard_md"]
_SAVE = """
    import json, os, signal, sys
    import pandas as pd
    from kedro.io import AbstractDataset

    def data_for(dataset, version):
        kind = type(dataset).__name__
        if kind in ("CSVDataset", "ParquetDataset"):
            return pd.DataFrame({"version": [version] * 2000, "x": range(2000)})
        if kind == "MatplotlibDataset":
            import matplotlib.pyplot as plt
            figure = plt.figure()
            figure.gca().plot(range(100))
            return figure
        if "plotly" in type(dataset).__module__ or kind == "PlotlyJSONDataset":
            import plotly.graph_objects as go
            return go.Figure(go.Scatter(x=list(range(500)), y=list(range(500))))
        if kind == "TextDataset":
            return f"{version}\\n" * 2000
        return {"version": version, "rows": list(range(2000))}

    jobs, kill = json.loads(sys.argv[1]), sys.argv[2] == "kill"
    if kill:  # the process dies outright half way through its first write
        import fsspec.implementations.local as local

        real = local.LocalFileOpener.write

        def write(self, chunk, *args, **kwargs):
            real(self, chunk[: max(1, len(chunk) // 2)])
            self.flush()
            os.kill(os.getpid(), signal.SIGKILL)

        local.LocalFileOpener.write = write
    for name, config, version in jobs:
        dataset = AbstractDataset.from_config(name, config, save_version=version)
        dataset.save(data_for(dataset, version))
        print("saved", name, flush=True)
"""


def _save(jobs: list, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(_SAVE), json.dumps(jobs), mode], capture_output=True,
                          text=True, timeout=180, check=False,
                          env={**os.environ, "MPLBACKEND": "Agg", "KEDRO_DISABLE_TELEMETRY": "true"})


def _config(name: str, folder: Path) -> dict:
    entry = catalog_entry(name)
    return {**entry, "filepath": str(folder / name / Path(entry["filepath"]).name)}


@pytest.fixture(scope="module")
def saved_once(tmp_path_factory) -> Path:
    """Version OLD of each dataset in SAVED, saved completely (one process for all)."""
    folder = tmp_path_factory.mktemp("versions")
    proc = _save([[name, _config(name, folder), OLD] for name in SAVED], "save")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def _complete(dataset) -> None:
    """Load ``dataset``'s latest version; a figure Kedro cannot load back is read as a whole PNG."""
    from kedro.io import DatasetError

    try:
        dataset.load()
    except DatasetError as exc:
        if "Loading not supported" not in str(exc):
            raise
        data = Path(str(dataset._get_load_path())).read_bytes()
        if not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
            raise DatasetError(f"{dataset._get_load_path()} is not a whole PNG") from exc


@pytest.mark.chaos("kill -9 during a versioned save")
@pytest.mark.parametrize("name", SAVED)
def test_kill_9_during_a_versioned_save_leaves_the_previous_version_latest(name, saved_once, chaos):
    from kedro.io import AbstractDataset

    config = _config(name, saved_once)
    proc = _save([[name, config, NEW]], "kill")
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    dataset = AbstractDataset.from_config(name, config)
    latest = dataset.resolve_load_version()
    if latest != OLD:
        chaos.lost_data(f"{name}: the partial version {latest} is picked as latest")
    else:
        try:
            _complete(dataset)
        except Exception as exc:  # noqa: BLE001 - reported as the case's verdict
            chaos.lost_data(f"{name}: the latest version does not load ({exc})")
    _complete(AbstractDataset.from_config(name, config, load_version=OLD))  # the earlier version loads by name
    chaos.check()


# -- engines outlive a run killed outright ---------------------------------------------------------------------------
_OWNER = """
    import os, subprocess, sys, tempfile, time
    from synthetic_intelligence.core.engines import lifecycle

    folder = tempfile.mkdtemp(prefix="si-chaos-engine-")
    preexec = lifecycle.die_with_parent() if sys.argv[1] == "die_with_parent" else None
    engine = subprocess.Popen(["sleep", "300"], preexec_fn=preexec)
    lifecycle.record(sys.argv[2], engine.pid, paths=[folder])
    print(engine.pid, folder, flush=True)
    time.sleep(300)
"""


def _owner(how: str, records: Path, key: str = "test:engine") -> tuple[subprocess.Popen, int, str]:
    owner = subprocess.Popen([sys.executable, "-c", textwrap.dedent(_OWNER), how, key], text=True,
                             stdout=subprocess.PIPE,
                             env={**os.environ, lifecycle.RECORDS_ENV: str(records)})
    pid, folder = owner.stdout.readline().split()
    return owner, int(pid), folder


@pytest.mark.chaos("kill -9 of a run: its engine dies with it")
def test_an_engine_started_with_die_with_parent_dies_with_a_run_killed_outright(tmp_path, chaos, monkeypatch):
    monkeypatch.setenv(lifecycle.RECORDS_ENV, str(tmp_path / "records"))
    owner, engine, folder = _owner("die_with_parent", tmp_path / "records")
    assert running(engine)
    owner.kill()
    owner.wait()
    if wait_gone([engine], 5):
        chaos.left_behind(f"engine pid {engine} after its run was killed")
        os.kill(engine, signal.SIGKILL)
    lifecycle.reap_orphans()  # the next run's start: the folder goes too
    if os.path.exists(folder):
        chaos.left_behind(f"the folder {folder}")
    chaos.check()


@pytest.mark.chaos("kill -9 of a run: the next run reaps what it left")
def test_the_next_run_reaps_an_engine_and_folder_left_by_a_run_killed_outright(tmp_path, chaos, monkeypatch):
    monkeypatch.setenv(lifecycle.RECORDS_ENV, str(tmp_path / "records"))
    owner, engine, folder = _owner("plain", tmp_path / "records")  # no death signal: e.g. not Linux
    living, alive, alive_folder = _owner("plain", tmp_path / "records", "test:living")  # a run still going
    try:
        owner.kill()
        owner.wait()
        assert running(engine) and os.path.isdir(folder)  # what kill -9 leaves
        reaped = lifecycle.reap_orphans()
        if wait_gone([engine], 10):
            chaos.left_behind(f"engine pid {engine} after the next run's start")
        if os.path.exists(folder):
            chaos.left_behind(f"the folder {folder}")
        assert [r["pid"] for r in reaped] == [engine]
        assert running(alive) and os.path.isdir(alive_folder)  # a living run's engine is never touched
        chaos.check()
    finally:
        living.kill()
        living.wait()
        for pid in (engine, alive):
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(alive_folder, ignore_errors=True)


# -- kill -9 of `kedro run` during the AutoML fit ------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.h2o
@pytest.mark.chaos("kill -9 of kedro run during the AutoML fit")
def test_kill_9_during_the_automl_fit_leaves_no_jvm_and_the_next_run_starts_clean(tmp_path, chaos):
    import tempfile

    from tests.hooks.test_h2o import Run, children
    from tests.test_cli import copy_project, kedro, kedro_env

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    records = tmp_path / "records"
    first = kedro(project, "run", "--env", "quick", "--pipelines", "data_isolation", **{lifecycle.RECORDS_ENV:
                                                                                          str(records)})
    assert first.returncode == 0, first.stderr[-3000:]
    before = sorted(p.relative_to(project) for p in (project / "data").rglob("*") if p.is_file())

    os.environ[lifecycle.RECORDS_ENV] = str(records)  # Run() passes os.environ on
    try:
        run = Run(project, "--pipelines", "data_isolation,oracle")
    finally:
        del os.environ[lifecycle.RECORDS_ENV]
    jvm, name = run.h2o_up()
    run.wait_for(r"Running node: train_oracle")
    time.sleep(3)  # AutoML is training
    assert jvm in children(run.proc.pid)
    run.proc.send_signal(signal.SIGKILL)
    assert run.wait(30) == -signal.SIGKILL
    if wait_gone([jvm], 10):
        chaos.left_behind(f"the H2O JVM {name} (pid {jvm}) after kill -9 of its run")
        os.kill(jvm, signal.SIGKILL)
    assert list(records.glob("*.json")), "the killed run's JVM and folder are on record"

    # the next run: starts clean, removes what the killed run left, reads every earlier version
    env = kedro_env(**{lifecycle.RECORDS_ENV: str(records)})
    again = subprocess.run([str(Path(sys.executable).with_name("kedro")), "run", "--env", "quick", "--pipelines",
                            "data_isolation"], cwd=project, env=env, capture_output=True, text=True, timeout=300,
                           check=False)
    assert again.returncode == 0, again.stderr[-3000:]
    leftover = [str(p) for p in Path(tempfile.gettempdir()).glob(f"{name}-*")]
    if leftover:
        chaos.left_behind(f"the killed run's H2O folder {leftover[0]} after the next run")
    assert not list(records.glob("*.json"))
    for path in before:  # every version written before the crash is still there
        if not (project / path).is_file():
            chaos.lost_data(f"{path} is gone")
    chaos.check()


# -- kill -9 during the Spark write --------------------------------------------------------------------------------
_SPARK_WRITE = """
    import json, sys, time
    from kedro.io import AbstractDataset
    from synthetic_intelligence.core.engines import spark as spark_session

    config, old, new = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
    spark = spark_session.get_or_create({"spark.master": "local[2]", "spark.driver.memory": "512m",
                                         "spark.sql.shuffle.partitions": "2"})
    print("jvm", spark.sparkContext._gateway.proc.pid, flush=True)
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType

    AbstractDataset.from_config("accepted_rows", config, save_version=old).save(spark.range(1000).toDF("x"))
    print("saved", flush=True)

    @F.udf(LongType())
    def slow(x):
        import time
        if x % 100 == 0:
            time.sleep(60)  # one slow row per 100: the write is under way, some part files written
        return x

    frame = spark.range(1000).repartition(4).select(slow(F.col("id")).alias("x"))
    print("writing", flush=True)
    AbstractDataset.from_config("accepted_rows", config, save_version=new).save(frame)
    print("written", flush=True)
"""


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.chaos("kill -9 during the Spark write")
def test_kill_9_during_the_spark_write_leaves_no_partial_version_and_no_jvm(tmp_path, chaos):
    pytest.importorskip("pyspark")
    import pandas as pd
    from kedro.io import AbstractDataset

    writer = yaml.safe_load((ROOT / "conf" / "base" / "catalog_model_driven.yml").read_text())["_accepted_rows_writer"]
    config = {"type": writer["spark"], "filepath": str(tmp_path / "accepted_rows.parquet"), "versioned": True}
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(_SPARK_WRITE), json.dumps(config), OLD, NEW],
                             text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env={**os.environ, "PYSPARK_PYTHON": sys.executable,
                                  lifecycle.RECORDS_ENV: str(tmp_path / "records")})
    lines = []
    try:
        for line in child.stdout:
            lines.append(line.strip())
            if line.startswith("writing"):
                break
        jvm = int(next(x for x in lines if x.startswith("jvm")).split()[1])
        time.sleep(8)  # tasks run; fast partitions have written part files into the new version's folder
        workers = [int(p.name) for p in Path("/proc").glob("[0-9]*") if _parent(int(p.name)) == jvm]
        child.kill()
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    left = wait_gone([jvm, *workers], 20)
    for pid in left:
        chaos.left_behind(f"Spark {'driver JVM' if pid == jvm else 'Python worker'} pid {pid}")
        os.kill(pid, signal.SIGKILL)
    dataset = AbstractDataset.from_config("accepted_rows", {"type": "pandas.ParquetDataset",
                                                            "filepath": config["filepath"], "versioned": True})
    latest = dataset.resolve_load_version()
    if latest != OLD:
        chaos.lost_data(f"the partial Spark write {latest} is picked as latest")
    elif len(dataset.load()) != 1000:
        chaos.lost_data("the earlier version lost rows")
    assert len(pd.read_parquet(tmp_path / "accepted_rows.parquet" / OLD / "accepted_rows.parquet")) == 1000
    chaos.check()


def _parent(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text[text.rindex(")") + 2:].split()[1])
