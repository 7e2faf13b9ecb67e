"""ProjectOutputs: the project's versioned outputs through its own catalog (versions, runs, loads)."""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.io import Version
from matplotlib.figure import Figure

from synthetic_intelligence.dashboard.outputs import ProjectOutputs, run_label
from tests.dashboard.fake_project import LANES, RUN_1, RUN_2, make_project, write_run


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """RUN_1 wrote everything; RUN_2 (later) only the scorecard and its parameters."""
    project = make_project(tmp_path_factory.mktemp("outputs"))
    write_run(project, RUN_1, seed=0)
    write_run(project, RUN_2, seed=1, only=("scorecard", "run_parameters"))
    return project


@pytest.fixture(scope="module")
def outputs(project):
    return ProjectOutputs(project, lanes=LANES)


def test_the_catalog_is_the_projects_own(outputs, project):
    names = outputs.dataset_names()
    assert {"scorecard", "fidelity", "model_driven.generation_grid", "run_parameters", "synthetic_neighbours"} <= set(
        names)
    # the {namespace}.* factories resolved for each lane
    assert {f"{lane}.metrics" for lane in LANES} <= set(names)
    assert outputs.is_versioned("scorecard") and outputs.is_versioned("smote.metrics")
    assert not outputs.is_versioned("raw_table")
    # relative catalog paths are made absolute under the project, as kedro run does
    assert str(outputs.catalog.get("scorecard")._filepath).startswith(str(project))


def test_versions_and_runs(outputs):
    assert outputs.versions("scorecard") == [RUN_2, RUN_1]  # newest first
    assert outputs.versions("fidelity") == [RUN_1]
    assert outputs.versions("holdout_iid") == []  # declared, never written
    assert outputs.runs() == [RUN_2, RUN_1]
    assert set(outputs.written_by(RUN_2)) == {"scorecard", "run_parameters"}
    assert "fidelity" in outputs.written_by(RUN_1)
    assert outputs.exists("scorecard") and not outputs.exists("holdout_iid") and not outputs.exists("raw_table")


def test_a_run_shows_what_it_wrote_else_the_newest_earlier_version(outputs):
    assert outputs.version_for("scorecard") == RUN_2
    assert outputs.version_for("scorecard", RUN_1) == RUN_1
    assert outputs.version_for("fidelity", RUN_2) == RUN_1
    assert outputs.version_for("fidelity", "2025-12-31T00.00.00.000Z") is None  # nothing that early

    own = outputs.load("scorecard", RUN_2)
    assert own.version == RUN_2 and not own.from_earlier_run
    assert isinstance(own.data, pd.DataFrame) and list(own.data["lane"]) == list(LANES)
    earlier = outputs.load("fidelity", RUN_2)
    assert earlier.version == RUN_1 and earlier.from_earlier_run
    params = outputs.load("run_parameters", RUN_1).data
    assert params["parameters"]["data_isolation"]["split"]["seed"] == 7
    assert outputs.load("run_parameters", RUN_2).data["parameters"]["data_isolation"]["split"]["seed"] == 8
    assert outputs.load("holdout_iid") is None


def test_pictures_are_read_as_bytes(outputs):
    fig = Figure()
    fig.subplots().plot([0, 1], [0, 1])
    outputs.catalog.get("pr_curves", version=Version(None, RUN_1)).save(fig)
    png = outputs.load_bytes("pr_curves")
    assert png.version == RUN_1 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert outputs.load_bytes("drift_sweep_plot") is None


def test_not_a_project(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Kedro project"):
        ProjectOutputs(tmp_path)


def test_run_label():
    assert run_label(RUN_2) == "2026-01-02 11:30:00 UTC"
    assert run_label("latest") == "latest" and run_label(None) == "-"


def test_the_launcher_binds_streamlit_to_loopback(monkeypatch, tmp_path):
    from synthetic_intelligence.dashboard import __main__ as launcher
    from synthetic_intelligence.dashboard.outputs import ENV_VAR, PROJECT_VAR

    calls = []
    monkeypatch.setattr(launcher.os, "execv", lambda exe, argv: calls.append(argv))
    monkeypatch.setenv(ENV_VAR, "before")  # restored after the test: main() sets both for the server
    monkeypatch.setenv(PROJECT_VAR, "before")
    launcher.main(["--env", "quick", "--port", "8599", "--project", str(tmp_path)])
    argv = calls[0]
    assert argv[1:5] == ["-m", "streamlit", "run", str(launcher.APP)]
    options = dict(zip(argv[5::2], argv[6::2]))
    assert options["--server.address"] == "127.0.0.1" and options["--server.port"] == "8599"
    assert options["--browser.gatherUsageStats"] == "false" and options["--server.headless"] == "true"
    assert launcher.os.environ[ENV_VAR] == "quick" and launcher.os.environ[PROJECT_VAR] == str(tmp_path.resolve())


def test_the_dashboard_shows_the_last_complete_run_never_a_killed_or_failed_one(tmp_path):
    """A run killed outright (kill -9: no run_manifest) or failed (status failed) is never the "newest" (issue 20)."""
    from tests.dashboard.fake_project import write_run

    complete_1, complete_2 = RUN_1, RUN_2
    killed, failed = "2026-01-03T09.00.00.000Z", "2026-01-04T09.00.00.000Z"
    project = make_project(tmp_path)
    write_run(project, complete_1, seed=0)
    write_run(project, complete_2, seed=1, only=("scorecard",))
    write_run(project, killed, seed=2, only=("scorecard", "fidelity"))  # killed before it wrote its manifest
    write_run(project, failed, seed=3, only=("scorecard",))
    outputs = ProjectOutputs(project, lanes=LANES)
    for run, status in ((complete_1, "completed"), (complete_2, "completed"), (failed, "failed")):
        outputs.catalog.get("run_manifest", version=Version(None, run)).save({"run_id": run, "status": status})

    assert outputs.version_for("scorecard") == complete_2
    assert outputs.version_for("fidelity") == complete_1  # not the killed run's
    assert outputs.version_for("fidelity", complete_2) == complete_1
    assert outputs.version_for("scorecard", killed) == killed  # asked for by name: shown
    assert outputs.version_for("fidelity", failed) == complete_1  # the failed run's "earlier version" skips the killed one
    assert [outputs.run_status(r) for r in (complete_1, complete_2, killed, failed)] == [
        "completed", "completed", "incomplete", "failed"]
    assert outputs.run_status("2025-06-01T00.00.00.000Z") == "completed"  # before manifests existed
