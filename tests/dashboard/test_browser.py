"""The dashboard in a real browser: ``streamlit run`` on 127.0.0.1 against fixture outputs, opened in
headless Chromium (Debian's package, driven by Playwright), one screenshot checked."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from synthetic_intelligence.dashboard.browser import browser_missing_reason, chromium, open_page, serve
from tests.dashboard.fake_project import RUN_1, RUN_2, make_project, write_run

REASON = browser_missing_reason()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(REASON is not None, reason=f"browser test: {REASON}")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    project = make_project(tmp)
    write_run(project, RUN_1, seed=0)
    write_run(project, RUN_2, seed=1)
    log = tmp / "streamlit.log"
    with serve(project, log=log) as url:
        yield url, tmp, log


def test_the_verdict_page_renders_in_chromium(served):
    url, tmp, log = served
    with chromium() as page:
        open_page(page, url, "Verdict")
        body = page.inner_text("body")
        assert page.title() == "SyntheticIntelligence"  # st.set_page_config
        for text in ("AUPRC [95% interval]: lanes x holdouts", "model_driven", "In words", "Paired differences",
                     "Latent space", "Runs"):  # page text and the navigation
            assert text in body, f"{text!r} not rendered; server log: {log.read_text()[-2000:]}"
        assert "better than baseline" in body
        assert page.locator(".js-plotly-plot").count() >= 1  # the differences figure was drawn
        png = page.screenshot(path=str(tmp / "verdict.png"), full_page=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width >= 1000 and image.height >= 700
    colours = image.resize((200, 200)).getcolors(maxcolors=200 * 200)
    assert colours is not None and len(colours) > 50, "the screenshot is (nearly) blank"
    # not one colour over most of the picture
    assert max(count for count, _ in colours) < 0.95 * 200 * 200


def test_another_page_and_an_earlier_run_by_url(served):
    url, _, _ = served
    with chromium() as page:
        open_page(page, f"{url}/runs", "Runs")
        body = page.inner_text("body")
        for text in ("Run A", "Run B", "Parameters", "Seeds", "Metrics", "2 run(s) in"):
            assert text in body, text
        assert page.locator("[data-testid='stDataFrame']").count() >= 3  # parameters, seeds, metrics
        open_page(page, f"{url}/latent?run={RUN_1}", "Latent space")
        assert "from run 2026-01-01 10:00:00 UTC" in page.inner_text("body")  # the run picked by URL
        assert page.locator(".js-plotly-plot").count() == 1
