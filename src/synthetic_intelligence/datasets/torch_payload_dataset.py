"""Versioned Kedro dataset for a PyTorch payload (a plain dict of tensors, lists and numbers).

Saved with ``torch.save`` and loaded with ``torch.load(weights_only=True)``, so
loading needs none of the training code's globals.  A save is atomic: the
version folder appears complete, or not at all.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io import AbstractVersionedDataset, DatasetError, Version

from synthetic_intelligence.datasets._atomic import atomic_save


class TorchPayloadDataset(AbstractVersionedDataset[dict, dict]):
    def __init__(self, *, filepath: str, version: Version | None = None, metadata: dict | None = None):
        super().__init__(filepath=PurePosixPath(filepath), version=version)
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath, "version": self._version}

    def save(self, data: dict) -> None:
        import torch

        with atomic_save(Path(self._get_save_path().as_posix()), versioned=self._version is not None) as target:
            torch.save(data, target)

    def load(self) -> dict:
        import torch

        return torch.load(Path(self._get_load_path().as_posix()), weights_only=True, map_location="cpu")

    def _exists(self) -> bool:
        try:
            return Path(self._get_load_path().as_posix()).exists()
        except DatasetError:
            return False
