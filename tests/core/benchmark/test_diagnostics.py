"""core.benchmark.diagnostics: where a lane's synthetic rows sit, on rows placed by hand, and per table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.benchmark import diagnostics as bd
from synthetic_intelligence.core.schema import FAILED, OK, PROVENANCE, TARGET


def _train(seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    minority = rng.normal(0.0, 1.0, size=(30, 2))
    majority = rng.normal(8.0, 1.0, size=(270, 2))
    frame = pd.DataFrame(np.vstack([minority, majority]), columns=["a", "b"])
    frame[TARGET] = [1] * 30 + [0] * 270
    return frame


def _with(train: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    synthetic = pd.DataFrame(rows, columns=["a", "b"]).assign(**{TARGET: 1})
    out = pd.concat([train, synthetic], ignore_index=True)
    out[PROVENANCE] = [False] * len(train) + [True] * len(synthetic)
    return out


def _oracle(train):
    return LogisticRegression().fit(train[["a", "b"]], train[TARGET])


def test_copies_of_minority_rows_are_near_copies_at_distance_zero():
    train = _train()
    copies = train.loc[train[TARGET] == 1, ["a", "b"]].to_numpy()[:10]
    row = bd.diagnose(train, _with(train, copies), {}, _oracle(train))
    assert row["n_synthetic"] == 10 and row["synthetic_per_minority"] == pytest.approx(10 / 30)
    assert row["d_minority_median"] == 0 and row["near_copy_share"] == 1.0 and row["closer_to_majority_share"] == 0
    assert row["real_d_minority_median"] > 0 and row["d_minority_relative"] == 0
    assert 0 < row["oracle_percentile_median"] < 100
    assert np.isnan(row["acceptance_rate"]) and row["gate"] == ""


def test_rows_among_the_majority_are_flagged_and_score_low():
    train = _train()
    among_majority = np.full((20, 2), 8.0) + np.random.default_rng(1).normal(0, 0.3, size=(20, 2))
    row = bd.diagnose(train, _with(train, among_majority), {"gate": "quantile", "threshold": 0.5, "ratio": 1.0,
                                                            "acceptance_rate": 0.25}, _oracle(train))
    assert row["closer_to_majority_share"] == 1.0 and row["near_copy_share"] < 0.5
    assert row["d_minority_relative"] > 3
    assert row["oracle_q50"] < row["real_oracle_q10"] and row["oracle_percentile_median"] == 0
    assert (row["gate"], row["threshold"], row["ratio"], row["acceptance_rate"]) == ("quantile", 0.5, 1.0, 0.25)


def test_no_synthetic_rows_no_measures_and_the_sample_is_capped():
    train = _train()
    empty = bd.diagnose(train, train.assign(**{PROVENANCE: False}), {}, None)
    assert empty["n_synthetic"] == 0 and empty["n_measured"] == 0 and np.isnan(empty["d_minority_median"])
    many = bd.diagnose(train, _with(train, np.zeros((50, 2))), {}, None, max_rows=20)
    assert many["n_synthetic"] == 50 and many["n_measured"] == 20 and np.isnan(many["oracle_q50"])


def test_mixed_type_columns_are_one_hot_and_missing_values_allowed():
    train = _train()
    train["colour"] = pd.Categorical(np.where(train[TARGET] == 1, "red", "blue"))
    train.loc[3, "a"] = np.nan
    minority = train[train[TARGET] == 1].head(5).drop(columns=TARGET)
    out = pd.concat([train, minority.assign(**{TARGET: 1})], ignore_index=True)
    out[PROVENANCE] = [False] * len(train) + [True] * 5
    row = bd.diagnose(train, out, {}, None)
    assert row["near_copy_share"] == 1.0 and row["closer_to_majority_share"] == 0


def test_per_table_averages_the_repeats_and_counts_failures():
    rows = pd.DataFrame([
        {"table": "t", "repeat": 0, "lane": "smote", "kind": "imblearn", "sampler": "SMOTE", "status": OK,
         "gate": "", "choice": "", **{c: 1.0 for c in bd.COLUMNS}},
        {"table": "t", "repeat": 1, "lane": "smote", "kind": "imblearn", "sampler": "SMOTE", "status": OK,
         "gate": "", "choice": "", **{c: 3.0 for c in bd.COLUMNS}},
        {"table": "t", "repeat": 2, "lane": "smote", "kind": "imblearn", "sampler": "SMOTE", "status": FAILED,
         "error": "too few"},
    ])
    table = bd.per_table(rows)
    assert len(table) == 1 and table.loc[0, "n_repeats"] == 2 and table.loc[0, "n_failed"] == 1
    assert table.loc[0, "near_copy_share"] == 2.0 and list(table.columns[:9]) == [
        "table", "lane", "learner", "kind", "sampler", "n_repeats", "n_failed", "gate", "choice"]
    assert table.loc[0, "learner"] == ""  # one set served every learner
    assert bd.per_table(pd.DataFrame()).empty
