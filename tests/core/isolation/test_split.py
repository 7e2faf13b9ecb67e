import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.isolation.split import DataValidationError


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
        (lambda d: d.assign(b=["1.5", "2", "n/a", "4"] * 50), {}, "'b' mixes numbers and strings: 150 of 200"),
        (lambda d: d.assign(c=np.nan), {}, "'c' has no value \\(all 200 rows missing\\)"),
        (lambda d: d.assign(a=np.r_[d["a"].to_numpy()[:-1], np.inf]), {}, "'a' has 1 infinite"),
        (lambda d: d, {"min_minority_rows": 50}, "only 20 minority row"),
        (lambda d: d, {"positive_label": "nope"}, "positive label 'nope' not found"),
        (lambda d: d.rename(columns={"c": "b"}), {}, "duplicated feature column.*'b'"),
        (lambda d: d.assign(**{"b.1": d["b"]}), {}, "duplicated feature column.*'b.1'"),
    ],
    ids=["empty", "missing-target", "not-binary", "numbers-and-strings", "all-missing", "inf", "few-minority",
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


def test_duplicate_rows_dropped():
    df = validate(table())
    doubled = pd.concat([df, df.iloc[:5]], ignore_index=True)
    out, n = isolation.drop_duplicate_rows(doubled)
    assert n == 5 and len(out) == len(df)


# --- minimum minority rows per split -------------------------------------------------------------------------------

def _split(n, n_pos):
    return pd.DataFrame({"a": np.arange(n, dtype=float), "target": [1] * n_pos + [0] * (n - n_pos)})


def test_min_minority_rows_counts_each_split_and_names_it():
    splits = {"train": _split(500, 40), "validation": _split(100, 8), "holdout_iid": _split(100, 1),
              "holdout_new_world": _split(80, 0)}
    with pytest.raises(DataValidationError) as info:
        isolation.check_min_minority_rows(splits, 5, {"holdout_new_world": "move the cut earlier"})
    msg = str(info.value)
    assert "holdout_iid has 1 minority row(s) of 100 rows" in msg
    assert "holdout_new_world has 0 minority row(s) of 80 rows (move the cut earlier)" in msg
    assert "train has" not in msg and "validation has" not in msg
    assert "at least 5 minority row(s)" in msg and "min_minority_rows, counted per split" in msg


def test_min_minority_rows_passes_and_returns_counts():
    splits = {"train": _split(500, 40), "validation": _split(100, 8)}
    counts = isolation.check_min_minority_rows(splits, 8)
    assert counts == {"train": {"rows": 500, "minority_rows": 40, "majority_rows": 460},
                      "validation": {"rows": 100, "minority_rows": 8, "majority_rows": 92}}


def test_split_without_majority_row_is_refused():
    with pytest.raises(DataValidationError, match="holdout_new_world has 3 minority row\\(s\\) and no majority row"):
        isolation.check_min_minority_rows({"holdout_new_world": _split(3, 3)}, 1)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", True, None])
def test_min_minority_rows_must_be_a_positive_integer(bad):
    with pytest.raises(isolation.ConfigurationError, match="min_minority_rows must be an integer >= 1"):
        isolation.check_min_minority_rows({"train": _split(10, 2)}, bad)


def test_too_small_world_cannot_be_split_and_says_so():
    world = _split(40, 1)
    with pytest.raises(DataValidationError, match=r"training world \(40 rows, 1 minority\) is too small"):
        isolation.split_training_world(world, holdout_share=0.2, validation_share=0.2, seed=0)


@pytest.mark.parametrize("kw, message", [
    ({"holdout_share": 1.5, "validation_share": 0.2}, "holdout_share must be a number in \\(0, 1\\), got 1.5"),
    ({"holdout_share": 0.6, "validation_share": 0.5}, "holdout_share \\+ validation_share must be < 1"),
    ({"holdout_share": "0.2", "validation_share": 0.2}, "holdout_share must be a number"),
])
def test_split_shares_are_configuration_errors(kw, message):
    with pytest.raises(isolation.ConfigurationError, match=message):
        isolation.split_training_world(_split(400, 40), seed=0, **kw)


# --- the new-world cut ---------------------------------------------------------------------------------------------

def test_date_string_cut_on_numeric_column_names_the_column():
    with pytest.raises(isolation.ConfigurationError) as info:
        isolation.new_world_mask(pd.Series(np.arange(600)), "2024-01-01", column="day")
    msg = str(info.value)
    assert "new-world cut '2024-01-01' is not a number, but new-world cut column 'day' is numeric" in msg
    assert "values 0 to 599" in msg and "__cut__" not in msg


def test_numeric_cut_string_on_numeric_column_works():
    assert isolation.new_world_mask(pd.Series(np.arange(10)), "6", column="day").sum() == 3


def test_numeric_cut_on_date_column_is_refused():
    dates = pd.Series(pd.date_range("2024-01-01", periods=50, freq="D").astype(str))
    with pytest.raises(isolation.ConfigurationError, match="cut 450 is a number, but .*'when' holds dates.*'2024-01-01'"):
        isolation.new_world_mask(dates, 450, column="when")


def test_unparseable_cut_on_date_column_is_refused():
    dates = pd.Series(pd.date_range("2024-01-01", periods=50, freq="D"))
    with pytest.raises(isolation.ConfigurationError, match="cut 'soon' is not a date"):
        isolation.new_world_mask(dates, "soon", column="when")


@pytest.mark.parametrize("cut", [None, ""])
def test_missing_cut_is_a_configuration_error(cut):
    with pytest.raises(isolation.ConfigurationError, match="new_world.cut is not set.*'when'"):
        isolation.new_world_mask(pd.Series(np.arange(5)), cut, column="when")


def test_non_date_strings_are_refused_with_the_column():
    with pytest.raises(DataValidationError, match="'city' is neither numeric nor a date.*first value 'Paris'"):
        isolation.new_world_mask(pd.Series(["Paris", "Rome"] * 5), "2024-01-01", column="city")


def test_missing_values_in_cut_column_are_named():
    with pytest.raises(DataValidationError, match="'when' has 1 missing value\\(s\\) \\(first at row 2\\)"):
        isolation.new_world_mask(pd.Series([1.0, 2.0, np.nan, 4.0]), 2, column="when")


def test_tz_aware_column_with_naive_cut_reads_the_cut_in_the_columns_zone():
    hours = pd.Series(pd.date_range("2024-01-01", periods=48, freq="h", tz="Europe/Berlin"))
    new = isolation.new_world_mask(hours, "2024-01-02", column="ts")
    assert new.sum() == 23  # after 2024-01-02 00:00 Berlin time
    assert isolation.new_world_mask(hours, "2024-01-01T23:00+00:00", column="ts").sum() == 23  # same instant in UTC


def test_tz_aware_strings_with_mixed_offsets_work():
    # a summer and a winter offset in one column: parsed to UTC instead of failing
    when = pd.Series(["2024-01-15T10:00+01:00", "2024-03-01T10:00+01:00", "2024-07-01T10:00+02:00",
                      "2024-09-01T10:00+02:00"])
    assert isolation.new_world_mask(when, "2024-06-01", column="ts").tolist() == [False, False, True, True]


def test_naive_column_with_tz_aware_cut_is_refused():
    dates = pd.Series(pd.date_range("2024-01-01", periods=10, freq="D"))
    with pytest.raises(isolation.ConfigurationError, match="has a time zone but new-world cut column 'd' has none"):
        isolation.new_world_mask(dates, "2024-01-05T00:00+02:00", column="d")


def test_cut_outside_the_range_gives_the_range():
    with pytest.raises(DataValidationError, match="both must be non-empty; choose a cut inside .*values 0 to 9"):
        isolation.new_world_mask(pd.Series(np.arange(10)), 100, column="day")
