"""kedro-viz over a real quick run: the REST API (pipelines, layers in data-flow order, namespaces,
previews) and, in headless Chromium, the rendered DAG with its layers and a figure preview.

``SI_SCREENSHOTS=<folder>`` (``make viz-screenshot``) saves the picture as ``<folder>/kedro-viz.png``.
"""

from __future__ import annotations

import io
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from synthetic_intelligence import lanes
from synthetic_intelligence.dashboard.browser import CHROMIUM_FLAGS, browser_missing_reason, find_chromium, stop_group
from tests.test_kedro_viz import LAYERS

pytestmark = [pytest.mark.slow, pytest.mark.h2o]  # kedro viz over the session's quick run

ROOT = Path(__file__).resolve().parents[1]
def free_port() -> int:
    """A free port below 49152: kedro viz refuses ports in the ephemeral range."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randint(20000, 49000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 49000 on 127.0.0.1")


def get_json(url: str, timeout: float = 60):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
        return json.loads(response.read())


@pytest.fixture(scope="module")
def viz(quick_run, tmp_path_factory):
    """``kedro viz run`` on 127.0.0.1 over the quick run's project; yields its base URL."""
    assert quick_run.returncode == 0, quick_run.stdout[-3000:] + quick_run.stderr[-3000:]
    port = free_port()
    log = tmp_path_factory.mktemp("viz") / "kedro-viz.log"
    kedro = str(Path(sys.executable).with_name("kedro"))
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}
    with log.open("w") as out:
        proc = subprocess.Popen([kedro, "viz", "run", "--host", "127.0.0.1", "--port", str(port), "--no-browser",
                                 "--env", "quick"], cwd=quick_run.path, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kedro viz exited with {proc.returncode}: {log.read_text()[-3000:]}")
            try:
                get_json(f"{url}/api/main", timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"kedro viz did not answer in 300 s: {log.read_text()[-3000:]}")
                time.sleep(2)
        yield url
    finally:
        stop_group(proc)


@pytest.fixture(scope="module")
def main(viz):
    return get_json(f"{viz}/api/main")


def _node(main, name):
    return next(n for n in main["nodes"] if n["name"] == name and n["type"] == "data")


def test_the_api_lists_every_pipeline_and_the_layers_in_data_flow_order(main):
    pipelines = {p["id"] for p in main["pipelines"]}
    assert {"__default__", "data_isolation", "baseline", "smote", "oracle", "model_driven", "scorecard", "latent_qa",
            "reporting", "benchmark"} <= pipelines
    assert main["layers"] == LAYERS
    data = [n for n in main["nodes"] if n["type"] == "data"]
    assert data and all(n["layer"] in LAYERS for n in data), [n["name"] for n in data if not n["layer"]]


def test_each_swimlane_is_a_collapsible_namespace(main):
    tree = main["modular_pipelines"]
    children = {c["id"] for c in tree["__root__"]["children"]}
    for lane in lanes.swimlanes():
        assert lane in children and tree[lane]["children"], lane  # a modular pipeline holding its own nodes


@pytest.mark.parametrize(("name", "preview_type"), [
    ("pr_curves", "ImagePreview"), ("latent_tsne_plotly", "PlotlyPreview"), ("scorecard", "TablePreview"),
    ("baseline.train_set", "TablePreview"), ("model_driven.generation_choice", "JSONPreview")])
def test_tables_and_figures_preview(viz, main, name, preview_type):
    meta = get_json(f"{viz}/api/nodes/{_node(main, name)['id']}")
    assert meta["preview_type"] == preview_type, meta
    preview = meta["preview"]
    if preview_type == "ImagePreview":
        assert len(preview) > 1000  # a base64 PNG
    elif preview_type == "TablePreview":
        assert preview["columns"] and 0 < len(preview["data"]) <= 10
    elif preview_type == "PlotlyPreview":
        assert preview["data"]


def _shot(page, name: str, tmp_path: Path) -> bytes:
    """A screenshot, checked not to be blank; kept under ``$SI_SCREENSHOTS`` when set."""
    from PIL import Image

    png = page.screenshot(full_page=False)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (page.viewport_size["width"], page.viewport_size["height"])
    colours = image.resize((200, 100)).getcolors(maxcolors=200 * 100)
    assert colours is not None and len(colours) > 50, f"{name}: the screenshot is (nearly) blank"
    (tmp_path / name).write_bytes(png)
    if os.environ.get("SI_SCREENSHOTS"):
        folder = ROOT / os.environ["SI_SCREENSHOTS"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
    return png


@pytest.mark.browser
@pytest.mark.skipif(browser_missing_reason() is not None, reason=f"browser test: {browser_missing_reason()}")
def test_the_dag_renders_in_chromium_with_layers_swimlanes_and_a_figure_preview(viz, main, tmp_path):
    from playwright.sync_api import sync_playwright

    pr_curves = _node(main, "pr_curves")["id"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 2000, "height": 1000})  # the DAG is wide
            # left to right: kedro-viz keeps the orientation a user picks (its button) in localStorage
            page.add_init_script("window.localStorage.setItem('KedroViz', JSON.stringify("
                                 "{orientation: 'horizontal', theme: 'light', showFeatureHints: false}))")
            page.goto(f"{viz}/?pid=__default__", wait_until="networkidle", timeout=120_000)
            page.wait_for_selector(".pipeline-node", timeout=120_000)
            # the layers, as bands in data-flow order, and each swimlane collapsed to one namespace node
            layer_names = [t.strip() for t in page.locator(".pipeline-layer-name").all_text_contents()]
            assert layer_names == LAYERS, layer_names
            collapsed = page.locator(".pipeline-node--modularPipeline .pipeline-node__text").all_text_contents()
            assert set(lanes.swimlanes()) <= {t.strip().lower().replace(" ", "_") for t in collapsed}, collapsed
            assert page.locator(".pipeline-node--data").count() >= 20
            xs = {name: page.locator(".pipeline-layer-name", has_text=name).first.bounding_box()["x"]
                  for name in ("raw", "model_input", "reporting")}
            assert xs["raw"] < xs["model_input"] < xs["reporting"]  # left to right
            if page.get_by_text("Dismiss").count():
                page.get_by_text("Dismiss").first.click()
            page.get_by_label("Hide menu").click()
            page.get_by_label("Turn minimap off").click()
            page.get_by_label("Reset zoom").click()  # fit the whole DAG to the wider canvas
            page.mouse.move(30, 500)  # over the toolbar: no layer band highlighted under the pointer
            page.wait_for_timeout(1500)
            _shot(page, "kedro-viz.png", tmp_path)

            # a figure's preview: the pr_curves dataset selected by URL, its PNG drawn in the metadata panel
            page.set_viewport_size({"width": 1600, "height": 1000})
            page.goto(f"{viz}/?pid=__default__&sid={pr_curves}", wait_until="networkidle", timeout=120_000)
            image = page.wait_for_selector("img.pipeline-metadata__plot-image", timeout=60_000)
            page.wait_for_function("img => img.complete && img.naturalWidth > 200", arg=image, timeout=30_000)
            # the atomic subclass (datasets.atomic) of kedro-datasets' MatplotlibDataset
            assert "MatplotlibDataset" in page.inner_text(".pipeline-metadata")
            _shot(page, "kedro-viz-preview.png", tmp_path)
        finally:
            browser.close()
