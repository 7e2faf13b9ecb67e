"""One screenshot per dashboard page, and two of the MLflow UI, from this project's own outputs and
MLflow store, into docs/screenshots/.

    make screenshots                      # the newest run of `make run` (env local)
    make screenshots ARGS="--env quick"   # after `make run-quick`
    make screenshots ARGS="--skip-dashboard"                     # only the MLflow pictures
    make screenshots ARGS="--mlflow-store http://mlflow.internal:5000"

Serves the dashboard on 127.0.0.1 (a free port), opens each page in headless Chromium
(Debian's chromium; `make browser` installs it), waits until Streamlit has drawn it and
saves ``dashboard_<page>.png``. Then serves the MLflow store (``make mlflow``'s ``mlflow ui``,
a free port; an http(s) store is opened as it is) and saves ``mlflow_runs.png`` (the
experiment's runs list, the seeds and a lane's AUPRC as columns) and ``mlflow_compare.png``
(its two newest finished runs side by side: the parameters that differ, the metrics), e.g.
after two runs with other seeds (``--params data_isolation.split.seed=8,generation.seed=1``).
docs/outputs.md shows these files (the README the Verdict page).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

from synthetic_intelligence.dashboard.browser import browser_missing_reason, chromium, open_page, serve
from synthetic_intelligence.dashboard.outputs import ProjectOutputs
from synthetic_intelligence.dashboard.views import PAGES
from synthetic_intelligence.tracking import ui
from synthetic_intelligence.tracking.mlflow_hook import resolve_uri

ROOT = Path(__file__).resolve().parents[1]
MAX_HEIGHT = 3200


def _content_height(page) -> int:
    return int(page.evaluate(
        "() => Math.max(...['[data-testid=\"stMain\"]', '[data-testid=\"stAppViewContainer\"]', 'body']"
        ".map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default=None, help="Kedro environment whose catalog is read (default: the project's)")
    parser.add_argument("--project", default=str(ROOT))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--pages", nargs="*", default=None, help="page names (default: all)")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--skip-dashboard", action="store_true", help="only the MLflow pictures")
    parser.add_argument("--mlflow-store", default="sqlite:///mlruns.db",
                        help="the MLflow store pictured (relative sqlite paths under --project; '' skips it)")
    args = parser.parse_args(argv)

    reason = browser_missing_reason()
    if reason:
        print(f"ERROR cannot take screenshots: {reason}", file=sys.stderr)  # noqa: T201
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.skip_dashboard:
        code = dashboard_screenshots(args, out)
        if code:
            return code
    return mlflow_screenshots(args.mlflow_store, Path(args.project), out) if args.mlflow_store else 0


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def mlflow_screenshots(store: str, project: Path, out: Path) -> int:
    """``mlflow_runs.png`` and ``mlflow_compare.png`` of the store's two newest finished runs."""
    uri = resolve_uri(store, project)
    if uri.startswith("sqlite:///") and not Path(uri[len("sqlite:///"):]).is_file():
        print(f"WARNING no MLflow pictures: no store at {uri} yet (kedro run makes it)", file=sys.stderr)  # noqa: T201
        return 0
    experiment_id, runs = ui.newest_runs(uri, 2)
    if len(runs) < 2:
        print(f"WARNING no MLflow pictures: {uri} has {len(runs)} finished run(s) in experiment {ui.EXPERIMENT}; "  # noqa: T201
              "two are compared (e.g. a second run with --params data_isolation.split.seed=8,generation.seed=1)",
              file=sys.stderr)
        return 0
    runs = runs[::-1]  # the older on the left
    ids, names = [r.info.run_id for r in runs], [r.info.run_name for r in runs]
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        base = uri.rstrip("/") if uri.startswith(("http://", "https://")) else \
            stack.enter_context(ui.serve(uri, cwd=project, log=Path(tmp) / "mlflow.log"))
        for path in ui.screenshots(base, experiment_id, ids, out, run_names=names):
            print(f"{_shown(path)}  (runs {', '.join(ids)})")  # noqa: T201
    return 0


def dashboard_screenshots(args, out: Path) -> int:
    if not ProjectOutputs(args.project, args.env).runs():
        print("ERROR no outputs to show yet: run `make run` (or `make run-quick`, then --env quick) first",  # noqa: T201
              file=sys.stderr)
        return 1
    wanted = [p for p in PAGES if args.pages is None or p[0] in args.pages]
    with tempfile.TemporaryDirectory() as tmp, serve(args.project, args.env, log=Path(tmp) / "streamlit.log") as url, \
            chromium(width=args.width, height=1000) as page:
        for slug, title, _ in wanted:
            page.set_viewport_size({"width": args.width, "height": 1000})
            open_page(page, f"{url}/{'' if slug == PAGES[0][0] else slug}", title)  # the first page is the root
            height = 1000
            for _ in range(4):  # grow the window to the page until it stops growing (charts re-layout)
                wanted_height = min(MAX_HEIGHT, max(1000, _content_height(page)))
                if wanted_height <= height:
                    break
                height = wanted_height
                page.set_viewport_size({"width": args.width, "height": height})
                page.wait_for_timeout(1500)
            target = out / f"dashboard_{slug}.png"
            page.screenshot(path=str(target))
            print(f"{_shown(target)}  ({args.width}x{height})")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
