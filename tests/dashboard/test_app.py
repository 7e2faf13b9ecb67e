"""The dashboard's pages with ``streamlit.testing`` (no browser) against tiny fake project outputs.

Each test drives the real ``app.py`` (navigation, sidebar run picker, pages) with the
project chosen through ``$SI_DASHBOARD_PROJECT``, as ``make dashboard`` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from synthetic_intelligence import dashboard
from synthetic_intelligence.dashboard.outputs import ENV_VAR, PROJECT_VAR, run_label
from tests.dashboard.fake_project import RUN_1, RUN_2, make_project, write_run

APP = str(Path(dashboard.__file__).with_name("app.py"))
TIMEOUT = 120


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """RUN_1 wrote every table; RUN_2 (later, other seeds) wrote them all again."""
    project = make_project(tmp_path_factory.mktemp("two_runs"))
    write_run(project, RUN_1, seed=0)
    write_run(project, RUN_2, seed=1)
    return project


@pytest.fixture(scope="module")
def partial_run(tmp_path_factory):
    """RUN_1 wrote every table; RUN_2 only the scorecard (e.g. ``--pipeline scorecard``)."""
    project = make_project(tmp_path_factory.mktemp("partial"))
    write_run(project, RUN_1, seed=0)
    write_run(project, RUN_2, seed=1, only=("scorecard",))
    return project


def _app(monkeypatch, project: Path, page: str | None = None, run: str | None = None) -> AppTest:
    monkeypatch.setenv(PROJECT_VAR, str(project))
    monkeypatch.delenv(ENV_VAR, raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if run:
        at.query_params["run"] = run
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "title", "header",
                                  "subheader") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def test_verdict_shows_lanes_by_holdouts_and_wins_in_words(monkeypatch, two_runs):
    at = _app(monkeypatch, two_runs)
    assert at.title[0].value == "Verdict"
    matrix = at.dataframe[0].value
    assert list(matrix.index) == ["baseline", "smote", "model_driven"]
    assert list(matrix.columns) == ["IID holdout", "New-world holdout"]
    assert all("[" in cell for cell in matrix.to_numpy().ravel())  # AUPRC [lo, hi]
    text = _text(at)
    assert "**model_driven / hgb** (wins 4, loses 0, ties 0 of 4 comparisons)" in text  # one learner, named
    assert "better than baseline (ΔAUPRC" in text
    assert f"`scorecard` from run {run_label(RUN_2)}" in text  # newest by default
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["model_driven"] == "4 win · 0 tie · 0 loss"
    assert at.get("plotly_chart"), "paired differences figure"


def test_verdict_shows_the_repeated_splits_when_they_exist(monkeypatch, two_runs, tmp_path):
    at = _app(monkeypatch, two_runs)
    assert "Repeated splits (k = 3)" in [s.value for s in at.subheader]
    table = at.dataframe[-1].value
    assert list(table["lane"]) == ["baseline", "smote", "model_driven"]
    assert table.set_index("lane").loc["model_driven", "Δ vs baseline (W/T/L)"].endswith("(better); 3/0/0")
    at.selectbox(key="repeats_holdout").set_value("holdout_new_world").run()
    assert not at.exception
    project = make_project(tmp_path)  # a run without repeats: no section, no message
    write_run(project, RUN_1, only=("scorecard",))
    at = _app(monkeypatch, project)
    assert not any("Repeated splits" in s.value for s in at.subheader) and not at.info


def test_verdict_shows_lane_by_learner_when_the_scorecard_has_learners(monkeypatch, tmp_path):
    project = make_project(tmp_path)
    write_run(project, RUN_1, only=("scorecard",), learner=True)
    at = _app(monkeypatch, project)
    assert at.selectbox(key="verdict_holdout").value == "holdout_iid"
    matrix = at.dataframe[0].value
    assert list(matrix.columns) == ["automl", "logistic"]
    assert list(matrix.index) == ["baseline", "smote", "model_driven"]
    at.selectbox(key="verdict_learner").set_value("logistic").run()  # the learner of the comparisons
    assert not at.exception
    assert set(at.dataframe[1].value["learner"]) == {"logistic"}  # the paired differences of that learner


def test_curves_page_draws_pr_curves_and_the_drift_sweep(monkeypatch, two_runs):
    at = _app(monkeypatch, two_runs, "curves")
    assert [h.value for h in at.header] == ["Precision-recall curves", "Drift sweep"]
    assert len(at.get("image")) == 2
    lanes = at.multiselect(key="pr_lanes")
    assert lanes.value == ["baseline", "smote", "model_driven"]
    lanes.set_value(["model_driven"]).run()
    assert not at.exception and len(at.get("image")) == 2


def test_latent_page_interactive_tsne_and_fidelity(monkeypatch, two_runs):
    at = _app(monkeypatch, two_runs, "latent")
    chart = at.get("plotly_chart")[0]
    spec = chart.proto.spec if hasattr(chart, "proto") else ""
    assert "model_driven synthetic" in spec and "real minority" in spec
    fidelity = at.dataframe[0].value
    assert list(fidelity["lane"]) == ["smote", "model_driven"] and "dcr_ratio" in fidelity.columns
    assert "Memorisation: smote" in at.warning[0].value
    at.multiselect(key="latent_lanes").set_value(["smote"]).run()
    assert "model_driven synthetic" not in at.get("plotly_chart")[0].proto.spec


def test_generation_page_grid_choice_and_nearest_real_rows(monkeypatch, two_runs):
    at = _app(monkeypatch, two_runs, "generation")
    assert at.success[0].value == ("Chosen on validation: threshold 0.5, ratio 0.25, validation AUPRC 0.610 "
                                   "(no oversampling: 0.560).")
    assert "no oversampling beat every grid point" in at.warning[0].value  # RUN_2's choice says so
    grid = at.dataframe[0].value
    assert grid["chosen"].sum() == 1 and grid.loc[grid["chosen"], "threshold"].item() == 0.5
    assert bool(grid["reference"].iloc[0])  # the no-oversampling row first
    assert {m.label: m.value for m in at.metric}["Acceptance rate"] == "20.0%"
    assert at.selectbox(key="neighbour_lane").value == "model_driven"
    pairs = at.dataframe[1].value
    pairs = pairs.data if hasattr(pairs, "data") else pairs  # a Styler
    assert list(pairs["row"]) == ["synthetic", "nearest real"] * 3


def _table_with(at: AppTest, column: str, value: str):
    """The first table whose ``column`` holds ``value``."""
    return next(d.value for d in at.dataframe if column in d.value.columns and value in set(d.value[column]))


def test_runs_page_compares_two_runs(monkeypatch, two_runs):
    at = _app(monkeypatch, two_runs, "runs")
    assert at.selectbox(key="run_a").value == RUN_1 and at.selectbox(key="run_b").value == RUN_2
    params = _table_with(at, "key", "data_isolation.split.seed")
    row = params.set_index("key").loc["data_isolation.split.seed"]
    assert list(row.iloc[:2]) == ["7", "8"] and bool(row["differs"])
    assert "learner.seed" not in set(params["key"])  # only differences by default
    seeds = _table_with(at, "key", "smote.resample_report.seed").set_index("key")
    assert {"data_isolation.split.seed", "learner.seed", "model_driven.resample_report.seed"} <= set(seeds.index)
    assert list(seeds.loc["smote.resample_report.seed"].iloc[:2]) == ["0", "1"]
    metrics = _table_with(at, "lane · holdout", "model_driven · holdout_iid")
    assert list(metrics.columns[1:3]) == [f"A {run_label(RUN_1)}", f"B {run_label(RUN_2)}"]
    lane_metrics = _table_with(at, "key", "model_driven.hgb.holdout_iid.auprc")  # lane . learner . holdout
    assert "model_driven.hgb.train.synthetic_share" in set(lane_metrics["key"])
    # all parameters, not only differences
    at.toggle[0].set_value(False).run()
    assert "learner.seed" in set(_table_with(at, "key", "data_isolation.split.seed")["key"])


def test_an_earlier_run_can_be_picked(monkeypatch, two_runs):
    at = _app(monkeypatch, two_runs, run=RUN_1)
    assert at.sidebar.selectbox[0].value == RUN_1
    assert f"`scorecard` from run {run_label(RUN_1)}" in _text(at)
    at.sidebar.selectbox[0].set_value(RUN_2).run()
    assert f"`scorecard` from run {run_label(RUN_2)}" in _text(at)


def test_a_dataset_the_run_did_not_write_comes_from_the_newest_earlier_run(monkeypatch, partial_run):
    at = _app(monkeypatch, partial_run, "latent", run=RUN_2)
    text = _text(at)
    assert f"`fidelity` from run {run_label(RUN_1)} (the selected run did not write it" in text
    runs = _app(monkeypatch, partial_run, "runs")
    # the Runs page compares what each run wrote: RUN_2 recorded no parameters
    assert f"Run {run_label(RUN_2)} recorded no `run_parameters`" in _text(runs)


@pytest.mark.parametrize(("page", "expected"), [
    (None, "No scorecard yet. Make it with `kedro run --pipelines scorecard` (or `kedro run`: the default run"),
    ("curves", "`kedro run --pipelines scorecard`"),
    ("latent", "No latent embedding (`latent_embedding`) yet. Make it with `kedro run --pipelines latent_qa`"),
    ("generation", "`kedro run --pipelines model_driven`"),
    ("runs", "No run yet."),
    ("benchmark", "No benchmark outputs yet. Make it with `kedro run --pipelines benchmark` (it is not part of the "
                  "default run)"),
    ("scaling", "`kedro run --pipelines scaling`"),
])
def test_pages_without_outputs_say_which_kedro_run_makes_them(monkeypatch, tmp_path, page, expected):
    at = _app(monkeypatch, make_project(tmp_path), page)
    assert expected in "\n".join(i.value for i in at.info)


def test_a_later_pipelines_outputs_get_their_page_once_written(monkeypatch, tmp_path):
    """Benchmark outputs (declared as the benchmark pipeline declares them) are shown by kind."""
    import pandas as pd
    from kedro.io import Version
    from matplotlib.figure import Figure

    from synthetic_intelligence.dashboard.outputs import ProjectOutputs

    project = make_project(tmp_path)
    (project / "conf" / "base" / "catalog_benchmark.yml").write_text("""
benchmark_summary_md: {type: text.TextDataset, filepath: data/08_reporting/benchmark/summary.md, versioned: true}
benchmark_ranks: {type: pandas.CSVDataset, filepath: data/08_reporting/benchmark/ranks.csv, versioned: true}
benchmark_cd_diagram: {type: matplotlib.MatplotlibDataset, filepath: data/08_reporting/benchmark/cd.png, versioned: true}
""")
    catalog = ProjectOutputs(project).catalog
    fig = Figure()
    fig.subplots().plot([1, 2], [2, 1])
    for name, data in (("benchmark_summary_md", "# Benchmark summary\n\nmodel_driven ranks first."),
                       ("benchmark_ranks", pd.DataFrame({"lane": ["model_driven", "smote"], "rank": [1.2, 1.8]})),
                       ("benchmark_cd_diagram", fig)):
        catalog.get(name, version=Version(None, RUN_1)).save(data)
    at = _app(monkeypatch, project, "benchmark")
    assert [s.value for s in at.subheader] == ["Critical-difference diagram", "Mean ranks (1 = best)"]  # pictures, then the page's first tables
    assert [e.label for e in at.expander] == ["Summary"]  # the rest below, folded
    assert "model_driven ranks first." in _text(at)
    assert list(at.dataframe[0].value["lane"]) == ["model_driven", "smote"]
    assert len(at.get("image")) == 1
    assert not at.info  # no "make it with" message


def test_runs_page_pairs_the_two_newest_scored_runs_by_default(monkeypatch, two_runs, tmp_path):
    """A later run that wrote no scorecard (e.g. ``--pipeline benchmark``) is listed but not picked."""
    import shutil

    project = tmp_path / "three_runs"
    shutil.copytree(two_runs, project)
    write_run(project, "2026-01-03T09.00.00.000Z", only=("run_parameters",))
    at = _app(monkeypatch, project, "runs")
    assert at.selectbox(key="run_a").value == RUN_1 and at.selectbox(key="run_b").value == RUN_2
    assert len(at.selectbox(key="run_b").options) == 3
