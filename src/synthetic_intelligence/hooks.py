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
