"""core.isolation.new_world: which rows of a user table form holdout_new_world (cut, quantile, cluster, none)."""

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.errors import ConfigurationError, DataValidationError
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.isolation.new_world import (
    ClusterWorld,
    CutWorld,
    NoNewWorld,
    QuantileWorld,
    cluster_mask,
    quantile_mask,
    select,
)


def canonical(raw, target="y"):
    return isolation.validate_table(raw, target=target, positive_label=1, min_minority_rows=1)


def amounts(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    raw = pd.DataFrame({"amount": rng.exponential(100.0, n), "age": rng.normal(40, 10, n)})
    raw["y"] = (rng.random(n) < 0.05).astype(int)
    return raw


def blobs(seed=0):
    """Three tight blobs in 3-D; blob 2 sits far from the others; minority rows in every blob."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0, 0.0], [0.0, 6.0, 6.0], [25.0, 25.0, 25.0]])
    sizes = [500, 400, 200]
    X = np.vstack([c + rng.normal(scale=0.5, size=(n, 3)) for c, n in zip(centres, sizes)])
    raw = pd.DataFrame(X, columns=["a", "b", "c"])
    raw["y"] = 0
    raw.loc[raw.index % 20 == 0, "y"] = 1  # 5% minority, spread over the blobs
    return raw, np.repeat([0, 1, 2], sizes)


def test_quantile_mask_takes_the_rows_above_the_quantile():
    raw = amounts()
    mask, info = quantile_mask(raw["amount"], 0.75, column="amount")
    assert info["cut"] == pytest.approx(np.quantile(raw["amount"], 0.75))
    assert mask.sum() == 250 and (raw.loc[mask, "amount"] > info["cut"]).all()
    assert (raw.loc[~mask, "amount"] <= info["cut"]).all()


def test_quantile_of_a_constant_column_is_refused():
    with pytest.raises(DataValidationError, match="leaves 1000 training-world and 0 new-world rows"):
        quantile_mask(pd.Series(np.ones(1000)), 0.5, column="flat")


def test_select_quantile_reports_cut_and_counts_and_keeps_the_feature():
    raw = amounts()
    table = canonical(raw)
    mask, info = select(QuantileWorld(kind="quantile", column="amount", q=0.9), raw, table, min_minority_rows=1)
    assert info["kind"] == "quantile" and info["column"] == "amount" and info["q"] == 0.9
    assert info["rows"] == int(mask.sum()) == 100
    assert info["minority_rows"] == int(table.loc[mask, "target"].sum())
    assert "amount" in table.columns  # select does not drop it (QuantileWorld.drop_column defaults to false)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.assign(amount=d["amount"].astype(str)), "'amount' must be numeric, got dtype"),
    (lambda d: d.assign(amount=d["amount"].where(d.index != 3)), "'amount' has 1 NaN/infinite value.*row 3"),
    (lambda d: d.drop(columns="amount"), "quantile column 'amount'.*not found"),
], ids=["text", "nan", "missing"])
def test_select_quantile_names_a_bad_column(mutate, message):
    raw = amounts()
    with pytest.raises(DataValidationError, match=message):
        select(QuantileWorld(kind="quantile", column="amount", q=0.75), mutate(raw), canonical(raw),
               min_minority_rows=1)


def test_cluster_farthest_from_the_centroid_is_held_out():
    raw, blob = blobs()
    table = canonical(raw)
    spec = ClusterWorld(kind="cluster", n_clusters=3, seed=0)
    mask, info = select(spec, raw, table, min_minority_rows=5)
    assert (mask == (blob == 2)).all()  # the far blob, exactly
    assert info["chosen_by"] == "farthest from the overall centroid" and info["rows"] == 200
    assert info["minority_rows"] == int(raw.loc[blob == 2, "y"].sum()) and len(info["clusters"]) == 3
    chosen = info["clusters"][info["cluster"]]
    assert chosen["distance"] == max(c["distance"] for c in info["clusters"])
    again, _ = cluster_mask(table, spec, min_minority_rows=5)
    assert (again == mask).all()  # seeded


def test_cluster_id_picks_that_cluster_and_an_ineligible_one_is_refused():
    raw, blob = blobs()
    table = canonical(raw)
    _, info = cluster_mask(table, ClusterWorld(kind="cluster", n_clusters=3), min_minority_rows=5)
    near = next(c["cluster"] for c in info["clusters"] if c["rows"] == 400)
    mask, info = cluster_mask(table, ClusterWorld(kind="cluster", n_clusters=3, cluster_id=near), min_minority_rows=5)
    assert (mask == (blob == 1)).all() and info["chosen_by"] == "cluster_id"
    with pytest.raises(DataValidationError, match=f"cluster_id {near} is not eligible.*at least 30 minority.*"
                                                  "Clusters: cluster 0: "):
        cluster_mask(table, ClusterWorld(kind="cluster", n_clusters=3, cluster_id=near), min_minority_rows=30)


def test_cluster_minority_share_is_checked():
    raw, blob = blobs()
    raw.loc[blob == 2, "y"] = 0  # the far blob has no minority row: the next farthest eligible one is chosen
    table = canonical(raw)
    mask, info = cluster_mask(table, ClusterWorld(kind="cluster", n_clusters=3), min_minority_rows=5)
    assert not mask[blob == 2].any() and info["clusters"][info["cluster"]]["minority_rows"] >= 5
    far = max(info["clusters"], key=lambda c: c["distance"])
    assert far["minority_rows"] == 0 and not far["eligible"]
    with pytest.raises(DataValidationError, match="no cluster of 3 can be the new world"):
        cluster_mask(table, ClusterWorld(kind="cluster", n_clusters=3, max_share=0.1), min_minority_rows=5)


def test_cluster_columns_must_be_features():
    raw, _ = blobs()
    with pytest.raises(DataValidationError, match="columns: 'zzz' not among the feature columns"):
        cluster_mask(canonical(raw), ClusterWorld(kind="cluster", columns=["a", "zzz"]), min_minority_rows=1)


def test_none_selects_no_row_and_cut_matches_the_cut_rule():
    raw = amounts()
    table = canonical(raw)
    mask, info = select(NoNewWorld(kind="none"), raw, table, min_minority_rows=1)
    assert not mask.any() and info == {"kind": "none"}
    mask, info = select(CutWorld(column="amount", cut=150.0), raw, table, min_minority_rows=1)
    assert (mask == (raw["amount"] > 150.0).to_numpy()).all() and info["cut"] == 150.0
    with pytest.raises(ConfigurationError, match="new_world.column must name the column"):
        select(CutWorld(), raw, table, min_minority_rows=1)


def test_cluster_world_of_a_mixed_table_clusters_numeric_columns_and_names_a_categorical_one():
    rng = np.random.default_rng(0)
    n = 900
    centre = np.repeat([0.0, 6.0, 12.0], n // 3)
    raw = pd.DataFrame({"a": centre + rng.normal(size=n), "b": centre + rng.normal(size=n),
                        "grade": rng.choice(list("xyz"), n), "flag": rng.random(n) < 0.5})
    raw.loc[::17, "a"] = np.nan
    raw["y"] = (rng.random(n) < 0.1).astype(int)
    table = canonical(raw)
    mask, info = cluster_mask(table, ClusterWorld(kind="cluster", n_clusters=3, seed=0), min_minority_rows=5)
    assert info["columns"] == ["a", "b", "flag"]  # the categorical column is not clustered on
    assert abs(mask.sum() - n // 3) < 30 and len(set(centre[mask])) == 1  # one outer blob, rows with NaN included
    with pytest.raises(DataValidationError, match="'grade' is categorical"):
        cluster_mask(table, ClusterWorld(kind="cluster", columns=["a", "grade"]), min_minority_rows=1)
