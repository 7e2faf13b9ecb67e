import json
from pathlib import Path

import numpy as np
import pytest
from kedro.io import DatasetError, Version
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core import learners
from synthetic_intelligence.datasets import H2OModelDataset


def test_h2o_model_round_trip_mojo_and_binary(h2o_cluster, tiny_world, tmp_path):
    import h2o
    from h2o.estimators import H2OGradientBoostingEstimator

    from synthetic_intelligence.core.h2o_utils import to_h2o

    train = tiny_world["train"]
    frame = to_h2o(train, target="target")
    model = H2OGradientBoostingEstimator(ntrees=5, seed=1)
    model.train(x=[c for c in train.columns if c != "target"], y="target", training_frame=frame)
    X = tiny_world["holdout_iid"]
    before = learners.predict_minority(model, X)

    ds = H2OModelDataset(filepath=str(tmp_path / "learner"), version=Version(None, None))
    ds.save(model)
    folders = list((tmp_path / "learner").iterdir())
    assert len(folders) == 1
    saved = folders[0] / "learner"
    assert (saved / "model.zip").stat().st_size > 0 and (saved / "model.bin").exists()
    assert json.loads((saved / "meta.json").read_text())["kind"] == "h2o"

    h2o.remove(model)
    loaded = ds.load()
    np.testing.assert_allclose(learners.predict_minority(loaded, X), before, rtol=1e-6)

    # the MOJO alone also scores (binary removed -> fallback)
    (saved / "model.bin").unlink()
    meta = json.loads((saved / "meta.json").read_text())
    del meta["files"]["binary"]
    (saved / "meta.json").write_text(json.dumps(meta))
    mojo = H2OModelDataset(filepath=str(tmp_path / "learner"), version=Version(None, None)).load()
    np.testing.assert_allclose(learners.predict_minority(mojo, X), before, rtol=1e-5)


def test_sklearn_model_round_trip_and_versions_never_overwrite(tiny_world, tmp_path):
    X, y = learners.split_xy(tiny_world["train"])
    model = LogisticRegression(max_iter=200).fit(X, y)
    ds = H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, "2026-01-01T00.00.00.000Z"))
    ds.save(model)
    np.testing.assert_allclose(ds.load().predict_proba(X), model.predict_proba(X))
    with pytest.raises(DatasetError):
        H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, "2026-01-01T00.00.00.000Z")).save(model)
    H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, "2026-01-02T00.00.00.000Z")).save(model)
    assert len(list(Path(tmp_path / "m").iterdir())) == 2
