"""A model save is atomic: a failure or Ctrl-C mid-save leaves no version folder and no leftovers."""

from pathlib import Path

import numpy as np
import pytest
from kedro.io import DatasetError, Version
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.datasets import H2OModelDataset, TorchPayloadDataset, h2o_model_dataset

V1, V2 = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"


def _model():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    return LogisticRegression().fit(X, (X[:, 0] > 0).astype(int)), X


def _everything_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_model_save_failing_midway_leaves_the_earlier_version_only(tmp_path, monkeypatch, error):
    model, X = _model()
    H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, V1)).save(model)
    before = _everything_under(tmp_path)

    def half_written(obj, path):
        Path(path).write_bytes(b"partial")
        raise error

    monkeypatch.setattr(h2o_model_dataset.joblib, "dump", half_written)
    with pytest.raises(DatasetError if isinstance(error, Exception) else KeyboardInterrupt):  # Kedro wraps errors
        H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, V2)).save(model)
    assert _everything_under(tmp_path) == before  # no V2 folder, no hidden partial folder
    monkeypatch.undo()
    latest = H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, None))
    np.testing.assert_allclose(latest.load().predict_proba(X), model.predict_proba(X))
    H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, V2)).save(model)  # a re-run works
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [V1, V2]


def test_unversioned_model_save_is_atomic_too(tmp_path, monkeypatch):
    model, _ = _model()

    def half_written(obj, path):
        Path(path).write_bytes(b"partial")
        raise OSError("no space left")

    monkeypatch.setattr(h2o_model_dataset.joblib, "dump", half_written)
    with pytest.raises(DatasetError, match="no space left"):
        H2OModelDataset(filepath=str(tmp_path / "m")).save(model)
    assert _everything_under(tmp_path) == []
    monkeypatch.undo()
    H2OModelDataset(filepath=str(tmp_path / "m")).save(model)
    assert _everything_under(tmp_path) == ["m", "m/meta.json", "m/model.joblib"]
    with pytest.raises(DatasetError, match="refusing to overwrite"):
        H2OModelDataset(filepath=str(tmp_path / "m")).save(model)


def test_torch_payload_save_is_atomic(tmp_path, monkeypatch):
    import torch

    payload = {"w": torch.arange(4.0), "n": 3}
    TorchPayloadDataset(filepath=str(tmp_path / "ae.pt"), version=Version(None, V1)).save(payload)
    before = _everything_under(tmp_path)
    real_save = torch.save

    def interrupted(obj, path, *args, **kwargs):
        real_save(obj, path, *args, **kwargs)  # the file is complete here, the version is not yet published
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        TorchPayloadDataset(filepath=str(tmp_path / "ae.pt"), version=Version(None, V2)).save(payload)
    assert _everything_under(tmp_path) == before
    monkeypatch.undo()
    assert TorchPayloadDataset(filepath=str(tmp_path / "ae.pt"), version=Version(None, None)).load()["n"] == 3
    with pytest.raises(DatasetError, match="must not exist|refusing to overwrite"):
        TorchPayloadDataset(filepath=str(tmp_path / "ae.pt"), version=Version(None, V1)).save(payload)
