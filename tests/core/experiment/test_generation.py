"""Generation in two steps (the accepted rows as a table, then the training set from it) gives what one step gives."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from synthetic_intelligence.core.experiment import generation, learners
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


class _Counting:
    """A fitted oracle that counts the row sets it scores."""

    def __init__(self, model):
        self.model, self.classes_, self.feature_names_in_, self.calls = model, model.classes_, model.feature_names_in_, 0

    def predict_proba(self, X):
        self.calls += 1
        return self.model.predict_proba(X)


def test_the_validation_grid_scores_each_distinct_row_set_once_and_chooses_the_same(tiny_world, oracle, monkeypatch):
    """The grid's settings share a seed, so they re-score the same real minority rows and first candidates:
    remembered scores give the same grid and choice with fewer oracle calls than the grid without them."""
    train, validation = tiny_world["train"], tiny_world["validation"]
    grid_kw = {"thresholds": [0.25, 0.5, 0.75], "ratios": [0.2, 0.4], "random_state": 3, "candidates": "interpolate",
               "batch_size": 1024, "max_rounds": 20, "gate": "quantile",
               "learner": learners.LearnerConfig(engine="sklearn", estimator_kwargs={"max_iter": 20, "random_state": 0})}
    remembered = _Counting(oracle)
    grid, choice = generation.tune(train, validation, remembered, **grid_kw)
    plain = _Counting(oracle)
    monkeypatch.setattr(generation, "RememberedScores", lambda o: o)  # every setting scores everything again
    plain_grid, plain_choice = generation.tune(train, validation, plain, **grid_kw)
    assert choice == plain_choice
    pd.testing.assert_frame_equal(grid.drop(columns="seconds"), plain_grid.drop(columns="seconds"))
    assert (grid["n_synthetic"] > 0).sum() == 6  # every setting generated
    assert remembered.calls < plain.calls / 2, (remembered.calls, plain.calls)


def test_remembered_scores_are_the_oracles_and_tell_inputs_apart(oracle, tiny_world):
    X = learners.split_xy(tiny_world["validation"])[0]
    counted = _Counting(oracle)
    memo = generation.RememberedScores(counted)
    first = memo.predict_proba(X)
    np.testing.assert_array_equal(first, oracle.predict_proba(X))
    first[:] = -1  # a caller changing its copy changes nothing remembered
    np.testing.assert_array_equal(memo.predict_proba(X.copy()), oracle.predict_proba(X))
    assert counted.calls == 1 and memo.classes_ is oracle.classes_
    shifted = X.copy()
    shifted.iloc[0, 0] += 1e-9  # one value differs: scored again
    np.testing.assert_array_equal(memo.predict_proba(shifted), oracle.predict_proba(shifted))
    assert counted.calls == 2
