"""Session lifecycle: one H2O cluster per run (started or connected), shut down however the run ends.

Configuration comes from ``conf/<env>/h2o.yml``::

    h2o:
      url: null          # set to connect to an existing (multi-node) cluster instead
      nthreads: -1
      max_mem_size: 4G

The cluster is started only when the pipeline being run has a node tagged
``h2o`` (data_isolation alone never starts a JVM).  A local JVM ends with the run:
at its end, on a node error (these hooks), on Ctrl-C, SIGTERM or SIGHUP and at
interpreter exit (:mod:`synthetic_intelligence.core.lifecycle`).

:class:`SparkHook` does the same for a Spark session (``conf/<env>/spark.yml``),
started only before a node tagged ``spark`` that needs it.
"""

from __future__ import annotations

import logging
import os
import sys

from kedro.framework.hooks import hook_impl

from synthetic_intelligence.core import h2o_utils, spark_session
from synthetic_intelligence.core.schema import H2O_TAG, SPARK_TAG

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


class SparkHook:
    """A Spark session from ``conf/<env>/spark.yml`` (Spark properties), only when a Spark node runs.

    Before a node tagged ``spark`` runs, the session is created (``getOrCreate``, so
    kedro-datasets' Spark datasets share it), unless a ``params:*`` input of the node sets
    ``backend`` to something else (``generation.backend: numpy`` starts no JVM).  A session
    started here is stopped at the end of the run and on a node error (and, through
    :mod:`synthetic_intelligence.core.lifecycle`, on SIGINT / SIGTERM / exit).
    """

    def __init__(self) -> None:
        self._settings: dict = {}

    @hook_impl
    def after_context_created(self, context) -> None:
        try:
            conf = context.config_loader["spark"]
        except KeyError:
            conf = {}
        self._settings = dict(conf or {})

    @staticmethod
    def wants_spark(node, inputs: dict) -> bool:
        if SPARK_TAG not in node.tags:
            return False
        for name, value in inputs.items():
            if not name.startswith("params:"):
                continue
            backend = value.get("backend") if isinstance(value, dict) else getattr(value, "backend", None)
            if backend is not None and backend != "spark":
                return False
        return True

    @hook_impl
    def before_node_run(self, node, catalog, inputs, is_async, run_id) -> None:  # noqa: ARG002
        if self.wants_spark(node, inputs):
            spark_session.get_or_create(self._settings)

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:  # noqa: ARG002
        spark_session.stop()

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        spark_session.stop()


class EnvironmentHook:
    """Keep telemetry off and make Spark executors use this interpreter."""

    @hook_impl
    def after_context_created(self, context) -> None:  # noqa: ARG002
        os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
