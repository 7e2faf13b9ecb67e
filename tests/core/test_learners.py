import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core import h2o_utils, learners
from synthetic_intelligence.sampling import OracleRejectionSampler


def test_import_estimator_errors_are_clear():
    with pytest.raises(ValueError, match="import path"):
        learners.import_estimator("LogisticRegression")
    with pytest.raises(TypeError, match="no predict_proba"):
        learners.import_estimator("sklearn.linear_model.LinearRegression")
    assert learners.import_estimator("sklearn.linear_model.LogisticRegression", {"C": 0.5}).C == 0.5


def test_learner_config_rejects_unknown_keys_and_engines():
    with pytest.raises(ValueError, match="max_modles"):
        learners.LearnerConfig(max_modles=3)
    with pytest.raises(ValueError, match="max_models"):
        learners.LearnerConfig(max_models=0)
    with pytest.raises(ValueError, match="engine"):
        learners.LearnerConfig(engine="spark")
    with pytest.raises(ValueError, match="max_models"):
        learners.LearnerConfig(max_models="abc")


def test_sklearn_learner_uses_the_weight_column():
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=400), "target": (rng.random(400) < 0.1).astype(int)})
    cfg = learners.LearnerConfig(engine="sklearn", estimator="sklearn.linear_model.LogisticRegression")
    plain, info = learners.fit_learner(df, df, cfg)
    weighted, winfo = learners.fit_learner(df.assign(sample_weight=np.where(df["target"] == 1, 9.0, 1.0)), df, cfg)
    assert not info["weighted"] and winfo["weighted"]
    X = df[["a"]]
    # up-weighting the minority raises every P(minority)
    assert (learners.predict_minority(weighted, X) > learners.predict_minority(plain, X)).all()
    with pytest.raises(ValueError, match="sample_weight"):
        learners.fit_learner(df.assign(sample_weight=1.0), df, learners.LearnerConfig(
            engine="sklearn", estimator="sklearn.neighbors.KNeighborsClassifier"))


def test_free_port_pair_is_bindable():
    import socket

    port = h2o_utils.free_port()
    for p in (port, port + 1):
        with socket.socket() as s:
            s.bind(("127.0.0.1", p))


@pytest.mark.h2o
def test_h2o_model_gates_the_sampler_through_the_adapter(h2o_cluster, tiny_world):
    from h2o.estimators import H2OGradientBoostingEstimator

    train = tiny_world["train"]
    frame = h2o_utils.to_h2o(train, target="target")
    assert frame.nrows == len(train) and frame["target"].isfactor()[0]
    model = H2OGradientBoostingEstimator(ntrees=20, seed=1)
    model.train(x=[c for c in train.columns if c != "target"], y="target", training_frame=frame)

    X, y = learners.split_xy(train)
    oracle = learners.as_oracle(model, list(X.columns))
    sampler = OracleRejectionSampler(oracle=oracle, gate="probability", threshold=0.6, sampling_strategy=0.3,
                                     batch_size=4096, random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.oracle_ is oracle  # a fitted adapter is used as is, never refitted
    synthetic = X_res.iloc[len(X):]
    assert len(synthetic) == int(0.3 * (y == 0).sum()) - int(y.sum())
    p = learners.predict_minority(model, synthetic)
    assert (p >= 0.6 - 1e-6).all()
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X.columns)
    np.testing.assert_array_equal(np.asarray(y_res)[len(X):], 1)
