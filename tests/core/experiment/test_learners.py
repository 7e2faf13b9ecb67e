import json

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment import learners
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


@pytest.mark.parametrize(("config", "named"), [
    ({"engine": "h2o"}, "needs algo"),
    ({"engine": "h2o", "algo": "gbmx"}, "gbmx"),
    ({"engine": "h2o", "algo": "gbm", "params": {"ntreez": 5}}, "ntreez"),
    ({"engine": "sklearn", "algo": "gbm"}, "apply to engine h2o only"),
    ({"engine": "h2o_automl", "scale": True}, "scale applies to engine sklearn only"),
    ({"engine": "sklearn", "estimator": "sklearn.nope.Model"}, "cannot import estimator 'sklearn.nope.Model'"),
])
def test_learner_config_names_what_does_not_fit_the_engine(config, named):
    with pytest.raises(ValueError, match=named):
        learners.LearnerConfig.model_validate(config)


def test_leader_selection_never_picks_a_stacked_ensemble():
    config = learners.LearnerConfig(engine="h2o_leader", exclude_algos=["DeepLearning"])
    assert config.exclude_algos == ["DeepLearning", "StackedEnsemble"]
    assert learners.LearnerConfig(engine="h2o_automl").exclude_algos == ["DeepLearning"]  # per lane: as written


def test_describe_names_engine_model_params_and_seed():
    sk = learners.LearnerConfig(engine="sklearn", estimator="sklearn.ensemble.HistGradientBoostingClassifier",
                                estimator_kwargs={"max_iter": 10, "random_state": 3}, scale=True)
    assert learners.describe(sk) == {"engine": "sklearn", "params": {"max_iter": 10, "random_state": 3}, "seed": 3,
                                     "model": "StandardScaler + sklearn.ensemble.HistGradientBoostingClassifier"}
    h2o = learners.LearnerConfig(engine="h2o", algo="gbm", params={"ntrees": 5, "seed": 9})
    assert learners.describe(h2o) == {"engine": "h2o", "model": "gbm", "params": {"ntrees": 5, "seed": 9}, "seed": 9}
    assert learners.describe(learners.LearnerConfig(max_models=2, seed=4))["seed"] == 4


def test_configured_learners_resolve_to_themselves_and_a_leader_is_not_fitted_directly(tiny_world):
    config = learners.LearnerConfig(engine="sklearn", estimator="sklearn.linear_model.LogisticRegression")
    assert learners.resolve(config, tiny_world["train"], tiny_world["validation"]) == (config, {"selected": False})
    with pytest.raises(ConfigurationError, match="h2o_leader is chosen once by the learners pipeline"):
        learners.fit_learner(tiny_world["train"], tiny_world["validation"], {"engine": "h2o_leader"})


def test_no_model_scores_nothing():
    with pytest.raises(ValueError, match="no model to score with"):
        learners.predict_minority(learners.NoModel(), pd.DataFrame({"a": [1.0]}))


@pytest.mark.h2o
def test_leader_parameters_refit_every_automl_model_to_the_same_predictions(h2o_cluster, tiny_world):
    """For each model AutoML trains (XGBoost, GLM, GBM, DRF, ...), an ``h2o`` learner with ``leader_params``
    fitted on the same frame predicts the same (trees exactly; GLM to 1e-3); ``resolve`` picks the leader."""
    import h2o

    train, validation = tiny_world["train"], tiny_world["validation"]
    config = learners.LearnerConfig(engine="h2o_leader", max_models=4, seed=1)
    resolved, info = learners.resolve(config, train, validation)
    assert info["selected"] and resolved.engine == "h2o" and resolved.algo == info["algo"]
    assert "StackedEnsemble" in info["excluded_algos"] and not info["leaderboard"]["model_id"].str.contains(
        "StackedEnsemble").any()
    assert info["leaderboard"]["model_id"].iloc[0] == info["leader"]
    X = validation.drop(columns="target")
    algos = set()
    for model_id in info["leaderboard"]["model_id"]:
        model = h2o.get_model(model_id)
        params = learners.leader_params(model)
        assert not {"training_frame", "model_id", "response_column", "nfolds"} & set(params)
        refit, _ = learners.fit_learner(train, validation, learners.LearnerConfig(engine="h2o", algo=model.algo,
                                                                                   params=params))
        tolerance = 1e-3 if model.algo == "glm" else 1e-9
        np.testing.assert_allclose(learners.predict_minority(refit, X), learners.predict_minority(model, X),
                                   atol=tolerance, err_msg=model_id)
        algos.add(model.algo)
    assert len(algos) >= 2  # more than one algorithm was checked


@pytest.mark.h2o
def test_a_leader_searched_with_the_oracle_is_the_oracles_best_refittable_model(h2o_cluster, tiny_world):
    """``search: oracle``: no second AutoML; the leader is the oracle AutoML's best model that is not a
    StackedEnsemble, refitted from its parameters, ranked on the same validation."""
    import h2o

    train, validation = tiny_world["train"], tiny_world["validation"]
    oracle, info = learners.fit_learner(train, validation, learners.LearnerConfig(engine="h2o_automl", max_models=2,
                                                                                 seed=2))
    board = info["leaderboard"]
    assert board["model_id"].str.contains("StackedEnsemble").any()  # the oracle's search keeps its ensembles
    found = info["refit_leader"]
    ids = board["model_id"].tolist()
    first_single = next(i for i in ids if h2o.get_model(i).algo != "stackedensemble")
    assert found["leader"] == first_single and found["rank"] == ids.index(first_single) + 1
    report = json.loads(json.dumps({**info, "leaderboard": None}, default=str))  # as the oracle's report stores it
    resolved, selection = learners.resolve(learners.LearnerConfig(engine="h2o_leader", search="oracle"), train,
                                           validation, oracle_search={**report, "leaderboard": board})
    assert (resolved.engine, resolved.algo) == ("h2o", found["algo"]) and resolved.params == found["params"]
    assert selection["leader"] == first_single and selection["search"] == "oracle"
    assert "one search, shared" in selection["selected_on"] and selection["leaderboard"].equals(board)
    refit, _ = learners.fit_learner(train, validation, resolved)
    X = validation.drop(columns="target")
    np.testing.assert_allclose(learners.predict_minority(refit, X),
                               learners.predict_minority(h2o.get_model(first_single), X), atol=1e-3)


def test_a_leader_searched_with_the_oracle_needs_an_automl_oracle(tiny_world):
    leader = {"engine": "h2o_leader", "search": "oracle"}
    sklearn_oracle = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression"}
    with pytest.raises(ConfigurationError, match="learners.automl: search: oracle .* oracle.engine is sklearn"):
        learners.check_search("automl", leader, sklearn_oracle)
    learners.check_search("automl", leader, {"engine": "h2o_automl"})  # fine
    learners.check_search("automl", {**leader, "search": "own"}, sklearn_oracle)  # its own AutoML: fine
    with pytest.raises(ConfigurationError, match="the oracle's engine is sklearn, not h2o_automl"):
        learners.resolve(learners.LearnerConfig(**leader), tiny_world["train"], tiny_world["validation"],
                         oracle_search={"engine": "sklearn"})
    with pytest.raises(ValueError, match="search applies to engine h2o_leader only"):
        learners.LearnerConfig(engine="h2o_automl", search="oracle")
