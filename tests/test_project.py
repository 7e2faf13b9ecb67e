"""Project-level checks: registry, configuration environments, notebook, CI command."""

import ast
import json
import re
from pathlib import Path

from kedro.config import OmegaConfigLoader
from kedro.framework.project import configure_project

from synthetic_intelligence import lanes
from synthetic_intelligence.pipeline_registry import register_pipelines

ROOT = Path(__file__).resolve().parents[1]


def test_registry_has_every_pipeline_and_one_template_per_lane():
    configure_project("synthetic_intelligence")
    pipelines = register_pipelines()
    assert {"data_isolation", "learners", "baseline", "oracle", "model_driven", "smote", "qa", "__default__"} <= set(
        pipelines)
    assert "train_evaluate" not in pipelines  # the template is only used through namespaces
    default = pipelines["__default__"]
    for lane in lanes.swimlanes():
        assert f"{lane}.metrics" in default.all_outputs()
    fit_nodes = [n for n in default.nodes if n.name.endswith(".fit_learner")]
    # every swimlane and learner runs the same node function (bound to its learner's name)
    assert len({getattr(n.func, "func", n.func) for n in fit_nodes}) == 1
    assert {n.namespace for n in fit_nodes} == {f"{lane}.{lr}" for lane in lanes.swimlanes() for lr in lanes.learners()}
    # every learner is fixed once, before the lanes, and read by every lane
    for learner in lanes.learners():
        assert f"learners.{learner}.spec" in pipelines["learners"].outputs() | pipelines["learners"].all_outputs()
        assert f"params:learners.{learner}" in default.inputs()
    # each lane is one namespace holding its own training-set step
    for lane in lanes.swimlanes():
        lane_nodes = pipelines["__default__"].only_nodes_with_namespaces([lane]).nodes
        assert f"{lane}.train_set" in {o for n in lane_nodes for o in n.outputs}


def test_no_module_reads_argv_or_builds_a_config_loader():
    src = ROOT / "src" / "synthetic_intelligence"
    for path in src.rglob("*.py"):
        text = path.read_text()
        assert "sys.argv" not in text or path.name == "__main__.py", path
        assert "OmegaConfigLoader(" not in text, path


def test_quick_env_overrides_only_sizes_and_keeps_the_rest():
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="quick",
                               merge_strategy={"parameters": "soft"})
    params = loader["parameters"]
    assert params["data_isolation"]["generators"]["synthetic"]["n_samples"] < 10_000
    assert params["data_isolation"]["split"]["holdout_share"] > 0  # from base, kept by the soft merge
    assert params["qa"]["autoencoder"]["hidden"] and params["qa"]["scorecard"]["references"]


def test_base_defaults_match_the_documented_world():
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base")
    params = loader["parameters"]
    world = params["data_isolation"]["generators"]["synthetic"]
    assert (world["n_samples"], world["n_features"], world["minority_share"]) == (128_000, 40, 0.08)
    assert params["qa"]["autoencoder"]["hidden"] == [256, 128, 64] and params["qa"]["autoencoder"]["latent_dim"] == 8
    learners = params["learners"]
    assert set(learners) == set(lanes.learners())  # every static learner has its settings, and no other
    assert learners["automl"]["engine"] == "h2o_leader" and "DeepLearning" in learners["automl"]["exclude_algos"]
    assert learners["logreg"]["scale"] and learners["hgb"]["estimator"].endswith("HistGradientBoostingClassifier")


def test_learner_parameters_are_valid_in_every_environment():
    from synthetic_intelligence.core.experiment.learners import LearnerConfig

    for env in ("base", "quick"):
        loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env=env,
                                   merge_strategy={"parameters": "soft"})
        learners = loader["parameters"]["learners"]
        assert set(learners) == set(lanes.learners()), env
        for name, config in learners.items():
            LearnerConfig.model_validate(config)  # raises naming the bad key or value
    assert learners["automl"]["max_models"] <= 2  # quick: a tiny AutoML


def test_notebook_is_valid_and_reads_from_the_catalog():
    nb = json.loads((ROOT / "notebooks" / "walkthrough.ipynb").read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code:
        ast.parse(cell)
    assert sum("catalog.load(" in c for c in code) >= 5


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*(make \w+)\s*$", readme, flags=re.M)
    assert commands[:2] == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
