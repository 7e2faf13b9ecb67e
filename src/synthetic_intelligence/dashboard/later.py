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


def _title(name: str, prefix: str, titles: dict[str, str] | None = None) -> str:
    if titles and name in titles:
        return titles[name]
    return name.removeprefix(f"{prefix}_").removesuffix("_md").replace("_", " ").capitalize()


def _show(item, *, table_height: int | None = None) -> None:
    data = item.data
    if isinstance(data, pd.DataFrame):
        st.dataframe(data, width="stretch", hide_index=True, **({"height": table_height} if table_height else {}))
    elif isinstance(data, str):
        st.markdown(data)
    elif isinstance(data, (dict, list)):
        st.json(data, expanded=False)
    else:
        st.write(data)


def render(o: ProjectOutputs, prefix: str, pipeline: str, title: str, intro: str, first: tuple[str, ...] = (),
           titles: dict[str, str] | None = None) -> None:
    """The page: every picture (two per row), then the ``first`` tables in that order; every other
    output (tables, the Markdown summary) in an expander below. ``titles``: headings by dataset name."""
    titles = titles or {}
    st.title(title)
    st.markdown(intro)
    names = datasets_of(o, prefix)
    written = [n for n in names if o.exists(n)]
    if not written:
        state.missing(o, f"{prefix} outputs", pipeline,
                      "" if names else f"(This project's catalog declares no `{prefix}_*` dataset yet.)")
        return
    run = state.selected_run()
    pictures = [n for n in written if _is_picture(o, n)]
    for row in range(0, len(pictures), 2):
        for column, name in zip(st.columns(2), pictures[row:row + 2]):
            item = o.load_bytes(name, run)
            if item is not None:
                column.subheader(_title(name, prefix, titles))
                column.image(item.data)
    loaded = [(n, state.load(o, n)) for n in written if n not in pictures]
    loaded = [(n, item) for n, item in loaded if item is not None]
    state.source_caption(*[item for _, item in loaded])
    for name in [n for n in first if n in dict(loaded)]:
        st.subheader(_title(name, prefix, titles))
        _show(dict(loaded)[name])
    for name, item in loaded:
        if name not in first:
            with st.expander(_title(name, prefix, titles)):
                _show(item)
