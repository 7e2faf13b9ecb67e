"""Streamlit glue shared by the pages: the cached catalog, the selected run, cached loads, messages.

Versions never change once written, so a load is cached by (project, env, dataset,
version); the list of runs is re-read every few seconds so that a new ``kedro run``
shows up without restarting the dashboard.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from synthetic_intelligence.dashboard.outputs import Loaded, ProjectOutputs, run_label

__all__ = ["RUN_KEY", "outputs", "runs", "selected_run", "load", "load_exact", "missing", "source_caption",
           "kedro_command", "run_picker"]

#: Session-state key (and URL query parameter) of the selected run.
RUN_KEY = "run"
NEWEST = "newest"


@st.cache_resource(show_spinner="Reading the project's catalog…")
def _outputs(project: str | None, env: str | None) -> ProjectOutputs:
    return ProjectOutputs(project, env)


def outputs() -> ProjectOutputs:
    """The project's outputs (catalog built once per server process)."""
    import os

    from synthetic_intelligence.dashboard.outputs import ENV_VAR, PROJECT_VAR

    return _outputs(os.environ.get(PROJECT_VAR), os.environ.get(ENV_VAR))


@st.cache_data(ttl=5, show_spinner=False)
def _runs(_outputs: ProjectOutputs, key: tuple) -> list[str]:  # noqa: ARG001 - key: the cache key
    return _outputs.runs()


def _key(o: ProjectOutputs) -> tuple:
    return (str(o.project_path), o.env)


def runs(o: ProjectOutputs) -> list[str]:
    """Every run of the project, newest first."""
    return _runs(o, _key(o))


@st.cache_data(show_spinner=False, max_entries=256)
def _load(_outputs: ProjectOutputs, key: tuple, name: str, version: str | None, exact: bool) -> Loaded | None:  # noqa: ARG001
    run = version
    if exact and (version is None or version not in _outputs.versions(name)):
        return None
    return _outputs.load(name, run)


def selected_run() -> str | None:
    """The run picked in the sidebar (``None``: the newest version of each dataset)."""
    value = st.session_state.get(RUN_KEY)
    return None if value in (None, NEWEST) else value


def load(o: ProjectOutputs, name: str, run: str | None = None) -> Loaded | None:
    """``name`` as of ``run`` (default: the selected run); ``None`` when it does not exist yet."""
    run = selected_run() if run is None else run
    if run is None:
        run = o.version_for(name) if o.is_versioned(name) else None
    return _load(o, _key(o), name, run, False)


def load_exact(o: ProjectOutputs, name: str, run: str) -> Loaded | None:
    """``name`` only if ``run`` itself wrote it (the Runs page compares what each run wrote)."""
    return _load(o, _key(o), name, run, True)


def kedro_command(o: ProjectOutputs, pipeline: str | None = None) -> str:
    """``kedro run [--env ENV] [--pipelines NAME]`` for this project and environment."""
    parts = ["kedro run"]
    if o.env:
        parts.append(f"--env {o.env}")
    if pipeline:
        parts.append(f"--pipelines {pipeline}")
    return " ".join(parts)


def missing(o: ProjectOutputs, what: str, pipeline: str | None, note: str = "") -> None:
    """Say that ``what`` does not exist yet and which ``kedro run`` makes it."""
    from synthetic_intelligence.pipeline_registry import DEFAULT

    command = kedro_command(o, pipeline)
    text = f"No {what} yet. Make it with `{command}`"
    if pipeline in DEFAULT:
        text += f" (or `{kedro_command(o)}`: the default run makes it too)"
    elif pipeline:
        text += " (it is not part of the default run)"
    st.info(text + "." + (f" {note}" if note else ""), icon=":material/info:")


def source_caption(*loaded: Loaded | None) -> None:
    """A caption naming the version each dataset was loaded from, flagging those from earlier runs."""
    bits = []
    for item in loaded:
        if item is None:
            continue
        label = f"`{item.name}` from run {run_label(item.version)}" if item.version else f"`{item.name}`"
        if item.from_earlier_run:
            label += " (the selected run did not write it: newest earlier version)"
        bits.append(label)
    if bits:
        st.caption("Read through the catalog: " + "; ".join(bits) + ".")


def _labelled(o: ProjectOutputs, run: str) -> str:
    status = o.run_status(run)
    return run_label(run) + ("" if status == "completed" else f" ({status})")


def run_picker(o: ProjectOutputs) -> Any:
    """The sidebar's run selector; its value lives in ``st.session_state["run"]`` and the URL's ``?run=``."""
    all_runs = runs(o)
    options = [NEWEST, *all_runs]
    wanted = st.query_params.get(RUN_KEY)
    if RUN_KEY not in st.session_state or st.session_state[RUN_KEY] not in options:
        st.session_state[RUN_KEY] = wanted if wanted in options else NEWEST
    st.sidebar.selectbox(
        "Run", options, key=RUN_KEY,
        format_func=lambda v: "newest complete run" if v == NEWEST else _labelled(o, v),
        help="A run is one `kedro run`: every versioned output it wrote carries its timestamp. "
             "Datasets a run did not write are shown from the newest earlier complete run; a run that "
             "failed, was killed or is still running is shown only when picked here.",
    )
    if st.session_state[RUN_KEY] == NEWEST:
        st.query_params.pop(RUN_KEY, None)
    else:
        st.query_params[RUN_KEY] = st.session_state[RUN_KEY]
    st.sidebar.caption(f"{len(all_runs)} run(s) in `{o.project_path.name}`"
                       + (f", environment `{o.env}`" if o.env else ""))
    return st.session_state[RUN_KEY]
