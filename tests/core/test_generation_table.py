"""Generation in two steps (the accepted rows as a table, then the training set from it) gives what one step gives."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from synthetic_intelligence.core import generation, learners
from synthetic_intelligence.core.sampling import GenerationError
from synthetic_intelligence.core.sampling.accepted import STATS_COLUMNS, accepted_rows

KW = {"threshold": 0.6, "ratio": 0.3, "random_state": 7, "candidates": "interpolate", "batch_size": 2048,
      "max_rounds": 20}


@pytest.fixture(scope="module")
def oracle(tiny_world):
    X, y = learners.split_xy(tiny_world["train"])
    return HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y)


def _without_times(report: dict) -> dict:
    drop = {"seconds", "seconds_generate", "seconds_score"}
    out = {k: v for k, v in report.items() if k not in drop}
    out["rounds"] = [{k: v for k, v in r.items() if k != "seconds"} for r in report["rounds"]]
    return out


def test_numpy_two_steps_equal_one_step_through_parquet(tiny_world, oracle, tmp_path):
    train = tiny_world["train"]
    expected, expected_report = generation.oversample(train, oracle, **KW)
    table, plan = generation.generate_table(train, oracle, **KW)
    json.dumps(plan)  # the plan is a JSON dataset
    path = tmp_path / "accepted.parquet"
    table.to_parquet(path)
    train_set, report = generation.build_from_table(train, pd.read_parquet(path), plan)
    pd.testing.assert_frame_equal(train_set, expected)
    assert _without_times(report) == _without_times(expected_report)
    assert list(report) == list(expected_report)
    rows = accepted_rows(pd.read_parquet(path))
    synthetic = train_set[train_set["is_synthetic"]].drop(columns="is_synthetic").reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, synthetic, check_dtype=False)
    assert not set(STATS_COLUMNS) & set(train_set.columns)


def test_a_shortfall_read_back_raises_the_samplers_error(tiny_world):
    class Never:
        classes_ = np.array([0, 1])

        def predict_proba(self, X):
            return np.column_stack([np.ones(len(X)), np.zeros(len(X))])

    kw = {**KW, "max_rounds": 2, "batch_size": 256}
    with pytest.raises(GenerationError) as one_step:
        generation.oversample(tiny_world["train"], Never(), **kw)
    table, plan = generation.generate_table(tiny_world["train"], Never(), **kw)
    with pytest.raises(GenerationError) as two_steps:
        generation.build_from_table(tiny_world["train"], table, plan)
    assert str(two_steps.value) == str(one_step.value)
