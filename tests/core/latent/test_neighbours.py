"""core.latent.nearest_real_rows: a seeded sample of synthetic rows next to their nearest real rows."""

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.latent import nearest_real_rows
from synthetic_intelligence.core.schema import PROVENANCE, TARGET


def _train_set(n_real=50, n_syn=20, seed=0):
    rng = np.random.default_rng(seed)
    real = pd.DataFrame(rng.normal(size=(n_real, 3)), columns=["a", "b", "c"]).assign(
        **{TARGET: (np.arange(n_real) % 5 == 0).astype(int), PROVENANCE: False})
    # each synthetic row is a real row shifted a little along "a"
    base = real.iloc[: n_syn].copy()
    syn = base.assign(a=base["a"] + 0.01, **{TARGET: 1, PROVENANCE: True})
    return pd.concat([real, syn], ignore_index=True)


def test_each_synthetic_row_is_followed_by_its_nearest_real_row():
    ts = _train_set()
    table = nearest_real_rows(ts, n_rows=5, seed=1)
    assert list(table.columns[:5]) == ["pair", "row", "distance", "train_index", TARGET]
    assert list(table.columns[5:]) == ["a", "b", "c"]
    assert table["row"].tolist() == ["synthetic", "nearest real"] * 5
    assert table["pair"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    syn, real = table[table["row"] == "synthetic"], table[table["row"] == "nearest real"]
    # synthetic row 50 + i was made from real row i
    assert (real["train_index"].to_numpy() == syn["train_index"].to_numpy() - 50).all()
    assert ts.loc[syn["train_index"], PROVENANCE].all() and not ts.loc[real["train_index"], PROVENANCE].any()
    np.testing.assert_allclose(syn["distance"], 0.01 / ts.loc[ts[PROVENANCE] == False, "a"].std(ddof=0))  # noqa: E712
    pd.testing.assert_frame_equal(table, nearest_real_rows(ts, n_rows=5, seed=1))  # seeded
    assert not table.equals(nearest_real_rows(ts, n_rows=5, seed=2))


def test_edge_cases():
    ts = _train_set(n_syn=3)
    assert len(nearest_real_rows(ts, n_rows=10)) == 6  # all 3 synthetic rows
    assert nearest_real_rows(ts[~ts[PROVENANCE]], n_rows=4).empty  # no synthetic row
    assert list(nearest_real_rows(ts, n_rows=0).columns[-3:]) == ["a", "b", "c"]
    with pytest.raises(KeyError, match=PROVENANCE):
        nearest_real_rows(ts.drop(columns=PROVENANCE))
    with pytest.raises(ValueError, match="n_rows"):
        nearest_real_rows(ts, n_rows=-1)


def test_a_feature_named_like_a_column_of_the_table_is_kept_apart_and_saves_as_parquet(tmp_path):
    """conf/example_rare's table has a feature called ``distance``: the table must not repeat a column name."""
    from synthetic_intelligence.pipelines.latent_qa.nodes import synthetic_neighbours

    ts = _train_set().rename(columns={"a": "distance", "b": "lane"})
    table = nearest_real_rows(ts, n_rows=3, seed=0)
    assert list(table.columns[5:]) == ["feature_distance", "feature_lane", "c"]
    syn = table[table["row"] == "synthetic"]
    np.testing.assert_allclose(syn["feature_distance"], ts.loc[syn["train_index"], "distance"])
    both = synthetic_neighbours({"n_rows": 3, "seed": 0}, smote=ts, model_driven=ts)
    assert both.columns.is_unique and set(both["lane"]) == {"smote", "model_driven"}
    both.to_parquet(tmp_path / "neighbours.parquet")
