"""A real ``kedro run --env quick`` (the session's ``quick_run``): one MLflow run with the lanes' metrics,
the scorecard and figures as artifacts, the dataset versions; progress in the log; the closing summary."""

import json
import re
from pathlib import Path

import pytest

from synthetic_intelligence import lanes

pytestmark = [pytest.mark.slow, pytest.mark.h2o]  # the run starts the project's H2O hook (tagged nodes)


@pytest.fixture(scope="module")
def run(quick_run):
    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    return quick_run


@pytest.fixture(scope="module")
def mlflow_run(run):
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{run.path / 'mlruns.db'}"
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("synthetic_intelligence")
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1  # each kedro run is one MLflow run
    return client, runs[0]


def test_the_run_is_one_finished_mlflow_run_with_every_parameter_and_seed(mlflow_run):
    _, mrun = mlflow_run
    assert mrun.info.status == "FINISHED" and mrun.info.run_name == "__default__"
    params = mrun.data.params
    assert params["learners.hgb.engine"] == "sklearn" and params["learners.automl.engine"] == "h2o_leader"
    assert params["oracle.engine"] == "h2o_automl" and params["learners.automl.max_models"] == "2"  # quick's value
    assert params["data_isolation.generators.synthetic.n_samples"] == "6000"
    assert params["generation.sampler.gate"] == "quantile" and params["smote.sampler.name"] == "SMOTE"
    seeds = json.loads(mrun.data.tags["seeds"])
    assert {"data_isolation.split.seed", "generation.seed", "learners.automl.seed", "oracle.seed", "smote.sampler.seed",
            "qa.projection.seed"} <= set(seeds)
    assert mrun.data.tags["kedro.save_version"] in mrun.data.tags["kedro.dataset_versions"]
    assert mrun.data.tags["kedro_command"].startswith("kedro run")


def test_each_lanes_metrics_per_holdout_the_synthetic_share_and_the_chosen_setting(mlflow_run):
    _, mrun = mlflow_run
    metrics = mrun.data.metrics
    for lane in lanes.swimlanes():
        for learner in lanes.learners():  # every numeric leaf of <lane>.metrics, the per-learner level included
            for holdout in ("holdout_iid", "holdout_new_world"):
                key = f"{lane}.learners.{learner}.{holdout}.auprc"
                assert 0 < metrics[key] <= 1
                assert metrics[f"{key}_ci_low"] <= metrics[key] <= metrics[f"{key}_ci_high"]
                assert metrics[f"scorecard.{lane}.{learner}.{holdout}_auprc"] == pytest.approx(metrics[key])
        assert f"{lane}.provenance.synthetic_share" in metrics
    assert metrics["baseline.provenance.synthetic_share"] == 0 < metrics["model_driven.provenance.synthetic_share"]
    assert not [k for k in metrics if k.startswith("baseline.hgb.")]  # in-memory per-learner steps are not doubled
    assert 0 < metrics["model_driven.generation_choice.threshold"] < 1
    assert "model_driven.resample_report.acceptance_rate" in metrics
    assert "fidelity.model_driven.dcr_ratio" in metrics
    # the repeated splits' pooled paired differences (repeats_summary keyed by lane, learner, holdout)
    key = "repeats_summary.model_driven.hgb.holdout_iid"
    assert metrics[f"{key}.diff_vs_baseline_ci_low"] <= metrics[f"{key}.diff_vs_baseline"] \
        <= metrics[f"{key}.diff_vs_baseline_ci_high"]
    assert metrics[f"{key}.n_ok"] == 2


def test_the_scorecard_figures_and_dataset_versions_are_artifacts(mlflow_run, run, tmp_path):
    client, mrun = mlflow_run
    top = {a.path for a in client.list_artifacts(mrun.info.run_id)}
    assert {"scorecard", "scorecard_md", "repeats_summary", "pr_curves", "drift_sweep_plot", "latent_tsne_panel",
            "latent_tsne_plotly", "latent_tsne_figures", "kedro"} <= top
    assert [a.path for a in client.list_artifacts(mrun.info.run_id, "pr_curves")] == ["pr_curves/pr_curves.png"]
    versions = json.loads(Path(client.download_artifacts(mrun.info.run_id, "kedro/datasets.json", str(tmp_path)))
                          .read_text())
    version = mrun.data.tags["kedro.save_version"]
    assert versions["train"]["version"] == version
    assert versions["scorecard"]["path"].endswith(f"scorecard.csv/{version}/scorecard.csv")
    assert Path(versions["scorecard"]["path"]).is_file()


def test_long_work_reports_progress_in_the_log(run):
    log = run.stdout + run.stderr
    assert re.search(r"autoencoder: 1 of \d+ epochs \(\d+%\), [\d.]+ s elapsed, at most .+ left; epoch 1: ", log)
    assert re.search(r"generation \(class 1\): [\d,]+ of [\d,]+ rows accepted \(\d+%\), .* elapsed.*; round 1 of "
                     r"at most \d+, [\d,]+ candidates scored \(acceptance [\d.]+%\)", log)
    assert re.search(r"generation grid: 1 of 4 settings \(25%\), .* elapsed, about .* left; threshold ", log)
    assert re.search(r"repeated splits: 1 of 2 repeats \(50%\), .* elapsed, about .* left; repeat 0 \(seed 0\): "
                     r"\d of \d lanes ok", log)


def test_the_run_ends_with_a_summary_naming_the_verdict_outputs_dashboard_and_mlflow(run, mlflow_run):
    _, mrun = mlflow_run
    out = run.stdout
    assert "SyntheticIntelligence: run summary" in out
    summary = out[out.rindex("SyntheticIntelligence: run summary"):]
    assert "Verdict (AUPRC on the holdouts" in summary
    for lane in lanes.swimlanes()[1:]:
        for learner in lanes.learners():
            assert re.search(rf"^  {lane} / {learner} \(wins \d+, loses \d+, ties \d+ of \d+ comparisons?\) — ",
                             summary, re.M), (lane, learner)
    assert re.search(r"scorecard_md: data/08_reporting/scorecard.md/[^/]+/scorecard.md", summary)
    assert "make dashboard" in summary
    assert "make mlflow" in summary and mrun.info.run_id in summary


def test_the_mlflow_ui_of_make_mlflow_serves_the_run_and_its_artifacts(run, mlflow_run):
    """``make mlflow``'s command (``mlflow ui`` on 127.0.0.1 over the project's sqlite store)."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    _, mrun = mlflow_run
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mlflow = str(Path(sys.executable).with_name("mlflow"))
    proc = subprocess.Popen([mlflow, "ui", "--backend-store-uri", "sqlite:///mlruns.db", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=run.path, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=5).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "mlflow ui did not start"
                time.sleep(1)
        page = urllib.request.urlopen(f"{base}/", timeout=30).read().decode()
        assert "<html" in page.lower()  # the UI itself
        request = urllib.request.Request(f"{base}/api/2.0/mlflow/runs/search", method="POST",
                                         data=json.dumps({"experiment_ids": [mrun.info.experiment_id]}).encode(),
                                         headers={"Content-Type": "application/json"})
        found = json.loads(urllib.request.urlopen(request, timeout=30).read())["runs"]
        assert [r["info"]["run_id"] for r in found] == [mrun.info.run_id]
        csv = urllib.request.urlopen(f"{base}/get-artifact?path=scorecard/scorecard.csv&run_uuid={mrun.info.run_id}",
                                     timeout=30).read().decode()
        assert csv.startswith("lane,") and "model_driven" in csv
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
