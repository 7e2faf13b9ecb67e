"""The import rules of docs/architecture.md, each one checked here (the plotting rule of core/ in
tests/core/test_no_plotting.py; argv and config loaders in tests/test_project.py).

Static rules read each module's imports (``ast``, lazy imports inside functions included); the
runtime ones import a layer in a fresh interpreter and list the heavy packages it loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import synthetic_intelligence

PACKAGE = Path(synthetic_intelligence.__file__).resolve().parent
ROOT = PACKAGE.parents[1]
PKG = "synthetic_intelligence"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _violations(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        bad = sorted(m for m in _imports(path) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(path.relative_to(PACKAGE))] = bad
    return found


def _loaded(statement: str, packages: tuple[str, ...]) -> list[str]:
    code = f"import sys\n{statement}\nprint(sorted(p for p in {packages!r} if p in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         timeout=300)
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_core_imports_no_kedro_and_no_project_layer_above_it():
    forbidden = ("kedro", "kedro_datasets", "kedro_mlflow", "mlflow", "streamlit", f"{PKG}.pipelines",
                 f"{PKG}.reporting", f"{PKG}.tracking", f"{PKG}.dashboard", f"{PKG}.datasets", f"{PKG}.hooks",
                 f"{PKG}.settings", f"{PKG}.cli", f"{PKG}.lanes")
    assert _violations(_modules("core"), forbidden) == {}


def test_importing_every_core_module_loads_no_kedro():
    modules = sorted(f"{PKG}.core." + ".".join(p.relative_to(PACKAGE / "core").with_suffix("").parts)
                     for p in _modules("core"))
    statement = "\n".join(f"import {m.removesuffix('.__init__')}" for m in modules)
    assert _loaded(statement, ("kedro", "kedro_datasets", "mlflow", "matplotlib", "plotly")) == []


def test_reporting_imports_no_kedro_and_no_pipeline():
    forbidden = ("kedro", "kedro_datasets", "mlflow", "streamlit", "torch", "h2o", "pyspark", f"{PKG}.pipelines",
                 f"{PKG}.tracking", f"{PKG}.dashboard", f"{PKG}.hooks", f"{PKG}.lanes")
    assert _violations(_modules("reporting"), forbidden) == {}


def test_the_dashboard_and_the_figures_load_no_torch_h2o_or_spark():
    views = sorted(f"{PKG}.dashboard.views.{p.stem}" for p in (PACKAGE / "dashboard" / "views").glob("*.py")
                   if p.stem != "__init__")
    reporting = sorted(f"{PKG}.reporting.{p.stem}" for p in _modules("reporting") if p.stem != "__init__")
    statement = "\n".join(f"import {m}" for m in
                          [f"{PKG}.dashboard", f"{PKG}.dashboard.outputs", f"{PKG}.dashboard.state", *reporting])
    # the pages are Streamlit scripts: compile them, and import what they import
    for view in views:
        path = PACKAGE / "dashboard" / "views" / (view.rsplit(".", 1)[1] + ".py")
        statement += "".join(f"\nimport {m}" for m in sorted(_imports(path))
                             if m.startswith(PKG) and _is_module(m))
    assert _loaded(statement, ("torch", "h2o", "pyspark", "jpype")) == []


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ModuleNotFoundError, ValueError):
        return False


def test_datasets_tracking_hooks_and_cli_import_no_pipeline():
    paths = [*_modules("datasets"), *_modules("tracking"), *_modules("hooks"),
             *(PACKAGE / n for n in ("cli.py", "settings.py"))]
    assert _violations(paths, (f"{PKG}.pipelines",)) == {}


@pytest.mark.parametrize("name", sorted(p.name for p in (PACKAGE / "pipelines").iterdir()
                                        if p.is_dir() and (p / "pipeline.py").exists()))
def test_a_pipeline_imports_no_other_pipeline_but_the_shared_template(name):
    """Only the train_evaluate template is shared; the qa pipeline is the sum of scorecard and latent_qa."""
    allowed = {f"{PKG}.pipelines.{name}", f"{PKG}.pipelines.train_evaluate"}
    if name == "qa":
        allowed |= {f"{PKG}.pipelines.scorecard", f"{PKG}.pipelines.latent_qa"}
    bad = {}
    for path in sorted((PACKAGE / "pipelines" / name).glob("*.py")):
        other = sorted(m for m in _imports(path) if m.startswith(f"{PKG}.pipelines")
                       and m != f"{PKG}.pipelines" and not any(m == a or m.startswith(a + ".") for a in allowed))
        if other:
            bad[path.name] = other
    assert bad == {}


def test_the_architecture_page_is_linked_from_the_readme_and_names_these_tests():
    readme = (ROOT / "README.md").read_text()
    assert "docs/architecture.md" in readme
    page = (ROOT / "docs" / "architecture.md").read_text()
    assert "tests/test_architecture.py" in page


def test_every_relative_link_of_the_readme_and_the_docs_resolves():
    import re

    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if target.startswith(("http://", "https://", "#")):
                continue
            if not (page.parent / target.split("#", 1)[0]).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_tests_mirror_the_packages_of_src():
    """Each package of ``core/`` has its tests in ``tests/core/<package>/``, the hooks' in ``tests/hooks/``."""
    packages = [f"core/{p.parent.name}" for p in sorted((PACKAGE / "core").glob("*/__init__.py"))]
    missing = [name for name in [*packages, "hooks"]
               if not (ROOT / "tests" / name / "__init__.py").is_file()
               or not any((ROOT / "tests" / name).glob("test_*.py"))]
    assert missing == []
