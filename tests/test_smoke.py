"""Smoke: the real CLI on a copy of the project (``kedro run --env quick``)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence import lanes

ROOT = Path(__file__).resolve().parents[1]
KEDRO = str(Path(sys.executable).with_name("kedro"))


@pytest.fixture
def project(tmp_path):
    """A throw-away copy of the project so the test never touches the repo's data/."""
    for item in ("pyproject.toml", "conf", "src", ".telemetry"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / item)
    shutil.rmtree(tmp_path / "conf" / "local", ignore_errors=True)
    (tmp_path / "conf" / "local").mkdir()
    for layer in ("01_raw", "02_intermediate", "03_primary", "05_model_input", "06_models", "07_model_output",
                  "08_reporting"):
        (tmp_path / "data" / layer).mkdir(parents=True)
    return tmp_path


def kedro(project, *args, timeout=900):
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "PYSPARK_PYTHON": sys.executable, "MPLBACKEND": "Agg"}
    return subprocess.run([KEDRO, *args], cwd=project, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)


def latest(path: Path) -> Path:
    """The newest version of a versioned dataset."""
    version = sorted(p for p in path.iterdir() if p.is_dir())[-1]
    return version / path.name


@pytest.mark.slow
@pytest.mark.h2o
def test_kedro_run_quick_end_to_end(quick_run):
    """The session's one quick run (tests/conftest.py: also read by the tracking, notebook and kedro-viz tests)."""
    project = quick_run.path
    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    reporting = project / "data" / "08_reporting"
    for lane in lanes.swimlanes():
        metrics = json.loads(latest(reporting / lane / "metrics.json").read_text())
        assert metrics["status"] == "ok" and metrics["provenance"]["run_id"]
        assert metrics["provenance"]["versions"]["train"] == metrics["provenance"]["run_id"]  # made by this run
        assert list(metrics["learners"]) == lanes.learners()
        for learner_metrics in metrics["learners"].values():
            for holdout in ("holdout_iid", "holdout_new_world"):
                m = learner_metrics[holdout]
                assert m["auprc_ci_low"] <= m["auprc"] <= m["auprc_ci_high"]
    scorecard = pd.read_csv(latest(reporting / "scorecard.csv"))
    assert set(scorecard["lane"]) == set(lanes.swimlanes()) and set(scorecard["learner"]) == set(lanes.learners())
    assert len(scorecard) == len(lanes.swimlanes()) * len(lanes.learners()) and (scorecard["status"] == "ok").all()
    assert scorecard["version_train"].notna().all() and scorecard["version_model"].notna().all()
    manifest = json.loads(latest(reporting / "run_manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["datasets"]["train"]["saved"]
    spec = json.loads(latest(project / "data" / "06_models" / "learners" / "automl" / "spec.json").read_text())
    assert spec["config"]["engine"] == "h2o" and spec["selection"]["leader"]
    assert latest(reporting / "pr_curves.png").stat().st_size > 0
    assert latest(reporting / "drift_sweep.png").stat().st_size > 0
    fidelity = pd.read_csv(latest(reporting / "fidelity.csv"))
    assert list(fidelity["lane"]) == lanes.synthetic_lanes()
    assert {"dcr_ratio", "dcr_share_below_heldout_p5", "memorised"} <= set(fidelity.columns)
    # tables first, then the reporting pipeline's pictures drawn from them
    assert latest(reporting / "pr_curve_points.parquet").stat().st_size > 0
    assert latest(reporting / "scorecard.md").read_text().startswith("# Swimlane scorecard")
    # the repeated splits (quick: k = 2, the sklearn learners, a fixed sklearn oracle) and their summary
    repeats = pd.read_parquet(latest(project / "data" / "07_model_output" / "repeats_metrics.parquet"))
    assert len(repeats) == 2 * len(lanes.swimlanes()) * 2 * 2 and set(repeats["learner"]) == {"logreg", "hgb"}
    assert (repeats["status"] == "ok").all() and repeats["auprc"].between(0, 1).all()
    summary = pd.read_csv(latest(reporting / "repeats_summary.csv"))
    assert (summary["n_ok"] == 2).all() and {"diff_vs_baseline", "vs_smote"} <= set(summary.columns)
    assert "## Repeated splits (k = 2)" in latest(reporting / "scorecard.md").read_text()
    assert latest(reporting / "latent_tsne_panel.png").stat().st_size > 0
    assert (project / "data" / "06_models" / "oracle").exists()
    assert list((project / "data" / "06_models" / "baseline" / "automl" / "model").iterdir())
    _dashboard_reads_the_run(project)


def _dashboard_reads_the_run(project: Path) -> None:
    """The dashboard over the run it just made: one run, every page renders with no error or missing message
    but the pipelines outside the default run (benchmark, scaling)."""
    from streamlit.testing.v1 import AppTest

    from synthetic_intelligence.dashboard import views
    from synthetic_intelligence.dashboard.outputs import ENV_VAR, PROJECT_VAR, ProjectOutputs

    outputs = ProjectOutputs(project, "quick")
    (run,) = outputs.runs()
    assert {"run_parameters", "synthetic_neighbours", "scorecard", "model_driven.generation_grid"} <= set(
        outputs.written_by(run))
    assert outputs.load("run_parameters").data["run"]["env"] == "quick"
    app = Path(views.__file__).parents[1] / "app.py"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(PROJECT_VAR, str(project))
        mp.setenv(ENV_VAR, "quick")
        at = AppTest.from_file(str(app), default_timeout=120).run()
        for slug, title, _ in views.PAGES:
            at.switch_page(f"views/{slug}.py").run()
            assert not at.exception and not at.error, (slug, [e.value for e in [*at.exception, *at.error]])
            assert at.title[0].value == title
            if slug not in ("benchmark", "scaling"):
                assert not at.info or slug == "runs", (slug, [i.value for i in at.info])  # runs: "only one run"


def test_bad_user_table_fails_cli_with_named_column_and_keeps_outputs(project):
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(600, 3)), columns=["amount", "age", "score"])
    table["fraud"] = (rng.random(600) < 0.1).astype(int)
    table["day"] = np.arange(600)
    table.to_csv(project / "data" / "01_raw" / "table.csv", index=False)
    (project / "conf" / "local" / "catalog.yml").write_text(
        "raw_table:\n  type: pandas.CSVDataset\n  filepath: data/01_raw/table.csv\n")
    (project / "conf" / "local" / "parameters.yml").write_text(
        "data_isolation:\n  source:\n    kind: table\n    target: fraud\n    positive_label: 1\n"
        "    min_minority_rows: 5\n    new_world: {column: day, cut: 450}\n")  # per split: 40 / 9 / 9 / 16
    ok = kedro(project, "run", "--pipeline", "data_isolation")
    assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr[-2000:]
    train_dir = project / "data" / "03_primary" / "train.parquet"
    before = sorted(train_dir.iterdir())
    content = latest(train_dir).read_bytes()

    table.loc[10, "age"] = np.inf  # a missing value is taken (mixed-type tables); an infinite one is not
    table.to_csv(project / "data" / "01_raw" / "table.csv", index=False)
    bad = kedro(project, "run", "--pipeline", "data_isolation")
    assert bad.returncode != 0
    assert "feature column 'age' has 1 infinite value(s)" in bad.stdout + bad.stderr
    assert sorted(train_dir.iterdir()) == before
    assert latest(train_dir).read_bytes() == content
