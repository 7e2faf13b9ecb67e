"""The model-driven lane's generation step, from its tables: the gate's validation grid and its choice.

``model_driven.generation_grid`` has one row per grid point (``threshold``, ``ratio`` and,
when the grid has one, ``strategy``) with ``validation_auprc``, ``acceptance_rate``,
``n_synthetic``, ``seconds``, ``error`` and a ``reference`` row (no oversampling);
``model_driven.generation_choice`` says which point was chosen, on which set. Nothing is
recomputed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["STRATEGY", "grid_table", "choice_summary", "grid_figure"]

#: Optional grid column: the candidate strategy, when the grid varies it.
STRATEGY = "strategy"
_KEYS = ("threshold", "ratio", STRATEGY)


def _is_reference(grid: pd.DataFrame) -> pd.Series:
    if "reference" in grid.columns:
        return grid["reference"].fillna(False).astype(bool)
    return pd.Series(False, index=grid.index)


def _chosen(grid: pd.DataFrame, choice: Mapping[str, Any]) -> pd.Series:
    mask = ~_is_reference(grid)
    for key in _KEYS:
        if key in grid.columns and key in choice and choice[key] is not None:
            value = choice[key]
            col = grid[key]
            if isinstance(value, (int, float)):
                mask &= pd.to_numeric(col, errors="coerce").sub(float(value)).abs().lt(1e-9)
            else:
                mask &= col.astype(str).eq(str(value))
    return mask


def grid_table(grid: pd.DataFrame, choice: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The grid with a ``chosen`` column (the point of ``choice``), the reference row first, then
    the grid points by validation AUPRC, best first."""
    table = grid.copy()
    table["chosen"] = _chosen(grid, choice or {}) if choice else False
    ref = _is_reference(grid)
    order = [c for c in ("validation_auprc",) if c in table.columns]
    rest = table[~ref].sort_values(order, ascending=False, na_position="last") if order else table[~ref]
    return pd.concat([table[ref], rest]).reset_index(drop=True)


def choice_summary(choice: Mapping[str, Any]) -> str:
    """One sentence: the chosen setting and how it was chosen."""
    parts = [f"{k} {choice[k]:g}" if isinstance(choice[k], (int, float)) else f"{k} {choice[k]}"
             for k in _KEYS if choice.get(k) is not None]
    setting = ", ".join(parts) or "no setting"
    if not choice.get("tuned", choice.get("chosen_on") == "validation"):
        return f"Fixed setting (no tuning): {setting}."
    text = f"Chosen on {choice.get('chosen_on', 'validation')}: {setting}"
    if choice.get("validation_auprc") is not None:
        text += f", validation AUPRC {float(choice['validation_auprc']):.3f}"
        ref = choice.get("validation_auprc_no_oversampling")
        if ref is not None and not math.isnan(float(ref)):
            text += f" (no oversampling: {float(ref):.3f})"
    return text + "."


def grid_figure(grid: pd.DataFrame, choice: Mapping[str, Any] | None = None) -> go.Figure:
    """Heatmaps of validation AUPRC over threshold x ratio (one per strategy when the grid has
    several); hover shows the acceptance rate and synthetic rows; the chosen cell is ringed."""
    points = grid[~_is_reference(grid)]
    strategies = list(pd.unique(points[STRATEGY].astype(str))) if STRATEGY in points.columns else [None]
    fig = make_subplots(rows=1, cols=len(strategies), subplot_titles=[s or "" for s in strategies],
                        shared_yaxes=True)
    chosen = _chosen(points, choice or {}) if choice else pd.Series(False, index=points.index)
    for col, strategy in enumerate(strategies, start=1):
        part = points if strategy is None else points[points[STRATEGY].astype(str) == strategy]
        auprc = part.pivot_table(index="threshold", columns="ratio", values="validation_auprc", aggfunc="first")
        accept = part.pivot_table(index="threshold", columns="ratio", values="acceptance_rate", aggfunc="first")
        accept = accept.reindex(index=auprc.index, columns=auprc.columns)
        fig.add_trace(go.Heatmap(
            z=auprc.to_numpy(), x=[f"{r:g}" for r in auprc.columns], y=[f"{t:g}" for t in auprc.index],
            customdata=accept.to_numpy(), coloraxis="coloraxis", texttemplate="%{z:.3f}",
            hovertemplate="threshold %{y}, ratio %{x}<br>validation AUPRC %{z:.3f}"
                          "<br>acceptance rate %{customdata:.3f}<extra></extra>",
        ), row=1, col=col)
        picked = part[chosen.reindex(part.index, fill_value=False)]
        if len(picked):
            fig.add_trace(go.Scatter(
                x=[f"{r:g}" for r in picked["ratio"]], y=[f"{t:g}" for t in picked["threshold"]], mode="markers",
                marker={"symbol": "square-open", "size": 34, "color": "black", "line": {"width": 3}},
                name="chosen", showlegend=col == 1, hoverinfo="skip",
            ), row=1, col=col)
        fig.update_xaxes(title_text="ratio", type="category", row=1, col=col)
    fig.update_yaxes(title_text="threshold", type="category", row=1, col=1)
    fig.update_layout(title="Validation AUPRC of the gate's grid", template="plotly_white",
                      coloraxis={"colorscale": "Viridis", "colorbar": {"title": "AUPRC"}}, height=420,
                      legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "right", "x": 1})
    return fig
