"""The run's provenance: which version of every dataset it read and wrote (:class:`ProvenanceHook`),
with every dataset the run produces read back at the version the run saved (two runs at once never
read each other's outputs).
"""

from __future__ import annotations

import logging

from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset, CachedDataset, Version

from synthetic_intelligence.core.errors import UserError
from synthetic_intelligence.core.schema import RUN_MANIFEST, VERSIONS

logger = logging.getLogger(__name__)



def _strip_transcoding(name: str) -> str:
    """``"x@spark"`` -> ``"x"`` (Kedro's transcoding separator)."""
    return name.split("@", 1)[0]


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
