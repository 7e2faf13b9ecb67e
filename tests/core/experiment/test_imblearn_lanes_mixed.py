"""The SMOTE family on mixed-type training sets: SMOTENC / SMOTEN chosen automatically, the declared
missing-value rule, provenance with missing values and categories; numeric tables as before."""

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.experiment import imblearn_lanes as smote
from synthetic_intelligence.core.experiment import resample, training_sets
from synthetic_intelligence.core.schema import PROVENANCE, TARGET

SMOTE = {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0}


def mixed(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(np.int64)
    return pd.DataFrame({
        "amount": rng.normal(size=n) + 2 * y,
        "income": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
        "grade": pd.Categorical(np.where(rng.random(n) < 0.1, None, np.where(y == 1, "C", rng.choice(list("AB"), n))),
                                categories=["A", "B", "C", "D"]),
        "flag": rng.random(n) < 0.3,
        "maybe": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
        TARGET: y,
    })


def test_a_table_with_categoricals_gets_smotenc_with_the_choice_in_the_report():
    train = mixed()
    out, report = training_sets.imblearn(train, SMOTE)
    assert report["sampler_used"] == "SMOTENC" and report["sampler"] == "SMOTE"
    assert report["mixed_types"]["categorical_features"] == ["grade", "flag", "maybe"]
    assert resample.lane_provenance(report)["sampler"] == "SMOTENC"
    n = len(train)
    pd.testing.assert_frame_equal(out.iloc[:n].drop(columns=PROVENANCE), train)  # real rows untouched
    assert not out[PROVENANCE].iloc[:n].any() and out[PROVENANCE].iloc[n:].all()
    assert report["n_synthetic"] == len(out) - n == (train[TARGET] == 0).sum() - (train[TARGET] == 1).sum()
    synthetic = out.iloc[n:]
    assert out.dtypes.drop(PROVENANCE).equals(train.dtypes)  # categories, bool and boolean kept
    assert set(synthetic["grade"].dropna()) <= set(train.loc[train[TARGET] == 1, "grade"].dropna())
    assert synthetic["grade"].value_counts().idxmax() == "C"  # taken from the minority neighbours
    assert synthetic["amount"].notna().all()


def test_missing_values_follow_the_declared_rule_and_are_reported():
    train = mixed()
    out, report = training_sets.imblearn(train, SMOTE)
    info = report["mixed_types"]
    assert info["missing_rule"] == smote.MISSING_RULE and info["imputed_columns"] == ["income"]
    synthetic = out[out[PROVENANCE]]
    assert info["missing_share_synthetic"]["income"] == pytest.approx(synthetic["income"].isna().mean())
    assert info["missing_share_real"]["income"] == pytest.approx(train["income"].isna().mean())
    assert 0 < synthetic["income"].isna().mean() < 0.5  # missingness carried, not invented nor erased
    present = synthetic["income"].dropna()
    assert present.between(train["income"].min(), train["income"].max()).all()
    assert set(info["missing_share_synthetic"]) == {"income", "grade", "maybe"}


def test_an_all_categorical_table_gets_smoten():
    train = mixed()[["grade", "flag", "maybe", TARGET]]
    out, report = training_sets.imblearn(train, SMOTE)
    assert report["sampler_used"] == "SMOTEN" and report["n_synthetic"] > 0
    assert out.dtypes.drop(PROVENANCE).equals(train.dtypes)


def test_numeric_with_missing_values_only_runs_smotenc_on_the_indicators():
    train = mixed()[["amount", "income", TARGET]]
    out, report = training_sets.imblearn(train, SMOTE)
    assert report["sampler_used"] == "SMOTENC" and report["mixed_types"]["categorical_features"] == []
    assert out["income"].dtype == np.float64


def test_a_numeric_table_without_missing_values_is_resampled_exactly_as_before():
    train = mixed()[["amount", TARGET]].assign(other=np.linspace(0, 1, 400))
    out, report = training_sets.imblearn(train, SMOTE)
    assert "sampler_used" not in report and "mixed_types" not in report
    expected, _ = smote.make_sampler("SMOTE", {"k_neighbors": 5}, random_state=0).fit_resample(
        train[["amount", "other"]], train[TARGET])
    pd.testing.assert_frame_equal(out[["amount", "other"]], expected)


def test_random_oversampler_copies_mixed_rows_as_they_are():
    train = mixed()
    out, report = training_sets.imblearn(train, {"name": "RandomOverSampler", "seed": 0})
    assert report["sampler_used"] == "RandomOverSampler"
    assert out.dtypes.drop(PROVENANCE).equals(train.dtypes)
    real = pd.util.hash_pandas_object(train, index=False)
    copies = pd.util.hash_pandas_object(out[out[PROVENANCE]].drop(columns=PROVENANCE), index=False)
    assert copies.isin(real).all()


@pytest.mark.parametrize("name", ["BorderlineSMOTE", "SMOTETomek"])
def test_samplers_that_take_numbers_only_fail_the_lane_naming_the_columns(name):
    out, report = training_sets.imblearn(mixed(), {"name": name, "seed": 0})
    assert report["failed"] and out.empty
    assert f"{name} takes numeric features without missing values" in report["reason"]
    assert "'grade'" in report["reason"] and "missing values in 'income'" in report["reason"]


def test_provenance_counts_rows_with_missing_values_and_categories():
    train = mixed(50)
    after = pd.concat([train, train.iloc[[3, 3]]], ignore_index=True)
    after.loc[len(after) - 1, "grade"] = "D"  # one copy changed: synthetic, the other an exact copy
    synthetic, removed = resample.provenance(train, after)
    assert synthetic.sum() == 2 and removed == 0
    recoded = train.copy()
    recoded["grade"] = recoded["grade"].cat.set_categories(["D", "C", "B", "A"])  # same values, other categories
    assert resample.provenance(train, recoded)[0].sum() == 0
