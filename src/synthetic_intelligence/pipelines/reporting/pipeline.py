"""reporting: the QA's tables -> versioned Markdown and figures (as in the Kedro starters).

Inputs are the tables of the scorecard and latent_qa pipelines; outputs keep the
dataset names the qa pipeline used to write (``scorecard_md``, ``pr_curves``,
``drift_sweep_plot``, ``latent_tsne_panel``, ``latent_tsne_figures``,
``latent_tsne_plotly``). Run it alone (``kedro run --pipeline reporting``) to redraw
the pictures of the latest tables.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from synthetic_intelligence.pipelines.reporting import nodes

TAGS = ["reporting"]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(nodes.scorecard_markdown, ["scorecard", "params:qa.scorecard", "repeats_summary", "params:repeats"],
                 "scorecard_md", name="scorecard_markdown"),
            node(nodes.pr_curves, "pr_curve_points", "pr_curves", name="pr_curves"),
            node(nodes.drift_sweep_plot, "drift_sweep", "drift_sweep_plot", name="drift_sweep_plot"),
            node(nodes.latent_tsne, ["latent_embedding", "params:qa.projection"],
                 ["latent_tsne_panel", "latent_tsne_figures", "latent_tsne_plotly"], name="latent_tsne"),
        ],
        tags=TAGS,
    )
