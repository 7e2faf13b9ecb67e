"""``python -m synthetic_intelligence [kedro run options]`` runs the project like ``kedro run``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kedro.framework.project import configure_project


def main() -> None:
    os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
    configure_project(Path(__file__).parent.name)
    from kedro.framework.cli import main as kedro_main

    sys.argv = ["kedro", "run", *sys.argv[1:]]
    kedro_main()


if __name__ == "__main__":
    main()
