"""ProvenanceHook: each lane's ``<lane>.versions`` before the run, ``run_manifest`` after it (however it ends)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from kedro.framework.hooks.manager import _create_hook_manager
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline, node
from kedro.runner import SequentialRunner

from synthetic_intelligence.hooks import ProvenanceHook

OLD, RUN = "2020-01-01T00.00.00.000Z", "2026-11-24T12.00.00.000Z"


def _copy(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    return df.copy(), {"failed": False}


def _fail_step(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    return df.iloc[:0], {"failed": True, "reason": "nothing accepted", "error": "GenerationError"}


def _collect(train_set: pd.DataFrame, versions: dict) -> dict:
    return {"rows": len(train_set), "versions": versions}


def _boom(train_set: pd.DataFrame) -> dict:
    raise RuntimeError("a bug")


def _lane(name: str, step) -> Pipeline:
    return Pipeline([node(step, "train", ["train_set", "resample_report"], name="training_set"),
                     node(_collect, ["train_set", "versions"], "metrics", name="collect")],
                    namespace=name, inputs={"train"})


@pytest.fixture
def catalog(tmp_path):
    def versioned(kind: str, path: str) -> dict:
        return {"type": kind, "filepath": str(tmp_path / path), "versioned": True}

    config = {
        "train": versioned("pandas.ParquetDataset", "train.parquet"),
        "{lane}.train_set": versioned("pandas.ParquetDataset", "{lane}/train_set.parquet"),
        "{lane}.resample_report": versioned("json.JSONDataset", "{lane}/report.json"),
        "{lane}.metrics": versioned("json.JSONDataset", "{lane}/metrics.json"),
        "{lane}.versions": {"type": "kedro.io.MemoryDataset"},
        "run_manifest": versioned("json.JSONDataset", "run_manifest.json"),
    }
    DataCatalog.from_config({"train": config["train"]}, save_version=OLD).save("train", pd.DataFrame({"a": [1, 2]}))
    return DataCatalog.from_config(config, save_version=RUN)


def _run(pipeline: Pipeline, catalog: DataCatalog, hook: ProvenanceHook) -> None:
    manager = _create_hook_manager()
    manager.register(hook)
    run_params = {"run_id": RUN, "env": "test", "pipeline_names": ["lanes"], "load_versions": {}}
    hook.before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
    try:
        SequentialRunner().run(pipeline, catalog, manager, run_id=RUN)
    except Exception as exc:
        hook.on_pipeline_error(error=exc, run_params=run_params, pipeline=pipeline, catalog=catalog)
        raise
    hook.after_pipeline_run(run_params=run_params, run_result={}, pipeline=pipeline, catalog=catalog)


def _manifest(tmp_path) -> dict:
    (version,) = (tmp_path / "run_manifest.json").iterdir()
    assert version.name == RUN
    return json.loads((version / "run_manifest.json").read_text())


def test_each_lane_gets_the_versions_it_reads_and_writes_and_the_run_a_manifest(catalog, tmp_path):
    hook = ProvenanceHook()
    _run(_lane("good", _copy) + _lane("bad", _fail_step), catalog, hook)
    good = catalog.load("good.metrics")["versions"]
    assert good == {"run_id": RUN, "versions": {"train": OLD, "good.train_set": RUN, "good.resample_report": RUN,
                                                "good.metrics": RUN}}
    assert "bad.train_set" not in good["versions"]  # only the lane's own datasets and the shared inputs
    manifest = _manifest(tmp_path)
    assert manifest["run_id"] == RUN and manifest["status"] == "completed" and manifest["error"] is None
    assert manifest["env"] == "test" and manifest["pipeline_names"] == ["lanes"]
    assert manifest["datasets"]["train"] == {"version": OLD, "loaded": True, "saved": False, "type": "ParquetDataset"}
    assert manifest["datasets"]["good.train_set"] == {"version": RUN, "loaded": True, "saved": True,
                                                      "type": "ParquetDataset"}
    assert manifest["failed_lanes"] == {"bad": {"reason": "nothing accepted", "error": "GenerationError"}}


def test_a_failed_run_still_writes_its_manifest(catalog, tmp_path):
    pipeline = Pipeline([node(_copy, "train", ["train_set", "resample_report"], name="training_set"),
                         node(_boom, "train_set", "metrics", name="collect")], namespace="lane", inputs={"train"})
    with pytest.raises(RuntimeError, match="a bug"):
        _run(pipeline, catalog, ProvenanceHook())
    manifest = _manifest(tmp_path)
    assert manifest["status"] == "failed" and manifest["error"] == "RuntimeError: a bug"
    assert manifest["datasets"]["lane.train_set"]["saved"] and "lane.metrics" not in manifest["datasets"]


def test_the_project_registers_the_hook():
    from synthetic_intelligence import settings

    assert any(isinstance(h, ProvenanceHook) for h in settings.HOOKS)
