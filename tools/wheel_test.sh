#!/usr/bin/env bash
# The wheel test (run by .ci/run; `make wheel-test`): build the project's wheel, install it with its core
# dependencies only (from PyPI) into a fresh virtual environment, then import the sampler and run it inside an
# imbalanced-learn Pipeline with a scikit-learn oracle (tools/check_light_sampler.py --core-only), failing
# loudly if a heavy package (Kedro, MLflow, torch, H2O, Spark, ...) is installed or imported.
#   PYTHON: the interpreter that builds the wheel and makes the environment (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# built from a copy of the sources, so that the checkout gets no build/ or egg-info
mkdir "$work/source" && cp -r pyproject.toml README.md src "$work/source/"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$work/source"
wheel="$(ls "$work"/dist/synthetic_intelligence-*.whl)"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
echo "wheel test: $(basename "$wheel") installed with: $("$work/venv/bin/python" -m pip freeze --exclude-editable | tr '\n' ' ')"
# run from outside the checkout so that only the installed wheel can be imported
(cd "$work" && env -u PYTHONPATH "$work/venv/bin/python" "$OLDPWD/tools/check_light_sampler.py" --core-only)
