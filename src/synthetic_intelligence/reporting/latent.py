"""Latent-space pictures from the ``latent_embedding`` table of the latent_qa pipeline.

The table (``lane, group, tsne_x, tsne_y``; see
:func:`synthetic_intelligence.core.latent.shared_tsne`) holds ONE t-SNE fit: the real
points (lane ``(real)``) are shared by every lane, so the per-lane pictures are
comparable. :func:`embedding_panels` turns it back into per-lane point sets;
:func:`tsne_scatter`, :func:`tsne_panel` and :func:`tsne_plotly` draw them;
:func:`latent_figures` makes the three datasets of the reporting pipeline.
Real majority is light grey, real minority blue, synthetic red.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from synthetic_intelligence.core.latent.projection import (
    GROUP_MAJORITY,
    GROUP_MINORITY,
    GROUP_SYNTHETIC,
    GROUPS,
    REAL_LANE,
)

__all__ = [
    "GROUP_COLOURS",
    "PLOTLY_LANE",
    "embedding_lanes",
    "embedding_panels",
    "tsne_scatter",
    "tsne_panel",
    "tsne_plotly",
    "tsne_plotly_lanes",
    "latent_figures",
]

#: Colours of the three groups: real majority light grey, real minority blue, synthetic red.
GROUP_COLOURS: dict[str, str] = {
    GROUP_MAJORITY: "#c8c8c8",
    GROUP_MINORITY: "#1f5fbf",
    GROUP_SYNTHETIC: "#d62728",
}
_FALLBACK_COLOURS = ("#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
#: Lane drawn by :func:`latent_figures`' plotly figure when present (else the last lane).
PLOTLY_LANE = "model_driven"


# ------------------------------------------------------------------ table --

def embedding_lanes(embedding: pd.DataFrame, real_lane: str = REAL_LANE) -> list[str]:
    """The synthetic lanes of an embedding table, in lane order (the categories of a
    categorical ``lane`` column, so a lane with no point is kept; else order of appearance)."""
    lanes = embedding["lane"]
    names = list(lanes.cat.categories) if isinstance(lanes.dtype, pd.CategoricalDtype) else list(pd.unique(lanes))
    return [str(lane) for lane in names if lane != real_lane]


def embedding_panels(embedding: pd.DataFrame, real_lane: str = REAL_LANE) -> dict[str, tuple[np.ndarray, pd.Series]]:
    """``{lane: (coordinates, groups)}``: the shared real points followed by that lane's points."""
    missing = [c for c in ("lane", "group", "tsne_x", "tsne_y") if c not in embedding.columns]
    if missing:
        raise KeyError(f"latent embedding table lacks column(s) {missing}")
    lane_of = embedding["lane"].astype(object).to_numpy()
    xy = embedding[["tsne_x", "tsne_y"]].to_numpy(dtype=np.float64)
    groups = embedding["group"].astype(object).to_numpy()
    real = lane_of == real_lane
    panels = {}
    for lane in embedding_lanes(embedding, real_lane):
        mine = lane_of == lane
        panels[lane] = (np.vstack([xy[real], xy[mine]]),
                        pd.Series(np.r_[groups[real], groups[mine]], name="group", dtype=object))
    return panels


# ---------------------------------------------------------------- figures --

def _ordered_groups(groups: pd.Series) -> list:
    present = list(pd.unique(pd.Series(groups).astype(object)))
    known = [g for g in GROUPS if g in present]
    return known + [g for g in present if g not in known]


def _colour_map(labels: list) -> dict:
    colours: dict = {}
    extra = iter(_FALLBACK_COLOURS * (1 + len(labels) // len(_FALLBACK_COLOURS)))
    for g in labels:
        colours[g] = GROUP_COLOURS.get(g) or next(extra)
    return colours


def _style(g: Any) -> dict:
    if g == GROUP_MAJORITY:
        return {"s": 3, "alpha": 0.35}
    if g == GROUP_MINORITY:
        return {"s": 6, "alpha": 0.7}
    return {"s": 6, "alpha": 0.7}


def _draw(ax, emb: np.ndarray, groups: pd.Series, title: str, colours: dict | None = None) -> None:
    emb = np.asarray(emb, dtype=np.float64).reshape(-1, 2) if np.size(emb) else np.zeros((0, 2))
    g = pd.Series(groups).astype(object).to_numpy()
    if len(g) != len(emb):
        raise ValueError(f"emb has {len(emb)} rows, groups has {len(g)}")
    labels = _ordered_groups(pd.Series(g))
    colours = colours or _colour_map(labels)
    for lab in labels:
        mask = g == lab
        ax.scatter(
            emb[mask, 0], emb[mask, 1], c=colours[lab], label=f"{lab} ({int(mask.sum())})", linewidths=0, **_style(lab)
        )
    if len(emb) == 0:
        ax.text(0.5, 0.5, "no points", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    if labels:
        ax.legend(loc="best", fontsize="small", markerscale=2, frameon=False)


def tsne_scatter(emb: np.ndarray, groups: pd.Series, title: str):
    """Scatter of a 2-D embedding coloured by group (real majority light grey, real minority
    blue, synthetic red). Returns a ``matplotlib.figure.Figure`` built without pyplot."""
    fig = Figure(figsize=(6, 6), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    _draw(ax, emb, groups, title)
    return fig


def tsne_panel(embeddings: Mapping[str, tuple[np.ndarray, pd.Series]]):
    """Side-by-side scatters, one axis per entry (e.g. per swimlane), titled by key."""
    n = max(1, len(embeddings))
    fig = Figure(figsize=(5 * n, 5), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    if not embeddings:
        axes[0].text(0.5, 0.5, "no embeddings", ha="center", va="center", transform=axes[0].transAxes)
        axes[0].set_xticks([])
        axes[0].set_yticks([])
        return fig
    all_labels: list = []
    for _, groups in embeddings.values():
        for lab in _ordered_groups(groups):
            if lab not in all_labels:
                all_labels.append(lab)
    colours = _colour_map(all_labels)
    for ax, (name, (emb, groups)) in zip(axes, embeddings.items()):
        _draw(ax, emb, groups, str(name), colours)
    return fig


def tsne_plotly(emb: np.ndarray, groups: pd.Series, title: str):
    """Interactive version of :func:`tsne_scatter`: one trace per group."""
    emb = np.asarray(emb, dtype=np.float64).reshape(-1, 2) if np.size(emb) else np.zeros((0, 2))
    g = pd.Series(groups).astype(object).to_numpy()
    if len(g) != len(emb):
        raise ValueError(f"emb has {len(emb)} rows, groups has {len(g)}")
    labels = _ordered_groups(pd.Series(g))
    colours = _colour_map(labels)
    fig = go.Figure()
    for lab in labels:
        mask = g == lab
        size = 3 if lab == GROUP_MAJORITY else 5
        opacity = 0.4 if lab == GROUP_MAJORITY else 0.8
        fig.add_trace(
            go.Scattergl(
                x=emb[mask, 0],
                y=emb[mask, 1],
                mode="markers",
                name=f"{lab} ({int(mask.sum())})",
                marker={"color": colours[lab], "size": size, "opacity": opacity},
            )
        )
    fig.update_layout(
        title=title,
        template="plotly_white",
        xaxis={"showticklabels": False, "title": "t-SNE 1"},
        yaxis={"showticklabels": False, "title": "t-SNE 2"},
        legend={"itemsizing": "constant"},
    )
    return fig


def tsne_plotly_lanes(embedding: pd.DataFrame, lanes: list[str] | None = None, real_lane: str = REAL_LANE,
                      title: str = "latent t-SNE: real rows and each lane's synthetic rows (one shared fit)"):
    """Every group of the shared fit in one interactive figure: real majority, real minority and
    one trace per lane's synthetic rows (click a legend entry to hide or show it; hover names the
    point's lane and group). ``lanes`` (default: all) picks the lanes drawn."""
    names = embedding_lanes(embedding, real_lane)
    chosen = names if lanes is None else [lane for lane in names if lane in set(lanes)]
    lane_of = embedding["lane"].astype(object).to_numpy()
    group_of = embedding["group"].astype(object).to_numpy()
    xy = embedding[["tsne_x", "tsne_y"]].to_numpy(dtype=np.float64)
    traces = [(g, (lane_of == real_lane) & (group_of == g), GROUP_COLOURS[g]) for g in (GROUP_MAJORITY, GROUP_MINORITY)]
    others = iter(_FALLBACK_COLOURS * (1 + len(chosen)))  # model_driven keeps the synthetic red
    traces += [(f"{lane} synthetic", lane_of == lane,
                GROUP_COLOURS[GROUP_SYNTHETIC] if lane == PLOTLY_LANE else next(others)) for lane in chosen]
    fig = go.Figure()
    for name, mask, colour in traces:
        majority = name == GROUP_MAJORITY
        fig.add_trace(go.Scattergl(
            x=xy[mask, 0], y=xy[mask, 1], mode="markers", name=f"{name} ({int(mask.sum())})",
            marker={"color": colour, "size": 3 if majority else 5, "opacity": 0.4 if majority else 0.8},
            hovertemplate=f"{name}<br>t-SNE (%{{x:.1f}}, %{{y:.1f}})<extra></extra>",
        ))
    fig.update_layout(
        title=title, template="plotly_white", legend={"itemsizing": "constant", "title": "click to hide / show"},
        xaxis={"showticklabels": False, "title": "t-SNE 1"}, yaxis={"showticklabels": False, "title": "t-SNE 2"},
    )
    return fig


def latent_figures(embedding: pd.DataFrame, *, perplexity: float | None = None, seed: int | None = None,
                   plotly_lane: str = PLOTLY_LANE, real_lane: str = REAL_LANE):
    """The three latent pictures of one embedding table: ``(panel, figures, plotly_figure)``.

    ``panel``: one axis per lane; ``figures``: ``{"<lane>.png": figure}``; ``plotly_figure``:
    the interactive scatter of ``plotly_lane`` when present, else of the last lane (real
    points only when there is no lane). ``perplexity`` and ``seed`` of the fit go into the
    panel's title when given.
    """
    panels = embedding_panels(embedding, real_lane)
    panel = tsne_panel(panels)
    details = ", ".join(part for part in (
        None if perplexity is None else f"perplexity {float(perplexity):g}",
        None if seed is None else f"seed {seed}") if part)
    panel.suptitle(f"latent t-SNE, one shared fit{f' ({details})' if details else ''}", fontsize="medium")
    figures = {f"{lane}.png": tsne_scatter(e, g, f"{lane}: latent t-SNE") for lane, (e, g) in panels.items()}
    chosen = plotly_lane if plotly_lane in panels else (list(panels)[-1] if panels else None)
    if chosen is None:
        real = embedding[embedding["lane"].astype(object) == real_lane]
        plotly_fig = tsne_plotly(real[["tsne_x", "tsne_y"]].to_numpy(dtype=np.float64),
                                 real["group"].astype(object).reset_index(drop=True), "real rows: latent t-SNE")
    else:
        plotly_fig = tsne_plotly(*panels[chosen], f"{chosen}: latent t-SNE (shared fit)")
    return panel, figures, plotly_fig
