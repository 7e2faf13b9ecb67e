"""Two ``kedro run`` at once in one project (issue 20): each run reads back only what it saved, its manifest
proves it, and both are MLflow runs.

The first run makes a 50 times larger table, so the second (started a second later, with another split
seed: a later save version) saves its ``training_world``, ``train`` ... first; Kedro's "latest" version of
those datasets is then the second run's, and the first run used to build its ``baseline.train_set`` from the
second run's ``train`` (as the scorecard of the issue was assembled from two runs), and one of the two runs
used to go untracked (both created the MLflow store at once).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time

import pandas as pd
import pytest

from tests.test_cli import KEDRO, copy_project, kedro_env

NODES = "build_source,make_new_world,split_training_world,check_isolation,baseline.training_set"
SLOW = "data_isolation.generators.synthetic.n_samples=300000"
OTHER_SEED = "data_isolation.split.seed=8"


def _start(project, *params):
    return subprocess.Popen([KEDRO, "run", "--env", "quick", "--pipelines", "data_isolation,baseline",
                             "--nodes", NODES, "--params", ",".join(params)], cwd=project, env=kedro_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _versions(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("two_runs"))
    first = _start(project, SLOW)
    lines: list[str] = []

    def read() -> None:
        for line in first.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.time() + 300  # the first run's session (its save version) exists once it logs "Kedro project"
    while not any("Kedro project" in line for line in lines) and first.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1)
    second = _start(project, OTHER_SEED)
    second_log = second.communicate(timeout=600)[0]
    first.wait(timeout=600)
    reader.join(timeout=60)
    logs = ["".join(lines), second_log]
    assert first.returncode == 0 and second.returncode == 0, "\n\n".join(log[-3000:] for log in logs)
    manifests = [json.loads((v / "run_manifest.json").read_text())
                 for v in sorted((project / "data/08_reporting/run_manifest.json").iterdir())]
    by_params = {json.dumps(m["runtime_params"], sort_keys=True): m for m in manifests}
    slow = by_params[json.dumps({"data_isolation": {"generators": {"synthetic": {"n_samples": 300000}}}})]
    other = by_params[json.dumps({"data_isolation": {"split": {"seed": 8}}})]
    return project, slow, other, logs


def test_each_runs_lane_set_is_made_from_its_own_train(two_runs):
    project, slow, other, _ = two_runs
    assert slow["run_id"] < other["run_id"]  # the slow run started first: the other's versions are "latest"
    for manifest in (slow, other):
        run_id = manifest["run_id"]
        train = pd.read_parquet(project / "data/03_primary/train.parquet" / run_id / "train.parquet")
        lane = pd.read_parquet(project / "data/05_model_input/baseline/train_set.parquet" / run_id
                               / "train_set.parquet")
        same = lane[train.columns].reset_index(drop=True).equals(train.reset_index(drop=True))
        assert same, f"{run_id}: its baseline.train_set is not made from its own train"
    world = project / "data/02_intermediate/training_world.parquet"
    assert _versions(world) == sorted([slow["run_id"], other["run_id"]])
    assert len(pd.read_parquet(world / slow["run_id"] / "training_world.parquet")) == 300000


def test_each_manifest_proves_the_run_read_back_only_what_it_saved(two_runs):
    _, slow, other, _ = two_runs
    for manifest in (slow, other):
        run_id = manifest["run_id"]
        own = {n: d for n, d in manifest["datasets"].items() if d["saved"] and d["save_version"]}
        assert {"training_world", "train", "baseline.train_set"} <= set(own)
        for name, d in own.items():
            assert d["save_version"] == run_id, name
            if d["loaded"]:
                assert d["load_version"] == run_id, (run_id, name, d)
        assert manifest["isolation"]["own_outputs_only"] and manifest["isolation"]["foreign_loads"] == {}
        assert {"training_world", "train"} <= set(manifest["isolation"]["pinned"])


def test_both_runs_are_mlflow_runs(two_runs):
    from mlflow.tracking import MlflowClient

    project, slow, other, logs = two_runs
    assert not any("tracking is off" in log for log in logs), [log[-2000:] for log in logs]
    client = MlflowClient(tracking_uri=f"sqlite:///{project.resolve()}/mlruns.db")
    runs = client.search_runs([client.get_experiment_by_name("synthetic_intelligence").experiment_id])
    assert sorted(r.data.tags["kedro.save_version"] for r in runs) == sorted([slow["run_id"], other["run_id"]])
    assert all(r.info.status == "FINISHED" for r in runs)
    seeds = {r.data.tags["kedro.save_version"]: r.data.params["data_isolation.split.seed"] for r in runs}
    assert seeds[other["run_id"]] == "8" and seeds[slow["run_id"]] != "8"
