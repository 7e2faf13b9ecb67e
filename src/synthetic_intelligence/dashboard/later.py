"""Pages for outputs of pipelines outside the default run (benchmark, scaling): every catalog
entry named ``<prefix>_*`` is shown by kind (Markdown, tables, pictures) once a run wrote it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.dashboard.outputs import ProjectOutputs

__all__ = ["datasets_of", "render"]


def datasets_of(o: ProjectOutputs, prefix: str) -> list[str]:
    """Catalog entries named ``<prefix>_*`` (the pipeline's outputs), in catalog order."""
    return [n for n in o.dataset_names() if n.startswith(f"{prefix}_")]


def _is_picture(o: ProjectOutputs, name: str) -> bool:
    ds = o.catalog.get(name)
    return type(ds).__name__ in {"MatplotlibDataset", "ImageDataset"} or str(getattr(ds, "_filepath", "")).endswith(
        (".png", ".svg", ".jpg"))


def render(o: ProjectOutputs, prefix: str, pipeline: str, title: str, intro: str, first: tuple[str, ...] = ()) -> None:
    """The page: ``first`` datasets (in that order), then the others; pictures, Markdown, tables."""
    st.title(title)
    st.markdown(intro)
    names = datasets_of(o, prefix)
    written = [n for n in names if o.exists(n)]
    if not written:
        state.missing(o, f"{prefix} outputs", pipeline,
                      "" if names else f"(This project's catalog declares no `{prefix}_*` dataset yet.)")
        return
    ordered = [n for n in first if n in written] + [n for n in written if n not in first]
    for name in ordered:
        st.subheader(name.removeprefix(f"{prefix}_").replace("_", " ").capitalize())
        if _is_picture(o, name):
            item = o.load_bytes(name, state.selected_run())
            if item is not None:
                state.source_caption(item)
                st.image(item.data)
            continue
        item = state.load(o, name)
        if item is None:
            continue
        state.source_caption(item)
        data = item.data
        if isinstance(data, pd.DataFrame):
            st.dataframe(data, width="stretch", hide_index=True)
        elif isinstance(data, str):
            st.markdown(data)
        elif isinstance(data, (dict, list)):
            st.json(data, expanded=False)
        else:
            st.write(data)
