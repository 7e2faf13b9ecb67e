"""repeats pipeline: structure, its parameters as configured, and a sliced run (repeats -> summary) in memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synthetic_intelligence import lanes
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment.repeats import REPEATS_COLUMNS, RepeatsParams
from synthetic_intelligence.core.schema import HOLDOUTS, SPARK_TAG
from synthetic_intelligence.pipelines.repeats import create_pipeline, nodes
from synthetic_intelligence.pipelines.scorecard.pipeline import create_pipeline as scorecard_pipeline
from tests.lane_data import LEARNERS

CONF = Path(__file__).resolve().parents[2] / "conf"
ORACLE = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
          "estimator_kwargs": {"max_iter": 20, "random_state": 0}}
GENERATION = {"seed": 0, "sampler": {"candidates": "interpolate", "batch_size": 2048, "max_rounds": 20},
              "tuning": {"enabled": True, "thresholds": [0.5], "ratios": [0.25], "learner": ORACLE}}
SPLIT = {"holdout_share": 0.2, "validation_share": 0.2, "seed": 1}
SCORECARD = {"references": ["baseline", "smote"], "n_boot": 20, "alpha": 0.05, "seed": 0}


def _params(env: str) -> dict:
    return OmegaConfigLoader(str(CONF), base_env="base", default_run_env=env,
                             merge_strategy={"parameters": "soft"})["parameters"]


@pytest.mark.parametrize("env", ["base", "quick"])
def test_configured_parameters_are_valid(env):
    params = _params(env)
    repeats = RepeatsParams.model_validate(params["repeats"])
    assert repeats.k == (2 if env == "quick" else 3)
    assert repeats.oracle.engine == "sklearn"
    assert set(repeats.learners) <= set(params["learners"]) and set(repeats.learners) <= set(lanes.learners())


def test_pipeline_reads_the_splits_and_every_lanes_own_parameters():
    pipe = create_pipeline()
    (node,) = pipe.nodes
    assert node.outputs == ["repeats_metrics"] and SPARK_TAG in node.tags and "repeats" in node.tags
    assert {"train", "validation", *HOLDOUTS, "params:repeats", "params:learners", "params:generation",
            "params:data_isolation.split"} <= set(node.inputs)
    assert {f"params:{lane}.sampler" for lane in lanes.SMOTE_LANES} <= set(node.inputs)
    # one keyword per lane with parameters, named by the lane registry (params__<lane>)
    assert {k: v for k, v in node._inputs.items() if k.startswith("params__")} == {
        f"params__{lane.name}": f"params:{lane.parameters}" for lane in lanes.LANES if lane.parameters}
    assert "oracle" not in node.inputs  # the repeats fit their own fixed oracle


def test_registry_runs_repeats_before_the_scorecard():
    from kedro.framework.project import configure_project

    from synthetic_intelligence.pipeline_registry import DEFAULT, register_pipelines

    assert DEFAULT.index("repeats") < DEFAULT.index("scorecard")
    configure_project("synthetic_intelligence")
    default = register_pipelines()["__default__"]
    assert {"repeats_metrics", "repeats_summary"} <= default.all_outputs()


def test_node_refuses_an_automl_learner(tiny_world):
    with pytest.raises(ConfigurationError, match="engine h2o_leader"):
        nodes.run_repeats(tiny_world["train"], tiny_world["validation"], tiny_world["holdout_iid"],
                          tiny_world["holdout_new_world"], {"k": 1, "learners": ["automl"], "oracle": ORACLE},
                          {"automl": {"engine": "h2o_leader"}}, SPLIT, params__model_driven=GENERATION)


def test_sliced_repeats_and_summary_run_on_a_memory_catalog(tiny_world):
    """data_isolation's outputs in memory -> repeats -> the scorecard's summarise_repeats."""
    smote_lanes = {f"params:{lane}.sampler": {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0}
                   for lane in lanes.SMOTE_LANES}
    data = {**{name: tiny_world[name] for name in ("train", "validation", *HOLDOUTS)},
            "params:repeats": {"k": 2, "seed": 0, "learners": list(LEARNERS), "oracle": ORACLE},
            "params:learners": LEARNERS, "params:generation": GENERATION, "params:data_isolation.split": SPLIT,
            "params:qa.scorecard": SCORECARD, **smote_lanes}
    catalog = DataCatalog({name: MemoryDataset(value) for name, value in data.items()})
    SequentialRunner().run(create_pipeline(), catalog)
    table = catalog.load("repeats_metrics")
    assert list(table.columns) == REPEATS_COLUMNS
    assert len(table) == 2 * len(lanes.swimlanes()) * len(LEARNERS) * len(HOLDOUTS)
    assert list(pd.unique(table["lane"])) == lanes.swimlanes() and (table["status"] == "ok").all()
    SequentialRunner().run(scorecard_pipeline().only_nodes("summarise_repeats"), catalog)
    summary = catalog.load("repeats_summary")
    assert len(summary) == len(lanes.swimlanes()) * len(LEARNERS) * len(HOLDOUTS)
    assert {"diff_vs_baseline", "vs_smote", "wins_vs_smote"} <= set(summary.columns)
    assert (summary["n_ok"] == 2).all()
