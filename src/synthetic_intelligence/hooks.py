"""Session lifecycle: one H2O cluster per run (started or connected), shut down however the run ends;
and the run's provenance: which version of every dataset it read and wrote (:class:`ProvenanceHook`).

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
import re
import sys

from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset

from synthetic_intelligence.core import h2o_utils, learners, lifecycle, spark_session
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.schema import H2O_TAG, RUN_MANIFEST, SPARK_TAG, VERSIONS

logger = logging.getLogger(__name__)


def _strip_transcoding(name: str) -> str:
    """``"x@spark"`` -> ``"x"`` (Kedro's transcoding separator)."""
    return name.split("@", 1)[0]


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
            backend = value.get("backend") if isinstance(value, dict) else getattr(value, "backend", None)
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


class ProvenanceHook:
    """The versions of the datasets a run reads and writes, for the outputs that record them.

    Before the run, every ``<namespace>.versions`` input of the pipeline (a lane's: the
    ``collect`` node of train_evaluate reads it) is filled with ``{"run_id", "versions":
    {dataset: version}}`` for every versioned dataset that the namespace's nodes read
    (the version Kedro will load: ``--load-versions`` or the latest) or write (this run's
    save version).  After the run, however it ends, ``run_manifest`` (a versioned JSON) gets
    every dataset loaded or saved with its version, the run's options and the lanes that
    failed to build their training sets.  Nodes stay pure: they only see a dict.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._loaded: set[str] = set()
        self._saved: set[str] = set()
        self._failed: dict[str, dict] = {}
        self._produced: set[str] = set()

    @staticmethod
    def _version(catalog, name: str, produced: bool) -> str | None:
        try:
            dataset = catalog.get(name)
            if not isinstance(dataset, AbstractVersionedDataset):
                return None
            return dataset.resolve_save_version() if produced else dataset.resolve_load_version()
        except Exception:  # noqa: BLE001 - no version yet (a dataset that does not exist) is recorded as none
            return None

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        self._reset()
        # "x@pandas" is produced when "x@spark" is (transcoding: one dataset, two types): asking its
        # load version now would resolve, and cache, the previous run's version
        self._produced = {*pipeline.all_outputs(), *(_strip_transcoding(d) for d in pipeline.all_outputs())}
        for name in sorted(pipeline.inputs()):
            if name != VERSIONS and not name.endswith(f".{VERSIONS}"):
                continue
            namespace = name[: -len(VERSIONS) - 1] or None
            used: set[str] = set()
            for n in pipeline.nodes:
                if namespace is None or n.namespace == namespace or (n.namespace or "").startswith(f"{namespace}."):
                    used.update(d for d in (*n.inputs, *n.outputs) if not d.startswith("params:") and d != name)
            versions = {d: v for d in sorted(used)
                        if (v := self._version(catalog, d, _strip_transcoding(d) in self._produced))}
            catalog[name] = {"run_id": run_params.get("run_id"), "versions": versions}

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data, node) -> None:  # noqa: ARG002
        self._loaded.add(dataset_name)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data, node) -> None:  # noqa: ARG002
        self._saved.add(dataset_name)
        if dataset_name.endswith(".resample_report") and isinstance(data, dict) and data.get("failed"):
            self._failed[dataset_name.rsplit(".", 1)[0]] = {"reason": data.get("reason"), "error": data.get("error")}

    def _write_manifest(self, run_params, catalog, status: str, error: BaseException | None = None) -> None:
        if RUN_MANIFEST not in catalog:
            return
        try:
            names = sorted((self._loaded | self._saved) - {RUN_MANIFEST})
            manifest = {
                "run_id": run_params.get("run_id"),
                "status": status,
                "error": f"{type(error).__name__}: {error}" if error is not None else None,
                **{k: run_params.get(k) for k in ("env", "kedro_version", "pipeline_names", "namespaces", "tags",
                                                   "from_nodes", "to_nodes", "node_names", "load_versions",
                                                   "runtime_params")},
                "failed_lanes": self._failed,
                "datasets": {
                    name: {"version": self._version(catalog, name, name in self._saved),
                           "loaded": name in self._loaded, "saved": name in self._saved,
                           "type": type(catalog.get(name)).__name__}
                    for name in names if not name.startswith("params:")
                },
            }
            catalog.save(RUN_MANIFEST, manifest)
        except Exception as exc:  # noqa: BLE001 - the manifest must never change how a run ends
            logger.warning("Could not write the run manifest: %s", exc)

    @hook_impl
    def after_pipeline_run(self, run_params, run_result, pipeline, catalog) -> None:  # noqa: ARG002
        self._write_manifest(run_params, catalog, "completed")

    @hook_impl
    def on_pipeline_error(self, error, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        self._write_manifest(run_params, catalog, "failed", error)


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
