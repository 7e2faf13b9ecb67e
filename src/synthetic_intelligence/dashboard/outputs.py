"""The project's outputs as the dashboard sees them: through the project's own Kedro catalog.

:class:`ProjectOutputs` builds the catalog the way ``kedro run`` does (the project's
settings: its config loader, its catalog class, paths made absolute by Kedro's context)
but with **no hooks**, so opening the dashboard starts no H2O cluster, Spark session or
tracking run. It never globs ``data/``: a dataset's versions are the version folders that
Kedro's versioning puts under that dataset's own ``filepath``.

A *run* is one save version: ``kedro run`` writes every versioned output of a run under
the same timestamp, so the runs are the union of the versions of all versioned datasets.
Looking at a run means, for each dataset, the version that run wrote, or else the newest
one written before it (a ``--pipeline reporting`` run, say, redraws figures from the
tables of an earlier run); :class:`Loaded` says which version was used.

Only *complete* runs are shown unless a run is asked for by name: every run that ends
(done or failed) writes ``run_manifest`` with its status, so a run that has none was
killed outright (``kill -9``, out of memory) or is still running, and a run whose status
is ``failed`` stopped at an error.  Their outputs are never the "newest" ones nor the
"earlier version" shown for another run.  Runs older than the first manifest (written
before manifests existed) count as complete.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any

from kedro.io.core import VERSION_FORMAT, AbstractVersionedDataset

__all__ = ["ENV_VAR", "MANIFEST", "PROJECT_VAR", "Loaded", "ProjectOutputs", "run_label"]

#: Environment variables the app reads (set by ``python -m synthetic_intelligence.dashboard``).
PROJECT_VAR, ENV_VAR = "SI_DASHBOARD_PROJECT", "SI_DASHBOARD_ENV"
#: The dataset every run that ends writes, with its status (the project's ProvenanceHook).
MANIFEST = "run_manifest"


def run_label(version: str | None) -> str:
    """``2026-01-02T03.04.05.678Z`` -> ``2026-01-02 03:04:05 UTC`` (unparsable strings as they are)."""
    if not version:
        return "-"
    try:
        stamp = datetime.strptime(version, VERSION_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return version
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class Loaded:
    """A dataset loaded for a run: the data, the version it came from and the run asked for."""

    name: str
    data: Any
    version: str | None
    run: str | None

    @property
    def from_earlier_run(self) -> bool:
        """True when the selected run did not write this dataset and an earlier version is shown."""
        return self.version is not None and self.run is not None and self.version != self.run


class ProjectOutputs:
    """Versioned outputs of a Kedro project, read through its catalog.

    ``project_path`` defaults to ``$SI_DASHBOARD_PROJECT`` or the Kedro project around the
    working directory; ``env`` to ``$SI_DASHBOARD_ENV`` or the project's default run
    environment. ``lanes`` (default: the project's swimlanes) resolves the dataset
    factories ``"{namespace}.<name>"`` of the catalog into concrete lane datasets.
    """

    def __init__(self, project_path: str | Path | None = None, env: str | None = None,
                 lanes: Iterable[str] | None = None) -> None:
        from kedro.framework.startup import bootstrap_project
        from kedro.utils import find_kedro_project

        start = Path(project_path or os.environ.get(PROJECT_VAR) or Path.cwd()).resolve()
        root = find_kedro_project(start)
        if root is None:
            raise FileNotFoundError(f"no Kedro project (pyproject.toml with [tool.kedro]) at or above {start}")
        self.project_path = Path(root)
        self.env = env or os.environ.get(ENV_VAR) or None
        self.metadata = bootstrap_project(self.project_path)
        if lanes is None:
            from synthetic_intelligence.lanes import swimlanes

            lanes = swimlanes()
        self.lanes = list(lanes)
        self.catalog = self._catalog()
        self._status: dict[str, str | None] = {}  # manifest version -> status (a saved version never changes)

    # ----------------------------------------------------------------- catalog --

    def _catalog(self):
        """The catalog of ``kedro run`` (same settings, same absolute paths), without hooks."""
        from kedro.framework.hooks.manager import _create_hook_manager
        from kedro.framework.project import settings

        loader = settings.CONFIG_LOADER_CLASS(
            conf_source=str(self.project_path / settings.CONF_SOURCE), env=self.env, **settings.CONFIG_LOADER_ARGS
        )
        context = settings.CONTEXT_CLASS(
            package_name=self.metadata.package_name, project_path=self.project_path, config_loader=loader,
            hook_manager=_create_hook_manager(), env=self.env,
        )
        return context.catalog

    def _lane_patterns(self) -> list[str]:
        resolver = getattr(self.catalog, "config_resolver", None)
        patterns = resolver.list_patterns() if resolver is not None else []
        return [p for p in patterns if p.startswith("{namespace}.") and p.count("{") == 1]

    def dataset_names(self) -> list[str]:
        """Explicit catalog entries, then each lane's entries from the ``{namespace}.*`` factories."""
        names = [n for n in self.catalog.keys() if not n.startswith("params:") and n != "parameters"]
        for lane in self.lanes:
            for pattern in self._lane_patterns():
                name = pattern.replace("{namespace}", lane)
                if name not in names:
                    names.append(name)
        return names

    def _dataset(self, name: str):
        try:
            return self.catalog.get(name)
        except Exception:  # noqa: BLE001 - a pattern that does not resolve is simply not a dataset here
            return None

    def declared(self, name: str) -> bool:
        """Whether the catalog declares ``name`` (explicitly or through a factory)."""
        return self._dataset(name) is not None

    def is_versioned(self, name: str) -> bool:
        ds = self._dataset(name)
        return isinstance(ds, AbstractVersionedDataset) and getattr(ds, "_version", None) is not None

    # ---------------------------------------------------------------- versions --

    def versions(self, name: str) -> list[str]:
        """Versions of a versioned dataset, newest first (``[]`` when none or not versioned).

        The version folders Kedro's versioning would look up: ``<filepath>/<version>/<file name>``.
        """
        if not self.is_versioned(name):
            return []
        ds = self._dataset(name)
        pattern = str(ds._get_versioned_path("*"))
        paths = [p for p in ds._glob_function(pattern) if ds._exists_function(p)]
        return sorted({PurePath(p).parent.name for p in paths}, reverse=True)

    def exists(self, name: str) -> bool:
        """Whether ``name`` has been written (any version; or the file, when not versioned)."""
        if self.is_versioned(name):
            return bool(self.versions(name))
        ds = self._dataset(name)
        try:
            return bool(ds is not None and ds.exists())
        except Exception:  # noqa: BLE001
            return False

    def runs(self, names: Iterable[str] | None = None) -> list[str]:
        """Every run (save version) that wrote any of ``names`` (default: every versioned dataset), newest first."""
        found: set[str] = set()
        for name in self.dataset_names() if names is None else names:
            found.update(self.versions(name))
        return sorted(found, reverse=True)

    def written_by(self, run: str, names: Iterable[str] | None = None) -> list[str]:
        """The datasets of ``names`` (default: all) that ``run`` wrote."""
        return [n for n in (self.dataset_names() if names is None else names) if run in self.versions(n)]

    def statuses(self) -> dict[str, str | None]:
        """``{run: status}`` from each ``run_manifest`` version (``completed``, ``failed``; ``None``: unreadable)."""
        found = {}
        for version in self.versions(MANIFEST):
            if version not in self._status:
                try:
                    manifest = self.catalog.load(MANIFEST, version=version)
                    self._status[version] = manifest.get("status") if isinstance(manifest, dict) else None
                except Exception:  # noqa: BLE001 - an unreadable manifest marks no complete run
                    self._status[version] = None
            found[version] = self._status[version]
        return found

    def run_status(self, run: str) -> str:
        """``completed``, ``failed`` or ``incomplete`` (no manifest: killed outright, or still running)."""
        statuses = self.statuses()
        if run in statuses:
            return statuses[run] or "incomplete"
        return "completed" if not statuses or run < min(statuses) else "incomplete"

    def version_for(self, name: str, run: str | None = None) -> str | None:
        """The version of ``name`` to show for ``run``: the one it wrote, else the newest before it from a complete run.

        ``run=None`` is the newest version from a complete run (see the module). ``None`` when no such
        version exists.
        """
        versions = self.versions(name)
        statuses = self.statuses()
        first = min(statuses) if statuses else None

        def complete(v: str) -> bool:
            return first is None or statuses.get(v) == "completed" or (v not in statuses and v < first)

        if run is None:
            return next((v for v in versions if complete(v)), None)
        return next((v for v in versions if v == run or (v < run and complete(v))), None)

    # ------------------------------------------------------------------ loading --

    def load(self, name: str, run: str | None = None) -> Loaded | None:
        """``name`` as of ``run`` (see :meth:`version_for`), or ``None`` when it does not exist yet."""
        if self.is_versioned(name):
            version = self.version_for(name, run)
            if version is None:
                return None
            return Loaded(name, self.catalog.load(name, version=version), version, run)
        if not self.exists(name):
            return None
        return Loaded(name, self.catalog.load(name), None, run)

    def load_bytes(self, name: str, run: str | None = None) -> Loaded | None:
        """The raw bytes of a file dataset (e.g. a PNG that ``MatplotlibDataset`` cannot load back)."""
        ds = self._dataset(name)
        if ds is None or not hasattr(ds, "_get_load_path"):
            return None
        version = self.version_for(name, run) if self.is_versioned(name) else None
        if self.is_versioned(name) and version is None:
            return None
        path = ds._get_versioned_path(version) if version else ds._get_load_path()
        fs = getattr(ds, "_fs", None)
        try:
            if fs is not None:
                with fs.open(str(path), "rb") as f:
                    return Loaded(name, f.read(), version, run)
            return Loaded(name, Path(str(path)).read_bytes(), version, run)
        except (FileNotFoundError, IsADirectoryError):
            return None
