"""reporting pipeline: the QA's tables -> Markdown and figures, on in-memory catalogs and on the
project's own catalog entries (files under tmp_path); and its place in the registry."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from synthetic_intelligence.core.experiment.repeats import REPEATS_COLUMNS
from synthetic_intelligence.core.experiment.scorecard import (
    SWEEP_COLUMNS,
    build_scorecard,
    pr_curve_points,
    repeats_summary,
)
from synthetic_intelligence.core.latent import REAL_LANE, shared_tsne
from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.reporting import nodes
from synthetic_intelligence.pipelines.reporting.pipeline import create_pipeline
from synthetic_intelligence.reporting.scorecard import repeats_markdown, scorecard_report
from tests.scorecard_data import N_BOOT, three_lanes

CONF = Path(__file__).resolve().parents[2] / "conf"
TABLES = {"scorecard", "pr_curve_points", "drift_sweep", "latent_embedding", "repeats_summary"}
FIGURES = {"scorecard_md", "pr_curves", "drift_sweep_plot", "latent_tsne_panel", "latent_tsne_figures",
           "latent_tsne_plotly"}
SCORECARD_PARAMS = {"references": ["baseline", "smote"], "n_boot": N_BOOT, "alpha": 0.05, "seed": 0}
PROJECTION_PARAMS = {"size": 120, "real_share": 0.5, "perplexity": 10.0, "seed": 0}
REPEATS_PARAMS = {"k": 3, "seed": 0, "learners": ["hgb"],
                  "oracle": {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier"}}
PARAMS = {"params:qa.scorecard", "params:qa.projection", "params:repeats"}


class _Identity:
    def encode(self, X: pd.DataFrame) -> np.ndarray:
        return X.to_numpy(dtype=np.float64)


@pytest.fixture(scope="module")
def tables() -> dict:
    scores, metrics = three_lanes()
    rng = np.random.default_rng(0)
    real = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
    y = np.r_[np.zeros(180, dtype=int), np.ones(20, dtype=int)]
    embedding = shared_tsne(_Identity(), real, y, {"smote": real.iloc[:40] + 0.1, "model_driven": real.iloc[:40] - 0.1},
                            size=120, real_share=0.5, perplexity=10.0, seed=0)
    sweep = pd.DataFrame([
        {"lane": lane, "severity": sev, "n_rows": 600, "n_minority": 60, "prevalence": 0.1, "auprc": 0.8 - 0.3 * sev,
         "auprc_ci_low": 0.7 - 0.3 * sev, "auprc_ci_high": 0.9 - 0.3 * sev, "roc_auc": 0.9, "holdout_new_world_severity": 0.5}
        for lane in ("baseline", "smote", "model_driven") for sev in (0.0, 0.5, 1.0)], columns=SWEEP_COLUMNS)
    repeats = pd.DataFrame([
        {"repeat": r, "seed": r, "lane": lane, "learner": "hgb", "holdout": h, "auprc": 0.6 + 0.05 * i + 0.01 * r,
         "n_train": 100, "n_synthetic": 10 * i, "status": "ok", "reason": None}
        for r in range(3) for i, lane in enumerate(("baseline", "smote", "model_driven"))
        for h in ("holdout_iid", "holdout_new_world")], columns=REPEATS_COLUMNS)
    return {"scorecard": build_scorecard(scores, metrics, n_boot=N_BOOT), "pr_curve_points": pr_curve_points(scores),
            "drift_sweep": sweep, "latent_embedding": embedding,
            "repeats_summary": repeats_summary(repeats, references=("baseline", "smote"))}


def _inputs(tables: dict) -> dict:
    return {**tables, "params:qa.scorecard": SCORECARD_PARAMS, "params:qa.projection": PROJECTION_PARAMS,
            "params:repeats": REPEATS_PARAMS}


def _markdown(tables: dict) -> str:
    section = repeats_markdown(tables["repeats_summary"], alpha=0.05, learners=["hgb"],
                               oracle="sklearn.ensemble.HistGradientBoostingClassifier")
    return scorecard_report(tables["scorecard"], n_boot=N_BOOT, alpha=0.05, repeats=section)


def test_pipeline_reads_tables_only():
    pipe = create_pipeline()
    assert pipe.inputs() == TABLES | PARAMS
    assert pipe.outputs() == FIGURES
    # restyling a figure re-runs nothing upstream: no model, no training rows, no t-SNE
    assert not {"autoencoder", "train", "validation"} & pipe.all_inputs()
    assert all(n.tags == {"reporting"} for n in pipe.nodes) and not any(H2O_TAG in n.tags for n in pipe.nodes)


def test_runs_on_an_in_memory_catalog(tables):
    catalog = DataCatalog(datasets={name: MemoryDataset(value) for name, value in _inputs(tables).items()})
    SequentialRunner().run(create_pipeline(), catalog)
    md = catalog.load("scorecard_md")
    assert md == _markdown(tables)
    assert "## Repeated splits (k = 3)" in md and "NOT the single split's AutoML oracle" in md
    assert md.index("## Repeated splits") < md.index("## How to read this")
    assert isinstance(catalog.load("pr_curves"), Figure) and len(catalog.load("pr_curves").axes) == 2
    assert len(catalog.load("drift_sweep_plot").axes[0].get_lines()) == 3 + 2
    panel = catalog.load("latent_tsne_panel")
    assert [ax.get_title() for ax in panel.axes] == ["smote", "model_driven"]
    assert panel.get_suptitle() == "latent t-SNE, one shared fit (perplexity 10, seed 0)"
    # one fit: the shared real points sit at the same place in every panel
    real_offsets = [np.vstack([c.get_offsets() for c in ax.collections[:2]]) for ax in panel.axes]
    np.testing.assert_array_equal(real_offsets[0], real_offsets[1])
    assert sorted(catalog.load("latent_tsne_figures")) == ["model_driven.png", "smote.png"]
    plotly_fig = catalog.load("latent_tsne_plotly")
    assert isinstance(plotly_fig, go.Figure) and "model_driven" in plotly_fig.layout.title.text


def test_nodes_read_typed_parameter_objects(tables):
    from types import SimpleNamespace

    from synthetic_intelligence.core.experiment.repeats import RepeatsParams

    md = nodes.scorecard_markdown(tables["scorecard"], SimpleNamespace(**SCORECARD_PARAMS), tables["repeats_summary"],
                                  RepeatsParams.model_validate(REPEATS_PARAMS))
    assert md == nodes.scorecard_markdown(tables["scorecard"], SCORECARD_PARAMS, tables["repeats_summary"],
                                          REPEATS_PARAMS)
    panel, _, _ = nodes.latent_tsne(tables["latent_embedding"], SimpleNamespace(**PROJECTION_PARAMS))
    assert "perplexity 10, seed 0" in panel.get_suptitle()


def _entries(tmp_path: Path, *files: str) -> dict:
    entries = {}
    for name in files:
        entries.update(yaml.safe_load((CONF / "base" / name).read_text()))
    for entry in entries.values():
        entry["filepath"] = str(tmp_path / entry["filepath"])
    return entries


def test_runs_with_the_real_catalog_entries(tables, tmp_path):
    """Tables written through catalog_scorecard.yml / catalog_latent_qa.yml, read back from their files,
    drawn into catalog_reporting.yml's versioned datasets."""
    table_entries = _entries(tmp_path, "catalog_scorecard.yml", "catalog_latent_qa.yml")
    figure_entries = _entries(tmp_path, "catalog_reporting.yml")
    assert set(figure_entries) == FIGURES
    assert TABLES <= set(table_entries)
    writer = DataCatalog.from_config(copy.deepcopy({k: v for k, v in table_entries.items() if k in TABLES}))
    for name in TABLES:
        writer.save(name, tables[name])

    catalog = DataCatalog.from_config(copy.deepcopy({**table_entries, **figure_entries}))
    for name in PARAMS:
        catalog[name] = MemoryDataset(_inputs(tables)[name])
    SequentialRunner().run(create_pipeline(), catalog)

    for name, entry in figure_entries.items():
        versions = list(Path(entry["filepath"]).iterdir())
        assert len(versions) == 1 and versions[0].is_dir(), name  # versioned
    reporting = tmp_path / "data" / "08_reporting"
    for png in ("pr_curves.png", "drift_sweep.png", "latent_tsne_panel.png"):
        assert next((reporting / png).rglob("*.png")).stat().st_size > 10_000, png
    assert sorted(p.name for p in (reporting / "latent_tsne").rglob("*.png")) == ["model_driven.png", "smote.png"]
    # the Markdown of the scorecard and the repeats' summary read back from CSV is that of the in-memory tables
    assert catalog.load("scorecard_md") == _markdown(tables)
    assert "model_driven" in catalog.load("latent_tsne_plotly").layout.title.text
    assert set(catalog.load("latent_embedding")["lane"].cat.categories) == {REAL_LANE, "smote", "model_driven"}


def test_registry_runs_reporting_after_the_qa_tables():
    from kedro.framework.project import configure_project

    from synthetic_intelligence.pipeline_registry import register_pipelines

    configure_project("synthetic_intelligence")
    pipelines = register_pipelines()
    assert {"scorecard", "latent_qa", "reporting", "qa"} <= set(pipelines)
    default = pipelines["__default__"]
    assert FIGURES <= default.all_outputs()
    assert TABLES <= default.all_outputs()  # every table the reporting pipeline reads is made by the default run


@pytest.mark.parametrize("name", ["reporting", "qa", "scorecard", "latent_qa"])
def test_each_pipeline_loads_alone(name):
    """``kedro run --pipeline <name>`` loads only that pipeline's folder (Kedro's selective loading)."""
    from kedro.framework.project import configure_project, pipelines

    configure_project("synthetic_intelligence")
    try:
        pipelines.set_requested([name])
        assert name in pipelines and pipelines[name].nodes
    finally:
        pipelines.set_requested(None)
    if name == "qa":
        configure_project("synthetic_intelligence")
        everything = dict(pipelines)
        assert {n.name for n in everything["qa"].nodes} == (
            {n.name for n in everything["scorecard"].nodes} | {n.name for n in everything["latent_qa"].nodes})
