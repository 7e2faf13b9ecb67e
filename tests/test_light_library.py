"""The sampler as a light library (issue 17 part 3): what ``pip install .`` brings and what importing it runs.

The wheel itself is built and installed into a fresh environment by tools/wheel_test.sh (.ci/run,
``make wheel-test``); these tests check the same rules in the project's environment, in seconds.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "tools" / "check_light_sampler.py"
CORE = {"numpy", "pandas", "scikit-learn", "imbalanced-learn"}


def _name(requirement: str) -> str:
    for stop in "[<>=!~; ":
        requirement = requirement.split(stop, maxsplit=1)[0]
    return requirement.lower()


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_pip_install_dot_brings_the_sampler_dependencies_only_and_all_brings_every_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {_name(r) for r in project["dependencies"]} == CORE
    extras = project["optional-dependencies"]
    assert {"kedro", "h2o", "spark", "latent", "tracking", "dashboard", "benchmark", "all", "dev"} <= set(extras)
    (everything,) = extras["all"]
    named = set(everything.split("[", 1)[1].rstrip("]").split(","))
    assert named == set(extras) - {"all", "dev"}, "the `all` extra must name every extra but dev"
    makefile = (ROOT / "Makefile").read_text()
    assert '-e ".[all,dev]"' in makefile and "torch==2.13.0" in makefile


def test_the_sampler_runs_in_an_imblearn_pipeline_without_importing_a_heavy_package():
    result = subprocess.run([sys.executable, str(CHECK)], check=False, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK light sampler")


def test_the_check_fails_loudly_when_a_heavy_package_is_imported():
    result = _run(f"import pydantic, runpy, sys; sys.argv = ['check']; "
                  f"sys.exit(runpy.run_path({str(CHECK)!r}, run_name='not_main')['main']([]))")
    assert result.returncode == 1
    assert "FAILED:" in result.stderr and "imported pydantic" in result.stderr


def test_importing_the_package_or_the_sampler_installs_no_log_or_warning_filter():
    """The MLflow log filter and the start-up warning filters belong to a kedro command (settings.py)."""
    result = _run("import logging, warnings; "
                  "import synthetic_intelligence, synthetic_intelligence.sampling; "
                  "assert not logging.getLogger('py.warnings').filters, 'a py.warnings filter'; "
                  "ours = [f for f in warnings.filters if f[1] is not None and "
                  "        ('resolver' in f[1].pattern or 'dataset names' in f[1].pattern)]; "
                  "assert not ours, ours")
    assert result.returncode == 0, result.stderr


def test_one_public_import_path_for_the_sampler():
    from synthetic_intelligence import sampling
    from synthetic_intelligence.core import sampling as implementation

    for name in sampling.__all__:
        assert getattr(sampling, name) is getattr(implementation, name)


@pytest.mark.parametrize("message", ["register_new_resolver() is deprecated and will be removed",
                                     "One or more dataset names contain '.' characters, which is not recommended"])
def test_the_start_up_warnings_are_filtered_once_settings_are_loaded(message, recwarn):
    import warnings

    from synthetic_intelligence.startup_warnings import QuietPluginImport, quiet_startup

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_startup()
        warnings.warn(message, UserWarning, stacklevel=1)
        warnings.warn("another warning still shows", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["another warning still shows"]
    record = logging.LogRecord("py.warnings", logging.WARNING, "", 0, "MLflow: Add type hints to the `predict` "
                               "method", None, None)
    assert not QuietPluginImport().filter(record)


def test_a_kedro_session_of_the_project_opens_without_the_start_up_warnings(tmp_path):
    """Kedro's OmegaConf resolver deprecation and the dotted dataset names are filtered before they are raised
    (settings.py), so a session that loads the configuration and the pipelines prints neither."""
    code = ("from pathlib import Path\n"
            "from kedro.framework.startup import bootstrap_project\n"
            "from kedro.framework.session import KedroSession\n"
            "root = Path.cwd()\n"
            "bootstrap_project(root)\n"
            "with KedroSession.create(project_path=root, env='quick') as session:\n"
            "    session.load_context().config_loader['parameters']\n"
            "    from kedro.framework.project import pipelines\n"
            "    pipelines['__default__']\n"
            "print('opened')\n")
    for item in ("pyproject.toml", "conf", "src", ".telemetry"):  # a copy: the hooks may write stores
        source = ROOT / item
        if source.exists():
            (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / item)
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                            cwd=tmp_path, timeout=300, env={**os.environ, "KEDRO_DISABLE_TELEMETRY": "true",
                                                            "PYTHONPATH": str(tmp_path / "src")})
    assert result.returncode == 0 and "opened" in result.stdout, result.stderr[-2000:]
    output = result.stdout + result.stderr
    assert "register_new_resolver" not in output
    assert "contain '.'" not in output
