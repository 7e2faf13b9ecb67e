"""Tests for synthetic_intelligence.reporting.latent: t-SNE pictures from the embedding table."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.figure import Figure

from synthetic_intelligence.core.latent import GROUP_MAJORITY, GROUP_MINORITY, GROUP_SYNTHETIC, REAL_LANE, make_groups
from synthetic_intelligence.reporting.latent import (
    GROUP_COLOURS,
    embedding_lanes,
    embedding_panels,
    latent_figures,
    tsne_panel,
    tsne_plotly,
    tsne_scatter,
)


def _groups_and_emb(n_maj=50, n_min=20, n_syn=10, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n_maj, dtype=int), np.ones(n_min, dtype=int)]
    groups = make_groups(y, n_syn)
    return rng.normal(size=(len(groups), 2)), groups


def test_matplotlib_figures_render():
    emb, groups = _groups_and_emb()
    fig = tsne_scatter(emb, groups, "baseline")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert len(fig.axes[0].collections) == 3  # one scatter per group
    fig.savefig(io.BytesIO(), format="png")

    emb_empty, groups_empty = _groups_and_emb(n_syn=0)
    panel = tsne_panel({"a": (emb, groups), "b": (emb_empty, groups_empty), "c": (emb, groups)})
    assert isinstance(panel, Figure) and len(panel.axes) == 3
    assert [ax.get_title() for ax in panel.axes] == ["a", "b", "c"]
    panel.savefig(io.BytesIO(), format="png")

    blank = tsne_scatter(np.zeros((0, 2)), pd.Series([], dtype=object), "nothing")
    blank.savefig(io.BytesIO(), format="png")


def test_plotly_figure_has_traces():
    emb, groups = _groups_and_emb()
    fig = tsne_plotly(emb, groups, "baseline")
    assert len(fig.data) == 3
    names = [t.name for t in fig.data]
    assert names[0].startswith(GROUP_MAJORITY) and names[-1].startswith(GROUP_SYNTHETIC)
    assert sum(len(t.x) for t in fig.data) == len(groups)
    emb0, groups0 = _groups_and_emb(n_syn=0)
    assert len(tsne_plotly(emb0, groups0, "no synthetic").data) == 2


def _embedding(lanes=("smote", "model_driven"), n_real=30, n_syn=10, categories=None, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    real_groups = make_groups(np.r_[np.zeros(n_real - 5, dtype=int), np.ones(5, dtype=int)], 0).tolist()
    lane_col = [REAL_LANE] * n_real + [lane for lane in lanes for _ in range(n_syn)]
    n = len(lane_col)
    table = pd.DataFrame({"lane": lane_col, "group": real_groups + [GROUP_SYNTHETIC] * (n - n_real),
                          "tsne_x": rng.normal(size=n), "tsne_y": rng.normal(size=n)})
    if categories is not None:
        table["lane"] = pd.Categorical(table["lane"], categories=categories)
    return table


def test_embedding_panels_put_the_shared_real_points_first():
    table = _embedding()
    panels = embedding_panels(table)
    assert list(panels) == ["smote", "model_driven"]
    real_xy = table.loc[table["lane"] == REAL_LANE, ["tsne_x", "tsne_y"]].to_numpy()
    for lane, (xy, groups) in panels.items():
        assert xy.shape == (40, 2) and len(groups) == 40
        np.testing.assert_array_equal(xy[:30], real_xy)  # the same real points in every panel
        np.testing.assert_array_equal(xy[30:], table.loc[table["lane"] == lane, ["tsne_x", "tsne_y"]].to_numpy())
        assert groups.iloc[30:].eq(GROUP_SYNTHETIC).all() and set(groups.iloc[:30]) == {GROUP_MAJORITY, GROUP_MINORITY}
    with pytest.raises(KeyError, match="tsne_x"):
        embedding_panels(table.drop(columns="tsne_x"))


def test_a_categorical_lane_keeps_a_lane_without_points():
    table = _embedding(lanes=("smote",), categories=[REAL_LANE, "smote", "model_driven"])
    assert embedding_lanes(table) == ["smote", "model_driven"]
    xy, groups = embedding_panels(table)["model_driven"]
    assert len(xy) == 30 and GROUP_SYNTHETIC not in set(groups)
    assert embedding_lanes(_embedding(lanes=("b", "a"))) == ["b", "a"]  # plain strings: order of appearance


def test_latent_figures_from_the_table(tmp_path):
    panel, figures, plotly_fig = latent_figures(_embedding(lanes=("smote", "model_driven", "smote_b")),
                                                perplexity=30.0, seed=0)
    assert [ax.get_title() for ax in panel.axes] == ["smote", "model_driven", "smote_b"]
    assert panel.get_suptitle() == "latent t-SNE, one shared fit (perplexity 30, seed 0)"
    assert sorted(figures) == ["model_driven.png", "smote.png", "smote_b.png"]
    assert figures["smote.png"].axes[0].get_title() == "smote: latent t-SNE"
    assert isinstance(plotly_fig, go.Figure) and "model_driven" in plotly_fig.layout.title.text  # preferred lane
    assert [t.marker.color for t in plotly_fig.data] == [GROUP_COLOURS[g] for g in
                                                         (GROUP_MAJORITY, GROUP_MINORITY, GROUP_SYNTHETIC)]
    panel.savefig(tmp_path / "panel.png")
    assert (tmp_path / "panel.png").stat().st_size > 10_000

    _, _, last = latent_figures(_embedding(lanes=("smote", "smote_b")))
    assert "smote_b" in last.layout.title.text  # else the last lane
    no_lane_panel, none, real_only = latent_figures(_embedding(lanes=()))
    assert none == {} and "real rows" in real_only.layout.title.text
    assert len(real_only.data) == 2 and no_lane_panel.get_suptitle() == "latent t-SNE, one shared fit"
