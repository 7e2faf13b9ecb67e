"""One screenshot per dashboard page, from this project's own outputs, into docs/screenshots/.

    make screenshots                      # the newest run of `make run` (env local)
    make screenshots ARGS="--env quick"   # after `make run-quick`

Serves the dashboard on 127.0.0.1 (a free port), opens each page in headless Chromium
(Debian's chromium; `make browser` installs it), waits until Streamlit has drawn it and
saves ``dashboard_<page>.png``. The README shows these files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from synthetic_intelligence.dashboard.browser import browser_missing_reason, chromium, open_page, serve
from synthetic_intelligence.dashboard.outputs import ProjectOutputs
from synthetic_intelligence.dashboard.views import PAGES

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
    args = parser.parse_args(argv)

    reason = browser_missing_reason()
    if reason:
        print(f"ERROR cannot take screenshots: {reason}", file=sys.stderr)  # noqa: T201
        return 1
    if not ProjectOutputs(args.project, args.env).runs():
        print("ERROR no outputs to show yet: run `make run` (or `make run-quick`, then --env quick) first",  # noqa: T201
              file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
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
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  ({args.width}x{height})")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
