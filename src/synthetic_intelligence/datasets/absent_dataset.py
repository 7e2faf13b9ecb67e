"""A placeholder catalog entry that loads ``None``.

``raw_table`` is declared with it by default, so the data_isolation pipeline can
use the built-in synthetic source; a user points ``raw_table`` at a
``pandas.CSVDataset`` or ``pandas.ParquetDataset`` to bring a table.
"""

from __future__ import annotations

from typing import Any

from kedro.io import AbstractDataset, DatasetError


class AbsentDataset(AbstractDataset[None, None]):
    def __init__(self, reason: str = "no user table is configured", metadata: dict | None = None):
        self._reason = reason
        self.metadata = metadata

    def load(self) -> None:
        return None

    def save(self, data: Any) -> None:
        raise DatasetError(f"AbsentDataset cannot be saved to ({self._reason})")

    def _describe(self) -> dict[str, Any]:
        return {"reason": self._reason}

    def _exists(self) -> bool:
        return False
