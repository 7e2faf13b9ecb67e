"""core/ is plain library code: no module imports a plotting library, and importing it loads none."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import synthetic_intelligence.core

CORE = Path(synthetic_intelligence.core.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_plotting_library(path):
    plotting = {m for m in _imported_modules(path) if m.split(".")[0] in {"matplotlib", "plotly", "seaborn"}}
    assert not plotting, f"core/{path.relative_to(CORE)} imports {sorted(plotting)}"


def test_importing_core_loads_no_plotting_library():
    modules = sorted(f"synthetic_intelligence.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules + ["synthetic_intelligence.core.latent"])
            + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'plotly')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
