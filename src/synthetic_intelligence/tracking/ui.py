"""The MLflow UI over a project's store, served on 127.0.0.1 and opened in headless Chromium.

Used by the MLflow browser test and by ``make screenshots`` (``tools/screenshots.py``):
:func:`serve` runs ``mlflow ui`` (``make mlflow``'s command) on a free loopback port,
:func:`runs_url` and :func:`compare_url` are the UI's own routes (a hash router:
``/#/experiments/<id>/runs`` and ``/#/compare-runs?runs=[...]&experiments=[...]``, as the
UI's "Compare" button builds them), :func:`open_runs_list` and :func:`open_compare` wait
for the page's own text rather than sleeping.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from synthetic_intelligence.dashboard.browser import free_port, stop_group, wait_for_http

__all__ = ["EXPERIMENT", "serve", "runs_url", "compare_url", "newest_runs", "prepare", "open_runs_list", "open_compare",
           "parameter_row", "metric_row", "scroll_parameters_to", "tidy_compare"]

#: conf/base/mlflow.yml's experiment
EXPERIMENT = "synthetic_intelligence"


@contextlib.contextmanager
def serve(store_uri: str = "sqlite:///mlruns.db", cwd: str | Path = ".", port: int | None = None,
          log: Path | None = None, timeout: float = 180.0) -> Iterator[str]:
    """``mlflow ui`` over ``store_uri`` (relative sqlite paths are under ``cwd``) on 127.0.0.1, one worker;
    yields its base URL once ``/health`` answers; stops the server (its whole process group) on exit."""
    port = port or free_port()
    mlflow = str(Path(sys.executable).with_name("mlflow"))
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen([mlflow, "ui", "--backend-store-uri", store_uri, "--host", "127.0.0.1",
                                "--port", str(port), "--workers", "1"], cwd=str(cwd), stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "MLFLOW_ENABLE_TELEMETRY": "false", "DO_NOT_TRACK": "true"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/health", timeout, process)
        yield url
    finally:
        stop_group(process)
        if log:
            out.close()


def runs_url(base: str, experiment_id: str) -> str:
    """The experiment's runs list."""
    return f"{base}/#/experiments/{experiment_id}/runs"


def compare_url(base: str, run_ids: Iterable[str], experiment_ids: Iterable[str]) -> str:
    """MLflow's compare-runs page for ``run_ids`` (the route the UI's "Compare" button opens)."""
    compact = {"separators": (",", ":")}
    return (f"{base}/#/compare-runs?runs={json.dumps(list(run_ids), **compact)}"
            f"&experiments={json.dumps(list(experiment_ids), **compact)}")


def newest_runs(store_uri: str, n: int = 2, experiment: str = EXPERIMENT) -> tuple[str, list]:
    """The experiment's id and its ``n`` newest finished runs, newest first (the default pipeline's
    runs when there are ``n`` of them, else any pipeline's)."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=store_uri)
    found = client.get_experiment_by_name(experiment)
    if found is None:
        return "", []
    finished = client.search_runs([found.experiment_id], "attributes.status = 'FINISHED'",
                                  order_by=["attributes.start_time DESC"])
    default = [r for r in finished if r.info.run_name == "__default__"]
    return found.experiment_id, (default if len(default) >= n else finished)[:n]


#: localStorage the UI reads on load: the classic "Model training" view, the assistant panel closed, light theme
_UI_STATE = {"mlflow.workflowType_v1": '"machine_learning"', "mlflow.assistant.panelOpen_v1": "false",
             "mlflow.assistant.fab.autoOpenedOnFirstLoad_v1": "true", "databricks-dark-mode-pref": "light",
             "_mlflow_dark_mode_toggle_enabled": "false"}
#: the runs list's own state as the UI stores it (3.x), newest first
_RUNS_LIST = {"searchFilter": "", "orderByKey": "attributes.start_time", "orderByAsc": False, "startTime": "ALL",
              "lifecycleFilter": "Active", "datasetsFilter": [], "modelVersionFilter": "All Runs", "columnOrder": [],
              "columnWidths": {}, "runsExpanded": {}, "runsPinned": [], "runsHidden": [], "runsVisibilityMap": {},
              "runsHiddenMode": "FIRST_10_RUNS", "viewMaximized": False, "runListHidden": False,
              "isAccordionReordered": False, "useGroupedValuesInCharts": True, "hideEmptyCharts": True,
              "groupBy": None, "groupsExpanded": {}, "autoRefreshEnabled": True,
              "globalLineChartConfig": {"xAxisKey": "step", "lineSmoothness": 0, "selectedXAxisMetricKey": ""}}


def prepare(page, experiment_id: str | None = None, columns: Iterable[str] = ()) -> None:
    """Open every later page of ``page`` in the "Model training" view with the assistant panel closed;
    with ``experiment_id``, its runs list also shows ``columns`` (``params.<name>``, ``metrics.<name>``)."""
    state = dict(_UI_STATE)
    if experiment_id is not None:
        picked = [f"{kind}.`{name}`" for kind, _, name in (c.partition(".") for c in columns)]
        state[f'MLflowLocalStorage-1.1-ExperimentPage-["{experiment_id}"]-ReactComponentState'] = json.dumps({
            **_RUNS_LIST, "selectedColumns": ["attributes.`Source`", *picked]})
    page.add_init_script(f"Object.entries({json.dumps(state)}).forEach(([k, v]) => localStorage.setItem(k, v))")


def _wait_for_texts(page, texts: Iterable[str], timeout_ms: int) -> None:
    for text in texts:
        page.get_by_text(text, exact=False).first.wait_for(state="attached", timeout=timeout_ms)


def open_runs_list(page, base: str, experiment_id: str, run_names: Iterable[str] = (), n_runs: int | None = None,
                   timeout_ms: int = 120_000) -> None:
    """Open the experiment's runs list; wait for the experiment's name, the runs' names and (``n_runs``)
    the count under the table ("2 matching runs")."""
    page.goto(runs_url(base, experiment_id), wait_until="domcontentloaded", timeout=timeout_ms)
    counted = [f"{n_runs} matching run{'s' if n_runs != 1 else ''}"] if n_runs is not None else []
    _wait_for_texts(page, [EXPERIMENT, *run_names, *counted], timeout_ms)


def open_compare(page, base: str, run_ids: list[str], experiment_ids: list[str], texts: Iterable[str] = (),
                 timeout_ms: int = 120_000) -> None:
    """Open the compare view of ``run_ids``; wait for its heading, the run ids and ``texts``."""
    page.goto(compare_url(base, run_ids, experiment_ids), wait_until="domcontentloaded", timeout=timeout_ms)
    _wait_for_texts(page, [f"Comparing {len(run_ids)} Runs", *run_ids, "Show diff only", *texts], timeout_ms)


def parameter_row(page, name: str) -> list[str]:
    """The compare view's values of parameter ``name``, one per run (left to right)."""
    row = page.locator("tr", has=page.get_by_text(name, exact=True)).first
    row.wait_for(timeout=30_000)
    return [cell.strip() for cell in row.inner_text().split("\t")[1:]]


_FIND_METRIC = """(section, name) => {
    const [names, values] = section.querySelectorAll('.ReactVirtualized__Grid');
    const cells = grid => [...grid.querySelectorAll('.ReactVirtualized__Grid__innerScrollContainer > *')];
    const cell = cells(names).find(c => c.innerText.trim() === name);
    const atEnd = values.scrollTop + values.clientHeight >= values.scrollHeight - 1;
    if (!cell) return {found: false, atEnd, offset: 0, values: []};
    const row = cells(values).filter(c => c.style.top === cell.style.top)
        .sort((a, b) => parseFloat(a.style.left) - parseFloat(b.style.left)).map(c => c.innerText.trim());
    return {found: true, atEnd, offset: parseFloat(cell.style.top) - values.scrollTop - cell.offsetHeight, values: row};
}"""


def metric_row(page, name: str) -> list[str] | None:
    """The compare view's values of metric ``name``, one per run; ``None`` when the view has no such metric.

    The metrics table is virtualised (only the rows near the view exist; names and values are two
    grids, the names following the values' scroll): it is scrolled with the mouse wheel, as a person
    would, until the metric's row is drawn, then to that row (left in view, one row below the top).
    """
    section = page.locator("div[class*='collapse-item']").filter(has=page.get_by_text("Metrics", exact=True)).last
    grid = section.locator(".ReactVirtualized__Grid").nth(1)
    grid.scroll_into_view_if_needed()
    grid.hover()
    grid.evaluate("g => { g.scrollTop = 0; }")
    for _ in range(2000):
        page.wait_for_timeout(60)
        state = section.evaluate(_FIND_METRIC, name)
        if state["found"]:
            break
        if state["atEnd"]:
            return None
        page.mouse.wheel(0, 240)
    if abs(state["offset"]) > 1:
        page.mouse.wheel(0, state["offset"])
    for _ in range(50):  # the values' cells of the row are drawn a frame or two after the names'
        state = section.evaluate(_FIND_METRIC, name)
        if state["found"] and state["values"]:
            return state["values"]
        page.wait_for_timeout(60)
    return []


def scroll_parameters_to(page, name: str) -> None:
    """Scroll the compare view's parameter table (not the page) so that ``name``'s row is near its top;
    nothing when the table has no such row (e.g. "Show diff only" and two runs with the same value)."""
    rows = page.locator("tr", has=page.get_by_text(name, exact=True))
    if not rows.count():
        return
    rows.first.evaluate("""row => {
        let box = row.parentElement;
        while (box && !(box.scrollHeight > box.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(box).overflowY)))
            box = box.parentElement;
        if (box) box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - row.offsetHeight;
    }""")


def tidy_compare(page, diff_only_parameter: str | None = None) -> None:
    """For a picture: fold the plots away, show only the parameters that differ (scrolled to
    ``diff_only_parameter``)."""
    page.get_by_text("Visualizations", exact=True).click()
    page.get_by_role("switch").first.click()  # the parameters' "Show diff only"
    if diff_only_parameter:
        scroll_parameters_to(page, diff_only_parameter)


#: what the pictures show of each run: the seeds a second run changes and one lane's AUPRC
SEED_PARAMETERS = ("data_isolation.split.seed", "generation.seed")
LANE_METRIC = "baseline.learners.hgb.holdout_iid.auprc"


def screenshots(base: str, experiment_id: str, run_ids: list[str], folder: str | Path, width: int = 1600,
                run_names: Iterable[str] = ()) -> list[Path]:
    """``mlflow_runs.png`` (the experiment's runs list, with the seeds and a lane's AUPRC as columns) and
    ``mlflow_compare.png`` (``run_ids`` side by side: the parameters that differ, scrolled to the seeds,
    and the first metrics: the first lane's AUPRC) into ``folder``; returns their paths."""
    from synthetic_intelligence.dashboard.browser import chromium

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    columns = [*(f"params.{p}" for p in SEED_PARAMETERS), f"metrics.{LANE_METRIC}"]
    with chromium(width=width, height=800) as page:
        prepare(page, experiment_id, columns)
        open_runs_list(page, base, experiment_id, [*run_names, LANE_METRIC, *SEED_PARAMETERS])
        page.wait_for_timeout(1000)  # the table's columns settle
        page.screenshot(path=str(folder / "mlflow_runs.png"))
        page.set_viewport_size({"width": width, "height": 1500})
        open_compare(page, base, run_ids, [experiment_id], SEED_PARAMETERS)
        tidy_compare(page, SEED_PARAMETERS[0])  # the metrics below start with the first lane's AUPRC
        page.wait_for_timeout(500)
        page.screenshot(path=str(folder / "mlflow_compare.png"))
    return [folder / "mlflow_runs.png", folder / "mlflow_compare.png"]
