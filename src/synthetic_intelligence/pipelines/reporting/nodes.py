"""Thin nodes over :mod:`synthetic_intelligence.reporting`: the QA's tables -> Markdown and figures.

Nothing here computes a statistic: every node reads tables written by the scorecard and
latent_qa pipelines (plus, for titles and notes, the settings that made them), so a
figure can be restyled and redrawn without re-running a bootstrap or t-SNE.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from synthetic_intelligence.reporting import drift, latent, scorecard
from synthetic_intelligence.reporting.common import setting

__all__ = ["scorecard_markdown", "pr_curves", "drift_sweep_plot", "latent_tsne"]


def scorecard_markdown(scorecard_table: pd.DataFrame, scorecard_params: Any, repeats_summary: pd.DataFrame,
                       repeats_params: Any) -> str:
    """``scorecard`` (+ ``repeats_summary``) -> ``scorecard_md``; the notes quote ``n_boot`` and ``alpha`` of
    ``qa.scorecard``, the repeats' section ``repeats.learners`` and ``repeats.oracle``'s estimator."""
    alpha = float(setting(scorecard_params, "alpha"))
    oracle = setting(repeats_params, "oracle")
    estimator = setting(oracle, "estimator") if oracle is not None else None
    learners = setting(repeats_params, "learners")
    repeats = scorecard.repeats_markdown(repeats_summary, alpha=alpha, learners=list(learners or []) or None,
                                         oracle=estimator)
    return scorecard.scorecard_report(scorecard_table, n_boot=int(setting(scorecard_params, "n_boot")), alpha=alpha,
                                      repeats=repeats)


def pr_curves(pr_curve_points: pd.DataFrame) -> Figure:
    """``pr_curve_points`` -> ``pr_curves``: one axis per holdout, one line per lane."""
    return scorecard.pr_curve_figure(pr_curve_points)


def drift_sweep_plot(drift_sweep: pd.DataFrame) -> Figure:
    """``drift_sweep`` -> ``drift_sweep_plot``: AUPRC vs severity per lane, with CI bands."""
    return drift.drift_sweep_figure(drift_sweep)


def latent_tsne(latent_embedding: pd.DataFrame, projection_params: Any) -> tuple[Figure, dict[str, Figure], Any]:
    """``latent_embedding`` -> ``latent_tsne_panel``, ``latent_tsne_figures`` (``{"<lane>.png": figure}``),
    ``latent_tsne_plotly``; the panel's title quotes the fit's perplexity and seed (``qa.projection``)."""
    return latent.latent_figures(
        latent_embedding, perplexity=setting(projection_params, "perplexity"), seed=setting(projection_params, "seed")
    )
