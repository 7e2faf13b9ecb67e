import numpy as np
import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.isolation.split import DataValidationError, IsolationError
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
    world, new, _ = nodes.build_source(None, {"kind": kind}, GENERATORS)
    assert len(world) == GENERATORS[kind]["n_samples"] and len(new) == GENERATORS[kind]["n_new_world"]


def test_build_source_user_table_cut_and_canonical():
    world, new, _ = nodes.build_source(user_table(), TABLE_SOURCE, GENERATORS)
    assert list(world.columns) == ["a", "b", "c", "d", "target"]
    assert len(world) + len(new) == 1200 and len(new) > 0
    assert nodes.make_new_world(new, TABLE_SOURCE, DRIFT) is new  # a real new world is not drifted


def test_table_kind_without_table_is_a_clear_error():
    with pytest.raises(DataValidationError, match="raw_table"):
        nodes.build_source(None, TABLE_SOURCE, GENERATORS)
    with pytest.raises(ValueError, match="data_isolation.source.kind: Input should be 'synthetic', 'two_clusters' "
                                         "or 'table' \\(got 'csv'\\)"):
        nodes.build_source(None, {"kind": "csv"}, GENERATORS)


def test_new_world_is_drifted_for_synthetic_sources():
    _, new, _ = nodes.build_source(None, {"kind": "synthetic"}, GENERATORS)
    drifted = nodes.make_new_world(new, {"kind": "synthetic"}, DRIFT)
    assert not drifted.equals(new) and len(drifted) == len(new)


def test_check_isolation_is_a_gate():
    world, new, _ = nodes.build_source(None, {"kind": "synthetic"}, GENERATORS)
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

    bad = user_table().assign(c=lambda d: d["c"].astype(object).where(d.index != 7, "n/a"))
    with pytest.raises(DataValidationError, match="'c' mixes numbers and strings"):
        SequentialRunner().run(create_pipeline(), _catalog(tmp_path, bad, "2026-01-02T00.00.00.000Z"))
    assert _versions(tmp_path) == before  # nothing new written
    assert train_file.read_bytes() == content  # earlier version intact


# --- degenerate splits are refused at data_isolation, for every source kind ------------------------------------------

def _isolate(raw, source, generators=GENERATORS, split=SPLIT):
    """The data_isolation nodes in order, as the pipeline runs them."""
    world, new_base, info = nodes.build_source(raw, source, generators)
    train, val, hold = nodes.split_training_world(world, split)
    new = nodes.make_new_world(new_base, source, DRIFT)
    return nodes.check_isolation(train, val, hold, new, source, info)


@pytest.mark.parametrize("kind, too_many, short", [
    ("synthetic", 16, {"validation": 15, "holdout_iid": 15}),  # 2% minority: 43 / 15 / 15 / 18 per split
    ("two_clusters", 9, {"validation": 8, "holdout_new_world": 5}),  # 26 / 8 / 9 / 5 per split
])
def test_generated_world_with_too_few_minority_rows_per_split_is_refused(kind, too_many, short):
    generators = {kind: {**GENERATORS[kind], "minority_share": 0.02}}
    *_, report = _isolate(None, {"kind": kind, "min_minority_rows": 5}, generators)
    assert min(report["minority_rows"].values()) == min(short.values())
    with pytest.raises(DataValidationError) as info:
        _isolate(None, {"kind": kind, "min_minority_rows": too_many}, generators)
    msg = str(info.value)
    for split in ("train", "validation", "holdout_iid", "holdout_new_world"):
        assert (f"{split} has" in msg) == (split in short), split
    for split, n in short.items():
        assert f"{split} has {n} minority row(s) of " in msg
    what = "n_new_world" if "holdout_new_world" in short else "n_samples"
    assert f"raise data_isolation.generators.{kind}.{what}" in msg
    assert f"at least {too_many} minority row(s)" in msg and "counted per split" in msg


def _dated_table(n=1200, fraud_until=900, seed=0):
    """Hourly rows; fraud only before row ``fraud_until`` (a new world after it has no minority row)."""
    df = user_table(n, seed)
    df["is_fraud"] = np.where((np.arange(n) < fraud_until) & (np.random.default_rng(seed).random(n) < 0.12), "yes", "no")
    return df


def test_table_cut_leaving_new_world_without_minority_is_refused():
    with pytest.raises(DataValidationError) as info:
        _isolate(_dated_table(fraud_until=900), {**TABLE_SOURCE, "min_minority_rows": 2})  # cut at row 960
    msg = str(info.value)
    assert msg.startswith("holdout_new_world has 0 minority row(s) of 239 rows")
    assert "an earlier source.new_world.cut puts more rows after the cut" in msg


def test_table_min_minority_rows_is_per_split_not_whole_table():
    # the whole table has ~110 minority rows, far above 20; validation (192 rows) has ~20 and holdout_iid too
    table = _dated_table(fraud_until=1200)
    *_, report = _isolate(table, {**TABLE_SOURCE, "min_minority_rows": 10})
    assert report["minority_rows"]["validation"] < 40
    with pytest.raises(DataValidationError, match="validation has \\d+ minority row\\(s\\) of 192 rows .*later "
                                                  "source.new_world.cut or a larger table"):
        _isolate(table, {**TABLE_SOURCE, "min_minority_rows": 40})


def test_table_cut_errors_name_the_users_column_never_the_internal_one():
    table = user_table().assign(day=np.arange(1200))
    with pytest.raises(isolation.ConfigurationError) as info:
        nodes.build_source(table, TABLE_SOURCE, GENERATORS)  # a date cut on a numeric column
    assert "'day' is numeric" in str(info.value) and "__cut__" not in str(info.value)
    with pytest.raises(DataValidationError) as info:
        nodes.build_source(table, {**TABLE_SOURCE, "new_world": {"column": "day", "cut": 5000}}, GENERATORS)
    assert "column 'day' leaves 1200 training-world and 0 new-world rows" in str(info.value)
    assert "__cut__" not in str(info.value)


def test_table_with_tz_aware_cut_column_works():
    table = user_table()
    table["day"] = pd.date_range("2024-01-01", periods=1200, freq="h", tz="America/New_York")
    world, new, _ = nodes.build_source(table, TABLE_SOURCE, GENERATORS)
    assert len(new) == 239 and len(world) == 961  # cut read in the zone of the column: rows up to 2024-02-10 00:00


@pytest.mark.parametrize("bad", [0, "many", 2.5])
def test_min_minority_rows_is_checked_for_every_kind(bad):
    with pytest.raises(isolation.ConfigurationError,
                       match="data_isolation.source.min_minority_rows: must be an integer >= 1 .*got"):
        nodes.build_source(None, {"kind": "synthetic", "min_minority_rows": bad}, GENERATORS)


def test_unknown_generator_parameter_is_a_configuration_error():
    with pytest.raises(isolation.ConfigurationError, match="data_isolation.generators.synthetic.n_rows: Extra inputs"):
        nodes.build_source(None, {"kind": "synthetic"}, {"synthetic": {"n_rows": 10}})


def test_degenerate_split_stops_the_pipeline_before_anything_is_written(tmp_path):
    catalog = _catalog(tmp_path, _dated_table(fraud_until=900), "2026-01-03T00.00.00.000Z")
    with pytest.raises(DataValidationError, match="holdout_new_world has 0 minority row"):
        SequentialRunner().run(create_pipeline(), catalog)
    written = [p for p in tmp_path.glob("*/*") if p.parent.name not in ("training_world.parquet",
                                                                       "new_world_base.parquet")]
    assert written == []  # no split and no isolation report


@pytest.mark.chaos("rows repeated across the new-world cut of a real table")
def test_rows_repeated_across_the_new_world_cut_do_not_sink_a_real_table():
    """A real table repeats rows; a repeat on both sides of the cut was an IsolationError (issue 20, part 3)."""
    table = _dated_table(fraud_until=1200)
    features = list("abcd")
    table.loc[1100:1129, features] = table.loc[0:29, features].to_numpy()  # 30 new-world rows repeat early ones
    train, val, hold, new, report = _isolate(table, {**TABLE_SOURCE, "min_minority_rows": 5})
    assert report["isolated"] and len(new) == 239 - 30
    seen = isolation.row_hashes(pd.concat([train, val, hold]))
    assert not np.isin(isolation.row_hashes(new), seen).any()
