"""Session lifecycle: one H2O cluster per run (started or connected), shut down however the run ends.

Configuration comes from ``conf/<env>/h2o.yml``::

    h2o:
      url: null          # set to connect to an existing (multi-node) cluster instead
      nthreads: -1
      max_mem_size: 4G

The cluster is started only when the pipeline being run has a node tagged
``h2o`` (data_isolation alone never starts a JVM).  A local JVM ends with the run:
at its end, on a node error (these hooks), on Ctrl-C, SIGTERM or SIGHUP and at
interpreter exit (:mod:`synthetic_intelligence.core.lifecycle`, where a local
Spark session will register the same way).
"""

from __future__ import annotations

import logging
import os
import re
import sys

from kedro.framework.hooks import hook_impl

from synthetic_intelligence.core import h2o_utils
from synthetic_intelligence.core.schema import H2O_TAG

logger = logging.getLogger(__name__)


class H2OHook:
    def __init__(self) -> None:
        self._config: dict = {}
        self._handle: h2o_utils.H2OHandle | None = None

    @hook_impl
    def after_context_created(self, context) -> None:
        try:
            conf = context.config_loader["h2o"]
        except KeyError:
            conf = {}
        self._config = dict(conf.get("h2o", conf) or {})

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        if not any(H2O_TAG in n.tags for n in pipeline.nodes):
            return
        url = self._config.get("url")
        if url:
            self._handle = h2o_utils.connect(url)
        else:
            self._handle = h2o_utils.start_local(
                nthreads=int(self._config.get("nthreads", -1)),
                max_mem_size=self._config.get("max_mem_size", "4G"),
            )

    def _stop(self) -> None:
        handle, self._handle = self._handle, None
        h2o_utils.stop(handle)  # also removes the run's H2O temporary folder

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:  # noqa: ARG002
        self._stop()

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        self._stop()


class EnvironmentHook:
    """Keep telemetry off and make Spark executors use this interpreter."""

    @hook_impl
    def after_context_created(self, context) -> None:  # noqa: ARG002
        os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)


#: Catalog entry that :class:`RunRecordHook` writes (a versioned JSON: one version per run).
RUN_PARAMETERS = "run_parameters"


def _plain(value):
    """Parameters as JSON-able values (typed parameter objects become dicts)."""
    import dataclasses

    if hasattr(value, "model_dump"):
        return _plain(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


class RunRecordHook:
    """Save what a run started with as the versioned dataset ``run_parameters``.

    Written before the first node, under the run's save version (the same timestamp as
    every other output of the run), so that two runs can be compared side by side in the
    dashboard: every parameter (and so every seed), the environment, the pipelines and
    namespaces asked for, and runtime ``--params``. Skipped when the catalog does not
    declare the dataset; a failed save is one warning, never a failed run.
    """

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        if RUN_PARAMETERS not in catalog:
            return
        keys = ("env", "pipeline_names", "namespaces", "tags", "node_names", "from_nodes", "to_nodes",
                "from_inputs", "to_outputs", "load_versions", "runtime_params", "runner", "kedro_version")
        try:
            parameters = catalog.load("parameters") if "parameters" in catalog else {}
            run = {k: _plain(run_params.get(k)) for k in keys if k in run_params}
            if isinstance(run.get("runner"), str):  # "<kedro.runner.X object at 0x...>" -> "kedro.runner.X"
                run["runner"] = re.sub(r"^<([\w.]+) object at 0x[0-9a-fA-F]+>$", r"\1", run["runner"])
            record = {"run": run, "parameters": _plain(parameters)}
            catalog.save(RUN_PARAMETERS, record)
        except Exception as exc:  # noqa: BLE001 - a record is a convenience; the run goes on
            logger.warning("could not save %s: %s", RUN_PARAMETERS, " ".join(str(exc).split()))
