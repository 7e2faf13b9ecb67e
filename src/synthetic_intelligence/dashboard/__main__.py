"""``python -m synthetic_intelligence.dashboard [--env ENV] [--port N] [--project PATH]``: start the dashboard.

Runs ``streamlit run`` on this package's ``app.py`` bound to 127.0.0.1 (``--address`` to
change), headless, with Streamlit's usage statistics off. ``make dashboard`` calls it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from synthetic_intelligence.dashboard.outputs import ENV_VAR, PROJECT_VAR

APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line of the dashboard."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", address,
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m synthetic_intelligence.dashboard", description=__doc__)
    parser.add_argument("--env", default=None, help="Kedro configuration environment (default: the project's)")
    parser.add_argument("--project", default=None, help="Kedro project path (default: around the working directory)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    args = parser.parse_args(argv)
    if args.env:
        os.environ[ENV_VAR] = args.env
    os.environ[PROJECT_VAR] = str(Path(args.project or Path.cwd()).resolve())
    command = streamlit_command(args.port, args.address)
    print(f"Dashboard on http://{args.address}:{args.port}  (Ctrl-C to stop)", flush=True)  # noqa: T201
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
