"""Small helpers shared by the figure builders."""

from __future__ import annotations

from matplotlib.figure import Figure

from synthetic_intelligence.core.params import setting  # re-exported: the builders' one reader of a setting

__all__ = ["message_figure", "setting"]


def message_figure(text: str, figsize: tuple[float, float] = (7, 3)) -> Figure:
    """A figure that only says ``text`` (a dataset that has nothing to draw still gets a picture)."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    return fig
