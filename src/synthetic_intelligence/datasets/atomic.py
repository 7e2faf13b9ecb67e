"""kedro-datasets' file datasets with atomic versioned saves: a version is complete or absent.

kedro-datasets writes a versioned file straight into its version folder
(``<filepath>/<version>/<name>``): a run killed during the write (``kill -9``, the
out-of-memory killer) leaves a partial file there, and Kedro, which loads the newest
version folder holding the file, then picks the partial one as "latest".  Each class
here is the kedro-datasets class of the same name whose versioned save goes through
:func:`~synthetic_intelligence.datasets._atomic.atomic_save`: written into a hidden
folder, then published by one ``rename``.  Loading, arguments and everything else
are the parent's; an unversioned or non-local (``s3://`` ...) dataset saves as the
parent does.  Catalog entries name them by their full path::

    scorecard:
      type: synthetic_intelligence.datasets.atomic.CSVDataset
      filepath: data/08_reporting/scorecard.csv
      versioned: true

The classes are made on first use, so declaring one imports only its own library.
"""

from __future__ import annotations

import importlib
from pathlib import Path, PurePosixPath
from typing import Any

from synthetic_intelligence.datasets._atomic import atomic_save

#: class name here -> (kedro-datasets module, class name there)
BASES: dict[str, tuple[str, str]] = {
    "CSVDataset": ("kedro_datasets.pandas", "CSVDataset"),
    "ParquetDataset": ("kedro_datasets.pandas", "ParquetDataset"),
    "JSONDataset": ("kedro_datasets.json", "JSONDataset"),
    "MatplotlibDataset": ("kedro_datasets.matplotlib", "MatplotlibDataset"),
    "PlotlyJSONDataset": ("kedro_datasets.plotly", "JSONDataset"),
    "TextDataset": ("kedro_datasets.text", "TextDataset"),
    "SparkDataset": ("kedro_datasets.spark", "SparkDataset"),
}
__all__ = sorted(BASES)  # noqa: PLE0605 - the names exist through __getattr__


def _is_local(dataset) -> bool:
    return getattr(dataset, "_protocol", "file") in ("file", "local", None) and not getattr(dataset, "_fs_prefix", "")


def atomic(base: type, name: str | None = None) -> type:
    """A subclass (named ``name``, default ``base``'s name) of the versioned dataset class ``base`` whose local
    versioned saves are atomic."""
    parent_save = getattr(base.save, "__wrapped__", base.save)  # the parent's own save, without Kedro's wrapper

    def save(self, data: Any) -> None:
        if getattr(self, "_version", None) is None or not _is_local(self):
            parent_save(self, data)
            return
        final = Path(str(self._get_save_path()))
        with atomic_save(final, versioned=True) as target:
            staged = PurePosixPath(target.as_posix())
            self._get_save_path = lambda: staged  # the parent writes where it is told: the hidden folder
            try:
                parent_save(self, data)
            finally:
                del self._get_save_path

    save.__doc__ = f"{base.__name__}'s save, atomic for a local versioned dataset (see the module)."
    name = name or base.__name__
    return type(name, (base,), {"save": save, "__module__": __name__, "__qualname__": name,
                                "__doc__": f"{base.__module__}.{base.__name__}, saved atomically (see the module)."})


def __getattr__(name: str) -> type:
    if name not in BASES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, cls = BASES[name]
    made = atomic(getattr(importlib.import_module(module), cls), name)
    globals()[name] = made
    return made
