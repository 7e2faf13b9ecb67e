"""Small helpers shared by the figure builders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

__all__ = ["message_figure", "setting"]


def message_figure(text: str, figsize: tuple[float, float] = (7, 3)) -> Figure:
    """A figure that only says ``text`` (a dataset that has nothing to draw still gets a picture)."""
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    return fig


def setting(params: Any, key: str, default: Any = None) -> Any:
    """``params[key]`` of a dict or ``params.key`` of a typed parameter object; ``default`` when absent."""
    if params is None:
        return default
    if isinstance(params, Mapping):
        return params.get(key, default)
    return getattr(params, key, default)
