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
    assert manifest["datasets"]["train"] == {"version": OLD, "loaded": True, "saved": False, "load_version": OLD,
                                             "save_version": None, "type": "ParquetDataset"}
    assert manifest["datasets"]["good.train_set"] == {"version": RUN, "loaded": True, "saved": True,
                                                      "load_version": RUN, "save_version": RUN,
                                                      "type": "ParquetDataset"}
    assert manifest["isolation"]["own_outputs_only"] and "good.train_set" in manifest["isolation"]["pinned"]
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


# --- two runs in one project: each reads back only what it saved itself ----------------------------------------------

FIRST, SECOND = "2026-11-24T12.00.00.000Z", "2026-11-24T12.00.01.000Z"  # the second run started a second later


def _make(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.DataFrame({"seed": [seed] * 3}), pd.DataFrame({"seed": [seed]})


def _read(made: pd.DataFrame, report: pd.DataFrame) -> dict:
    return {"made_by": int(made["seed"].iloc[0]), "report_by": int(report["seed"].iloc[0])}


def _two_step() -> Pipeline:
    # "made@a" and "made@b": one versioned file, two catalog entries (Kedro transcoding)
    return Pipeline([node(_make, "params:seed", ["made@a", "report"], name="make"),
                     node(_read, ["made@b", "report"], "result", name="read")])


def _catalog(tmp_path, save_version: str, seed: int, load_versions: dict | None = None) -> DataCatalog:
    made = {"type": "pandas.ParquetDataset", "filepath": str(tmp_path / "made.parquet"), "versioned": True}
    config = {"made@a": made, "made@b": made,
              "report": {"type": "pandas.ParquetDataset", "filepath": str(tmp_path / "report.parquet"),
                         "versioned": True},
              "result": {"type": "json.JSONDataset", "filepath": str(tmp_path / "result.json"), "versioned": True},
              "run_manifest": {"type": "json.JSONDataset", "filepath": str(tmp_path / "run_manifest.json"),
                               "versioned": True}}
    catalog = DataCatalog.from_config(config, save_version=save_version, load_versions=load_versions)
    catalog["params:seed"] = seed
    return catalog


def _run_as(pipeline, catalog, run_id: str, load_versions: dict | None = None):
    manager = _create_hook_manager()
    hook = ProvenanceHook()
    manager.register(hook)
    run_params = {"run_id": run_id, "load_versions": load_versions or {}}
    hook.before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
    try:
        SequentialRunner().run(pipeline, catalog, manager, run_id=run_id)
    except Exception as exc:
        hook.on_pipeline_error(error=exc, run_params=run_params, pipeline=pipeline, catalog=catalog)
        raise
    hook.after_pipeline_run(run_params=run_params, run_result={}, pipeline=pipeline, catalog=catalog)


def _manifest_of(tmp_path, run_id: str) -> dict:
    return json.loads((tmp_path / "run_manifest.json" / run_id / "run_manifest.json").read_text())


def test_a_run_overtaken_by_a_later_run_reads_its_own_outputs(tmp_path):
    """Two runs of one project: the second (a later save version) saves first; Kedro's "latest" is then the
    second run's, and the first run used to read it (its result assembled from two runs)."""
    first, second = _catalog(tmp_path, FIRST, seed=1), _catalog(tmp_path, SECOND, seed=2)
    _run_as(_two_step(), second, SECOND)
    _run_as(_two_step(), first, FIRST)
    result = json.loads((tmp_path / "result.json" / FIRST / "result.json").read_text())
    assert result == {"made_by": 1, "report_by": 1}  # was {"made_by": 2, "report_by": 2}: the other run's outputs
    assert json.loads((tmp_path / "result.json" / SECOND / "result.json").read_text()) == \
        {"made_by": 2, "report_by": 2}
    for run_id in (FIRST, SECOND):  # each manifest proves it: every dataset it saved and read, at its own version
        manifest = _manifest_of(tmp_path, run_id)
        for name in ("made@b", "report"):
            assert manifest["datasets"][name]["load_version"] == run_id, (run_id, name)
        assert manifest["datasets"]["made@a"]["save_version"] == run_id
        assert manifest["isolation"] == {"pinned": ["made@a", "made@b", "report", "result"],
                                         "own_outputs_only": True, "foreign_loads": {}}


def test_load_versions_still_choose_what_a_produced_dataset_is_read_at(tmp_path):
    _run_as(_two_step(), _catalog(tmp_path, FIRST, seed=1), FIRST)
    chosen = {"made@b": FIRST}
    _run_as(_two_step(), _catalog(tmp_path, SECOND, seed=2, load_versions=chosen), SECOND, load_versions=chosen)
    result = json.loads((tmp_path / "result.json" / SECOND / "result.json").read_text())
    assert result == {"made_by": 1, "report_by": 2}  # asked for on purpose; "report" is still this run's own
    manifest = _manifest_of(tmp_path, SECOND)
    assert manifest["datasets"]["made@b"]["load_version"] == FIRST and manifest["isolation"]["own_outputs_only"]
    assert "made@b" not in manifest["isolation"]["pinned"]


def test_an_output_read_at_another_version_stops_the_run_and_the_manifest_says_why(tmp_path):
    from kedro.io import Version

    from synthetic_intelligence.hooks import RunIsolationError

    catalog = _catalog(tmp_path, FIRST, seed=1)

    def _unpin(made: pd.DataFrame) -> pd.DataFrame:  # what a version resolved to another run's looks like
        catalog.get("made@b")._version = Version(SECOND, FIRST)
        return made

    pipeline = Pipeline([node(_make, "params:seed", ["made@a", "report"], name="make"),
                         node(_unpin, "report", "report_seen", name="unpin"),
                         node(_read, ["made@b", "report_seen"], "result", name="read")])
    with pytest.raises(RunIsolationError, match=rf"made@b would be read at version {SECOND}.*saved it as {FIRST}"):
        _run_as(pipeline, catalog, FIRST)
    manifest = _manifest_of(tmp_path, FIRST)
    assert manifest["status"] == "failed" and "RunIsolationError" in manifest["error"]
    assert not (tmp_path / "result.json").exists()


def test_with_only_missing_outputs_what_the_run_saves_is_pinned_when_saved(tmp_path):
    """`--only-missing-outputs` reuses the outputs that exist (Kedro checks the latest), so nothing is pinned before
    the run; a dataset the run does save is pinned at its save, and its transcoded sibling read back is the run's."""
    import shutil

    _run_as(_two_step(), _catalog(tmp_path, SECOND, seed=2), SECOND)
    shutil.rmtree(tmp_path / "report.parquet")  # "make" must run again, and "read" after it
    shutil.rmtree(tmp_path / "result.json")
    catalog, pipeline = _catalog(tmp_path, FIRST, seed=1), _two_step()
    manager, hook = _create_hook_manager(), ProvenanceHook()
    manager.register(hook)
    run_params = {"run_id": FIRST, "load_versions": {}, "only_missing_outputs": True}
    hook.before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
    pinned_before = set(getattr(hook, "_pinned", {}))
    SequentialRunner().run(pipeline, catalog, manager, run_id=FIRST, only_missing_outputs=True)
    hook.after_pipeline_run(run_params=run_params, run_result={}, pipeline=pipeline, catalog=catalog)
    assert json.loads((tmp_path / "result.json" / FIRST / "result.json").read_text()) == \
        {"made_by": 1, "report_by": 1}
    assert pinned_before == set()  # Kedro checks which outputs exist after this hook: nothing is pinned ahead
    manifest = _manifest_of(tmp_path, FIRST)
    assert manifest["isolation"]["own_outputs_only"] and manifest["datasets"]["made@b"]["load_version"] == FIRST
