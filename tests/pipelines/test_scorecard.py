"""scorecard pipeline nodes (build_scorecard, drift_sweep) with sklearn learners on tiny data, and a sliced run."""

from __future__ import annotations

import copy
import math

import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synthetic_intelligence import lanes
from synthetic_intelligence.core import isolation, learners, metrics
from synthetic_intelligence.core.schema import H2O_TAG, TARGET
from synthetic_intelligence.core.scorecard import PR_CURVE_COLUMNS
from synthetic_intelligence.core.synthetic import WorldSpec, apply_drift, make_world
from synthetic_intelligence.pipelines.scorecard import nodes as sc
from synthetic_intelligence.pipelines.scorecard.pipeline import create_pipeline, drift_sweep_inputs, scorecard_inputs
from synthetic_intelligence.pipelines.smote.nodes import resample
from synthetic_intelligence.pipelines.train_evaluate import nodes as te
from tests.golden_numbers import assert_unchanged

LANES = ["baseline", "smote", "model_driven"]
SKLEARN_LEARNER = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
                   "estimator_kwargs": {"max_iter": 300}}
EVALUATION = {"n_boot": 50, "alpha": 0.05, "seed": 0}
SCORECARD = {"references": ["baseline", "smote"], "n_boot": 50, "alpha": 0.05, "seed": 0}
SEVERITIES = [0.0, 0.25, 0.5, 0.75, 1.0]
SWEEP = {"severities": SEVERITIES, "n_boot": 50, "alpha": 0.05, "seed": 0}
DRIFT = {"severity": 0.5, "shift_scale": 2.0, "relabel_share": 0.3, "seed": 11}
SYNTHETIC_SOURCE = {"kind": "synthetic"}


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


@pytest.fixture(scope="module")
def lanes_out(world):
    """Train and evaluate three lanes through the real train_evaluate nodes (sklearn engine).

    model_driven stands in with random oversampling; its report has only the
    keys the generation pipeline writes (seconds, n_synthetic).
    """
    train = world["train"]
    smote_set, smote_report = resample(train, {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0})
    md_set, md_full = resample(train, {"name": "RandomOverSampler", "kwargs": {}, "seed": 0})
    train_sets = {"baseline": train.assign(is_synthetic=False), "smote": smote_set, "model_driven": md_set}
    reports = {"smote": smote_report, "model_driven": {"seconds": 1.25, "n_synthetic": md_full["n_synthetic"]}}
    out = {}
    for lane in LANES:
        model, _, info = te.fit_learner(train_sets[lane], world["validation"], SKLEARN_LEARNER)
        scores = te.score_sets(model, world["validation"], world["holdout_iid"], world["holdout_new_world"])
        out[lane] = {"learner": model, "scores": scores, "metrics": te.evaluate(scores, info, EVALUATION),
                     "resample_report": reports.get(lane)}
    return out


def _scorecard_kwargs(lanes_out) -> dict:
    inputs = scorecard_inputs(LANES)
    data = {"params:qa.scorecard": SCORECARD}
    for lane, d in lanes_out.items():
        for kind in ("scores", "metrics", "resample_report"):
            data[f"{lane}.{kind}"] = d[kind]
    return {arg: data[name] for arg, name in inputs.items()}


# ----------------------------------------------------------- scorecard --

def test_build_scorecard_one_row_per_lane(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    before = copy.deepcopy({k: v for k, v in kwargs.items() if k.startswith("metrics__")})
    card, points = sc.build_scorecard(**kwargs)
    assert list(card["lane"]) == LANES
    for lane in LANES:
        m = lanes_out[lane]["metrics"]
        row = card.set_index("lane").loc[lane]
        for h in ("holdout_iid", "holdout_new_world"):
            assert row[f"{h}_auprc"] == pytest.approx(m[h]["auprc"])
            assert row[f"{h}_auprc_ci_low"] <= row[f"{h}_auprc"] <= row[f"{h}_auprc_ci_high"]
        assert row["train_rows"] == m["train"]["rows"]
    rs = card.set_index("lane")["resample_seconds"]
    assert math.isnan(rs["baseline"])
    assert rs["smote"] == pytest.approx(lanes_out["smote"]["resample_report"]["seconds"])
    assert rs["model_driven"] == pytest.approx(1.25)
    # references: comparisons vs baseline and smote, none vs model_driven
    assert "holdout_iid_diff_vs_baseline" in card and "holdout_iid_diff_vs_smote" in card
    assert not any("vs_model_driven" in c for c in card.columns)
    assert card["threshold_source"].tolist() == ["validation"] * 3
    assert list(points.columns) == PR_CURVE_COLUMNS
    assert points.groupby(["lane", "holdout"], sort=False).ngroups == 3 * 2
    for lane in LANES:
        for h in ("holdout_iid", "holdout_new_world"):
            curve = points[(points["lane"] == lane) & (points["holdout"] == h)]
            assert curve["auprc"].iloc[0] == pytest.approx(lanes_out[lane]["metrics"][h]["auprc"])
    after = {k: v for k, v in kwargs.items() if k.startswith("metrics__")}
    assert after == before  # inputs not mutated (resample_seconds only in the copy)


def test_build_scorecard_is_order_invariant_in_scores(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    card, points = sc.build_scorecard(**kwargs)
    shuffled = dict(kwargs)
    shuffled["scores__smote"] = kwargs["scores__smote"].sample(frac=1.0, random_state=0)
    card2, points2 = sc.build_scorecard(**shuffled)
    pd.testing.assert_frame_equal(card, card2)
    pd.testing.assert_frame_equal(points, points2)


def test_scorecard_numbers_unchanged_by_the_split(lanes_out):
    card, _ = sc.build_scorecard(**_scorecard_kwargs(lanes_out))
    assert_unchanged(card, "scorecard")  # every recorded column but the timings


def test_build_scorecard_rejects_a_lane_without_metrics(lanes_out):
    kwargs = _scorecard_kwargs(lanes_out)
    del kwargs["metrics__smote"]
    with pytest.raises(ValueError, match="'smote' lacks metrics"):
        sc.build_scorecard(**kwargs)


# ---------------------------------------------------------- drift sweep --

def _sweep_kwargs(world, lanes_out, source=SYNTHETIC_SOURCE) -> dict:
    data = {"new_world_base": world["new_world_base"], "params:qa.drift_sweep": SWEEP,
            "params:data_isolation.drift": DRIFT, "params:data_isolation.source": source}
    data.update({f"{lane}.learner": d["learner"] for lane, d in lanes_out.items()})
    return {arg: data[name] for arg, name in drift_sweep_inputs(LANES).items()}


def test_drift_sweep_table(world, lanes_out):
    base_before = world["new_world_base"].copy()
    table = sc.drift_sweep(**_sweep_kwargs(world, lanes_out))
    pd.testing.assert_frame_equal(world["new_world_base"], base_before)
    assert_unchanged(table, "drift_sweep")
    assert (table["holdout_new_world_severity"] == DRIFT["severity"]).all()
    assert len(table) == len(LANES) * len(SEVERITIES)
    assert list(table.columns) == sc.SWEEP_COLUMNS
    assert list(table["lane"].unique()) == LANES
    assert sorted(table["severity"].unique()) == SEVERITIES
    assert (table["auprc_ci_low"] <= table["auprc"]).all() and (table["auprc"] <= table["auprc_ci_high"]).all()
    y0 = world["new_world_base"][TARGET].to_numpy()
    for lane in LANES:
        rows = table[table["lane"] == lane].set_index("severity")
        # severity 0 is the undrifted new world
        expected = metrics.auprc(y0, learners.predict_minority(lanes_out[lane]["learner"], world["new_world_base"]))
        assert rows.loc[0.0, "auprc"] == pytest.approx(expected)
        # the configured severity reproduces holdout_new_world exactly
        assert rows.loc[DRIFT["severity"], "auprc"] == pytest.approx(
            lanes_out[lane]["metrics"]["holdout_new_world"]["auprc"])
    # drift hurts: full drift scores below no drift for every lane
    pivot = table.pivot(index="lane", columns="severity", values="auprc")
    assert (pivot[1.0] < pivot[0.0]).all()


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

def test_pipeline_inputs_follow_the_declared_lanes():
    lane_names = ["baseline", "smote", "smote_borderline", "model_driven"]
    pipe = create_pipeline(lane_names)
    by_name = {n.name: n for n in pipe.nodes}
    assert set(by_name) == {"build_scorecard", "drift_sweep"}
    card_inputs = set(by_name["build_scorecard"].inputs)
    for lane in lane_names:
        assert {f"{lane}.scores", f"{lane}.metrics"} <= card_inputs
        assert (f"{lane}.resample_report" in card_inputs) == (lane != "baseline")
        assert f"{lane}.learner" in by_name["drift_sweep"].inputs
    assert by_name["build_scorecard"].outputs == ["scorecard", "pr_curve_points"]
    assert by_name["drift_sweep"].outputs == ["drift_sweep"]
    assert H2O_TAG in by_name["drift_sweep"].tags and H2O_TAG not in by_name["build_scorecard"].tags
    assert all({"qa", "scorecard"} <= n.tags for n in pipe.nodes)
    default = create_pipeline()  # the project's swimlanes
    assert {f"{lane}.metrics" for lane in lanes.swimlanes()} <= default.inputs()


def test_sliced_scorecard_pipeline_runs_on_memory_catalog(world, lanes_out):
    datasets = {"new_world_base": world["new_world_base"], "params:qa.scorecard": SCORECARD,
                "params:qa.drift_sweep": SWEEP, "params:data_isolation.drift": DRIFT,
                "params:data_isolation.source": SYNTHETIC_SOURCE}
    for lane, d in lanes_out.items():
        for kind in ("learner", "scores", "metrics", "resample_report"):
            if d[kind] is not None:
                datasets[f"{lane}.{kind}"] = d[kind]
    catalog = DataCatalog(datasets={k: MemoryDataset(v) for k, v in datasets.items()})
    SequentialRunner().run(create_pipeline(LANES), catalog)
    assert list(catalog.load("scorecard")["lane"]) == LANES
    assert set(catalog.load("pr_curve_points")["lane"]) == set(LANES)
    assert len(catalog.load("drift_sweep")) == len(LANES) * len(SEVERITIES)
