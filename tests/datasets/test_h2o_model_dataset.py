import json
from pathlib import Path

import numpy as np
import pytest
from kedro.io import DatasetError, Version
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.datasets import H2OModelDataset


def test_h2o_model_round_trip_mojo_and_binary(h2o_cluster, tiny_world, tmp_path):
    import h2o
    from h2o.estimators import H2OGradientBoostingEstimator

    from synthetic_intelligence.core.engines.h2o import to_h2o

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


@pytest.mark.h2o
@pytest.mark.parametrize("name", ["gbm", "se"])
def test_saved_h2o_model_carries_its_genmodel_jar_and_loads_as_a_mojo_oracle(tiny_h2o_models, tmp_path, name):
    from synthetic_intelligence.core.engines.mojo import MojoOracle

    case = tiny_h2o_models[name]
    version = Version(None, "2026-01-01T00.00.00.000Z")
    H2OModelDataset(filepath=str(tmp_path / "oracle"), version=version).save(case["model"])
    saved = tmp_path / "oracle" / version.save / "oracle"
    meta = json.loads((saved / "meta.json").read_text())
    assert meta["files"] == {"binary": "model.bin", "mojo": "model.zip", "genmodel_jar": "h2o-genmodel.jar"}
    assert (saved / "h2o-genmodel.jar").stat().st_size > 1_000_000
    oracle = H2OModelDataset(filepath=str(tmp_path / "oracle"), version=Version(None, None),
                             load_args={"as": "mojo", "n_threads": 2}).load()
    assert isinstance(oracle, MojoOracle) and oracle.n_threads == 2
    assert oracle.genmodel_jar == str(saved / "h2o-genmodel.jar")
    assert np.abs(oracle.predict_proba(tiny_h2o_models["score"]) - case["p"]).max() <= 1e-9


@pytest.mark.h2o
def test_h2o_save_failing_midway_leaves_no_version(tiny_h2o_models, tmp_path, monkeypatch):
    model = tiny_h2o_models["gbm"]["model"]
    H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, "2026-01-01T00.00.00.000Z")).save(model)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(model, "download_mojo", boom)  # the binary is already written when this fails
    with pytest.raises(DatasetError, match="disk full"):
        H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, "2026-01-02T00.00.00.000Z")).save(model)
    assert [p.name for p in (tmp_path / "m").iterdir()] == ["2026-01-01T00.00.00.000Z"]
    latest = H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, None), load_args={"as": "mojo"})
    assert latest.exists() and latest.load().mojo_path.endswith("2026-01-01T00.00.00.000Z/m/model.zip")


@pytest.mark.h2o
def test_catalog_oracle_entry_loads_a_mojo_oracle(tiny_h2o_models, tmp_path):
    """The project's own ``oracle`` catalog entry: saved from the cluster, loaded as a MojoOracle."""
    import yaml
    from kedro.io import DataCatalog

    from synthetic_intelligence.core.engines.mojo import MojoOracle

    conf = Path(__file__).resolve().parents[2] / "conf" / "base"
    entries = {}
    for path in sorted(conf.glob("catalog*.yml")):
        entries.update(yaml.safe_load(path.read_text()) or {})
    entry = dict(entries["oracle"], filepath=str(tmp_path / "oracle"))
    catalog = DataCatalog.from_config({"oracle": entry})
    catalog.save("oracle", tiny_h2o_models["se"]["model"])
    oracle = catalog.load("oracle")
    assert isinstance(oracle, MojoOracle)
    assert np.abs(oracle.predict_proba(tiny_h2o_models["score"]) - tiny_h2o_models["se"]["p"]).max() <= 1e-9


def test_load_args_are_checked(tmp_path, tiny_world):
    with pytest.raises(DatasetError, match="'as' must be one of"):
        H2OModelDataset(filepath=str(tmp_path / "m"), load_args={"as": "pojo"})
    with pytest.raises(DatasetError, match=r"\['n_threads'\] apply to 'as: mojo' only"):
        H2OModelDataset(filepath=str(tmp_path / "m"), load_args={"n_threads": 2})
    # a scikit-learn model has no MOJO: 'as: mojo' loads it as itself
    X, y = learners.split_xy(tiny_world["train"])
    model = LogisticRegression(max_iter=200).fit(X, y)
    H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, None)).save(model)
    loaded = H2OModelDataset(filepath=str(tmp_path / "m"), version=Version(None, None), load_args={"as": "mojo"}).load()
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
