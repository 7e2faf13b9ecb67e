"""smote pipeline: node unit tests, pipeline structure, and a sliced run on an in-memory catalog."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner

from synthetic_intelligence import lanes
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.schema import PROVENANCE
from synthetic_intelligence.core.worlds import TARGET, WorldSpec, make_world
from synthetic_intelligence.pipelines.smote import create_pipeline
from synthetic_intelligence.pipelines.smote.nodes import resample
from synthetic_intelligence.pipelines.smote.pipeline import lane_pipeline
from synthetic_intelligence.pipelines.train_evaluate import nodes as te_nodes
from tests.lane_data import lane_catalog

CONF = Path(__file__).resolve().parents[2] / "conf"
SKLEARN_LEARNER = {
    "engine": "sklearn",
    "estimator": "sklearn.linear_model.LogisticRegression",
    "estimator_kwargs": {"max_iter": 200},
}
EVALUATION = {"n_boot": 50, "alpha": 0.05, "seed": 0}
SMOTE_LANE = {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0}
BORDERLINE_LANE = {"name": "BorderlineSMOTE", "kwargs": {"k_neighbors": 5, "m_neighbors": 10}, "seed": 0}


@pytest.fixture(scope="module")
def splits():
    world, new_world = make_world(WorldSpec(
        n_samples=1500, n_new_world=400, n_features=8, n_informative=5, n_redundant=1,
        n_clusters_per_class=1, minority_share=0.1, seed=3,
    ))
    train, validation, holdout_iid = isolation.split_training_world(
        world, holdout_share=0.2, validation_share=0.2, seed=1)
    return {"train": train, "validation": validation, "holdout_iid": holdout_iid,
            "holdout_new_world": new_world}


# ------------------------------------------------------------------ nodes --

def test_resample_adds_provenance_and_reports(splits):
    train = splits["train"]
    before = train.copy()
    out, report = resample(train, SMOTE_LANE)
    pd.testing.assert_frame_equal(train, before)  # input not mutated
    assert out[PROVENANCE].dtype == bool
    assert list(out.columns) == [*train.columns, PROVENANCE]
    real = out[~out[PROVENANCE]].drop(columns=PROVENANCE)
    pd.testing.assert_frame_equal(real.reset_index(drop=True), train.reset_index(drop=True))
    n_min, n_maj = int(train[TARGET].sum()), int((train[TARGET] == 0).sum())
    assert report["n_synthetic"] == int(out[PROVENANCE].sum()) == n_maj - n_min
    assert out.loc[out[PROVENANCE], TARGET].eq(1).all()  # SMOTE makes minority rows only
    assert report["rows_in"] == len(train) and report["rows_out"] == len(out) == 2 * n_maj
    assert report["minority_share_out"] == pytest.approx(0.5)
    assert report["minority_share_in"] == pytest.approx(n_min / len(train))
    assert {"sampler", "kwargs", "params", "seed", "seconds", "n_removed"} <= set(report)
    assert report["sampler"] == "SMOTE" and report["kwargs"] == {"k_neighbors": 5}
    assert report["params"]["k_neighbors"] == 5 and report["params"]["random_state"] == 0
    assert report["seconds"] >= 0


def test_resample_is_reproducible_per_seed(splits):
    a, _ = resample(splits["train"], SMOTE_LANE)
    b, _ = resample(splits["train"], SMOTE_LANE)
    c, _ = resample(splits["train"], {**SMOTE_LANE, "seed": 1})
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_resample_other_sampler(splits):
    out, report = resample(splits["train"], BORDERLINE_LANE)
    assert report["sampler"] == "BorderlineSMOTE"
    assert report["n_synthetic"] == int(out[PROVENANCE].sum()) > 0


def test_unknown_sampler_lists_valid_names(splits):
    with pytest.raises(ValueError, match=r"unknown sampler 'SMOTTE'.*valid names: SMOTE, BorderlineSMOTE"):
        resample(splits["train"], {"name": "SMOTTE", "kwargs": {}})


def test_unknown_argument_lists_valid_ones(splits):
    with pytest.raises(ValueError, match=r"k_neighbours.*valid keywords: .*k_neighbors"):
        resample(splits["train"], {"name": "SMOTE", "kwargs": {"k_neighbours": 3}})


@pytest.mark.parametrize(("lane", "named"), [({"kwargs": {}}, "name"), ({"name": "SMOTE", "kwarg": {}}, "kwarg")])
def test_bad_lane_definition_names_the_key(splits, lane, named):
    with pytest.raises(ValueError, match=named):
        resample(splits["train"], lane)


# ------------------------------------------------------- pipeline object --

def test_one_instance_per_lane_sharing_train_evaluate():
    pipe = lane_pipeline("smote", ["logreg"]) + lane_pipeline("smote_borderline", ["logreg"])
    names = {n.name for n in pipe.nodes}
    steps = ("training_set", "logreg.fit_learner", "logreg.score_sets", "logreg.evaluate", "collect")
    assert names == {f"{lane}.{s}" for lane in ("smote", "smote_borderline") for s in steps}
    for n in pipe.nodes:
        assert n.namespace == n.name.rsplit(".", 1)[0]
        assert "smote" in n.tags
    by_name = {n.name: n for n in pipe.nodes}
    # every lane runs the same function objects: no per-lane copy of train_evaluate
    for step, func in (("logreg.fit_learner", te_nodes.fit_learner), ("logreg.score_sets", te_nodes.score_sets),
                       ("logreg.evaluate", te_nodes.evaluate), ("collect", te_nodes.collect),
                       ("training_set", resample)):
        for lane in ("smote", "smote_borderline"):  # fit_learner: bound to its learner's name (functools.partial)
            assert getattr(by_name[f"{lane}.{step}"].func, "func", by_name[f"{lane}.{step}"].func) is func
    # the lane's own settings live under its namespace
    assert by_name["smote_borderline.training_set"].inputs == ["train", "params:smote_borderline.sampler"]
    assert set(by_name["smote_borderline.training_set"].outputs) == {
        "smote_borderline.train_set", "smote_borderline.resample_report"}
    assert pipe.inputs() == {"train", "validation", "holdout_iid", "holdout_new_world", "learners.logreg.spec",
                             "params:evaluation", "params:smote.sampler", "params:smote_borderline.sampler",
                             "smote.versions", "smote_borderline.versions"}


def test_lanes_are_static_structure_the_same_in_every_environment():
    assert lanes.SMOTE_LANES == ("smote",)
    steps = ["training_set", "collect", *(f"{lr}.{s}" for lr in lanes.learners()
                                          for s in ("fit_learner", "score_sets", "evaluate"))]
    assert {n.name for n in create_pipeline().nodes} == {f"{lane}.{s}" for lane in lanes.SMOTE_LANES for s in steps}
    base = yaml.safe_load((CONF / "base" / "parameters_smote.yml").read_text())
    assert set(lanes.SMOTE_LANES) <= set(base)
    assert base["smote"]["sampler"] == {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0}


# ----------------------------------------------------------- sliced run --

def _catalog(splits, lane_def) -> DataCatalog:
    return lane_catalog(splits, ["smote"], {"logreg": SKLEARN_LEARNER}, specs=True,
                        **{"params:smote.sampler": lane_def})


def test_sliced_smote_pipeline_runs_on_memory_catalog(splits):
    pipe = create_pipeline(["logreg"])
    catalog = _catalog(splits, SMOTE_LANE)
    outputs = SequentialRunner().run(pipe, catalog)
    lane = outputs["smote.metrics"].load()
    assert lane["status"] == "ok" and lane["provenance"]["sampler"] == "SMOTE"
    metrics = lane["learners"]["logreg"]
    assert metrics["threshold_source"] == "validation"
    assert metrics["engine"] == "sklearn"
    train = metrics["train"]
    assert train["synthetic_rows"] == lane["provenance"]["n_synthetic"] > 0
    assert train["rows"] == lane["provenance"]["rows_out"]
    assert train["minority_share"] == pytest.approx(0.5)
    for h in ("holdout_iid", "holdout_new_world"):
        m = metrics[h]
        assert 0 <= m["auprc_ci_low"] <= m["auprc"] <= m["auprc_ci_high"] <= 1
        assert m["auprc_ci_low"] < m["auprc_ci_high"]
        assert m["n_rows"] == len(splits[h])
        assert m["auprc"] > m["prevalence"]  # the learner learned something


def test_a_sampler_that_cannot_resample_this_data_fails_the_lane_not_the_run(splits, caplog):
    """Too few minority rows for k_neighbors: the lane ends with status failed and its reason, nothing raises."""
    import logging

    with caplog.at_level(logging.WARNING):
        outputs = SequentialRunner().run(create_pipeline(["logreg"]), _catalog(splits, {**SMOTE_LANE, "kwargs": {
            "k_neighbors": 1000}}))
    lane = outputs["smote.metrics"].load()
    assert lane["status"] == "failed" and "k_neighbors is 1000" in lane["failure"]["reason"]
    assert lane["failure"]["error"] == "TrainingSetError" and lane["learners"]["logreg"]["failed"]
    assert outputs["smote.scores"].load().empty
    assert any(r.levelno == logging.WARNING and "the lane is reported as failed" in r.getMessage()
               for r in caplog.records)


def test_imblearn_data_errors_fail_the_lane_parameter_errors_the_run(splits):
    # KMeansSMOTE finds no cluster with enough minority rows on this data: a data error, the lane fails
    empty, report = resample(splits["train"], {"name": "KMeansSMOTE", "kwargs": {
        "cluster_balance_threshold": 0.99, "k_neighbors": 2}, "seed": 0})
    assert report["failed"] and empty.empty and list(empty.columns) == [*splits["train"].columns, PROVENANCE]
    assert report["error"] == "TrainingSetError" and "KMeansSMOTE cannot resample" in report["reason"]
    # a bad parameter is not a lane failure: it stops the run
    with pytest.raises(ValueError, match="k_neighbours"):
        resample(splits["train"], {"name": "SMOTE", "kwargs": {"k_neighbours": 3}})


def test_sliced_run_surfaces_the_sampler_error(splits):
    bad = {"name": "SMOTEY", "kwargs": {}}
    pipe = create_pipeline(["logreg"]).only_nodes("smote.training_set")
    with pytest.raises(ValueError, match=r"unknown sampler 'SMOTEY'; valid names: SMOTE, BorderlineSMOTE"):
        SequentialRunner().run(pipe, _catalog(splits, bad))
