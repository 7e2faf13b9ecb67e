# Two commands do all the set-up:  `make run`  and  `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY      = $(VENV)/bin/python
export KEDRO_DISABLE_TELEMETRY = true
export PYSPARK_PYTHON = $(abspath $(PY))

.PHONY: install run run-quick test wheel-test viz viz-screenshot mlflow dashboard browser screenshots clean-venv

install: $(VENV)/.installed

# torch==2.13.0 first: the CPU build; the project's torch range then installs nothing more. smote-variants
# without its declared dependencies (TensorFlow, Keras, mkl); the benchmark extra lists what it imports.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[all,dev]"
	$(PY) -m pip install --quiet --no-deps smote-variants==1.0.1   # its TensorFlow dependency is not needed
	touch $@

run: install          ## the main job: kedro run on the built-in synthetic data (base sizes)
	$(VENV)/bin/kedro run $(ARGS)

run-quick: install    ## the same on tiny data (conf/quick), a few minutes
	$(VENV)/bin/kedro run --env quick $(ARGS)

test: install         ## the test suite (quick environment, tiny data)
	$(PY) -m pytest $(ARGS)

# the sampler as a light library: its wheel in a fresh venv with the core dependencies only (from PyPI), run
# inside an imbalanced-learn Pipeline; fails if a heavy package is installed or imported (CI runs it)
wheel-test: install
	PYTHON=$(abspath $(PY)) bash tools/wheel_test.sh

# the fault-injection suite (tests marked chaos; they also run in make test): kill -9 during a versioned save,
# the AutoML fit and the Spark write, a dead JVM, SIGTERM, bad parameters, degenerate splits, columns H2O drops;
# ends with one line per case: survived / LOST DATA / LEFT BEHIND (a process or folder). A few minutes.
.PHONY: chaos
chaos: install
	$(PY) -m pytest -m chaos -q -p no:cacheprovider $(ARGS)

viz: install          ## kedro-viz on http://127.0.0.1:4141: the DAG by layer, previews of tables and figures
	$(VENV)/bin/kedro viz run --no-browser --host 127.0.0.1 $(ARGS)

# docs/screenshots/kedro-viz.png from a quick run, in headless Chromium (the kedro-viz browser test)
viz-screenshot: install browser
	SI_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/test_kedro_viz_browser.py -q -p no:cacheprovider $(ARGS)

# the MLflow UI on http://127.0.0.1:5000 over the project's store (conf/base/mlflow.yml: mlruns.db);
# another store: make mlflow MLFLOW_STORE=http://... (or open that server's own UI)
MLFLOW_STORE ?= sqlite:///mlruns.db
mlflow: install
	$(VENV)/bin/mlflow ui --backend-store-uri $(MLFLOW_STORE) --host 127.0.0.1 --port 5000 $(ARGS)

# the Streamlit dashboard on http://127.0.0.1:8501 over the newest outputs (pick earlier runs in its sidebar);
# e.g. make dashboard ARGS="--env quick --port 8502"
dashboard: install
	$(PY) -m synthetic_intelligence.dashboard $(ARGS)

browser:              ## Debian's chromium for the browser tests (as root; skipped when installed)
	bash tools/install_browser.sh

# one screenshot per dashboard page into docs/screenshots/, from this project's newest run
# (make run or make run-quick first); e.g. make screenshots ARGS="--env quick"; then mlflow_runs.png and
# mlflow_compare.png of the MLflow store's two newest finished runs (ARGS="--skip-dashboard": only those)
screenshots: install browser
	$(PY) tools/screenshots.py $(ARGS)

clean-venv:
	rm -rf $(VENV)
