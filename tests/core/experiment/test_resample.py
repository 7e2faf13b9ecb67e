import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler

from synthetic_intelligence.core.experiment.resample import balanced_weights, provenance, resample
from synthetic_intelligence.core.sampling import OracleRejectionSampler


@pytest.fixture
def df():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    frame["target"] = (rng.random(300) < 0.1).astype("int64")
    return frame


def test_no_sampler_keeps_every_row_real(df):
    out, info = resample(df)
    assert out.drop(columns="is_synthetic").equals(df) and not out["is_synthetic"].any()
    assert info["n_synthetic"] == 0 and info["rows_out"] == len(df) and info["sampler"] is None


def test_balanced_weights_make_both_classes_weigh_the_same(df):
    out, info = resample(df, weights=True)
    totals = out.groupby("target")["sample_weight"].sum()
    assert totals[0] == pytest.approx(totals[1]) and totals.sum() == pytest.approx(len(df))
    assert info["class_weights"]["1"] > info["class_weights"]["0"]
    np.testing.assert_allclose(balanced_weights(df["target"]), out["sample_weight"])


def test_exact_copies_beyond_the_input_count_are_synthetic(df):
    out, info = resample(df, RandomOverSampler(random_state=0))
    assert info["n_synthetic"] == len(out) - len(df) > 0
    assert out.loc[out["is_synthetic"], "target"].eq(1).all()


def test_one_rule_for_the_oracle_sampler_too(df):
    sampler = OracleRejectionSampler(threshold=0.05, sampling_strategy=0.3, random_state=0, on_shortfall="warn")
    out, info = resample(df, sampler)
    assert info["n_synthetic"] == len(out) - len(df) == sampler.n_synthetic_[1]
    assert not out["is_synthetic"].iloc[: len(df)].any() and out["is_synthetic"].iloc[len(df):].all()


def test_provenance_counts_removed_rows(df):
    after = df.iloc[10:].reset_index(drop=True)
    synthetic, removed = provenance(df, after)
    assert removed == 10 and not synthetic.any()
