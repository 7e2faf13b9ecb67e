"""The scaling pipeline: child-process measurements (peak memory, timeout), time budget and extrapolation,
exponents, table, summary and figure; a tiny real run of SMOTE and both backends."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.scaling import measure as scaling
from synthetic_intelligence.core.scaling.report import (
    ScalingParams,
    measure_all,
    plan,
    summarise,
)
from synthetic_intelligence.pipelines.scaling import create_pipeline, nodes
from synthetic_intelligence.reporting.scaling import scaling_figure

TINY = {"sizes": [3000, 6000], "n_features": 6, "sklearn_fit_rows": 3000, "oracles": ["sklearn"],
        "sampler": {"batch_size": 2048}, "spark": {"spark.master": "local[2]", "spark.driver.memory": "1g"},
        "time_budget_s": 300, "exponent_from_rows": 1000}


def test_exponent_and_prediction_follow_a_power_law():
    sizes = [1e5, 1e6, 4e6]
    assert scaling.fit_exponent(sizes, [2 * n**1.5 for n in sizes]) == pytest.approx(1.5)
    predicted, exponent = scaling.predicted_seconds([1e6, 4e6], [10.0, 160.0], 8e6)
    assert exponent == pytest.approx(2.0) and predicted == pytest.approx(640.0)
    assert math.isnan(scaling.predicted_seconds([1e6], [10.0], 4e6)[0])


def test_budget_skips_and_extrapolates_marked(tmp_path):
    params = ScalingParams.model_validate({**TINY, "sizes": [1000, 2000, 4000], "methods": ["smote", "numpy"],
                                           "time_budget_s": 50})
    calls = []

    def fake_run(spec, *, timeout_s):
        calls.append((spec["method"], spec["n_rows"]))
        t = (spec["n_rows"] / 1000) ** 2 * 10 if spec["method"] == "smote" else spec["n_rows"] / 1000
        return {"status": "ok", "seconds_wall": t, "seconds_generate": t / 2, "seconds_score": t / 4,
                "n_synthetic": spec["n_rows"], "n_candidates": 2 * spec["n_rows"], "peak_rss_bytes": 2**30}

    table = measure_all({"folder": str(tmp_path)}, {"sklearn": {}}, params, run=fake_run)
    assert ("smote", 4000) not in calls and ("numpy", 4000) in calls
    skipped = table[(table["series"] == "SMOTE") & (table["n_rows"] == 4000)].iloc[0]
    assert skipped["extrapolated"] and skipped["status"] == "skipped"
    assert skipped["seconds_wall"] == pytest.approx(160.0)  # 40 s at 2000 rows, exponent 2
    report = summarise(table, params, at_rows=4000, big_rows=4000)
    assert report["exponents"]["SMOTE"] == pytest.approx(2.0) == report["local_exponents"]["SMOTE"]
    assert table[table["extrapolated"]]["seconds_io_other"].isna().all()
    target = report["targets"]["smote_over_model_driven_numpy_sklearn_at_4000"]
    assert target["value"] == pytest.approx(40.0) and target["met"] and target["extrapolated"]
    assert len(plan(params)) == 6


def test_a_child_measurement_reports_peak_memory_and_is_killed_at_the_budget(tmp_path):
    world = scaling.make_world(tmp_path, n_rows=2000, n_features=5, seed=1)
    spec = {"world": world, "n_rows": 2000, "method": "smote", "seed": 0, "k_neighbors": 5}
    result = scaling.run_measurement(spec, timeout_s=120)
    assert result["status"] == "ok" and result["n_synthetic"] > 0 and result["seconds_wall"] > 0
    assert result["peak_rss_bytes"] > 50 * 2**20  # an interpreter with numpy and imbalanced-learn
    killed = scaling.run_measurement(spec, timeout_s=0.01)
    assert killed["status"] == "timeout"
    failed = scaling.run_measurement({**spec, "method": "bogus", "oracle": None}, timeout_s=120)
    assert failed["status"] == "error"


@pytest.mark.spark
def test_tiny_scaling_run_of_smote_numpy_and_spark(tmp_path):
    params = {**TINY, "workdir": str(tmp_path)}
    world = nodes.make_world(params)
    oracles = nodes.fit_oracles(world, params)
    table = nodes.measure(world, oracles, params)
    assert set(table["series"]) == {"SMOTE", "SMOTE (fast neighbours)", "model-driven numpy (sklearn oracle)",
                                    "model-driven spark (sklearn oracle)"}
    assert (table["status"] == "ok").all(), table[["series", "error"]]
    for n_rows, part in table.groupby("n_rows"):
        assert part["n_synthetic"].nunique() == 1  # every method to the same count
    spark_rows = table[table["method"] == "spark"]
    assert (spark_rows["peak_rss_gib"] > 0.3).all()  # the child's JVM and Python workers are counted
    assert (spark_rows["seconds_startup"] > 0).all() and (spark_rows["acceptance_rate"] <= 1).all()
    report = nodes.summary(table, oracles, params)
    assert set(report["exponents"]) == set(table["series"])
    fig = nodes.figure(table, report)
    assert fig.axes[0].get_xscale() == "log" and len(fig.axes[0].get_legend().get_texts()) == 4
    assert not (tmp_path / "world").exists()


def test_pipeline_shape_and_figure_without_data():
    pipeline = create_pipeline()
    assert {n.name for n in pipeline.nodes} == {"make_world", "fit_oracles", "measure", "summary", "figure"}
    assert [n.name for n in pipeline.nodes if "h2o" in n.tags] == ["fit_oracles"]
    empty = pd.DataFrame({"series": ["SMOTE"], "n_rows": [1], "seconds_wall": [np.nan], "extrapolated": [True]})
    assert scaling_figure(empty).axes[0].texts


def test_measurements_name_the_machine_and_account_for_the_sampler_time(tmp_path):
    """The numpy measurement's wall time is its timed steps; SMOTE with a fast neighbour search runs to the same
    count; every child records CPU, cores, BLAS threads, versions and load (what the summary and README quote)."""
    world = scaling.make_world(tmp_path, n_rows=3000, n_features=6, seed=1)
    oracle = scaling.fit_sklearn_oracle(world, tmp_path / "hgb.pkl", n_rows=3000)
    base = {"world": world, "n_rows": 3000, "seed": 0, "k_neighbors": 5, "oracle": oracle,
            "sampler": {"batch_size": 1024}, "fast_smote_algorithm": "kd_tree"}
    numpy_run = scaling._measure({**base, "method": "numpy"})
    parts = (numpy_run["seconds_prepare"] + numpy_run["seconds_generate"] + numpy_run["seconds_score"]
             + numpy_run["seconds_loop_other"] + numpy_run["seconds_output"])
    assert parts == pytest.approx(numpy_run["seconds_wall"], rel=1e-6)
    assert min(numpy_run[k] for k in ("seconds_prepare", "seconds_loop_other", "seconds_output")) >= 0
    assert numpy_run["scorer"] == "CompiledTreeScorer" or not scaling_has_numba()
    rates, sizes = numpy_run["acceptance_by_round"], numpy_run["candidates_by_round"]
    assert len(rates) == len(sizes) >= 1 and all(0 < r <= 1 for r in rates) and sum(sizes) == numpy_run["n_candidates"]
    smote = scaling._measure({**base, "method": "smote"})
    fast = scaling._measure({**base, "method": "smote_fast"})
    assert fast["n_synthetic"] == smote["n_synthetic"] == numpy_run["n_synthetic"] > 0
    assert "kd_tree" in fast["neighbours"] and "n_jobs=-1" in fast["neighbours"]
    machine = scaling.machine_info()
    assert machine["cpu_model"] and machine["logical_cores"] >= 1 and len(machine["load_average"]) == 3
    assert machine["versions"]["numpy"] == np.__version__ and machine["versions"]["scikit-learn"]
    assert machine["versions"]["imbalanced-learn"]
    assert any(p["api"] == "blas" and p["threads"] >= 1 for p in machine["threadpools"]), machine["threadpools"]
    assert "threads" in machine["blas"]


def scaling_has_numba() -> bool:
    from synthetic_intelligence.core.sampling import tree_predictor

    return tree_predictor.numba_available()


def test_summary_quotes_the_machine_the_fast_smote_and_the_1m_ratio(tmp_path):
    params = ScalingParams.model_validate({**TINY, "sizes": [1000, 4000], "methods": ["smote", "smote_fast", "numpy"]})
    machine = {"cpu_model": "Test CPU 9000", "logical_cores": 2, "blas": "openblas 0.3 (2 threads)",
               "versions": {"numpy": "2"}, "load_average": [1.0, 1.0, 1.0], "load_average_before": [0.5, 0.5, 0.5]}

    def fake_run(spec, *, timeout_s):
        t = {"smote": 40.0, "smote_fast": 20.0, "numpy": 4.0}[spec["method"]] * spec["n_rows"] / 1000
        return {"status": "ok", "seconds_wall": t, "seconds_generate": t / 4, "seconds_score": t / 2,
                "n_synthetic": spec["n_rows"], "n_candidates": 2 * spec["n_rows"], "peak_rss_bytes": 2**30,
                "acceptance_by_round": [0.5, 0.5], "machine": machine}

    table = measure_all({"folder": str(tmp_path)}, {"sklearn": {}}, params, run=fake_run)
    assert set(table["series"]) == {"SMOTE", "SMOTE (fast neighbours)", "model-driven numpy (sklearn oracle)"}
    assert table["acceptance_by_round"].dropna().iloc[0] == "[0.5, 0.5]"
    report = summarise(table, params, at_rows=4000, big_rows=4000, small_rows=1000)
    assert report["targets"]["smote_over_model_driven_numpy_sklearn_at_1000"]["value"] == pytest.approx(10.0)
    assert report["targets"]["smote_over_model_driven_numpy_sklearn_at_1000"]["met"]
    assert report["targets"]["fast_smote_over_model_driven_numpy_sklearn_at_4000"]["value"] == pytest.approx(5.0)
    assert "exponent SMOTE (fast neighbours)" not in report["targets"]
    assert report["machine"]["cpu_model"] == "Test CPU 9000" and report["machine"]["blas"].startswith("openblas")
    assert report["machine"]["load_1min_during"] == {"min": 0.5, "max": 1.0}
