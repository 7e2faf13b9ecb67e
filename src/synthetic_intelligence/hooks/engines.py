"""The engines of a run: one H2O cluster per run (started or connected), shut down however the run ends.

Configuration comes from ``conf/<env>/h2o.yml``::

    h2o:
      url: null          # set to connect to an existing (multi-node) cluster instead
      nthreads: -1
      max_mem_size: 4G

The cluster is started only when the pipeline being run has a node tagged
``h2o`` (data_isolation alone never starts a JVM).  A local JVM ends with the run:
at its end, on a node error (these hooks), on Ctrl-C, SIGTERM or SIGHUP and at
interpreter exit (:mod:`synthetic_intelligence.core.engines.lifecycle`).

:class:`SparkHook` does the same for a Spark session (``conf/<env>/spark.yml``),
started only before a node tagged ``spark`` that needs it. :class:`EnvironmentHook` keeps telemetry off.
"""

from __future__ import annotations

import os
import sys

from kedro.framework.hooks import hook_impl

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.engines import lifecycle
from synthetic_intelligence.core.engines import spark as spark_session
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.params import setting
from synthetic_intelligence.core.schema import H2O_TAG, SPARK_TAG


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

    @staticmethod
    def check_searches(pipeline, catalog) -> None:
        """Each learner resolved in this run whose leader comes from the oracle's AutoML (``search: oracle``)
        needs an AutoML oracle: checked before any node runs, not after the oracle has trained."""
        if catalog is None or "params:oracle" not in catalog:
            return
        for node in pipeline.nodes:
            for name in node.inputs:
                if name.startswith("params:learners.") and "oracle_report" in node.inputs:
                    learners.check_search(name.removeprefix("params:learners."), catalog.load(name),
                                          catalog.load("params:oracle"))

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        lifecycle.reap_orphans()  # engines and folders of an earlier run killed outright (kill -9, OOM)
        self.check_searches(pipeline, catalog)
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
    :mod:`synthetic_intelligence.core.engines.lifecycle`, on SIGINT / SIGTERM / exit).
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
            backend = setting(value, "backend")
            if backend is not None and backend != "spark":
                return False
        return True

    @staticmethod
    def check_writers(pipeline, catalog) -> None:
        """Every ``*@spark`` output written under ``params:generation`` must have the backend's writer.

        ``generation.backend`` picks both the executor and (through the catalog's OmegaConf resolvers)
        ``spark.SparkDataset`` or ``pandas.ParquetDataset``; a backend set where the catalog cannot see it
        (a parameters file) would only fail at the save, after the generation ran.
        """
        for node in pipeline.nodes:
            params = [d for d in node.inputs if d == "params:generation" or d.endswith(".generation")]
            writers = [d for d in node.outputs if d.endswith("@spark")]
            if not params or not writers or params[0] not in catalog:
                continue
            value = catalog.load(params[0])
            backend = setting(value, "backend")
            for name in writers:
                is_spark = type(catalog.get(name)).__name__ == "SparkDataset"
                if backend is not None and (backend == "spark") != is_spark:
                    raise ConfigurationError(
                        f"generation.backend is {backend!r} but {name} is written by "
                        f"{type(catalog.get(name)).__name__}: set the backend with `--params "
                        f"generation.backend={backend}` or generation_backend in conf/<env>/globals.yml (both "
                        "set the catalog's writer too), not in a parameters file")

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        self.check_writers(pipeline, catalog)

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
