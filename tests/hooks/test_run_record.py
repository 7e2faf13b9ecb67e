"""RunRecordHook: every run saves what it started with as the versioned dataset run_parameters."""

from __future__ import annotations

import json
import logging

from kedro.io import DataCatalog, MemoryDataset

from synthetic_intelligence.hooks import RUN_PARAMETERS, RunRecordHook
from synthetic_intelligence.pipelines.latent_qa.nodes import NeighbourParams

RUN = {"env": "quick", "pipeline_names": ["scorecard"], "runtime_params": {"generation": {"seed": 3}},
       "runner": "<kedro.runner.sequential_runner.SequentialRunner object at 0x7f00deadbeef>",
       "kedro_version": "1.7.0", "session_id": "not recorded"}


def test_the_run_and_every_parameter_are_saved_under_the_runs_version(tmp_path):
    catalog = DataCatalog.from_config(
        {RUN_PARAMETERS: {"type": "json.JSONDataset", "filepath": str(tmp_path / "rp.json"), "versioned": True}},
        save_version="2026-01-01T00.00.00.000Z")
    typed = NeighbourParams(n_rows=3, seed=5)  # a typed parameter object becomes a dict
    catalog["parameters"] = MemoryDataset({"qa": {"neighbours": typed}, "learner": {"seed": 1, "exclude": ("DL",)}},
                                          copy_mode="assign")
    RunRecordHook().before_pipeline_run(RUN, None, catalog)
    saved = json.loads((tmp_path / "rp.json" / "2026-01-01T00.00.00.000Z" / "rp.json").read_text())
    assert saved["parameters"] == {"qa": {"neighbours": {"n_rows": 3, "seed": 5}},
                                   "learner": {"seed": 1, "exclude": ["DL"]}}
    assert saved["run"]["env"] == "quick" and saved["run"]["pipeline_names"] == ["scorecard"]
    assert saved["run"]["runtime_params"] == {"generation": {"seed": 3}}
    assert saved["run"]["runner"] == "kedro.runner.sequential_runner.SequentialRunner"
    assert "session_id" not in saved["run"]


def test_skipped_without_the_dataset_and_a_failed_save_is_a_warning(tmp_path, caplog):
    RunRecordHook().before_pipeline_run(RUN, None, DataCatalog({"parameters": MemoryDataset({"a": 1})}))

    class Broken(MemoryDataset):
        def save(self, data):
            raise OSError("disk full")

    catalog = DataCatalog({"parameters": MemoryDataset({"a": 1}), RUN_PARAMETERS: Broken()})
    with caplog.at_level(logging.WARNING):
        RunRecordHook().before_pipeline_run(RUN, None, catalog)
    assert "could not save run_parameters" in caplog.text and caplog.text.rstrip().endswith("disk full")
    assert len(caplog.text.strip().splitlines()) == 1  # one line, the run goes on
