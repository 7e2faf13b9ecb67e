"""Every learner on mixed-type tables: logistic regression through a ColumnTransformer, HistGradientBoosting
with native categorical and missing-value support, H2O with enum columns; numeric tables as before."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.schema import TARGET, WEIGHT

LOGREG = LearnerConfig(engine="sklearn", estimator="sklearn.linear_model.LogisticRegression", scale=True,
                       estimator_kwargs={"max_iter": 500})
HGB = LearnerConfig(engine="sklearn", estimator="sklearn.ensemble.HistGradientBoostingClassifier",
                    estimator_kwargs={"max_iter": 30, "random_state": 0})


def table(n=800, seed=0):
    """The minority is grade 'C' with a high amount: only a learner that reads the category finds it."""
    rng = np.random.default_rng(seed)
    grade = rng.choice(list("ABC"), n)
    amount = rng.normal(size=n)
    y = ((grade == "C") & (amount > 0.3)).astype(np.int64)
    return pd.DataFrame({
        "amount": np.where(rng.random(n) < 0.1, np.nan, amount),
        "grade é": pd.Categorical(np.where(rng.random(n) < 0.05, None, grade), categories=list("ABC")),
        "flag": rng.random(n) < 0.5,
        "maybe": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.5), dtype="boolean"),
        TARGET: y,
    })


def auprc(model, df):
    from sklearn.metrics import average_precision_score

    return average_precision_score(df[TARGET], learners.predict_minority(model, df))


@pytest.mark.parametrize("config", [LOGREG, HGB], ids=["logreg", "hgb"])
def test_sklearn_learners_take_categoricals_booleans_and_missing_values(config):
    train, hold = table(), table(seed=1)
    model, info = learners.fit_learner(train, train, config)
    assert "mixed_types" in info
    assert auprc(model, hold) > 0.8  # the category is used: without it the best is far lower
    learners.check_fits(model, "learner", hold, "holdout_iid")


def test_logreg_one_hot_encodes_inside_the_learner_and_ignores_unknown_levels():
    train = table()
    model, info = learners.fit_learner(train, train, LOGREG)
    assert isinstance(model, Pipeline) and isinstance(model.named_steps["columns"], ColumnTransformer)
    assert info["mixed_types"].startswith("one-hot")
    unseen = table(seed=2)
    unseen["grade é"] = pd.Categorical(["Z"] * len(unseen))  # a level no training row has
    p = learners.predict_minority(model, unseen)
    assert np.isfinite(p).all()


def test_hgb_uses_native_categorical_support():
    model, info = learners.fit_learner(table(), table(), HGB)
    hgb = model.named_steps["model"]
    assert hgb.is_categorical_.tolist() == [False, True, False, False]
    assert info["mixed_types"].startswith("native")


def test_class_weights_reach_the_estimator_behind_the_mixed_type_steps():
    train = table()
    weighted = train.assign(**{WEIGHT: np.where(train[TARGET] == 1, 10.0, 1.0)})
    plain, _ = learners.fit_learner(train, train, LOGREG)
    heavy, info = learners.fit_learner(weighted, train, LOGREG)
    assert info["weighted"]
    assert learners.predict_minority(heavy, train).mean() > learners.predict_minority(plain, train).mean()


def test_numeric_tables_keep_the_plain_learner():
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc")).assign(**{TARGET: rng.random(200) < 0.2})
    train[TARGET] = train[TARGET].astype(np.int64)
    model, info = learners.fit_learner(train, train, LOGREG)
    assert [name for name, _ in model.steps] == ["standardscaler", "logisticregression"]
    assert "mixed_types" not in info
    hgb, _ = learners.fit_learner(train, train, HGB)
    assert not isinstance(hgb, Pipeline)
    assert isinstance(model.steps[-1][1], LogisticRegression)


@pytest.mark.h2o
def test_h2o_learner_takes_enum_columns_and_unseen_levels(h2o_cluster):
    train = table()
    frame = h2o_utils.to_h2o(train, target=TARGET)
    assert frame.types["grade é"] == "enum" and frame.types["flag"] == "int" and frame.types["maybe"] == "int"
    assert frame["maybe"].isna().sum() == train["maybe"].isna().sum()
    h2o_utils.h2o_remove([frame])
    model, _ = learners.fit_learner(train, train, LearnerConfig(engine="h2o", algo="gbm",
                                                                params={"ntrees": 20, "seed": 1}))
    hold = table(seed=1)
    assert auprc(model, hold) > 0.8
    hold["grade é"] = pd.Categorical([None] * len(hold), categories=list("ABC"))  # every value missing
    assert np.isfinite(learners.predict_minority(model, hold)).all()
