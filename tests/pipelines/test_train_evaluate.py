"""train_evaluate: every learner of a lane in its nested namespace, the failed-lane pass-through, and collect."""

import pandas as pd
import pytest
from kedro.runner import SequentialRunner

from synthetic_intelligence.core.experiment.learners import NoModel
from synthetic_intelligence.core.experiment.resample import failed_training_set, resample
from synthetic_intelligence.lanes import input_key
from synthetic_intelligence.pipelines.baseline import create_pipeline as baseline_pipeline
from synthetic_intelligence.pipelines.learners import create_pipeline as learners_pipeline
from synthetic_intelligence.pipelines.train_evaluate import nodes, swimlane
from tests.lane_data import EVALUATION, HGB, LEARNERS, LOGREG, lane_catalog, spec

SETS = ("validation", "holdout_iid", "holdout_new_world")


def check_metrics(metrics, world, synthetic_rows=0):
    assert metrics["threshold_source"] == "validation" and "failed" not in metrics
    for holdout in ("holdout_iid", "holdout_new_world"):
        m = metrics[holdout]
        assert 0 <= m["auprc_ci_low"] <= m["auprc"] <= m["auprc_ci_high"] <= 1
        assert m["n_rows"] == len(world[holdout])
        assert {"roc_auc", "precision", "recall", "f1"} <= set(m)
    assert metrics["train"]["synthetic_rows"] == synthetic_rows
    assert metrics["fit_seconds"] > 0


def _scores(world, model):
    return nodes.score_sets(model, *(world[s] for s in SETS))


# ------------------------------------------------------------- structure --

def test_swimlane_nests_one_namespace_per_learner():
    a, b = swimlane("baseline", learner_names=["logreg", "hgb"]), swimlane("smote", learner_names=["logreg", "hgb"])
    assert a.inputs() == {"baseline.train_set", "baseline.resample_report", "baseline.versions", *SETS,
                          "learners.logreg.spec", "learners.hgb.spec", "params:evaluation"}
    assert {"smote.scores", "smote.metrics"} <= b.outputs()
    assert {"smote.logreg.model", "smote.hgb.model", "smote.hgb.fit_info", "smote.hgb.scores"} <= b.all_outputs()
    by_name = {n.name: n for n in a.nodes}
    assert by_name["baseline.logreg.fit_learner"].namespace == "baseline.logreg"
    assert by_name["baseline.logreg.fit_learner"].inputs == ["baseline.train_set", "validation", "learners.logreg.spec",
                                                             "baseline.resample_report"]
    assert by_name["baseline.collect"].outputs == ["baseline.scores", "baseline.metrics"]
    # one template: every lane and learner runs the same node functions
    def base(func):  # fit_learner is bound to its learner's name (functools.partial)
        return getattr(func, "func", func)

    assert [base(n.func) for n in a.nodes] == [base(n.func) for n in b.nodes]
    assert {base(n.func) for n in a.nodes if n.name.endswith(".fit_learner")} == {nodes.fit_learner}
    assert {n.func.keywords["learner"] for n in a.nodes if n.name.endswith(".fit_learner")} == {"logreg", "hgb"}


def test_default_learners_are_static_structure():
    from synthetic_intelligence import lanes

    names = {n.name for n in swimlane("smote").nodes}
    assert {f"smote.{learner}.fit_learner" for learner in lanes.learners()} <= names
    assert lanes.learners() == ["logreg", "hgb", "automl"]


# ----------------------------------------------------------------- nodes --

def test_score_sets_keeps_row_order_and_labels(tiny_world):
    model, _, _ = nodes.fit_learner(tiny_world["train"], tiny_world["validation"], spec(LOGREG))
    scores = _scores(tiny_world, model)
    for name in SETS:
        part = scores[scores["set"] == name]
        assert part["y_true"].tolist() == tiny_world[name]["target"].tolist()
        assert part["score"].between(0, 1).all()


def test_fit_learner_drops_provenance_and_counts_synthetic(tiny_world):
    train = tiny_world["train"].assign(is_synthetic=False)
    train.loc[train.index[:10], "is_synthetic"] = True
    model, leaderboard, info = nodes.fit_learner(train, tiny_world["validation"], spec(LOGREG))
    assert list(model.feature_names_in_) == [c for c in tiny_world["train"].columns if c != "target"]
    assert info["train"]["synthetic_rows"] == 10
    assert info["learner"] == {"engine": "sklearn", "model": "sklearn.linear_model.LogisticRegression",
                               "params": {"max_iter": 300}, "seed": None, "selection": None}
    assert isinstance(leaderboard, pd.DataFrame)


def test_scaled_learner_is_a_pipeline_that_takes_class_weights(tiny_world):
    train, _ = resample(tiny_world["train"], weights=True)
    model, _, info = nodes.fit_learner(train, tiny_world["validation"], spec({**LOGREG, "scale": True}))
    assert [name for name, _ in model.steps] == ["standardscaler", "logisticregression"]
    assert info["weighted"] and info["learner"]["model"].startswith("StandardScaler + ")


def test_unknown_engine_and_estimator_are_clear_errors(tiny_world):
    with pytest.raises(ValueError, match="engine"):
        nodes.fit_learner(tiny_world["train"], tiny_world["validation"], {"config": {"engine": "xgb"}})
    with pytest.raises(ValueError, match="cannot import estimator 'sklearn.nope.Model'"):
        nodes.fit_learner(tiny_world["train"], tiny_world["validation"],
                          {"config": {"engine": "sklearn", "estimator": "sklearn.nope.Model"}})


def test_failed_lane_passes_through_every_learner_node(tiny_world):
    """The empty training set of a failed lane: no model, no scores, metrics marked failed, and collect
    reports the lane failed with the step's reason; nothing raises."""
    empty, report = failed_training_set(tiny_world["train"], ValueError("nothing accepted"), sampler="X")
    model, leaderboard, info = nodes.fit_learner(empty, tiny_world["validation"], spec(HGB))
    assert isinstance(model, NoModel) and info["failed"] and leaderboard.empty
    scores = _scores(tiny_world, model)
    assert scores.empty and list(scores.columns) == ["set", "row", "y_true", "score"]
    metrics = nodes.evaluate(scores, info, EVALUATION)
    assert metrics["failed"] and "holdout_iid" not in metrics and metrics["learner"]["engine"] == "sklearn"
    lane_scores, lane_metrics = nodes.collect(report, {}, scores__hgb=scores, metrics__hgb=metrics)
    assert lane_scores.empty and list(lane_scores.columns) == ["learner", "set", "row", "y_true", "score"]
    assert lane_metrics["status"] == "failed"
    assert lane_metrics["failure"] == {"reason": "nothing accepted", "error": "ValueError"}
    assert lane_metrics["learners"]["hgb"]["failed"]


def test_collect_gathers_learners_and_records_provenance(tiny_world):
    from synthetic_intelligence.pipelines.smote.nodes import resample as smote_resample

    train_set, report = smote_resample(tiny_world["train"], {"name": "SMOTE", "kwargs": {"k_neighbors": 3}, "seed": 7})
    per_learner = {}
    for name, config in LEARNERS.items():
        model, _, info = nodes.fit_learner(train_set, tiny_world["validation"], spec(config))
        scores = _scores(tiny_world, model)
        per_learner[input_key("scores", name)] = scores
        per_learner[input_key("metrics", name)] = nodes.evaluate(scores, info, EVALUATION)
    versions = {"run_id": "2026-01-01T00.00.00.000Z", "versions": {"train": "v-train", "smote.train_set": "v-set"}}
    scores, metrics = nodes.collect(report, versions, **per_learner)
    assert list(scores["learner"].unique()) == ["logreg", "hgb"]
    n = sum(len(tiny_world[s]) for s in SETS)
    assert (scores.groupby("learner").size() == n).all()
    assert metrics["status"] == "ok" and metrics["failure"] is None
    prov = metrics["provenance"]
    assert prov["sampler"] == "SMOTE" and prov["sampler_seed"] == 7
    assert prov["sampler_params"]["k_neighbors"] == 3 and prov["sampler_params"]["random_state"] == 7
    assert prov["synthetic_share"] == pytest.approx(report["synthetic_share"]) and report["synthetic_share"] > 0
    assert prov["run_id"] == versions["run_id"] and prov["versions"] == versions["versions"]
    for name in LEARNERS:
        check_metrics(metrics["learners"][name], tiny_world, synthetic_rows=report["n_synthetic"])
        assert metrics["learners"][name]["evaluation_seed"] == EVALUATION["seed"]


# ------------------------------------------------------------ sliced run --

def test_learners_and_baseline_lanes_on_a_memory_catalog(tiny_world):
    lanes = ["baseline", "class_weighted"]
    catalog = lane_catalog(tiny_world, lanes)
    outputs = SequentialRunner().run(learners_pipeline(list(LEARNERS)) + baseline_pipeline(list(LEARNERS)), catalog)
    for lane in lanes:
        metrics = outputs[f"{lane}.metrics"].load()
        assert metrics["status"] == "ok" and list(metrics["learners"]) == list(LEARNERS)
        for name in LEARNERS:
            check_metrics(metrics["learners"][name], tiny_world)
            assert metrics["learners"][name]["holdout_iid"]["auprc"] > 2 * metrics["learners"][name]["holdout_iid"][
                "prevalence"]  # learned something
        assert metrics["provenance"]["sampler"] == ("none" if lane == "baseline" else "class_weights")
        scores = outputs[f"{lane}.scores"].load()
        assert set(scores["learner"]) == set(LEARNERS)
    # the same learner differs between lanes only by the training set (class weights change logreg's scores)
    a = outputs["baseline.metrics"].load()["learners"]["logreg"]["holdout_iid"]["auprc"]
    b = outputs["class_weighted.metrics"].load()["learners"]["logreg"]["holdout_iid"]["auprc"]
    assert a != b
    hgb = outputs["baseline.metrics"].load()["learners"]["hgb"]["learner"]
    assert hgb["engine"] == "sklearn" and hgb["selection"] is None and hgb["seed"] == 0  # from learners.hgb.spec


@pytest.mark.h2o
def test_real_lanes_with_the_automl_leader_and_per_lane_automl(h2o_cluster, tiny_world):
    """h2o_leader: chosen once (learners pipeline), refitted in each lane as a fixed H2O estimator;
    h2o_automl: AutoML inside the lane with its leaderboard.  The class-weighted lane passes its weights
    as H2O's weights_column, which is no feature when the holdouts are scored."""
    automl = {"max_models": 2, "nfolds": 0, "seed": 1, "exclude_algos": ["DeepLearning", "XGBoost"]}
    learners = {"leader": {"engine": "h2o_leader", **automl}, "automl": {"engine": "h2o_automl", **automl}}
    lanes = ["baseline", "class_weighted"]
    catalog = lane_catalog(tiny_world, lanes, learners)
    outputs = SequentialRunner().run(learners_pipeline(list(learners)) + baseline_pipeline(list(learners)), catalog)
    for lane in lanes:
        metrics = outputs[f"{lane}.metrics"].load()["learners"]
        leader = metrics["leader"]["learner"]
        assert leader["engine"] == "h2o" and leader["model"] in {"gbm", "glm", "drf"}
        assert "StackedEnsemble" in leader["selection"]["excluded_algos"]
        for name in learners:
            check_metrics(metrics[name], tiny_world)
        assert metrics["leader"]["engine"] == "h2o" and leader["selection"]["algo"] == leader["model"]
        leaderboard = outputs[f"{lane}.automl.leaderboard"].load()
        assert len(leaderboard) >= 1 and "aucpr" in leaderboard.columns
        assert not leaderboard["model_id"].str.contains("DeepLearning").any()
    # the same leader (algorithm and parameters) in both lanes
    specs = [outputs[f"{lane}.metrics"].load()["learners"]["leader"]["learner"] for lane in lanes]
    assert specs[0]["params"] == specs[1]["params"] and specs[0]["selection"] == specs[1]["selection"]
