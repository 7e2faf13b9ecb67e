"""Data isolation on tables as users have them: kinds, dates, levels seen in train, bad input named."""

import numpy as np
import pandas as pd
import pytest
from kedro_datasets.pandas import ParquetDataset

from synthetic_intelligence.core.isolation import columns as isolation_columns
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.isolation.split import DataValidationError


def raw(n=300, seed=0):
    """A user's table as a CSV reader gives it: strings, booleans, ISO dates, empty cells."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "amount": rng.normal(size=n),
        "income": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(10, 0.5, n)),
        "count": rng.integers(0, 5, n),
        "grade": rng.choice(list("ABCD"), n).astype(object),
        "home": np.where(rng.random(n) < 0.1, None, rng.choice(["rent", "own"], n)).astype(object),
        "verified": rng.random(n) < 0.5,
        "flag": np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5).astype(object),
        "opened": pd.date_range("2020-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "label": np.where(np.arange(n) % 10 == 0, "bad", "good"),
    })


def validate(df, **kw):
    args = {"target": "label", "positive_label": "bad", "min_minority_rows": 5}
    return isolation.validate_table(df, **{**args, **kw})


def test_each_column_gets_its_kind_and_nothing_is_one_hot_encoded():
    out, facts = validate(raw(), with_facts=True)
    assert list(out.columns) == ["amount", "income", "count", "grade", "home", "verified", "flag", "opened", "target"]
    assert facts["kinds"] == {"amount": "numeric", "income": "numeric", "count": "numeric", "grade": "categorical",
                              "home": "categorical", "verified": "boolean", "flag": "boolean", "opened": "date"}
    assert out["grade"].dtype == "category" and list(out["grade"].cat.categories) == list("ABCD")
    assert out["home"].isna().sum() == (raw()["home"].isna()).sum()  # missing stays missing
    assert out["verified"].dtype == bool and out["flag"].dtype == "boolean" and out["flag"].isna().any()
    assert out["income"].isna().sum() == raw()["income"].isna().sum()
    # a date becomes days since 1970-01-01 (2020-01-01 is day 18262)
    assert out["opened"].dtype == np.float64 and out["opened"].iloc[0] == 18262.0


def test_numeric_table_is_stored_as_before():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.normal(size=(100, 3)), columns=["a", "b", "c"]).assign(n=np.arange(100), label="good")
    df.loc[:9, "label"] = "bad"
    out = validate(df)
    expected = df[["a", "b", "c", "n"]].astype(np.float64)
    pd.testing.assert_frame_equal(out.drop(columns="target"), expected)


def test_numbers_written_as_text_are_numbers_and_datetimes_are_dates():
    df = raw().assign(count=lambda d: d["count"].astype(str),
                      opened=pd.date_range("2024-03-01", periods=300, freq="h", tz="Europe/Paris"))
    out, facts = validate(df, with_facts=True)
    assert out["count"].dtype == np.float64 and facts["kinds"]["count"] == "numeric"
    assert facts["kinds"]["opened"] == "date"
    assert out["opened"].iloc[0] == pytest.approx(19783.0 - 1 / 24)  # midnight in Paris = 23:00 UTC the day before


def test_a_named_date_column_that_is_not_dates_is_refused():
    with pytest.raises(DataValidationError, match="date column 'grade' has a value that is not a date"):
        validate(raw(), dates=["grade"])


@pytest.mark.parametrize("policy", ["refuse", "drop"])
def test_high_cardinality_string_columns_are_named_with_the_threshold(policy):
    df = raw().assign(loan_id=[f"L{i}" for i in range(300)], note=[f"text {i % 120}" for i in range(300)])
    if policy == "refuse":
        with pytest.raises(DataValidationError, match=r"'loan_id' \(300 distinct values\), 'note' \(120 distinct "
                                                      r"values\): more than data_isolation.source.max_levels = 100"):
            validate(df)
        return
    out, facts = validate(df, high_cardinality="drop", with_facts=True)
    assert "loan_id" not in out.columns and "note" not in out.columns
    assert facts["dropped"] == {"loan_id": 300, "note": 120}
    assert "note" in validate(df, high_cardinality="drop", max_levels=150).columns  # the threshold is a parameter


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.assign(empty=np.nan), "feature column 'empty' has no value \\(all 300 rows missing\\)"),
    (lambda d: d.assign(empty=None), "feature column 'empty' has no value"),
    (lambda d: d.assign(income=d["income"].astype(object).where(d.index % 50 != 3, "n/a")),
     "feature column 'income' mixes numbers and strings: .* \\('n/a'\\)"),
    (lambda d: d.assign(code=[1, "x"] * 150), "feature column 'code' mixes numbers and strings"),
    (lambda d: d.assign(label=d["label"].where(d.index != 4, None)), "target column 'label' has 1 missing value"),
    (lambda d: d.assign(amount=d["amount"].where(d.index != 2, np.inf)), "feature column 'amount' has 1 infinite"),
    (lambda d: d.assign(z=[1 + 2j] * 300), "feature column 'z' has dtype complex128"),
], ids=["all-missing", "all-none", "numbers-and-strings", "mixed-objects", "target-missing", "infinite", "complex"])
def test_bad_input_gets_one_line_naming_the_column(mutate, message):
    with pytest.raises(DataValidationError, match=message) as info:
        validate(mutate(raw()))
    assert "\n" not in str(info.value)


def test_unicode_and_spaced_names_and_a_one_row_category_work(tmp_path):
    df = raw().rename(columns={"amount": "montant é", "grade": "credit grade"})
    df.loc[7, "credit grade"] = "Z"  # a level with one row
    out = validate(df)
    assert "montant é" in out.columns and "Z" in out["credit grade"].cat.categories
    path = tmp_path / "t.parquet"
    ParquetDataset(filepath=str(path)).save(out)
    pd.testing.assert_frame_equal(ParquetDataset(filepath=str(path)).load(), out)


def test_parquet_round_trip_keeps_categories_and_booleans(tmp_path):
    out = validate(raw())
    splits, _ = isolation_columns.align_levels({"train": out.iloc[:200], "validation": out.iloc[200:]})
    dataset = ParquetDataset(filepath=str(tmp_path / "train.parquet"))
    stored = splits["validation"].reset_index(drop=True)
    dataset.save(stored)
    back = dataset.load()
    assert back["grade"].dtype == splits["validation"]["grade"].dtype  # same categories, same order
    assert back["flag"].dtype == "boolean" and back["verified"].dtype == bool
    pd.testing.assert_frame_equal(back, stored)


def test_levels_are_those_seen_in_train_and_unseen_ones_become_missing_and_are_counted():
    out = validate(raw())
    train, hold = out.iloc[:200].copy(), out.iloc[200:].copy()
    train["grade"] = train["grade"].where(train["grade"] != "D")  # train never sees D
    splits, unseen = isolation_columns.align_levels({"train": train, "holdout_iid": hold})
    n_d = int((hold["grade"] == "D").sum())
    assert list(splits["train"]["grade"].cat.categories) == ["A", "B", "C"]
    assert splits["holdout_iid"]["grade"].dtype == splits["train"]["grade"].dtype
    assert unseen == {"holdout_iid": {"grade": {"D": n_d}}}
    assert splits["holdout_iid"]["grade"].isna().sum() == n_d + hold["grade"].isna().sum()
    assert (hold["grade"] == "D").sum() == n_d  # the input is not modified
    schema = isolation_columns.schema(splits, kinds={"opened": "date"})
    assert schema["grade"]["levels"] == ["A", "B", "C"] and schema["opened"]["kind"] == "date"
    assert schema["income"]["missing_share"]["train"] == pytest.approx(train["income"].isna().mean())


def test_frames_without_categoricals_pass_through_align_levels_untouched():
    df = pd.DataFrame({"a": [1.0, 2.0], "target": [0, 1]})
    splits, unseen = isolation_columns.align_levels({"train": df, "validation": df})
    assert splits["train"] is df and unseen == {}


def test_row_hashes_see_missing_values_and_categories_by_value():
    out = validate(raw())
    twice = pd.concat([out, out.iloc[:5]], ignore_index=True)
    deduped, n = isolation.drop_duplicate_rows(twice)
    assert n == 5 and len(deduped) == len(out)
    recoded = out.copy()
    recoded["grade"] = recoded["grade"].cat.set_categories(["D", "C", "B", "A", "Q"])  # other categories, same values
    assert (isolation.row_hashes(recoded) == isolation.row_hashes(out)).all()
    report = isolation.isolation_report({"train": out.iloc[:150], "validation": out.iloc[150:200],
                                         "holdout_iid": out.iloc[200:], "holdout_new_world": out.iloc[:0]})
    assert report["isolated"]
    with pytest.raises(isolation.IsolationError):
        isolation.isolation_report({"train": out.iloc[:150], "validation": out.iloc[150:200],
                                    "holdout_iid": out.iloc[140:], "holdout_new_world": out.iloc[:0]})


def test_the_column_parameters_are_checked_before_the_run():
    from synthetic_intelligence.core.errors import ConfigurationError
    from synthetic_intelligence.core.isolation.params import SourceParams, parse

    source = parse(SourceParams, {"kind": "table", "new_world": {"kind": "none"}, "high_cardinality": "drop",
                                  "dates": ["opened"]}, "data_isolation.source")
    assert source.max_levels == 100 and source.high_cardinality == "drop" and source.dates == ["opened"]
    with pytest.raises(ConfigurationError, match="data_isolation.source.max_levels: Input should be less than or "
                                                 "equal to 255"):
        parse(SourceParams, {"max_levels": 300}, "data_isolation.source")
    with pytest.raises(ConfigurationError, match="data_isolation.source.high_cardinality"):
        parse(SourceParams, {"high_cardinality": "keep"}, "data_isolation.source")
