"""A tiny project-like folder whose outputs are written through the project's own catalog.

:func:`make_project` copies ``pyproject.toml`` and ``conf/base`` of this repository into a
temporary folder (so the catalog entries are the real ones) and :func:`write_run` saves
small tables, made by the project's own table builders where they are cheap, as one run
(one save version, as ``kedro run`` does).
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from kedro.io import Version

from synthetic_intelligence.core.experiment.repeats import REPEATS_COLUMNS
from synthetic_intelligence.core.experiment.scorecard import (
    SWEEP_COLUMNS,
    build_scorecard,
    pr_curve_points,
    repeats_summary,
)
from synthetic_intelligence.core.latent import nearest_real_rows
from synthetic_intelligence.core.schema import PROVENANCE, TARGET
from synthetic_intelligence.dashboard.outputs import ProjectOutputs
from synthetic_intelligence.pipelines.latent_qa.nodes import FIDELITY_COLUMNS
from tests.scorecard_data import three_lanes

ROOT = Path(__file__).resolve().parents[2]
RUN_1, RUN_2 = "2026-01-01T10.00.00.000Z", "2026-01-02T11.30.00.000Z"
LANES = ("baseline", "smote", "model_driven")
N_BOOT_FAST = 20  # the verdicts of three_lanes() are clear with a few replicates


def make_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "conf" / "local").mkdir(parents=True)
    (project / "src").mkdir()  # bootstrap_project wants the source folder; the package is this checkout's
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(ROOT / "conf" / "base", project / "conf" / "base")
    return project


@functools.lru_cache(maxsize=1)
def _scored():
    """The three lanes' scores and metrics, their scorecard (few bootstrap replicates) and PR curve points."""
    scores, metrics = three_lanes()
    return metrics, build_scorecard(scores, metrics, n_boot=N_BOOT_FAST), pr_curve_points(scores)


def _tables(seed: int, learner: bool = False) -> dict:
    metrics, card, points = _scored()
    if learner:  # a scorecard with one row per lane x learner
        card = pd.concat([card.assign(learner="automl"), card.assign(learner="logistic")], ignore_index=True)
    rng = np.random.default_rng(seed)
    sweep = pd.DataFrame([
        {"lane": lane, "severity": s, "n_rows": 500, "n_minority": 40, "prevalence": 0.08,
         "auprc": 0.6 - 0.3 * s + 0.1 * i, "auprc_ci_low": 0.5 - 0.3 * s + 0.1 * i,
         "auprc_ci_high": 0.7 - 0.3 * s + 0.1 * i, "roc_auc": 0.8, "holdout_new_world_severity": 0.5}
        for i, lane in enumerate(LANES) for s in (0.0, 0.5, 1.0)], columns=SWEEP_COLUMNS)
    n = 60
    embedding = pd.DataFrame({
        "lane": pd.Categorical(["(real)"] * n + ["smote"] * 20 + ["model_driven"] * 20,
                               categories=["(real)", "smote", "model_driven"]),
        "group": ["real majority"] * 45 + ["real minority"] * 15 + ["synthetic"] * 40,
        "tsne_x": rng.normal(size=n + 40), "tsne_y": rng.normal(size=n + 40)})
    fidelity = pd.DataFrame([dict.fromkeys(FIDELITY_COLUMNS, 0.5) | {
        "lane": lane, "n_synthetic": 40, "n_evaluated": 40, "memorised": lane == "smote"}
        for lane in ("smote", "model_driven")], columns=FIDELITY_COLUMNS)
    grid = pd.DataFrame({
        "threshold": [np.nan, 0.25, 0.25, 0.5, 0.5], "ratio": [np.nan, 0.25, 0.5, 0.25, 0.5],
        "validation_auprc": [0.56, 0.53, 0.47, 0.61, 0.49], "acceptance_rate": [np.nan, 0.38, 0.36, 0.2, 0.2],
        "n_synthetic": [0, 593, 1552, 593, 1552], "seconds": [0, 3.4, 0.1, 0.06, 0.1], "error": [""] * 5,
        "reference": [True, False, False, False, False]})
    choice = {"threshold": 0.5, "ratio": 0.25, "validation_auprc": 0.61, "validation_auprc_no_oversampling": 0.56,
              "no_oversampling_better_on_validation": seed == 1, "chosen_on": "validation", "tuned": True}
    real = pd.DataFrame(rng.normal(size=(40, 3)), columns=["x0", "x1", "x2"]).assign(
        **{TARGET: (np.arange(40) % 4 == 0).astype(int), PROVENANCE: False})
    syn = real.iloc[:10].assign(x0=lambda d: d["x0"] + 0.1, **{TARGET: 1, PROVENANCE: True})
    train_set = pd.concat([real, syn], ignore_index=True)
    neighbours = pd.concat([nearest_real_rows(train_set, n_rows=3, seed=seed).assign(lane=lane)
                            for lane in ("smote", "model_driven")], ignore_index=True)
    repeats = pd.DataFrame([
        {"repeat": r, "seed": r, "lane": lane, "learner": "hgb", "holdout": h, "auprc": 0.5 + 0.05 * i + 0.01 * r,
         "n_train": 500, "n_synthetic": 50 * i, "status": "ok", "reason": None}
        for r in range(3) for i, lane in enumerate(LANES) for h in ("holdout_iid", "holdout_new_world")],
        columns=REPEATS_COLUMNS)
    tables = {
        "scorecard": card, "pr_curve_points": points, "drift_sweep": sweep,
        "repeats_summary": repeats_summary(repeats, references=("baseline", "smote")),
        "latent_embedding": embedding, "fidelity": fidelity, "model_driven.generation_grid": grid,
        "model_driven.generation_choice": choice, "synthetic_neighbours": neighbours,
        "model_driven.resample_report": {"sampler": "OracleRejectionSampler", "n_synthetic": 593,
                                         "synthetic_share": 0.12, "acceptance_rate": 0.2, "n_accepted": 772,
                                         "n_candidates": 3871, "seconds": 0.5, "threshold": 0.5, "ratio": 0.25,
                                         "seed": seed},
        "smote.resample_report": {"sampler": "SMOTE", "seed": seed, "params": {"random_state": seed}},
        "run_parameters": {"run": {"env": "quick", "pipeline_names": None},
                           "parameters": {"data_isolation": {"split": {"seed": 7 + seed, "holdout_share": 0.15}},
                                          "learner": {"seed": 1, "max_models": 3}}},
    }
    for lane in LANES:
        tables[f"{lane}.metrics"] = {**metrics[lane], "threshold_source": "validation"}
    return tables


def write_run(project: Path, version: str, *, seed: int = 0, only: tuple[str, ...] | None = None,
              learner: bool = False) -> None:
    """Save the fake tables as run ``version`` through the project's catalog (``only``: a subset)."""
    catalog = ProjectOutputs(project, lanes=LANES).catalog
    for name, data in _tables(seed, learner).items():
        if only is not None and name not in only:
            continue
        catalog.get(name, version=Version(None, version)).save(data)
