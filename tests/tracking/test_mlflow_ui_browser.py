"""MLflow's own UI over two real runs with different seeds, in headless Chromium: the experiment's runs
list shows both, and the compare view puts their seeds and a lane's AUPRC side by side (issue 12:
"the MLflow UI shows a base run", "two runs with different seeds can be compared side by side").

The first run is the session's ``quick_run``; the second runs in a copy of that project (its MLflow
store included) with ``--params data_isolation.split.seed=8,generation.seed=1``, limited to the
default pipeline's first lane (``--pipelines data_isolation,learners,baseline``: about 3 minutes
instead of a whole quick run's 7 on two busy cores). ``mlflow ui`` (``make mlflow``'s command)
serves the copy on a free port of 127.0.0.1 and is stopped when the module ends.

``SI_SCREENSHOTS=<folder>`` saves ``mlflow_runs.png`` and ``mlflow_compare.png`` there.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from synthetic_intelligence.dashboard.browser import browser_missing_reason, chromium
from synthetic_intelligence.tracking import ui

REASON = browser_missing_reason()
pytestmark = [pytest.mark.slow, pytest.mark.h2o, pytest.mark.browser,
              pytest.mark.skipif(REASON is not None, reason=f"browser test: {REASON}")]

ROOT = Path(__file__).resolve().parents[2]
SECOND_SEEDS = {"data_isolation.split.seed": "8", "generation.seed": "1"}
SECOND_RUN = ["--pipelines", "data_isolation,learners,baseline",
              "--params", ",".join(f"{k}={v}" for k, v in SECOND_SEEDS.items())]


def _relocate_store(db: Path, old: Path, new: Path) -> None:
    """The copied store's artifact locations point into the copy (MLflow keeps them absolute)."""
    with sqlite3.connect(db) as con:
        con.execute("UPDATE experiments SET artifact_location = replace(artifact_location, ?, ?)", (str(old), str(new)))
        con.execute("UPDATE runs SET artifact_uri = replace(artifact_uri, ?, ?)", (str(old), str(new)))


@pytest.fixture(scope="module")
def two_seeds(quick_run, tmp_path_factory):
    """The session's quick run and a second run with other seeds, in one store (a copy of the first's)."""
    from mlflow.tracking import MlflowClient

    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    project = tmp_path_factory.mktemp("two_seeds") / "project"
    shutil.copytree(quick_run.path, project)
    _relocate_store(project / "mlruns.db", quick_run.path, project)
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "PYSPARK_PYTHON": sys.executable, "MPLBACKEND": "Agg",
           "COLUMNS": "400"}
    start = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).with_name("kedro")), "run", "--env", "quick", *SECOND_RUN],
                            cwd=project, env=env, capture_output=True, text=True, timeout=1800, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    client = MlflowClient(tracking_uri=f"sqlite:///{project / 'mlruns.db'}")
    experiment = client.get_experiment_by_name(ui.EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    assert [r.info.status for r in runs] == ["FINISHED", "FINISHED"]
    return SimpleNamespace(path=project, experiment_id=experiment.experiment_id, runs=runs,
                           seconds=time.perf_counter() - start)


@pytest.fixture(scope="module")
def mlflow_ui(two_seeds, tmp_path_factory):
    log = tmp_path_factory.mktemp("mlflow_ui") / "mlflow.log"
    with ui.serve("sqlite:///mlruns.db", cwd=two_seeds.path, log=log) as base:
        yield base


def test_the_runs_list_shows_both_runs_with_their_seeds(mlflow_ui, two_seeds):
    first, second = two_seeds.runs
    assert first.info.run_name == "__default__"
    assert sorted(second.info.run_name.split("+")) == ["baseline", "data_isolation", "learners"]  # in any order
    with chromium(width=1600, height=800) as page:
        ui.prepare(page, two_seeds.experiment_id, [f"params.{p}" for p in SECOND_SEEDS])
        ui.open_runs_list(page, mlflow_ui, two_seeds.experiment_id, [first.info.run_name, second.info.run_name],
                          n_runs=2)
        for run in two_seeds.runs:  # each run's row (a pinned part with the name, the rest with the seeds)
            index = page.get_by_role("row").filter(has_text=run.info.run_name).first.get_attribute("aria-rowindex")
            texts = "\n".join(page.locator(f"[role=row][aria-rowindex='{index}']").all_inner_texts())
            cells = [c.strip() for c in texts.split("\n") if c.strip()]
            assert run.info.run_name in cells, cells
            assert cells[-len(SECOND_SEEDS):] == [run.data.params[p] for p in SECOND_SEEDS], (run.info.run_name, cells)


def test_the_compare_view_puts_the_seeds_and_a_lanes_auprc_side_by_side(mlflow_ui, two_seeds):
    first, second = two_seeds.runs
    ids = [first.info.run_id, second.info.run_id]
    with chromium(width=1600, height=1000) as page:
        ui.prepare(page)
        ui.open_compare(page, mlflow_ui, ids, [two_seeds.experiment_id], [*SECOND_SEEDS, "Metrics"])
        body = page.inner_text("body")
        assert "Comparing 2 Runs from 1 Experiment" in body and first.info.run_name in body
        for name, value in SECOND_SEEDS.items():  # the seeds differ, each in its run's column
            values = ui.parameter_row(page, name)
            assert values == [first.data.params[name], value] and values[0] != values[1], (name, values)
        shown = ui.metric_row(page, ui.LANE_METRIC)  # e.g. baseline.learners.hgb.holdout_iid.auprc
        assert shown is not None and len(shown) == 2, shown
        for text, run in zip(shown, two_seeds.runs, strict=True):
            assert float(text) == pytest.approx(run.data.metrics[ui.LANE_METRIC], abs=6e-4), (text, run.info.run_id)
        assert ui.metric_row(page, "no.such.metric") is None


def test_pictures_of_the_runs_list_and_the_compare_view(mlflow_ui, two_seeds, tmp_path):
    from PIL import Image

    ids = [r.info.run_id for r in two_seeds.runs]
    names = [r.info.run_name for r in two_seeds.runs]
    paths = ui.screenshots(mlflow_ui, two_seeds.experiment_id, ids, tmp_path, run_names=names)
    for path in paths:
        image = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
        assert image.width == 1600 and image.height >= 800
        colours = image.resize((200, 100)).getcolors(maxcolors=200 * 100)
        assert colours is not None and len(colours) > 50, f"{path.name}: the screenshot is (nearly) blank"
        if os.environ.get("SI_SCREENSHOTS"):
            folder = ROOT / os.environ["SI_SCREENSHOTS"]
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, folder / path.name)
