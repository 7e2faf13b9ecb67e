"""Typed data_isolation parameters: defaults, the new_world variants, and messages naming the key."""

import dataclasses
import inspect

import pytest
from pydantic import ValidationError

from synthetic_intelligence.core import worlds as synthetic
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.isolation.params import (
    ClusterWorld,
    CutWorld,
    DriftParams,
    GeneratorsParams,
    NoNewWorld,
    QuantileWorld,
    SourceParams,
    SplitParams,
    SyntheticGeneratorParams,
    TwoClustersGeneratorParams,
    parse,
)

TABLE = {"kind": "table", "target": "fraud", "positive_label": 1}
KEY = "data_isolation.source"


def problems(value, model=SourceParams, key=KEY) -> str:
    with pytest.raises(ConfigurationError) as info:
        parse(model, value, key)
    return str(info.value)


def test_defaults_keep_todays_behaviour():
    source = parse(SourceParams, {}, KEY)
    assert source.kind == "synthetic" and isinstance(source.new_world, CutWorld) and source.min_minority_rows == 2
    old_style = parse(SourceParams, {**TABLE, "new_world": {"column": "day", "cut": 450}}, KEY)
    assert isinstance(old_style.new_world, CutWorld) and old_style.new_world.drop_column  # kind defaults to cut
    assert parse(SourceParams, source, KEY) is source  # a validated model passes through


@pytest.mark.parametrize("new_world, cls", [
    ({"kind": "cut", "column": "day", "cut": "2024-01-01"}, CutWorld),
    ({"kind": "quantile", "column": "amount", "q": 0.75}, QuantileWorld),
    ({"kind": "cluster", "n_clusters": 4, "seed": 3}, ClusterWorld),
    ({"kind": "none"}, NoNewWorld),
])
def test_each_kind_parses_with_conf_base_nulls_merged_in(new_world, cls):
    # Kedro merges environments key by key: conf/base's column/cut nulls reach every kind
    merged = {"column": None, "cut": None, **new_world}
    source = parse(SourceParams, {**TABLE, "new_world": merged}, KEY)
    assert type(source.new_world) is cls and source.new_world.kind == new_world["kind"]


def test_quantile_keeps_its_feature_and_cut_drops_its_column_by_default():
    q = parse(SourceParams, {**TABLE, "new_world": {"kind": "quantile", "column": "amount", "q": 0.75}}, KEY)
    assert q.new_world.drop_column is False


@pytest.mark.parametrize("new_world, message", [
    ({"kind": "time"}, "data_isolation.source.new_world: Input tag 'time' found using 'kind' does not match any of "
                       "the expected tags: 'cut', 'quantile', 'cluster', 'none'"),
    ({"kind": "quantile", "q": 0.75}, "data_isolation.source.new_world.quantile.column: Field required"),
    ({"kind": "quantile", "column": "amount", "q": 1.5},
     "data_isolation.source.new_world.quantile.q: Input should be less than 1 (got 1.5)"),
    ({"kind": "quantile", "column": "amount", "q": 0},
     "data_isolation.source.new_world.quantile.q: Input should be greater than 0 (got 0)"),
    ({"kind": "quantile", "column": "amount"}, "data_isolation.source.new_world.quantile.q: Field required"),
    ({"kind": "quantile", "column": "amount", "q": 0.5, "quantile": 3},
     "data_isolation.source.new_world.quantile.quantile: Extra inputs are not permitted (got 3)"),
    ({"kind": "cluster", "n_clusters": 3, "cluster_id": 3},
     "data_isolation.source.new_world.cluster: new_world.cluster_id must be < n_clusters (3), got 3"),
    ({"kind": "cluster", "n_clusters": 1}, "new_world.cluster.n_clusters: Input should be greater than or equal to 2"),
    ({"kind": "cut", "cut": 5}, "data_isolation.source: new_world.column must name the column to cut the new world on"),
    ({"kind": "cut", "column": "day"}, "data_isolation.source: new_world.cut is not set: give a value of column 'day'"),
], ids=["bad-kind", "quantile-no-column", "q-above", "q-zero", "q-missing", "foreign-key", "cluster-id",
        "n-clusters", "cut-no-column", "cut-no-cut"])
def test_bad_new_world_is_named(new_world, message):
    assert message in problems({**TABLE, "new_world": new_world})


def test_keys_of_another_kind_are_dropped_with_a_warning():
    # e.g. --params data_isolation.source.new_world.kind=none over an environment's quantile settings
    with pytest.warns(UserWarning, match="new_world: column, q ignored: not a key of kind 'none'"):
        source = parse(SourceParams, {**TABLE, "new_world": {"kind": "none", "column": "amount", "q": 0.75}}, KEY)
    assert isinstance(source.new_world, NoNewWorld)
    with pytest.warns(UserWarning, match="new_world: cut ignored: not a key of kind 'quantile'"):
        parse(SourceParams, {**TABLE, "new_world": {"kind": "quantile", "column": "amount", "q": 0.5, "cut": 3}}, KEY)


def test_new_world_applies_to_tables_only():
    msg = problems({"kind": "synthetic", "new_world": {"kind": "quantile", "column": "x00", "q": 0.5}})
    assert msg.startswith("data_isolation.source: new_world (kind: quantile) applies to source kind 'table' only")
    parse(SourceParams, {"kind": "synthetic", "new_world": {"kind": "cut", "column": None, "cut": None}}, KEY)


@pytest.mark.parametrize("value, message", [
    ({"kind": "csv"}, "data_isolation.source.kind: Input should be 'synthetic', 'two_clusters' or 'table' (got 'csv')"),
    ({"min_minority_rows": True}, "min_minority_rows: must be an integer >= 1 (minority rows per split) (got True)"),
    ({"min_minority_rows": 0}, "min_minority_rows: must be an integer >= 1"),
    ({"targte": "y"}, "data_isolation.source.targte: Extra inputs are not permitted"),
])
def test_bad_source_keys_are_named(value, message):
    assert message in problems(value)


def test_every_problem_is_listed():
    msg = problems({"holdout_share": 1.5, "seed": "x"}, SplitParams, "data_isolation.split")
    assert msg == ("data_isolation.split.holdout_share: Input should be less than 1 (got 1.5); "
                   "data_isolation.split.seed: Input should be a valid integer, unable to parse string as an "
                   "integer (got 'x')")
    assert "holdout_share + validation_share must be < 1, got 0.6 + 0.5" in problems(
        {"holdout_share": 0.6, "validation_share": 0.5}, SplitParams, "data_isolation.split")
    assert "data_isolation.drift.severity: Input should be less than or equal to 1" in problems(
        {"severity": 2}, DriftParams, "data_isolation.drift")


def test_generators_mirror_the_generators_and_keep_their_checks():
    assert set(SyntheticGeneratorParams.model_fields) == {f.name for f in dataclasses.fields(synthetic.WorldSpec)}
    two_clusters = inspect.signature(synthetic.make_two_clusters).parameters
    assert set(TwoClustersGeneratorParams.model_fields) == set(two_clusters)
    assert SyntheticGeneratorParams().spec() == synthetic.WorldSpec()
    msg = problems({"synthetic": {"minority_share": 0.7}}, GeneratorsParams, "data_isolation.generators")
    assert msg.startswith("data_isolation.generators.synthetic: minority_share must be in (0, 0.5), got 0.7")
    with pytest.raises(ValidationError):
        TwoClustersGeneratorParams(n_samples=10)
