import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core import isolation
from synthetic_intelligence.core.isolation import DataValidationError


def table(n=200, n_pos=20, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    df["label"] = ["fraud"] * n_pos + ["ok"] * (n - n_pos)
    return df


def validate(df, **kw):
    args = {"target": "label", "positive_label": "fraud", "min_minority_rows": 10}
    args.update(kw)
    return isolation.validate_table(df, **args)


def test_valid_table_becomes_canonical():
    out = validate(table())
    assert list(out.columns) == ["a", "b", "c", "target"]
    assert out["target"].sum() == 20 and out["target"].dtype == np.int64


@pytest.mark.parametrize(
    "mutate, kw, message",
    [
        (lambda d: d.iloc[0:0], {}, "empty"),
        (lambda d: d.drop(columns="label"), {}, "target column 'label' not found"),
        (lambda d: d.assign(label=["fraud", "ok", "other", "ok"] * 50), {}, "must be binary"),
        (lambda d: d.assign(b=["x"] * len(d)), {}, "non-numeric feature column.*'b'"),
        (lambda d: d.assign(c=np.r_[np.nan, d["c"].to_numpy()[1:]]), {}, "'c' has 1 NaN/infinite"),
        (lambda d: d.assign(a=np.r_[d["a"].to_numpy()[:-1], np.inf]), {}, "'a' has 1 NaN/infinite"),
        (lambda d: d, {"min_minority_rows": 50}, "only 20 minority row"),
        (lambda d: d, {"positive_label": "nope"}, "positive label 'nope' not found"),
        (lambda d: d.rename(columns={"c": "b"}), {}, "duplicated feature column.*'b'"),
        (lambda d: d.assign(**{"b.1": d["b"]}), {}, "duplicated feature column.*'b.1'"),
    ],
    ids=["empty", "missing-target", "not-binary", "non-numeric", "nan", "inf", "few-minority",
         "absent-label", "duplicated", "csv-duplicated"],
)
def test_bad_input_is_named(mutate, kw, message):
    with pytest.raises(DataValidationError, match=message):
        validate(mutate(table()), **kw)


def test_split_is_stratified_and_disjoint():
    df = validate(table(n=2000, n_pos=160))
    train, val, hold = isolation.split_training_world(df, holdout_share=0.2, validation_share=0.2, seed=0)
    assert len(train) + len(val) + len(hold) == 2000
    assert len(hold) == 400 and len(val) == 400
    for part in (train, val, hold):
        assert abs(part["target"].mean() - 0.08) < 0.01
    report = isolation.isolation_report({"train": train, "validation": val, "holdout_iid": hold,
                                         "holdout_new_world": hold.iloc[:0]})
    assert report["isolated"] and set(report["overlaps"].values()) == {0}


def test_isolation_check_fails_on_leak():
    df = validate(table(n=500, n_pos=50))
    train, val, hold = isolation.split_training_world(df, holdout_share=0.2, validation_share=0.2, seed=0)
    leaked = pd.concat([hold, train.iloc[:3]], ignore_index=True)
    with pytest.raises(isolation.IsolationError, match="3 row\\(s\\) of holdout_iid also appear in train"):
        isolation.isolation_report({"train": train, "validation": val, "holdout_iid": leaked,
                                    "holdout_new_world": hold.iloc[:0]})


def test_split_by_date_cut():
    df = table()
    df["when"] = pd.date_range("2024-01-01", periods=len(df), freq="D").astype(str)
    old, new = isolation.split_by_cut(df, "when", "2024-03-01")
    assert len(old) == 61 and len(new) == 139
    with pytest.raises(DataValidationError, match="both must be non-empty"):
        isolation.split_by_cut(df, "when", "2030-01-01")
    with pytest.raises(DataValidationError, match="'nope' not found"):
        isolation.split_by_cut(df, "nope", 1)


def test_duplicate_rows_dropped():
    df = validate(table())
    doubled = pd.concat([df, df.iloc[:5]], ignore_index=True)
    out, n = isolation.drop_duplicate_rows(doubled)
    assert n == 5 and len(out) == len(df)
