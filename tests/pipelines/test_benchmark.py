"""benchmark pipeline: registry, configuration, node tests and a sliced run of the quick subset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.framework.project import configure_project
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from synthetic_intelligence.core.benchmark import run as bm
from synthetic_intelligence.pipeline_registry import register_pipelines
from synthetic_intelligence.pipelines.benchmark import create_pipeline, nodes

ROOT = Path(__file__).resolve().parents[2]


def _params(env: str) -> dict:
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env=env,
                               merge_strategy={"parameters": "soft"})
    return loader["parameters"]["benchmark"]


class _Kept(MemoryDataset):
    """A MemoryDataset the runner cannot release, so the test can read intermediate outputs."""

    def _release(self) -> None:
        pass


@pytest.fixture(scope="module")
def quick() -> dict:
    """The quick environment's subset cut to the test size: 2 tables (a numeric one and the mixed-type one),
    2 repeats, 1 learner."""
    params = _params("quick")
    return {**params, "tables": [params["tables"][0], params["tables"][-1]]}


@pytest.fixture(scope="module")
def outputs(quick) -> dict:
    catalog = DataCatalog({"params:benchmark": MemoryDataset(quick)})
    pipeline = create_pipeline()
    for name in pipeline.all_outputs():
        catalog[name] = _Kept()
    SequentialRunner().run(pipeline, catalog)
    return {name: catalog[name].load() for name in pipeline.all_outputs()}


def test_registered_but_not_in_the_default_run():
    configure_project("synthetic_intelligence")
    pipelines = register_pipelines()
    assert "benchmark" in pipelines
    assert not {n.name for n in pipelines["benchmark"].nodes} & {n.name for n in pipelines["__default__"].nodes}


def _lanes(params) -> list[str]:
    return [lane.name for lane in bm.BenchmarkParams.model_validate(params).lanes()]


def test_base_parameters_meet_the_benchmark_spec():
    params = _params("base")
    config = bm.BenchmarkParams.model_validate(params)
    assert len(config.tables) >= 20 and config.repeats >= 5
    assert {"logistic", "hist_gb"} <= set(config.learners)
    assert {"smote", "borderline_smote", "adasyn", "random_oversampler"} <= set(config.samplers)
    assert set(config.tuned_samplers) == {"smote_tuned"}
    assert set(config.model_driven.strategies) == {"interpolate"}
    assert set(config.model_driven.variants) == {"default"}
    assert config.class_weighted and config.n_jobs == 2


def test_the_benchmarks_default_lane_is_the_model_driven_default_configuration():
    """model_driven_default runs what parameters_model_driven.yml sets (strategy, near-copy guard, zero amount,
    proposals, tuning learners)."""
    project = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base",
                                merge_strategy={"parameters": "soft"})["parameters"]["generation"]
    lane = bm.BenchmarkParams.model_validate(_params("base")).lane_params()["model_driven_default"]
    assert lane.sampler["candidates"] == project["sampler"]["candidates"]
    assert lane.sampler.get("interpolation_gap", 0.0) == project["sampler"].get("interpolation_gap", 0.0)
    assert lane.tuning.allow_none == project["tuning"].get("allow_none", False)
    assert lane.sampler.get("proposals", "auto") == project["sampler"].get("proposals", "auto")
    assert lane.tuning.more_learners.keys() == project["tuning"].get("more_learners", {}).keys()
    assert lane.tuning.combine == project["tuning"].get("combine", "mean")
    assert lane.tuning.per_learner == project["tuning"].get("per_learner", False)
    assert lane.tuning.min_confidence == project["tuning"].get("min_confidence")
    assert lane.tuning.confirm == project["tuning"].get("confirm")
    assert lane.class_prior == project.get("class_prior", "shift")
    # the strategy lane stays the default before stop 23: uniform proposals, always oversampling
    old = bm.BenchmarkParams.model_validate(_params("base")).lane_params()["model_driven_interpolate"]
    assert old.sampler["proposals"] == "uniform" and not old.tuning.allow_none


def test_the_benchmark_speaks_the_projects_parameter_vocabulary():
    """learners.<name> as in parameters_learners.yml, samplers as <lane>.sampler, generation as generation."""
    params = _params("base")
    project = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base",
                                merge_strategy={"parameters": "soft"})["parameters"]
    assert set(params["learners"]["hist_gb"]) <= set(project["learners"]["hgb"])
    assert set(params["samplers"]["smote"]) == set(project["smote"]["sampler"])
    assert set(params["model_driven"]["generation"]) <= set(project["generation"])
    assert set(params["model_driven"]["oracle"]) == set(project["repeats"]["oracle"])


def test_quick_parameters_are_a_tiny_subset():
    params = _params("quick")
    config = bm.BenchmarkParams.model_validate(params)
    assert 2 <= len(config.tables) <= 3 and config.repeats == 2
    assert list(config.learners) == ["logistic"]  # hist_gb: null drops base's entry
    tuning = config.model_driven.generation.tuning
    assert len(tuning.thresholds) * len(tuning.ratios) == 1
    assert _lanes(params) == _lanes(_params("base"))  # same lanes as base


def test_sliced_run_of_the_quick_subset(outputs, quick):
    results = outputs["benchmark_results"]
    lanes = _lanes(quick)
    assert len(results) == 2 * 2 * len(lanes)  # tables x repeats x lanes x one learner
    assert set(results["table"]) == set(quick["tables"])
    for column in ("sampler", "sampler_params", "seed", "n_rows", "minority_share", "status"):
        assert results[column].notna().all(), column
    assert results.loc[results["status"] == "ok", "synthetic_share"].notna().all()  # NaN where a lane failed
    # the only failures: samplers that take numeric features only, on the mixed-type table, saying so
    failed = results[results["status"] != "ok"]
    assert (failed["feature_types"] == "mixed types").all(), failed[["table", "lane", "error"]]
    assert failed["error"].str.contains("takes numeric features").all(), failed[["table", "lane", "error"]]
    mixed = results[results["feature_types"] == "mixed types"]
    assert set(mixed.loc[mixed["lane"] == "smote", "sampler"]) == {"SMOTENC"}
    assert (mixed.loc[mixed["lane"].str.startswith("model_driven"), "status"] == "ok").all()
    tables = outputs["benchmark_tables"]
    assert list(tables["table"]) == quick["tables"] and tables["minority_share"].between(0, 0.2).all()
    assert set(tables["feature_types"]) == {"numeric", "mixed types"}
    assert not outputs["benchmark_tuning"].empty


def test_sliced_run_summary_tables(outputs, quick):
    ranks = outputs["benchmark_ranks"]
    lanes = _lanes(quick)
    assert sorted(ranks["lane"]) == sorted(lanes)
    assert ranks["mean_rank"].sum() == pytest.approx(len(lanes) * (len(lanes) + 1) / 2)
    friedman = outputs["benchmark_friedman"].iloc[0]
    assert friedman["n_tables"] == 2 and 0 <= friedman["p_value"] <= 1
    wtl = outputs["benchmark_wins_ties_losses"]
    assert set(wtl["reference"]) == set(quick["summary"]["references"])
    assert (wtl[["wins", "ties", "losses"]].sum(axis=1) == 2).all()
    per_table = outputs["benchmark_per_table"]
    assert len(per_table) == 2 * len(lanes)
    kinds = outputs["benchmark_by_table_kind"]
    assert set(kinds.loc[kinds["band_of"] == "feature_types", "band"]) == {"numeric", "mixed types"}
    assert {"lane_mean_rank", "reference_mean_rank", "friedman_p", "nemenyi_p", "significantly_worse"} <= set(kinds)


def test_sliced_run_report(outputs):
    assert isinstance(outputs["benchmark_cd_diagram"], Figure)
    assert isinstance(outputs["benchmark_rank_plot"], Figure)
    md = outputs["benchmark_summary_md"]
    assert "Friedman chi2" in md and "Wins / ties / losses" in md and "model_driven_interpolate" in md
    assert "Significantly worse than a reference in a band" in md


def test_sliced_run_diagnostics(outputs, quick):
    params = bm.BenchmarkParams.model_validate(quick)
    synthetic = sorted(lane.name for lane in params.lanes() if lane.synthetic)
    per_split = outputs["benchmark_diagnostics"]
    assert len(per_split) == 2 * 2 * len(synthetic)
    # failed: only the samplers that take numeric features only, on the mixed-type table
    failed = per_split[per_split["status"] != "ok"]
    assert set(failed["table"]) <= {"mixed_abalone9_18"}
    assert set(failed["lane"]) <= {"borderline_smote", "adasyn", "prowsyn", "polynom_fit_smote_star"}
    table = outputs["benchmark_diagnostic_table"]
    assert len(table) == 2 * len(synthetic) and sorted(table["lane"].unique()) == synthetic
    numeric = table[table["table"] != "mixed_abalone9_18"]
    assert (numeric["n_repeats"] == 2).all()
    assert table.loc[table["n_repeats"] < 2, "lane"].isin(set(failed["lane"])).all()
    variant = table[(table["lane"] == "prowsyn") & (table["table"] != "mixed_abalone9_18")]  # numeric tables
    assert (variant["sampler"] == "smote_variants.ProWSyn").all() and (variant["n_synthetic"] > 0).all()
    assert table.loc[table["lane"] == "random_oversampler", "near_copy_share"].eq(1.0).all()
    assert isinstance(outputs["benchmark_diagnostic_plot"], Figure)


def test_report_with_too_few_tables_says_so():
    ranks = pd.DataFrame({"learner": ["lr"] * 3, "lane": ["baseline", "smote", "model_driven_x"],
                          "mean_rank": [1.0, 2.0, 3.0], "mean_auprc": [0.5, 0.4, 0.3], "n_tables": [1] * 3})
    friedman = pd.DataFrame([{"learner": "lr", "n_tables": 1, "n_lanes": 3, "alpha": 0.05, "statistic": float("nan"),
                              "p_value": float("nan"), "critical_difference": float("nan")}])
    posthoc = pd.DataFrame(columns=["learner", "lane_a", "lane_b", "p_value"])
    fig = nodes.report.cd_diagram(ranks, posthoc, friedman)
    assert "not enough tables" in fig.axes[0].texts[0].get_text()


def test_a_bad_benchmark_parameter_is_one_line_before_any_node(tmp_path):
    """Kedro validates the typed ``benchmark`` parameters before the first node; the CLI prints one line."""
    from tests.test_cli import copy_project, kedro

    project = copy_project(tmp_path)
    result = kedro(project, "run", "--env", "quick", "--pipeline", "benchmark", "--params",
                   "benchmark.repeats=1,benchmark.test_size=1.5")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ERROR [ParameterValidationError] parameters are invalid: benchmark.repeats: Input should be greater than or "
        "equal to 2 (got 1); benchmark.test_size: Input should be less than 1 (got 1.5)")
    assert "Traceback" not in result.stderr
