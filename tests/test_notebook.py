"""The walkthrough notebook, executed with nbclient against a quick run's outputs (the session's ``quick_run``)."""

import re

import nbformat
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.h2o]  # needs the quick run (its H2O hook starts a JVM)


def test_the_notebook_executes_and_shows_the_verdict_curves_and_latent_picture(quick_run, monkeypatch):
    from nbclient import NotebookClient

    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    path = quick_run.path / "notebooks" / "walkthrough.ipynb"
    notebook = nbformat.read(path, as_version=4)
    monkeypatch.setenv("KEDRO_ENV", "quick")
    monkeypatch.setenv("KEDRO_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("MPLBACKEND", "Agg")  # the notebook shows its figures as PNGs whatever the backend
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()

    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "environment quick" in text
    assert re.search(r"model_driven / \w+ \(wins \d+, loses \d+", text)  # the verdict lines
    data = [o.get("data", {}) for o in outputs if o.output_type in ("display_data", "execute_result")]
    markdown = "\n".join(d.get("text/markdown", "") for d in data)
    assert "# Scorecard" in markdown and "## Verdicts" in markdown
    pngs = [d for d in data if "image/png" in d]
    assert len(pngs) >= 3  # PR curves, drift sweep, latent panel, drawn from the tables
    assert any("application/vnd.plotly.v1+json" in d for d in data)  # the interactive t-SNE
    assert sum("text/html" in d and "<table" in d["text/html"] for d in data) >= 3  # grid, sweep, fidelity
