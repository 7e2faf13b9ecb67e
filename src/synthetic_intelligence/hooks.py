"""Session lifecycle: one H2O cluster per run (started or connected), shut down however the run ends;
and the run's provenance: which version of every dataset it read and wrote (:class:`ProvenanceHook`),
with every dataset the run produces read back at the version the run saved (two runs at once never
read each other's outputs); and runtime ``--params`` that no pipeline reads refused (:class:`ParametersHook`).

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
started only before a node tagged ``spark`` that needs it.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import sys

from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset, CachedDataset, Version

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.engines import lifecycle
from synthetic_intelligence.core.engines import spark as spark_session
from synthetic_intelligence.core.errors import ConfigurationError, UserError
from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.params import setting
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


class RunIsolationError(UserError, RuntimeError):
    """A dataset this run produced was about to be read at another version (another run's output)."""


def _versioned(dataset) -> AbstractVersionedDataset | None:
    """The versioned dataset behind ``dataset`` (a ``CachedDataset`` wraps one), or ``None``."""
    inner = dataset._dataset if isinstance(dataset, CachedDataset) else dataset
    if isinstance(inner, AbstractVersionedDataset) and inner._version is not None:
        return inner
    return None


def pin_to_save_version(dataset) -> str | None:
    """Load ``dataset`` at the version it saves (this run's save version) from now on; returns that version.

    Kedro loads the *latest* version of a versioned dataset that has no load version: the
    newest folder on disk, which is another run's when two runs write the same dataset at
    once. Pinning the load version to the dataset's own save version (the run's, shared by
    every dataset of the catalog) makes every read of an output of this run read this run's
    save. Datasets with a load version already set (``--load-versions``) are left alone.
    """
    ds = _versioned(dataset)
    if ds is None or ds._version.load:
        return None
    version = ds.resolve_save_version()
    ds._version = Version(version, version)
    ds._clear_version_cache()
    return version


def pin_run_outputs(pipeline, catalog, load_versions: dict | None = None) -> dict[str, str]:
    """Pin every versioned dataset the pipeline produces (and its transcoded siblings, ``x@pandas`` when
    ``x@spark`` is an output) to the run's save version, unless ``--load-versions`` names it.

    Datasets made by dataset factories are created here (``catalog.get``). Inputs the run does not
    produce keep Kedro's rule (``--load-versions`` or the latest). Returns ``{dataset: version}``.
    """
    produced = {_strip_transcoding(d) for d in pipeline.all_outputs()}
    explicit = set(load_versions or {})
    pinned: dict[str, str] = {}
    for name in sorted(pipeline.datasets()):
        if name.startswith("params:") or _strip_transcoding(name) not in produced:
            continue
        if name in explicit or _strip_transcoding(name) in explicit:
            continue
        try:
            dataset = catalog.get(name)
        except Exception:  # noqa: BLE001 - an undeclared name is an in-memory dataset: nothing to pin
            continue
        version = pin_to_save_version(dataset)
        if version is not None:
            pinned[name] = version
    return pinned


class ProvenanceHook:
    """The versions of the datasets a run reads and writes; a run reads back only its own outputs.

    Before the run, every versioned dataset the pipeline produces is pinned to the run's save
    version (:func:`pin_run_outputs`; with ``--only-missing-outputs``, when the run saves it),
    so that a node reads what this run wrote, never the output of another run saved in the
    meantime; ``--load-versions`` and the inputs the run does not produce keep Kedro's rule.
    Every ``<namespace>.versions`` input of the pipeline (a lane's: the ``collect`` node of
    train_evaluate reads it) is filled with ``{"run_id", "versions": {dataset: version}}`` for
    every versioned dataset that the namespace's nodes read or write.  Before each load of a
    dataset this run saved, its version is checked: another version stops the run with
    :class:`RunIsolationError`.  After the run, however it ends, ``run_manifest`` (a versioned
    JSON) gets every dataset loaded or saved with the version it was loaded at and saved at,
    the run's options and the lanes that failed to build their training sets.  Nodes stay pure:
    they only see a dict.
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._catalog = None
        self._loaded: dict[str, str | None] = {}
        self._saved: dict[str, str | None] = {}
        self._own: dict[str, str] = {}  # dataset (transcoding stripped) -> the version this run saved it at
        self._failed: dict[str, dict] = {}
        self._produced: set[str] = set()
        self._pinned: dict[str, str] = {}
        self._explicit: set[str] = set()
        self._datasets: set[str] = set()
        self._pin_on_save = False

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
        self._catalog = catalog
        # "x@pandas" is produced when "x@spark" is (transcoding: one dataset, two types)
        self._produced = {*pipeline.all_outputs(), *(_strip_transcoding(d) for d in pipeline.all_outputs())}
        load_versions = run_params.get("load_versions") or {}
        self._explicit = {*load_versions, *(_strip_transcoding(d) for d in load_versions)}
        # --only-missing-outputs reuses the outputs that exist (Kedro checks the latest): pin each one when saved
        self._pin_on_save = bool(run_params.get("only_missing_outputs"))
        self._datasets = set(pipeline.datasets())
        if not self._pin_on_save:
            self._pinned = pin_run_outputs(pipeline, catalog, load_versions)
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

    def _load_version(self, name: str) -> str | None:
        if self._catalog is None:
            return None
        try:
            ds = _versioned(self._catalog.get(name))
            return ds.resolve_load_version() if ds is not None else None
        except Exception:  # noqa: BLE001 - no version on disk: the load itself will say so
            return None

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str, node) -> None:
        saved = self._own.get(_strip_transcoding(dataset_name))
        if saved is None or _strip_transcoding(dataset_name) in self._explicit:
            return
        version = self._load_version(dataset_name)
        if version is not None and version != saved:
            raise RunIsolationError(
                f"{dataset_name} would be read at version {version}, but this run saved it as {saved} (node "
                f"{getattr(node, 'name', node)}): another run wrote it in the meantime; this run stops rather "
                "than mix outputs of two runs (pass --load-versions to read a chosen version on purpose)")

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data, node) -> None:  # noqa: ARG002
        self._loaded.setdefault(dataset_name, self._load_version(dataset_name))

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data, node) -> None:  # noqa: ARG002
        version = None
        if self._catalog is not None:
            try:
                ds = _versioned(self._catalog.get(dataset_name))
                version = ds.resolve_save_version() if ds is not None else None
            except Exception:  # noqa: BLE001
                version = None
        self._saved[dataset_name] = version
        if version is not None:
            self._own[_strip_transcoding(dataset_name)] = version
        if self._pin_on_save and version is not None and _strip_transcoding(dataset_name) not in self._explicit:
            for name in sorted(self._datasets):
                if _strip_transcoding(name) == _strip_transcoding(dataset_name) and name not in self._pinned:
                    if (pinned := pin_to_save_version(self._catalog.get(name))) is not None:
                        self._pinned[name] = pinned
        if dataset_name.endswith(".resample_report") and isinstance(data, dict) and data.get("failed"):
            self._failed[dataset_name.rsplit(".", 1)[0]] = {"reason": data.get("reason"), "error": data.get("error")}

    def _write_manifest(self, run_params, catalog, status: str, error: BaseException | None = None) -> None:
        if RUN_MANIFEST not in catalog:
            return
        try:
            names = sorted((set(self._loaded) | set(self._saved)) - {RUN_MANIFEST})
            datasets = {}
            for name in names:
                if name.startswith("params:"):
                    continue
                saved, loaded = name in self._saved, name in self._loaded
                datasets[name] = {
                    "version": self._saved[name] if saved else self._loaded[name],
                    "loaded": loaded, "saved": saved,
                    "load_version": self._loaded.get(name), "save_version": self._saved.get(name),
                    "type": type(catalog.get(name)).__name__,
                }
            # every dataset this run saved and then read, read at the version it saved (or one named on purpose)
            foreign = {n: d["load_version"] for n, d in datasets.items()
                       if d["loaded"] and d["load_version"] is not None and _strip_transcoding(n) not in self._explicit
                       and self._own.get(_strip_transcoding(n), d["load_version"]) != d["load_version"]}
            manifest = {
                "run_id": run_params.get("run_id"),
                "status": status,
                "error": f"{type(error).__name__}: {error}" if error is not None else None,
                **{k: run_params.get(k) for k in ("env", "kedro_version", "pipeline_names", "namespaces", "tags",
                                                   "from_nodes", "to_nodes", "node_names", "load_versions",
                                                   "runtime_params", "only_missing_outputs")},
                "failed_lanes": self._failed,
                "isolation": {"pinned": sorted(self._pinned), "own_outputs_only": not foreign,
                              "foreign_loads": foreign},
                "datasets": datasets,
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


def _leaf_paths(value, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """``{"a": {"b": 1, "c": 2}}`` -> ``[("a", "b"), ("a", "c")]`` (an empty dict is a leaf)."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _leaf_paths(v, (*prefix, str(k)))]
    return [prefix]


def parameter_paths_read(pipelines) -> set[tuple[str, ...]]:
    """Every ``params:a.b.c`` a node of these pipelines reads, as ``("a", "b", "c")``; ``("",)`` for ``parameters``."""
    paths: set[tuple[str, ...]] = set()
    for pipeline in pipelines:
        for name in pipeline.inputs() | {i for n in pipeline.nodes for i in n.inputs}:
            if name == "parameters":
                paths.add(())
            elif name.startswith("params:"):
                paths.add(tuple(name.removeprefix("params:").split(".")))
    return paths


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many leading keys two parameter paths share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def check_runtime_params(runtime: dict, read: set[tuple[str, ...]]) -> None:
    """Refuse a runtime parameter (``kedro run --params``) that no node of any pipeline reads.

    A parameter ``a.b.c`` is read when a node reads ``params:a`` / ``params:a.b`` / ``params:a.b.c``
    (the node gets it, and a typed parameter model refuses keys it does not know) or a parameter
    below it (``params:a.b.c.d``). Anything else (``learner.max_models=3`` where the group is
    ``learners``) would be ignored without a word: :class:`ConfigurationError` naming the key,
    with the closest known name (difflib) and the known names at that level.
    """
    if () in read:  # a node reads every parameter
        return
    for path in _leaf_paths(runtime):
        if not path or any(r[: len(path)] == path or path[: len(r)] == r for r in read):
            continue
        depth = max((_shared(path, r) for r in read), default=0)  # the deepest level that exists
        prefix = path[:depth]
        known = sorted({r[depth] for r in read if r[:depth] == prefix and len(r) > depth})
        key = ".".join(path)
        where = f"parameter group {path[0]!r}" if depth == 0 else f"key {path[depth]!r} under {'.'.join(prefix)}"
        close = difflib.get_close_matches(path[depth], known, n=1)
        hint = f"did you mean {'.'.join((*prefix, close[0]))!r}? " if close else ""
        raise ConfigurationError(
            f"unknown parameter {key!r} (--params): no pipeline reads a {where}; {hint}"
            f"the {'groups' if depth == 0 else 'keys there'} are: {', '.join(known)}")


class ParametersHook:
    """Runtime parameters (``kedro run --params``) that no pipeline reads stop the run before it starts.

    Kedro merges ``--params`` into the parameters as given: a misspelt group
    (``learner.max_models=3`` for ``learners.automl.max_models``) makes a new key that nothing
    reads and the run goes on with the configured value. Typed parameter groups already refuse
    unknown keys (pydantic); this refuses the rest, with a "did you mean" hint, right after the
    context is created (before the catalog, the hooks' engines and any node).
    """

    @hook_impl
    def after_context_created(self, context) -> None:
        loader = getattr(context, "config_loader", None)
        runtime = getattr(loader, "runtime_params", None) or getattr(context, "_runtime_params", None) or {}
        if not runtime:
            return
        from kedro.framework.project import pipelines

        try:
            check_runtime_params(runtime, parameter_paths_read(pipelines.values()))
        except ConfigurationError:
            # `kedro run --pipelines x` loads only x: a parameter of another pipeline is no typo
            requested = getattr(pipelines, "_requested_pipelines", None)
            if requested is None:
                raise
            pipelines.set_requested(None)
            try:
                check_runtime_params(runtime, parameter_paths_read(pipelines.values()))
            finally:
                pipelines.set_requested(requested)
