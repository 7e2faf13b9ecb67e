"""Numbers the QA tests produced before core.latent / core.experiment.scorecard were split (tests/data).

``assert_unchanged(table, name)`` checks that a table's recorded columns still hold the
recorded values. Numbers that go through the autoencoder depend on torch's kernels, so
they are compared only under the torch version that recorded them (else the test skips
and says why).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

PATH = Path(__file__).parent / "data" / "qa_numbers_before_split.json"
RECORDED = json.loads(PATH.read_text())


def recorded_frame(name: str) -> pd.DataFrame:
    entry = RECORDED[name]
    return pd.DataFrame(entry["data"], columns=entry["columns"])


def needs_recording_torch() -> None:
    import torch

    if torch.__version__ != RECORDED["torch"]:
        pytest.skip(f"numbers recorded under torch {RECORDED['torch']}, this is {torch.__version__}")


def assert_unchanged(table: pd.DataFrame, name: str, *, rtol: float = 1e-9) -> None:
    """Every recorded column of ``name`` equals ``table``'s (strings exactly, numbers to ``rtol``)."""
    old = recorded_frame(name)
    assert len(table) == len(old), f"{name}: {len(table)} rows, recorded {len(old)}"
    for column in old.columns:
        assert column in table.columns, f"{name}: column {column!r} is gone"
        new_values, old_values = table[column].reset_index(drop=True), old[column]
        if pd.api.types.is_numeric_dtype(old_values) and not pd.api.types.is_bool_dtype(old_values):
            np.testing.assert_allclose(new_values.to_numpy(dtype=float), old_values.to_numpy(dtype=float),
                                       rtol=rtol, atol=0, equal_nan=True, err_msg=f"{name}.{column}")
        else:
            new_list = [None if pd.isna(v) else v for v in new_values.astype(object)]
            old_list = [None if pd.isna(v) else v for v in old_values.astype(object)]
            assert new_list == old_list, f"{name}.{column}"
