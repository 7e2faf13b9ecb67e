import numpy as np
import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synthetic_intelligence.core.isolation import DataValidationError, IsolationError
from synthetic_intelligence.pipelines.data_isolation import create_pipeline, nodes

GENERATORS = {
    "synthetic": {"n_samples": 3000, "n_new_world": 600, "seed": 1},
    "two_clusters": {"n_samples": 2000, "n_new_world": 400, "n_features": 6, "seed": 1},
}
SPLIT = {"holdout_share": 0.2, "validation_share": 0.2, "seed": 0}
DRIFT = {"severity": 0.5, "shift_scale": 2.0, "relabel_share": 0.3, "seed": 1}


def user_table(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    df["is_fraud"] = np.where(rng.random(n) < 0.1, "yes", "no")
    df["day"] = pd.date_range("2024-01-01", periods=n, freq="h").astype(str)
    df["id"] = np.arange(n)
    return df


TABLE_SOURCE = {"kind": "table", "target": "is_fraud", "positive_label": "yes", "min_minority_rows": 20,
                "drop_columns": ["id"], "new_world": {"column": "day", "cut": "2024-02-10"}}


@pytest.mark.parametrize("kind", ["synthetic", "two_clusters"])
def test_build_source_generators(kind):
    world, new = nodes.build_source(None, {"kind": kind}, GENERATORS)
    assert len(world) == GENERATORS[kind]["n_samples"] and len(new) == GENERATORS[kind]["n_new_world"]


def test_build_source_user_table_cut_and_canonical():
    world, new = nodes.build_source(user_table(), TABLE_SOURCE, GENERATORS)
    assert list(world.columns) == ["a", "b", "c", "d", "target"]
    assert len(world) + len(new) == 1200 and len(new) > 0
    assert nodes.make_new_world(new, TABLE_SOURCE, DRIFT) is new  # a real new world is not drifted


def test_table_kind_without_table_is_a_clear_error():
    with pytest.raises(DataValidationError, match="raw_table"):
        nodes.build_source(None, TABLE_SOURCE, GENERATORS)
    with pytest.raises(ValueError, match="unknown data_isolation.source.kind 'csv'"):
        nodes.build_source(None, {"kind": "csv"}, GENERATORS)


def test_new_world_is_drifted_for_synthetic_sources():
    _, new = nodes.build_source(None, {"kind": "synthetic"}, GENERATORS)
    drifted = nodes.make_new_world(new, {"kind": "synthetic"}, DRIFT)
    assert not drifted.equals(new) and len(drifted) == len(new)


def test_check_isolation_is_a_gate():
    world, new = nodes.build_source(None, {"kind": "synthetic"}, GENERATORS)
    train, val, hold = nodes.split_training_world(world, SPLIT)
    *_, report = nodes.check_isolation(train, val, hold, new)
    assert report["isolated"] and report["rows"]["train"] == len(train)
    with pytest.raises(IsolationError, match="holdout_new_world also appear in validation"):
        nodes.check_isolation(train, val, hold, pd.concat([new, val.iloc[:2]]))


def _catalog(tmp_path, raw, version):
    conf = {
        name: {"type": "pandas.ParquetDataset", "filepath": str(tmp_path / f"{name}.parquet"), "versioned": True}
        for name in ("training_world", "new_world_base", "train", "validation", "holdout_iid", "holdout_new_world")
    }
    conf["isolation_report"] = {"type": "json.JSONDataset", "filepath": str(tmp_path / "iso.json"), "versioned": True}
    catalog = DataCatalog.from_config(conf, save_version=version)
    catalog["raw_table"] = MemoryDataset(raw)
    catalog["params:data_isolation.source"] = MemoryDataset(TABLE_SOURCE)
    catalog["params:data_isolation.generators"] = MemoryDataset(GENERATORS)
    catalog["params:data_isolation.split"] = MemoryDataset(SPLIT)
    catalog["params:data_isolation.drift"] = MemoryDataset(DRIFT)
    return catalog


def _versions(tmp_path):
    return sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*"))


def test_bad_table_stops_the_run_and_keeps_earlier_versions(tmp_path):
    good = "2026-01-01T00.00.00.000Z"
    SequentialRunner().run(create_pipeline(), _catalog(tmp_path, user_table(), good))
    before = _versions(tmp_path)
    assert len(before) == 7 and all(v.endswith(good) for v in before)
    train_file = tmp_path / "train.parquet" / good / "train.parquet"
    content = train_file.read_bytes()

    bad = user_table().assign(c=lambda d: d["c"].where(d.index != 7, np.nan))
    with pytest.raises(DataValidationError, match="'c' has 1 NaN"):
        SequentialRunner().run(create_pipeline(), _catalog(tmp_path, bad, "2026-01-02T00.00.00.000Z"))
    assert _versions(tmp_path) == before  # nothing new written
    assert train_file.read_bytes() == content  # earlier version intact
