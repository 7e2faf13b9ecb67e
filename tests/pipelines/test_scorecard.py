"""scorecard pipeline nodes (build_scorecard, drift_sweep) with two sklearn learners on tiny data (a failed lane
included), and a sliced run."""

from __future__ import annotations

import copy
import logging
import math

import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import learners, metrics
from synthetic_intelligence.core.experiment.resample import resample as resample_train
from synthetic_intelligence.core.experiment.scorecard import PR_CURVE_COLUMNS
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.schema import H2O_TAG, TARGET
from synthetic_intelligence.core.worlds import WorldSpec, apply_drift, make_world
from synthetic_intelligence.lanes import input_key
from synthetic_intelligence.pipelines.scorecard import nodes as sc
from synthetic_intelligence.pipelines.scorecard.pipeline import create_pipeline, drift_sweep_inputs, scorecard_inputs
from synthetic_intelligence.pipelines.smote.nodes import resample
from synthetic_intelligence.pipelines.train_evaluate import nodes as te
from tests.golden_numbers import assert_unchanged
from tests.lane_data import HGB, spec

LANES = ["baseline", "smote", "model_driven"]
SKLEARN_LEARNER = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
                   "estimator_kwargs": {"max_iter": 300}}  # the learner the recorded numbers come from
LEARNERS = {"logreg": SKLEARN_LEARNER, "hgb": HGB}
EVALUATION = {"n_boot": 50, "alpha": 0.05, "seed": 0}
SCORECARD = {"references": ["baseline", "smote"], "n_boot": 50, "alpha": 0.05, "seed": 0}
SEVERITIES = [0.0, 0.25, 0.5, 0.75, 1.0]
SWEEP = {"severities": SEVERITIES, "n_boot": 50, "alpha": 0.05, "seed": 0}
DRIFT = {"severity": 0.5, "shift_scale": 2.0, "relabel_share": 0.3, "seed": 11}
SYNTHETIC_SOURCE = {"kind": "synthetic"}
VERSIONS = {"run_id": "run-1", "versions": {"train": "v-train", "holdout_iid": "v-iid", "smote.train_set": "v-set",
                                            "smote.hgb.model": "v-model"}}


@pytest.fixture(scope="module")
def world():
    training_world, new_world_base = make_world(WorldSpec(
        n_samples=1500, n_new_world=600, n_features=8, n_informative=5, n_redundant=1,
        n_clusters_per_class=1, minority_share=0.1, seed=5,
    ))
    train, validation, holdout_iid = isolation.split_training_world(
        training_world, holdout_share=0.2, validation_share=0.2, seed=1)
    holdout_new_world = apply_drift(new_world_base, DRIFT["severity"], shift_scale=DRIFT["shift_scale"],
                                    relabel_share=DRIFT["relabel_share"], seed=DRIFT["seed"])
    return {"train": train, "validation": validation, "holdout_iid": holdout_iid,
            "holdout_new_world": holdout_new_world, "new_world_base": new_world_base}


def _lane(world, train_set, report) -> dict:
    """A lane through the real train_evaluate nodes: every learner fitted, scored, evaluated, then collected."""
    models, per_learner = {}, {}
    for name, config in LEARNERS.items():
        model, _, info = te.fit_learner(train_set, world["validation"], spec(config))
        scores = te.score_sets(model, world["validation"], world["holdout_iid"], world["holdout_new_world"])
        models[name] = model
        per_learner[input_key("scores", name)] = scores
        per_learner[input_key("metrics", name)] = te.evaluate(scores, info, EVALUATION)
    scores, lane_metrics = te.collect(report, VERSIONS, **per_learner)
    return {"models": models, "scores": scores, "metrics": lane_metrics}


@pytest.fixture(scope="module")
def lanes_out(world):
    """Three lanes through the real train_evaluate nodes (two sklearn learners).

    model_driven stands in with random oversampling; its report has only the
    keys the generation pipeline writes (seconds, n_synthetic).
    """
    train = world["train"]
    smote_set, smote_report = resample(train, {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0})
    md_set, md_full = resample(train, {"name": "RandomOverSampler", "kwargs": {}, "seed": 0})
    train_sets = {"baseline": train.assign(is_synthetic=False), "smote": smote_set, "model_driven": md_set}
    reports = {"baseline": resample_train(train)[1], "smote": smote_report,
               "model_driven": {"seconds": 1.25, "n_synthetic": md_full["n_synthetic"]}}
    return {lane: _lane(world, train_sets[lane], reports[lane]) for lane in LANES}


@pytest.fixture(scope="module")
def with_failed_lane(world, lanes_out):
    """The three lanes plus ``smote_big``, whose SMOTE asks for more neighbours than train has minority rows."""
    empty, report = resample(world["train"], {"name": "SMOTE", "kwargs": {"k_neighbors": 500}, "seed": 0})
    assert report["failed"] and empty.empty
    return {**lanes_out, "smote_big": _lane(world, empty, report)}


def _scorecard_kwargs(lanes_out) -> dict:
    data = {"params:qa.scorecard": SCORECARD}
    for lane, d in lanes_out.items():
        for kind in ("scores", "metrics"):
            data[f"{lane}.{kind}"] = d[kind]
    return {arg: data[name] for arg, name in scorecard_inputs(list(lanes_out)).items()}


# ----------------------------------------------------------- scorecard --

def test_build_scorecard_one_row_per_lane_and_learner(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    before = copy.deepcopy({k: v for k, v in kwargs.items() if k.startswith("metrics__")})
    card, points = sc.build_scorecard(**kwargs)
    assert list(zip(card["learner"], card["lane"])) == [(lr, lane) for lr in LEARNERS for lane in LANES]
    assert (card["status"] == "ok").all() and card["failure_reason"].isna().all()
    for (lane, learner), row in card.set_index(["lane", "learner"]).iterrows():
        m = lanes_out[lane]["metrics"]["learners"][learner]
        for h in ("holdout_iid", "holdout_new_world"):
            assert row[f"{h}_auprc"] == pytest.approx(m[h]["auprc"])
            assert row[f"{h}_auprc_ci_low"] <= row[f"{h}_auprc"] <= row[f"{h}_auprc_ci_high"]
        assert row["train_rows"] == m["train"]["rows"]
    rs = card[card["learner"] == "logreg"].set_index("lane")["resample_seconds"]
    assert rs["baseline"] == pytest.approx(0.0, abs=0.05)
    assert rs["smote"] == pytest.approx(lanes_out["smote"]["metrics"]["provenance"]["seconds"])
    assert rs["model_driven"] == pytest.approx(1.25)
    # references: comparisons vs baseline and smote, none vs model_driven
    assert "holdout_iid_diff_vs_baseline" in card and "holdout_iid_diff_vs_smote" in card
    assert not any("vs_model_driven" in c for c in card.columns)
    assert card["threshold_source"].tolist() == ["validation"] * 6
    assert list(points.columns) == PR_CURVE_COLUMNS
    assert points.groupby(["lane", "learner", "holdout"], sort=False).ngroups == 3 * 2 * 2
    for (lane, learner, h), curve in points.groupby(["lane", "learner", "holdout"]):
        assert curve["auprc"].iloc[0] == pytest.approx(lanes_out[lane]["metrics"]["learners"][learner][h]["auprc"])
    after = {k: v for k, v in kwargs.items() if k.startswith("metrics__")}
    assert after == before  # inputs not mutated


def test_differences_are_paired_within_a_learner(world, lanes_out):
    """smote's Δ vs baseline for hgb compares hgb on smote with hgb on baseline, never another learner."""
    card, _ = sc.build_scorecard(**_scorecard_kwargs(lanes_out))
    row = card[(card["lane"] == "smote") & (card["learner"] == "hgb")].iloc[0]
    auprc = {lane: lanes_out[lane]["metrics"]["learners"]["hgb"]["holdout_iid"]["auprc"] for lane in LANES}
    assert row["holdout_iid_diff_vs_baseline"] == pytest.approx(auprc["smote"] - auprc["baseline"])
    assert row["holdout_iid_vs_baseline"] in {"better", "worse", "no clear difference"}


def test_scorecard_rows_carry_provenance(lanes_out):
    card, _ = sc.build_scorecard(**_scorecard_kwargs(lanes_out))
    rows = card.set_index(["lane", "learner"])
    smote = rows.loc[("smote", "hgb")]
    assert smote["sampler"] == "SMOTE" and smote["sampler_seed"] == 0
    assert '"k_neighbors": 5' in smote["sampler_params"]
    assert smote["learner_engine"] == "sklearn" and smote["learner_model"] == HGB["estimator"]
    assert smote["learner_seed"] == 0 and smote["evaluation_seed"] == EVALUATION["seed"]
    assert (smote["run_id"], smote["version_train"], smote["version_holdout_iid"]) == ("run-1", "v-train", "v-iid")
    assert (smote["version_train_set"], smote["version_model"]) == ("v-set", "v-model")
    assert rows.loc[("baseline", "logreg"), "sampler"] == "none"
    assert rows.loc[("baseline", "logreg"), "synthetic_share"] == 0.0
    assert rows.loc[("smote", "logreg"), "synthetic_share"] == pytest.approx(
        lanes_out["smote"]["metrics"]["provenance"]["synthetic_share"])


def test_build_scorecard_is_order_invariant_in_scores(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    card, points = sc.build_scorecard(**kwargs)
    shuffled = dict(kwargs)
    shuffled["scores__smote"] = kwargs["scores__smote"].sample(frac=1.0, random_state=0)
    card2, points2 = sc.build_scorecard(**shuffled)
    pd.testing.assert_frame_equal(card, card2)
    pd.testing.assert_frame_equal(points, points2)


def test_scorecard_numbers_unchanged_by_the_split(lanes_out):
    """The logreg rows are the recorded single-learner scorecard (same learner, same data, same bootstrap)."""
    card, _ = sc.build_scorecard(**_scorecard_kwargs(lanes_out))
    assert_unchanged(card[card["learner"] == "logreg"], "scorecard")  # every recorded column but the timings


def test_a_failed_lane_is_listed_with_its_reason_and_the_others_complete(with_failed_lane, lanes_out, caplog):
    with caplog.at_level(logging.WARNING):
        card, points = sc.build_scorecard(**_scorecard_kwargs(with_failed_lane))
    failed = card[card["lane"] == "smote_big"]
    assert len(failed) == len(LEARNERS) and (failed["status"] == "failed").all()
    assert failed["failure_reason"].str.contains("k_neighbors is 500").all()
    assert failed["holdout_iid_auprc"].isna().all() and failed["holdout_iid_vs_baseline"].isna().all()
    assert failed["sampler"].eq("SMOTE").all()
    assert "smote_big" not in set(points["lane"])
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "smote_big" in r.getMessage()]
    assert len(warnings) == 1 and "FAILED" in warnings[0].getMessage()
    # the other lanes' rows are exactly those of a run without the failed lane
    ok, _ = sc.build_scorecard(**_scorecard_kwargs(lanes_out))
    others = card[card["lane"] != "smote_big"].reset_index(drop=True)
    assert others["failure_reason"].isna().all()
    pd.testing.assert_frame_equal(others.drop(columns="failure_reason"), ok.drop(columns="failure_reason"))


def test_a_failed_reference_gives_no_comparison(with_failed_lane):
    kwargs = _scorecard_kwargs(with_failed_lane)
    kwargs["scorecard_params"] = {**SCORECARD, "references": ["baseline", "smote_big"]}
    card, _ = sc.build_scorecard(**kwargs)
    ok = card[card["lane"] != "smote_big"]
    assert ok["holdout_iid_diff_vs_smote_big"].isna().all() and ok["holdout_iid_vs_smote_big"].isna().all()
    assert ok[ok["lane"] != "baseline"]["holdout_iid_vs_baseline"].notna().all()


def test_build_scorecard_rejects_a_lane_without_metrics(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    del kwargs["metrics__smote"]
    with pytest.raises(ValueError, match="'smote' lacks metrics"):
        sc.build_scorecard(**kwargs)


def test_build_scorecard_names_metrics_of_an_older_run(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    kwargs["metrics__smote"] = {"threshold_source": "validation", "train": {}}  # one learner, before this format
    with pytest.raises(ValueError, match="smote.metrics has no 'learners'.*re-run the lanes"):
        sc.build_scorecard(**kwargs)


# ---------------------------------------------------------- drift sweep --

def _sweep_kwargs(world, lanes_out, source=SYNTHETIC_SOURCE) -> dict:
    data = {"new_world_base": world["new_world_base"], "params:qa.drift_sweep": SWEEP,
            "params:data_isolation.drift": DRIFT, "params:data_isolation.source": source}
    data.update({f"{lane}.{learner}.model": model for lane, d in lanes_out.items()
                 for learner, model in d["models"].items()})
    return {arg: data[name] for arg, name in drift_sweep_inputs(list(lanes_out), list(LEARNERS)).items()}


def test_drift_sweep_table(world, lanes_out):
    base_before = world["new_world_base"].copy()
    table = sc.drift_sweep(**_sweep_kwargs(world, lanes_out))
    pd.testing.assert_frame_equal(world["new_world_base"], base_before)
    assert_unchanged(table[table["learner"] == "logreg"], "drift_sweep")
    assert (table["holdout_new_world_severity"] == DRIFT["severity"]).all()
    assert len(table) == len(LANES) * len(LEARNERS) * len(SEVERITIES)
    assert list(table.columns) == sc.SWEEP_COLUMNS
    assert list(table["learner"].unique()) == list(LEARNERS) and list(table["lane"].unique()) == LANES
    assert sorted(table["severity"].unique()) == SEVERITIES
    assert (table["auprc_ci_low"] <= table["auprc"]).all() and (table["auprc"] <= table["auprc_ci_high"]).all()
    y0 = world["new_world_base"][TARGET].to_numpy()
    for (lane, learner), group in table.groupby(["lane", "learner"]):
        rows = group.set_index("severity")
        model = lanes_out[lane]["models"][learner]
        # severity 0 is the undrifted new world
        expected = metrics.auprc(y0, learners.predict_minority(model, world["new_world_base"]))
        assert rows.loc[0.0, "auprc"] == pytest.approx(expected)
        # the configured severity reproduces holdout_new_world exactly
        assert rows.loc[DRIFT["severity"], "auprc"] == pytest.approx(
            lanes_out[lane]["metrics"]["learners"][learner]["holdout_new_world"]["auprc"])
    # drift hurts: full drift scores below no drift for every lane and learner
    pivot = table.pivot_table(index=["lane", "learner"], columns="severity", values="auprc")
    assert (pivot[1.0] < pivot[0.0]).all()


def test_drift_sweep_skips_a_failed_lane(world, with_failed_lane):
    table = sc.drift_sweep(**_sweep_kwargs(world, with_failed_lane))
    assert set(table["lane"]) == set(LANES)


def test_drift_sweep_does_not_apply_to_a_user_table(world, lanes_out):
    table = sc.drift_sweep(**_sweep_kwargs(world, lanes_out, source={"kind": "table"}))
    assert table.empty and list(table.columns) == sc.SWEEP_COLUMNS


def test_drift_sweep_reads_typed_parameter_objects(world, lanes_out):
    """data_isolation's settings may arrive as typed objects (attributes) instead of dicts."""
    from types import SimpleNamespace

    kwargs = _sweep_kwargs(world, lanes_out)
    typed = {**kwargs, "drift": SimpleNamespace(**DRIFT), "source": SimpleNamespace(kind="synthetic")}
    pd.testing.assert_frame_equal(sc.drift_sweep(**typed), sc.drift_sweep(**kwargs))


# ------------------------------------------------------------- pipeline --

def test_pipeline_inputs_follow_the_declared_lanes_and_learners():
    lane_names = ["baseline", "smote", "smote_borderline", "model_driven"]
    pipe = create_pipeline(lane_names, ["logreg", "hgb"])
    by_name = {n.name: n for n in pipe.nodes}
    assert set(by_name) == {"build_scorecard", "drift_sweep", "summarise_repeats"}
    assert by_name["summarise_repeats"].inputs == ["repeats_metrics", "params:qa.scorecard"]
    assert by_name["summarise_repeats"].outputs == ["repeats_summary"]
    card_inputs = set(by_name["build_scorecard"].inputs)
    for lane in lane_names:
        assert {f"{lane}.scores", f"{lane}.metrics"} <= card_inputs
        assert {f"{lane}.logreg.model", f"{lane}.hgb.model"} <= set(by_name["drift_sweep"].inputs)
    assert by_name["build_scorecard"].outputs == ["scorecard", "pr_curve_points"]
    assert by_name["drift_sweep"].outputs == ["drift_sweep"]
    assert H2O_TAG in by_name["drift_sweep"].tags and H2O_TAG not in by_name["build_scorecard"].tags
    assert all({"qa", "scorecard"} <= n.tags for n in pipe.nodes)
    default = create_pipeline()  # the project's swimlanes and learners
    assert {f"{lane}.metrics" for lane in lanes.swimlanes()} <= default.inputs()
    assert {f"{lane}.{lr}.model" for lane in lanes.swimlanes() for lr in lanes.learners()} <= default.inputs()


def test_sliced_scorecard_pipeline_runs_on_memory_catalog(world, with_failed_lane):
    names = list(with_failed_lane)
    datasets = {"new_world_base": world["new_world_base"], "params:qa.scorecard": SCORECARD,
                "params:qa.drift_sweep": SWEEP, "params:data_isolation.drift": DRIFT,
                "params:data_isolation.source": SYNTHETIC_SOURCE}
    for lane, d in with_failed_lane.items():
        datasets.update({f"{lane}.scores": d["scores"], f"{lane}.metrics": d["metrics"]})
        datasets.update({f"{lane}.{learner}.model": model for learner, model in d["models"].items()})
    datasets["repeats_metrics"] = _repeats_metrics(names)
    catalog = DataCatalog(datasets={k: MemoryDataset(v) for k, v in datasets.items()})
    SequentialRunner().run(create_pipeline(names, list(LEARNERS)), catalog)
    summary = catalog.load("repeats_summary")
    assert len(summary) == len(names) * len(LEARNERS) and (summary["n_repeats"] == 2).all()
    card = catalog.load("scorecard")
    assert list(card["lane"].unique()) == names and list(card["learner"].unique()) == list(LEARNERS)
    assert card.set_index(["lane", "learner"]).loc[("smote_big", "hgb"), "status"] == "failed"
    assert set(catalog.load("pr_curve_points")["lane"]) == set(LANES)
    assert len(catalog.load("drift_sweep")) == len(LANES) * len(LEARNERS) * len(SEVERITIES)
    assert math.isnan(card.set_index(["lane", "learner"]).loc[("smote_big", "logreg"), "holdout_iid_auprc"])


def _repeats_metrics(lane_names: list[str]) -> pd.DataFrame:
    """A tiny repeats_metrics table (the repeats pipeline's output): 2 repeats, the IID holdout only."""
    from synthetic_intelligence.core.experiment.repeats import REPEATS_COLUMNS

    rows = [{"repeat": r, "seed": r, "lane": lane, "learner": learner, "holdout": "holdout_iid",
             "auprc": 0.5 + 0.01 * i + 0.02 * r, "n_train": 100, "n_synthetic": 0, "status": "ok", "reason": None}
            for r in range(2) for i, lane in enumerate(lane_names) for learner in LEARNERS]
    return pd.DataFrame(rows, columns=REPEATS_COLUMNS)
