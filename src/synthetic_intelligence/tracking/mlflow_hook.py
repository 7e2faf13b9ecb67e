"""Each ``kedro run`` as one MLflow run, through kedro-mlflow; a tracking problem never fails the run.

kedro-mlflow (2.x supports Kedro >= 1.0, < 2) does the MLflow side: its configuration
model (``conf/<env>/mlflow.yml``: tracking URI, experiment, run name, credentials), the
set-up (URI relative to the project, experiment created or restored) and the run's start
(tags from the run parameters, ``kedro_command``), end and failure. Its own hook is not
auto-registered (``DISABLE_HOOKS_FOR_PLUGINS`` in ``settings.py``); this hook drives it and
adds what the project needs:

* ``enabled: false`` switches tracking off (MLflow is then not even imported);
* a tracking store that cannot be reached (or any later MLflow failure) is **one**
  warning and the run goes on untracked;
* every parameter (flattened ``a.b.c``) and a ``seeds`` tag, logged once at the start;
* for each dataset the run writes to a file: the numeric leaves of JSON outputs matching
  ``record.metrics`` as metrics (``<lane>.<holdout>.<metric>``, text leaves as params),
  the numeric cells of ``record.tables`` (``scorecard.<lane>.<column>``), and the files of
  ``record.artifacts`` (scorecard, figures) as artifacts;
* at the end: ``kedro/datasets.json`` (each dataset written, its version and path) and the
  ``kedro.save_version`` tag;
* two runs starting at once on one SQLite store (``sqlite:///mlruns.db``): MLflow creates and
  migrates the store's tables without a lock (``duplicate column name: step``) and the experiment
  get-or-create races too; the store is opened, the experiment set up and the run started under a
  file lock beside the database (``mlruns.db.lock``), waited for at most ``store_lock_timeout_s``,
  and a failed opening is retried a few times (:func:`open_store`), so no run goes untracked
  because another one started.

Nothing here is imported by ``core/``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
from kedro.config import MissingConfigException
from kedro.framework.hooks import hook_impl
from kedro.io import MemoryDataset
from pydantic import BaseModel, ConfigDict, Field

from synthetic_intelligence.tracking import records

logger = logging.getLogger(__name__)

__all__ = ["MlflowTrackingHook", "TrackingSettings", "RecordSettings", "split_config"]

#: MLflow's limits (values longer than this are truncated; at most this many items per request).
_MAX_PARAM_LENGTH = 6000
_BATCH = 100
_DEFAULT_URI = "sqlite:///mlruns.db"


class RecordSettings(BaseModel):
    """Which outputs become metrics, params and artifacts (dataset names or ``fnmatch`` patterns)."""

    model_config = ConfigDict(extra="forbid")

    metrics: list[str] = Field(default_factory=lambda: ["*.metrics"])
    tables: dict[str, list[str]] = Field(default_factory=lambda: {"scorecard": ["lane", "learner"]})
    artifacts: list[str] = Field(default_factory=lambda: ["scorecard", "scorecard_md"])


class TrackingSettings(BaseModel):
    """This project's keys of ``mlflow.yml`` (the rest is kedro-mlflow's own schema)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    connect_timeout_s: float = Field(5.0, gt=0)
    store_lock_timeout_s: float = Field(120.0, gt=0)
    record: RecordSettings = Field(default_factory=RecordSettings)


def split_config(conf: dict[str, Any]) -> tuple[TrackingSettings, dict[str, Any]]:
    """``mlflow.yml`` -> (this project's settings, kedro-mlflow's part with the project's defaults)."""
    conf = dict(conf or {})
    own = TrackingSettings.model_validate({k: conf.pop(k) for k in list(conf) if k in TrackingSettings.model_fields})
    server = dict(conf.get("server") or {})
    server.setdefault("mlflow_tracking_uri", None)
    if server["mlflow_tracking_uri"] is None:
        server["mlflow_tracking_uri"] = os.environ.get("MLFLOW_TRACKING_URI") or _DEFAULT_URI
    conf["server"] = server
    tracking = dict(conf.get("tracking") or {})
    experiment = dict(tracking.get("experiment") or {})
    experiment.setdefault("name", "synthetic_intelligence")
    tracking["experiment"] = experiment
    conf["tracking"] = tracking
    return own, conf


def resolve_uri(uri: str, project_path: Path) -> str:
    """A relative SQLite path (``sqlite:///mlruns.db``) is read under the project root, not the cwd."""
    prefix = "sqlite:///"
    if uri.startswith(prefix) and not uri.startswith(prefix + "/") and uri != prefix + ":memory:":
        return prefix + str((Path(project_path) / uri[len(prefix):]).resolve())
    return uri


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///<path>`` tracking URI (``None`` for other stores and ``:memory:``)."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix) or uri == prefix + ":memory:":
        return None
    return Path(uri[len(prefix):].split("?", 1)[0])


@contextlib.contextmanager
def store_lock(uri: str, timeout: float):
    """Hold ``<database>.lock`` (an exclusive file lock, ``filelock``) while a SQLite store is created and set up.

    Other stores need no lock (a tracking server serialises its own writes). Waiting longer
    than ``timeout`` seconds raises :class:`TimeoutError` (the caller's one warning names it).
    """
    path = sqlite_path(uri)
    if path is None:
        yield
        return
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{path}.lock")
    try:
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise TimeoutError(f"another run held the MLflow store's lock {path}.lock for more than {timeout:g} s "
                           "(store_lock_timeout_s in mlflow.yml)") from exc
    try:
        yield
    finally:
        lock.release()


def open_store(uri: str, attempts: int = 4, wait_s: float = 0.5) -> None:
    """Open the tracking store once (MLflow creates and migrates a new SQLite store's tables here).

    A SQLite store being created by a process that does not take :func:`store_lock` (an
    ``mlflow ui`` started on the same file) can still fail an opening (``OperationalError:
    duplicate column``, ``table ... already exists``, ``database is locked``, alembic's
    ``CommandError``): tried ``attempts`` times, waiting ``wait_s``, then twice as long, ... between
    tries. Only for SQLite stores (a tracking server was probed already and creates its own tables).
    """
    from mlflow.tracking import MlflowClient

    for attempt in range(attempts):
        try:
            MlflowClient(tracking_uri=uri).search_experiments(max_results=1)
            return
        except Exception as exc:
            if attempt == attempts - 1:
                raise
            logger.info("MLflow store %s not ready (%s); retrying", uri, str(exc).splitlines()[0][:200])
            time.sleep(wait_s * 2 ** attempt)


def probe(uri: str, timeout: float) -> None:
    """Fail fast (``OSError``) when an http(s) tracking server does not answer within ``timeout`` s."""
    if urlparse(uri).scheme not in ("http", "https"):
        return
    import requests

    try:
        requests.get(uri.rstrip("/") + "/health", timeout=timeout)
    except requests.RequestException as exc:
        raise OSError(f"no answer from {uri} within {timeout:g} s ({type(exc).__name__})") from exc


class MlflowTrackingHook:
    """One MLflow run per ``kedro run`` (see the module docstring)."""

    def __init__(self) -> None:
        self.settings = TrackingSettings()
        self._reset()

    def _reset(self) -> None:
        self._context = None
        self._kedro_mlflow_conf: dict[str, Any] = {}
        self._inner = None
        self._client = None
        self._catalog = None
        self._save_version: str | None = None
        self._saved: list[str] = []
        self._failed = False
        self.run_id: str | None = None
        self.tracking_uri: str | None = None
        self.experiment_id: str | None = None
        self.experiment_name: str | None = None

    # ------------------------------------------------------------------ hooks --
    @hook_impl
    def after_context_created(self, context) -> None:
        self._reset()
        self._context = context
        try:
            conf = context.config_loader["mlflow"]
        except (KeyError, MissingConfigException):
            conf = {}
        self.settings, self._kedro_mlflow_conf = split_config(conf)

    @hook_impl
    def after_catalog_created(self, catalog, conf_catalog, conf_creds, parameters, save_version,  # noqa: ARG002, PLR0913
                              load_versions) -> None:  # noqa: ARG002
        self._save_version = save_version

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        self._saved = []
        if not self.settings.enabled or self._context is None:
            return
        self._catalog = catalog
        self._guard("starting the run", self._start, run_params, pipeline, catalog)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node) -> None:  # noqa: ARG002
        self._saved.append(dataset_name)
        if self.run_id is not None:
            self._guard(f"recording {dataset_name}", self._record, dataset_name, data)

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:  # noqa: ARG002
        if self.run_id is not None:
            self._guard("recording the dataset versions", self._log_versions, catalog)
        if self.run_id is not None:
            self._guard("ending the run", self._inner.after_pipeline_run, run_params, pipeline, catalog)

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:
        if self.run_id is not None:
            self._guard("recording the dataset versions", self._log_versions, catalog)
        if self.run_id is not None:
            self._guard("closing the failed run", self._inner.on_pipeline_error, error, run_params, pipeline, catalog)

    # -------------------------------------------------------------- internals --
    def _guard(self, stage: str, fn, *args) -> None:
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - tracking must never fail the run
            self._stop_tracking(stage, exc)

    def _stop_tracking(self, stage: str, exc: BaseException) -> None:
        self.run_id = None
        if self._failed:
            return
        self._failed = True
        where = self.tracking_uri or self._kedro_mlflow_conf.get("server", {}).get("mlflow_tracking_uri")
        logger.warning(
            "MLflow tracking is off for the rest of this run (%s at %s: %s: %s). The run goes on untracked; "
            "check the store (server.mlflow_tracking_uri in conf/<env>/mlflow.yml) or set enabled: false there.",
            stage, where, type(exc).__name__, str(exc).strip().splitlines()[0][:300] if str(exc).strip() else "",
        )
        try:  # leave no half-open run behind in this process (never waits on a dead server for long)
            import mlflow

            if mlflow.active_run() is not None:
                mlflow.end_run("FAILED")
        except Exception:  # noqa: BLE001
            pass

    def _start(self, run_params, pipeline, catalog) -> None:
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
        with warnings.catch_warnings():  # kedro-mlflow's pyfunc model warns about type hints on import
            warnings.simplefilter("ignore")
            import mlflow
            from kedro_mlflow.config.kedro_mlflow_config import KedroMlflowConfig
            from kedro_mlflow.framework.hooks.mlflow_hook import MlflowHook
        from mlflow.tracking import MlflowClient

        conf = self._kedro_mlflow_conf
        conf["server"]["mlflow_tracking_uri"] = resolve_uri(conf["server"]["mlflow_tracking_uri"],
                                                            self._context.project_path)
        self.tracking_uri = conf["server"]["mlflow_tracking_uri"]
        config = KedroMlflowConfig.model_validate(conf)
        probe(self.tracking_uri, self.settings.connect_timeout_s)
        inner = MlflowHook()
        # one run at a time creates the store's tables, gets or creates the experiment and starts its run
        with store_lock(self.tracking_uri, self.settings.store_lock_timeout_s):
            if sqlite_path(self.tracking_uri) is not None:
                open_store(self.tracking_uri)
            config.setup(self._context)
            inner.mlflow_config = config
            inner._already_active_mlflow = mlflow.active_run() is not None
            with _quiet("kedro_mlflow"):
                inner.before_pipeline_run(run_params, pipeline, catalog)
        if not inner._is_mlflow_enabled:  # tracking.disable_tracking.pipelines lists this pipeline
            return
        self._inner, self.run_id = inner, inner.run_id
        self._client = MlflowClient(tracking_uri=self.tracking_uri)
        self.experiment_id = config.tracking.experiment._experiment.experiment_id
        self.experiment_name = config.tracking.experiment.name
        params = dict(self._context.params)  # as configured (+ runtime --params); the catalog's are typed objects
        self._log(params={k: _param_value(v) for k, v in records.flatten(params).items()})
        seeds = records.seeds(params)
        self._client.set_tag(self.run_id, "seeds", json.dumps(seeds, default=str)[:_MAX_PARAM_LENGTH])
        if self._save_version:
            self._client.set_tag(self.run_id, "kedro.save_version", self._save_version)
        runner = run_params.get("runner")
        if runner is not None and not isinstance(runner, str):  # kedro-mlflow tagged the runner object's repr
            self._client.set_tag(self.run_id, "runner", type(runner).__name__)
        logger.info("MLflow run %s (experiment %r) at %s", self.run_id, config.tracking.experiment.name,
                    self.tracking_uri)

    def _log(self, metrics: dict[str, float] | None = None, params: dict[str, str] | None = None) -> None:
        from mlflow.entities import Metric, Param

        items = [Param(records.safe_key(k), v) for k, v in (params or {}).items()]
        items += [Metric(records.safe_key(k), v, 0, 0) for k, v in (metrics or {}).items()]
        for i in range(0, len(items), _BATCH):
            chunk = items[i:i + _BATCH]
            self._client.log_batch(self.run_id, metrics=[m for m in chunk if isinstance(m, Metric)],
                                   params=[p for p in chunk if isinstance(p, Param)])

    def _record(self, name: str, data: Any) -> None:
        if isinstance(self._catalog.get(name), MemoryDataset):  # in-memory steps: their numbers reach a file later
            return
        wanted = self.settings.record
        if records.matches(name, wanted.metrics) and isinstance(data, dict):
            metrics, params = records.leaves(data, records.metric_key(name))
            self._log(metrics=metrics, params={k: _param_value(v) for k, v in params.items()})
        if name in wanted.tables and isinstance(data, pd.DataFrame):
            self._log(metrics=records.table_metrics(data, name, wanted.tables[name]))
        if records.matches(name, wanted.artifacts):
            path = _saved_path(self._catalog.get(name))
            if path is not None and path.is_dir():
                self._client.log_artifacts(self.run_id, str(path), artifact_path=name)
            elif path is not None and path.exists():
                self._client.log_artifact(self.run_id, str(path), artifact_path=name)

    def _log_versions(self, catalog) -> None:
        written = {}
        for name in dict.fromkeys(self._saved):
            dataset = catalog.get(name)
            version = _save_version(dataset)
            path = _saved_path(dataset)
            written[name] = {"type": type(dataset).__name__, "version": version,
                             "path": str(path) if path is not None else None}
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "datasets.json"
            out.write_text(json.dumps(written, indent=2))
            self._client.log_artifact(self.run_id, str(out), artifact_path="kedro")
        versions = sorted({w["version"] for w in written.values() if w["version"]})
        if versions:
            self._client.set_tag(self.run_id, "kedro.dataset_versions", ", ".join(versions)[:_MAX_PARAM_LENGTH])


class _quiet:
    """Lower a chatty logger to WARNING for a block."""

    def __init__(self, name: str):
        self._logger = logging.getLogger(name)

    def __enter__(self):
        self._level = self._logger.level
        self._logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self._logger.setLevel(self._level)


def _param_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text[:_MAX_PARAM_LENGTH]


def _save_version(dataset) -> str | None:
    try:
        return dataset.resolve_save_version() if hasattr(dataset, "resolve_save_version") else None
    except Exception:  # noqa: BLE001 - a dataset without a version
        return None


def _saved_path(dataset) -> Path | None:
    """The local file (or folder) a dataset wrote in this run: its versioned path if versioned."""
    if dataset is None or getattr(dataset, "_protocol", "file") not in ("file", None):
        return None
    version = _save_version(dataset)
    try:
        if version is not None and hasattr(dataset, "_get_versioned_path"):
            return Path(str(dataset._get_versioned_path(version)))
        filepath = getattr(dataset, "_filepath", None)
        return Path(str(filepath)) if filepath is not None else None
    except Exception:  # noqa: BLE001
        return None
