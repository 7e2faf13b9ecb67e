"""The MLflow hook on a real local store, driven like Kedro drives it (no pipeline run needed)."""

import json
import logging
import socket
from pathlib import Path

import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset, Version
from kedro.pipeline import Pipeline
from kedro_datasets.json import JSONDataset
from kedro_datasets.pandas import CSVDataset
from kedro_datasets.text import TextDataset

from synthetic_intelligence.tracking.mlflow_hook import MlflowTrackingHook, resolve_uri, split_config

SAVE_VERSION = "2026-01-02T03.04.05.678Z"
PARAMS = {"learner": {"engine": "sklearn", "seed": 1, "exclude_algos": ["DeepLearning"]},
          "generation": {"seed": 0, "sampler": {"gate": "quantile", "batch_size": 1024}},
          "smote": {"sampler": {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0}}}
RUN_PARAMS = {"run_id": "x", "env": "quick", "kedro_version": "1.7.0", "tags": None, "from_nodes": None,
              "to_nodes": None, "node_names": None, "from_inputs": None, "to_outputs": None, "load_versions": {},
              "runtime_params": None, "pipeline_names": ["__default__"], "namespaces": None,
              "runner": "SequentialRunner", "only_missing_outputs": False}


class FakeContext:
    """What the hook and kedro-mlflow read from a KedroContext."""

    def __init__(self, project_path: Path, mlflow_conf: dict):
        self.project_path = project_path
        self.config_loader = {"mlflow": mlflow_conf}
        self.params = PARAMS

    def _get_config_credentials(self):
        return {}


def catalog_for(root: Path) -> DataCatalog:
    version = Version(None, SAVE_VERSION)
    return DataCatalog({
        "parameters": MemoryDataset(PARAMS),
        "baseline.metrics": JSONDataset(filepath=str(root / "data/08_reporting/baseline/metrics.json"), version=version),
        "scorecard": CSVDataset(filepath=str(root / "data/08_reporting/scorecard.csv"), version=version,
                                save_args={"index": False}),
        "scorecard_md": TextDataset(filepath=str(root / "data/08_reporting/scorecard.md"), version=version),
        "scratch": MemoryDataset(),
    })


def conf(tmp_path: Path, **extra) -> dict:
    return {"server": {"mlflow_tracking_uri": "sqlite:///mlruns.db"},
            "tracking": {"experiment": {"name": "t", "create_experiment_kwargs": {"artifact_location": "mlartifacts"}}},
            "record": {"metrics": ["*.metrics"], "tables": {"scorecard": ["lane"]},
                       "artifacts": ["scorecard", "scorecard_md"]}, **extra}


def run_hook(tmp_path: Path, mlflow_conf: dict, data_root: Path | None = None) -> MlflowTrackingHook:
    hook = MlflowTrackingHook()
    catalog = catalog_for(data_root or tmp_path)
    hook.after_context_created(FakeContext(tmp_path, mlflow_conf))
    hook.after_catalog_created(catalog, {}, {}, PARAMS, SAVE_VERSION, {})
    hook.before_pipeline_run(RUN_PARAMS, Pipeline([]), catalog)
    outputs = {
        "baseline.metrics": {"engine": "sklearn", "train": {"synthetic_share": 0.0},
                             "holdout_iid": {"auprc": 0.81, "auprc_ci_low": 0.7}, "rounds": [1, 2]},
        "scorecard": pd.DataFrame({"lane": ["baseline", "smote"], "holdout_iid_auprc": [0.81, 0.77]}),
        "scorecard_md": "# Swimlane scorecard\n",
        "scratch": 1,
    }
    for name, data in outputs.items():
        catalog.save(name, data)
        hook.after_dataset_saved(name, data, None)
    hook.after_pipeline_run(RUN_PARAMS, {}, Pipeline([]), catalog)
    return hook


def test_one_mlflow_run_with_params_seeds_metrics_artifacts_and_versions(tmp_path, caplog):
    from mlflow.tracking import MlflowClient

    caplog.set_level(logging.WARNING)
    hook = run_hook(tmp_path, conf(tmp_path))
    assert hook.run_id is not None
    assert (tmp_path / "mlruns.db").exists()  # the relative sqlite path lies under the project, not the cwd
    client = MlflowClient(tracking_uri=hook.tracking_uri)
    run = client.get_run(hook.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["generation.sampler.gate"] == "quantile"
    assert run.data.params["smote.sampler.kwargs.k_neighbors"] == "5"
    assert run.data.params["learner.exclude_algos"] == '["DeepLearning"]'
    assert run.data.params["baseline.engine"] == "sklearn"
    assert json.loads(run.data.tags["seeds"]) == {"learner.seed": 1, "generation.seed": 0, "smote.sampler.seed": 0}
    assert run.data.tags["kedro.save_version"] == SAVE_VERSION
    assert run.data.tags["kedro_command"].startswith("kedro run")
    assert run.data.metrics["baseline.holdout_iid.auprc"] == pytest.approx(0.81)
    assert run.data.metrics["baseline.train.synthetic_share"] == 0.0
    assert run.data.metrics["scorecard.smote.holdout_iid_auprc"] == pytest.approx(0.77)
    artifacts = {a.path for a in client.list_artifacts(hook.run_id)}
    assert {"scorecard", "scorecard_md", "kedro"} <= artifacts
    assert [a.path for a in client.list_artifacts(hook.run_id, "scorecard")] == ["scorecard/scorecard.csv"]
    versions = json.loads(Path(client.download_artifacts(hook.run_id, "kedro/datasets.json", str(tmp_path))).read_text())
    assert versions["baseline.metrics"]["version"] == SAVE_VERSION
    assert versions["baseline.metrics"]["path"].endswith(f"metrics.json/{SAVE_VERSION}/metrics.json")
    assert versions["scratch"]["version"] is None
    assert client.get_experiment(run.info.experiment_id).artifact_location.startswith((tmp_path / "mlartifacts").as_uri())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("uri", [f"http://127.0.0.1:{_closed_port()}", "bogus-scheme://nowhere",
                                 "sqlite:///{tmp}/a-file/mlruns.db"])
def test_an_unreachable_store_is_one_warning_and_nothing_else(tmp_path, caplog, uri):
    (tmp_path / "a-file").write_text("not a folder")
    uri = uri.format(tmp=tmp_path)
    caplog.set_level(logging.INFO)
    hook = run_hook(tmp_path, conf(tmp_path, server={"mlflow_tracking_uri": uri}))
    assert hook.run_id is None
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "MLflow tracking is off" in warnings[0].getMessage() and uri.split("//")[-1] in warnings[0].getMessage()


def test_a_failure_during_the_run_is_one_warning_and_tracking_stops(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.WARNING)
    hook = MlflowTrackingHook()
    catalog = catalog_for(tmp_path)
    hook.after_context_created(FakeContext(tmp_path, conf(tmp_path)))
    hook.before_pipeline_run(RUN_PARAMS, Pipeline([]), catalog)
    calls = []
    monkeypatch.setattr(hook._client, "log_batch", lambda *a, **k: calls.append(1) or (_ for _ in ()).throw(OSError("gone")))
    for _ in range(3):
        hook.after_dataset_saved("baseline.metrics", {"holdout_iid": {"auprc": 0.5}}, None)
    hook.after_pipeline_run(RUN_PARAMS, {}, Pipeline([]), catalog)
    assert len(calls) == 1 and hook.run_id is None
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


def test_switched_off_by_configuration_writes_nothing(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    hook = run_hook(tmp_path, conf(tmp_path, enabled=False))
    assert hook.run_id is None and not (tmp_path / "mlruns.db").exists() and not (tmp_path / "mlartifacts").exists()
    assert not caplog.records


def test_configuration_defaults_and_uri_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    own, rest = split_config({})
    assert own.enabled and rest["server"]["mlflow_tracking_uri"] == "sqlite:///mlruns.db"
    assert rest["tracking"]["experiment"]["name"] == "synthetic_intelligence"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking:5000")
    assert split_config({})[1]["server"]["mlflow_tracking_uri"] == "http://tracking:5000"
    assert resolve_uri("sqlite:///mlruns.db", tmp_path) == f"sqlite:///{tmp_path.resolve()}/mlruns.db"
    assert resolve_uri("sqlite:////abs/x.db", tmp_path) == "sqlite:////abs/x.db"
    assert resolve_uri("http://h:5000", tmp_path) == "http://h:5000"
    with pytest.raises(ValueError, match="enabled"):
        split_config({"enabled": "maybe"})


def test_the_project_configuration_is_valid_for_kedro_mlflow():
    from kedro.config import OmegaConfigLoader
    from kedro_mlflow.config.kedro_mlflow_config import KedroMlflowConfig

    root = Path(__file__).resolve().parents[2]
    loader = OmegaConfigLoader(str(root / "conf"), base_env="base", default_run_env="quick",
                               config_patterns={"mlflow": ["mlflow*", "mlflow*/**"]})
    own, rest = split_config(loader["mlflow"])
    KedroMlflowConfig.model_validate(rest)  # extra="forbid": only kedro-mlflow's keys are left
    assert own.enabled and "*.metrics" in own.record.metrics and "scorecard" in own.record.artifacts


def test_two_runs_with_different_seeds_are_two_comparable_runs(tmp_path, monkeypatch):
    """Two kedro runs (here: two seeds) land in one experiment, with the parameter that differs and their metrics."""
    from mlflow.tracking import MlflowClient

    ids = []
    for seed in (0, 1):
        monkeypatch.setitem(PARAMS, "generation", {**PARAMS["generation"], "seed": seed})
        ids.append(run_hook(tmp_path, conf(tmp_path), data_root=tmp_path / f"seed{seed}").run_id)
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path.resolve()}/mlruns.db")
    runs = {r.info.run_id: r for r in client.search_runs([client.get_experiment_by_name("t").experiment_id])}
    assert set(runs) == set(ids) and len(ids) == 2
    assert sorted(r.data.params["generation.seed"] for r in runs.values()) == ["0", "1"]
    assert all("baseline.holdout_iid.auprc" in r.data.metrics for r in runs.values())


_ONE_RUN = """
import sys, time
from pathlib import Path
from tests.tracking.test_mlflow_hook import conf, run_hook
project, name, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
(project / f"{name}.ready").touch()  # MLflow imported: wait for the others, then all start at once
deadline = time.time() + 120
while len(list(project.glob("*.ready"))) < n and time.time() < deadline:
    time.sleep(0.01)
hook = run_hook(project, conf(project), data_root=project / name)
print("RUN", hook.run_id)
"""


def test_runs_starting_at_once_on_a_new_sqlite_store_are_all_tracked(tmp_path):
    """Two runs create the same new SQLite store at the same moment: MLflow's table creation is not safe
    across processes (``duplicate column name: step``, ``table ... already exists``) and a run used to go
    untracked; under the store lock each is one MLflow run."""
    import subprocess
    import sys

    from mlflow.tracking import MlflowClient

    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", _ONE_RUN, str(tmp_path), f"run{i}", "2"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    ids = [line.split()[1] for out in outputs for line in out.splitlines() if line.startswith("RUN ")]
    assert len(ids) == 2 and "None" not in ids, "\n".join(o[-1500:] for o in outputs)
    assert not any("tracking is off" in out for out in outputs)
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path.resolve()}/mlruns.db")
    runs = client.search_runs([client.get_experiment_by_name("t").experiment_id])
    assert sorted(r.info.run_id for r in runs) == sorted(ids)
    assert all(r.info.status == "FINISHED" for r in runs)
