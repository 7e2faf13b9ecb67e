"""Look at the dashboard as a person would: serve it on 127.0.0.1 and open it in headless Chromium.

Used by the browser tests and by ``make screenshots`` (``tools/screenshots.py``). The
browser is Debian's ``chromium`` package (``.ci/run`` installs it), driven by Playwright
pointed at that binary (Playwright's own browser download is not needed).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from synthetic_intelligence.dashboard.__main__ import streamlit_command
from synthetic_intelligence.dashboard.outputs import ENV_VAR, PROJECT_VAR

__all__ = ["CHROMIUM_FLAGS", "find_chromium", "browser_missing_reason", "free_port", "wait_for_http", "serve",
           "stop_group",
           "chromium", "open_page"]

#: Flags that work headless as root in a container, with no network but loopback.
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """``$CHROMIUM`` or the first Chromium on ``PATH`` (Debian: ``/usr/bin/chromium``)."""
    explicit = os.environ.get("CHROMIUM")
    if explicit and Path(explicit).is_file():
        return explicit
    return next((path for name in _CANDIDATES if (path := shutil.which(name))), None)


def browser_missing_reason() -> str | None:
    """Why a browser test cannot run here (``None`` when it can)."""
    if find_chromium() is None:
        return "no Chromium installed (Debian: apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, timeout: float = 90.0, process: subprocess.Popen | None = None) -> None:
    """Wait until ``url`` answers 200; fail early when ``process`` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop_group(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """Stop a server started with ``start_new_session=True`` and its children: SIGTERM to its process group,
    SIGKILL after ``timeout`` seconds; nothing when it has already ended."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def serve(project: str | Path, env: str | None = None, port: int | None = None, log: Path | None = None,
          timeout: float = 120.0) -> Iterator[str]:
    """``streamlit run`` the dashboard for ``project`` on 127.0.0.1; yields its URL; stops it on exit."""
    port = port or free_port()
    environ = {**os.environ, PROJECT_VAR: str(Path(project).resolve()), "KEDRO_DISABLE_TELEMETRY": "true"}
    environ.pop(ENV_VAR, None)
    if env:
        environ[ENV_VAR] = env
    src = str(Path(__file__).resolve().parents[2])  # this checkout's src wins over an installed copy
    environ["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [environ.get("PYTHONPATH")])])
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(streamlit_command(port), env=environ, stdout=out, stderr=subprocess.STDOUT,
                               cwd=str(Path(project).resolve()))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health", timeout, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


@contextlib.contextmanager
def chromium(width: int = 1400, height: int = 1000):
    """A Playwright page in headless Chromium (the system binary), with a fresh profile."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError(browser_missing_reason())
    with tempfile.TemporaryDirectory(prefix="si-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=list(CHROMIUM_FLAGS),
            viewport={"width": width, "height": height},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def open_page(page, url: str, title: str, timeout_ms: int = 90_000) -> None:
    """Go to ``url`` and wait until Streamlit has drawn the page titled ``title`` and finished running."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=timeout_ms)
    # the running indicator is gone once the script has finished; it can appear a moment after the heading,
    # so the check is repeated after a pause (a picture taken in between shows a page without its charts)
    for _ in range(2):
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms)
        page.wait_for_timeout(1000)
    if page.locator(".js-plotly-plot").count():
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=timeout_ms)
    page.wait_for_timeout(1500)  # charts and images settle

