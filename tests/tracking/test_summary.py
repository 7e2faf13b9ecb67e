"""The end-of-run summary: verdict lines from the scorecard table, outputs, dashboard and MLflow."""

import io
from pathlib import Path
from types import SimpleNamespace

from synthetic_intelligence.core.experiment.scorecard import build_scorecard
from synthetic_intelligence.tracking.summary import RunSummaryHook, summary_lines
from tests.scorecard_data import N_BOOT, three_lanes


def scorecard():
    scores, metrics = three_lanes()
    return build_scorecard(scores, metrics, n_boot=N_BOOT)


def test_summary_names_the_verdict_outputs_dashboard_and_mlflow_run(tmp_path):
    written = {"scorecard_md": tmp_path / "data/08_reporting/scorecard.md/V1/scorecard.md",
               "train": tmp_path / "data/03_primary/train.parquet/V1/train.parquet"}
    lines = summary_lines(scorecard=scorecard(), written=written, project_path=tmp_path, save_version="V1",
                          mlflow={"run_id": "abc123", "uri": "sqlite:///x/mlruns.db", "experiment": "exp"})
    text = "\n".join(lines)
    assert "SyntheticIntelligence: run summary" in lines[0]
    assert "  model_driven / hgb (wins 4, loses 0, ties 0 of 4 comparisons) — " in text  # plain text, no Markdown
    assert "Outputs: 2 dataset(s) written under " in text and "(version V1)" in text
    assert "  scorecard_md: data/08_reporting/scorecard.md/V1/scorecard.md" in text
    assert "train.parquet" not in text  # only the reports and figures are pointed at
    assert "make dashboard" in text and "make mlflow" in text and "run abc123 in experiment exp" in text


def test_summary_without_scorecard_or_tracking_says_so(tmp_path):
    text = "\n".join(summary_lines(scorecard=None, written={}, project_path=tmp_path, save_version=None,
                                   mlflow={"run_id": None}))
    assert "this run made no scorecard" in text and "this run was not tracked" in text
    assert "MLflow" not in "\n".join(summary_lines(scorecard=None, written={}, project_path=tmp_path,
                                                   save_version=None, mlflow=None))


def test_the_hook_prints_after_the_pipeline_with_the_scorecard_it_saw(tmp_path):
    out = io.StringIO()
    tracking = SimpleNamespace(settings=SimpleNamespace(enabled=True), run_id="r1", tracking_uri="sqlite:///m.db",
                               experiment_name="synthetic_intelligence")
    hook = RunSummaryHook(tracking=tracking, stream=out)
    hook.after_context_created(SimpleNamespace(project_path=tmp_path))
    hook.after_catalog_created(None, {}, {}, {}, "V2", {})
    catalog = SimpleNamespace(get=lambda name: None)
    hook.before_pipeline_run({}, None, catalog)
    hook.after_dataset_saved("scorecard", scorecard(), None)
    hook.after_pipeline_run({}, {}, None, catalog)
    text = out.getvalue()
    assert "model_driven / hgb (wins 4" in text and "run r1 in experiment synthetic_intelligence" in text
    assert "(version V2)" in text and Path(tmp_path).name not in text.split("Outputs:")[0]
