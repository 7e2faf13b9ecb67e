import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synthetic_intelligence.pipelines.baseline import create_pipeline as baseline_pipeline
from synthetic_intelligence.pipelines.train_evaluate import nodes, swimlane

SKLEARN = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
           "estimator_kwargs": {"max_iter": 500}}
H2O = {"engine": "h2o_automl", "max_models": 1, "nfolds": 0, "seed": 1,
       "exclude_algos": ["DeepLearning", "StackedEnsemble", "XGBoost"]}
EVALUATION = {"n_boot": 100, "alpha": 0.05, "seed": 0}


def run_baseline(world, learner):
    catalog = DataCatalog({name: MemoryDataset(world[name]) for name in
                           ("train", "validation", "holdout_iid", "holdout_new_world")})
    catalog["params:learner"] = MemoryDataset(learner)
    catalog["params:evaluation"] = MemoryDataset(EVALUATION)
    for lane in ("baseline", "class_weighted"):  # H2O models cannot be deep-copied
        catalog[f"{lane}.learner"] = MemoryDataset(copy_mode="assign")
    outputs = SequentialRunner().run(baseline_pipeline(), catalog)
    return catalog, outputs


def check_metrics(metrics, world):
    assert metrics["threshold_source"] == "validation"
    for holdout in ("holdout_iid", "holdout_new_world"):
        m = metrics[holdout]
        assert 0 <= m["auprc_ci_low"] <= m["auprc"] <= m["auprc_ci_high"] <= 1
        assert m["n_rows"] == len(world[holdout])
        assert {"roc_auc", "precision", "recall", "f1"} <= set(m)
    assert metrics["train"]["rows"] == len(world["train"]) and metrics["train"]["synthetic_rows"] == 0
    assert metrics["fit_seconds"] > 0


def test_swimlane_is_one_template_under_a_namespace():
    a, b = swimlane("baseline"), swimlane("smote")
    assert a.inputs() == {"baseline.train_set", "validation", "holdout_iid", "holdout_new_world",
                          "params:learner", "params:evaluation"}
    assert "smote.metrics" in b.outputs() and "smote.learner" in b.all_outputs()
    assert [n.func for n in a.nodes] == [n.func for n in b.nodes]


def test_baseline_sliced_pipeline_with_sklearn_learner(tiny_world):
    catalog, outputs = run_baseline(tiny_world, SKLEARN)
    metrics = outputs["baseline.metrics"].load()
    check_metrics(metrics, tiny_world)
    assert metrics["holdout_iid"]["auprc"] > 2 * metrics["holdout_iid"]["prevalence"]  # learned something


def test_score_sets_keeps_row_order_and_labels(tiny_world):
    model, _, _ = nodes.fit_learner(tiny_world["train"], tiny_world["validation"], SKLEARN)
    scores = nodes.score_sets(model, tiny_world["validation"], tiny_world["holdout_iid"], tiny_world["holdout_new_world"])
    for name in ("validation", "holdout_iid", "holdout_new_world"):
        part = scores[scores["set"] == name]
        assert part["y_true"].tolist() == tiny_world[name]["target"].tolist()
        assert part["score"].between(0, 1).all()


def test_fit_learner_drops_provenance_and_counts_synthetic(tiny_world):
    train = tiny_world["train"].assign(is_synthetic=False)
    train.loc[train.index[:10], "is_synthetic"] = True
    model, leaderboard, info = nodes.fit_learner(train, tiny_world["validation"], SKLEARN)
    assert list(model.feature_names_in_) == [c for c in tiny_world["train"].columns if c != "target"]
    assert info["train"]["synthetic_rows"] == 10
    assert isinstance(leaderboard, pd.DataFrame)


def test_unknown_engine_and_estimator_are_clear_errors(tiny_world):
    with pytest.raises(ValueError, match="engine"):
        nodes.fit_learner(tiny_world["train"], tiny_world["validation"], {"engine": "xgb"})
    with pytest.raises(ValueError, match="cannot import estimator 'sklearn.nope.Model'"):
        nodes.fit_learner(tiny_world["train"], tiny_world["validation"],
                          {"engine": "sklearn", "estimator": "sklearn.nope.Model"})


@pytest.mark.h2o
def test_baseline_sliced_pipeline_with_h2o_automl(h2o_cluster, tiny_world):
    catalog, outputs = run_baseline(tiny_world, H2O)
    check_metrics(outputs["baseline.metrics"].load(), tiny_world)
    weighted = outputs["class_weighted.metrics"].load()
    check_metrics(weighted, tiny_world)  # H2O's weights_column: the weights are no feature when scoring
    leaderboard = outputs["baseline.leaderboard"].load()
    assert len(leaderboard) >= 1 and "aucpr" in leaderboard.columns
    assert not leaderboard["model_id"].str.contains("DeepLearning").any()
