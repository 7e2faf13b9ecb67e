"""Columns an engine drops on its own never sink a valid run (issue 20, part 3).

H2O keeps only the columns that vary in its training frame (``ignore_const_cols``): a
real table whose train split has a constant column (non-zero in a handful of rows of
the whole table) or an all-missing column gave an oracle listing fewer columns than
``train``, and the compatibility check called it "trained on another table".
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.errors import DataValidationError
from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.schema import TARGET


def _table(n: int, seed: int, *, flat_value: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.7, size=n) > 1.3).astype(np.int64)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame.insert(2, "rare", flat_value)  # constant in train (non-zero in 3 rows of the whole table elsewhere)
    frame[TARGET] = y
    return frame


# -- cheap: the check itself, no engine ----------------------------------------------------------------------
def _kept_only(names):
    """A model that, like an H2O model saved by an earlier version, lists only the columns it kept."""
    return h2o_utils.H2OProbaAdapter(model=object(), feature_names=list(names))


def test_a_column_constant_in_train_is_not_held_against_a_model_that_lists_only_what_it_kept():
    train = _table(60, 0)
    oracle = _kept_only(["a", "b", "c", "d"])  # H2O dropped 'rare'
    learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)")


def test_an_all_missing_column_is_not_held_against_it_either():
    train = _table(60, 0).assign(empty=np.nan)
    learners.check_fits(_kept_only(["a", "b", "rare", "c", "d"]), "the oracle", train, "train")


def test_a_refusal_says_what_happened_when_the_missing_columns_vary():
    train = _table(60, 0)
    train.loc[:2, "rare"] = 1.0  # varies: H2O would have kept it, so this oracle saw another table
    with pytest.raises(DataValidationError) as err:
        learners.check_fits(_kept_only(["a", "b", "c", "d"]), "the oracle", train, "train", hint="re-run it")
    message = str(err.value)
    assert "only in train: 'rare'" in message
    assert "H2O drops columns that are constant or all missing" in message
    assert "'rare' vary in train, so it was not trained on this table" in message
    assert message.endswith("re-run it")


def test_recorded_given_columns_are_compared_exactly():
    train = _table(60, 0)
    oracle = _kept_only(["a", "b", "c", "d"])
    h2o_utils.record_features_given(oracle, ["a", "b", "rare", "c", "d"])
    holdout = train.copy()
    holdout.loc[:2, "rare"] = 1.0  # the learner scores a holdout where the column varies: still its table
    learners.check_fits(oracle, "the lane's learner", holdout, "holdout_iid")
    h2o_utils.record_features_given(oracle, ["a", "b", "c", "d", "zzz"])
    with pytest.raises(DataValidationError, match="only in the oracle's features: 'zzz'"):
        learners.check_fits(oracle, "the oracle", train, "train")


# -- through the H2O oracle ------------------------------------------------------------------------------------
@pytest.mark.h2o
@pytest.mark.chaos("a constant and an all-missing train column through the H2O oracle")
def test_h2o_oracle_with_a_constant_and_an_all_missing_train_column_fits_its_run(h2o_cluster, tmp_path):
    from kedro.io import Version

    from synthetic_intelligence.datasets import H2OModelDataset
    from synthetic_intelligence.pipelines.model_driven import nodes as model_driven
    from synthetic_intelligence.pipelines.oracle.nodes import train_oracle
    from synthetic_intelligence.pipelines.train_evaluate import nodes as train_evaluate

    train, validation = _table(300, 1), _table(120, 2)
    train["empty"] = np.nan  # all missing in train: H2O drops it too
    validation["empty"] = np.nan
    holdout = _table(120, 3)
    holdout["empty"] = np.nan
    holdout.loc[:2, "rare"] = 1.0  # the near-constant column is non-zero in 3 rows outside train
    config = {"engine": "h2o", "algo": "gbm", "params": {"ntrees": 5, "max_depth": 3, "seed": 1}}
    model, _, report = train_oracle(train, validation, config, {"n_boot": 20})
    assert report["validation_auprc"] > 0

    # the saved oracle, loaded as the MOJO the model_driven lane scores with
    version = Version(None, "2026-01-01T00.00.00.000Z")
    H2OModelDataset(filepath=str(tmp_path / "oracle"), version=version).save(model)
    meta = json.loads(next((tmp_path / "oracle").glob("*/oracle/meta.json")).read_text())
    mojo = H2OModelDataset(filepath=str(tmp_path / "oracle"), version=Version(None, None),
                           load_args={"as": "mojo"}).load()
    assert "rare" not in list(mojo.feature_names_in_) and "empty" not in list(mojo.feature_names_in_)
    assert meta["features_given"] == ["a", "b", "rare", "c", "d", "empty"]
    for oracle in (model, mojo):
        # before the fix: "the oracle's features (4 columns) and train (6 columns) do not fit together"
        learners.check_fits(oracle, "the oracle (06_models/oracle)", train, "train (03_primary/train)",
                            hint=model_driven._RERUN)
    # candidates are scored with every given column; the MOJO reads the ones it kept
    X, _ = learners.split_xy(train)
    proba = learners.as_oracle(mojo, list(X.columns)).predict_proba(X)
    assert proba.shape == (len(X), 2) and np.isfinite(proba).all()

    # the lane's learner (the same H2O fit) scores the holdouts, where 'rare' varies
    binary = H2OModelDataset(filepath=str(tmp_path / "oracle"), version=Version(None, None)).load()
    scores = train_evaluate.score_sets(binary, validation, holdout, holdout.iloc[:0])
    assert len(scores) == len(validation) + len(holdout)
