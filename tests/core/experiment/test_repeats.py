"""Repeated splits: the re-split, one loop over lanes x learners x holdouts, and their summary over repeats."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment import repeats
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.scorecard import BETTER, TIE, WORSE, repeats_summary, t_interval
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.schema import HOLDOUTS, TARGET
from synthetic_intelligence.core.worlds import WorldSpec, make_world

LANES = ["baseline", "class_weighted", "smote", "model_driven"]
KIND = {"baseline": experiment.RAW, "class_weighted": experiment.CLASS_WEIGHTED, "smote": experiment.IMBLEARN,
        "model_driven": experiment.MODEL_DRIVEN}
LEARNERS = {
    "logreg": LearnerConfig(engine="sklearn", estimator="sklearn.linear_model.LogisticRegression",
                            estimator_kwargs={"max_iter": 300}, scale=True),
    "hgb": LearnerConfig(engine="sklearn", estimator="sklearn.ensemble.HistGradientBoostingClassifier",
                         estimator_kwargs={"max_iter": 20, "random_state": 0}),
}
SAMPLERS = {"smote": ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": 5}, seed=0)}
ORACLE = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
          "estimator_kwargs": {"max_iter": 20, "random_state": 0}}
GENERATION = GenerationParams.model_validate({
    "seed": 0, "sampler": {"candidates": "interpolate", "batch_size": 2048, "max_rounds": 20},
    "tuning": {"enabled": True, "thresholds": [0.25, 0.5], "ratios": [0.25], "learner": ORACLE}})
SHARES = {"validation_share": 0.2, "holdout_share": 0.2}


@pytest.fixture(scope="module")
def world():
    world, new_world = make_world(WorldSpec(n_samples=1500, n_new_world=400, n_features=6, n_informative=4,
                                            n_redundant=1, n_clusters_per_class=1, minority_share=0.12, seed=5))
    train, validation, holdout = isolation.split_training_world(world, holdout_share=0.2, validation_share=0.2, seed=1)
    return {"train": train, "validation": validation, "holdout_iid": holdout, "holdout_new_world": new_world}


def _holdouts(world, new_world=True):
    return {"holdout_iid": world["holdout_iid"],
            "holdout_new_world": world["holdout_new_world"] if new_world else world["holdout_new_world"].iloc[:0]}


def _run(world, k=2, seed=0, samplers=SAMPLERS, new_world=True, lanes=LANES):
    return repeats.run_repeats(world["train"], world["validation"], _holdouts(world, new_world),
                               params=repeats.RepeatsParams(k=k, seed=seed, oracle=ORACLE),
                               lanes=[experiment.Lane(name, KIND[name]) for name in lanes], learners=LEARNERS,
                               lane_params={**samplers, "model_driven": GENERATION}, **SHARES)


@pytest.fixture(scope="module")
def table(world):
    return _run(world)


# ------------------------------------------------------------- re-split --

def test_resplit_is_stratified_disjoint_from_the_holdouts_and_covers_the_pool(world):
    train_r, validation_r = repeats.resplit(world["train"], world["validation"], seed=3, **SHARES)
    pool = pd.concat([world["train"], world["validation"]], ignore_index=True)
    assert len(train_r) + len(validation_r) == len(pool)
    assert len(validation_r) == len(world["validation"])  # the main split's validation share of the world
    assert abs(validation_r[TARGET].mean() - pool[TARGET].mean()) < 0.01  # stratified
    assert abs(train_r[TARGET].mean() - pool[TARGET].mean()) < 0.01
    both = np.concatenate([isolation.row_hashes(train_r), isolation.row_hashes(validation_r)])
    assert sorted(both) == sorted(isolation.row_hashes(pool))  # the pool, each row once
    for h in HOLDOUTS:
        assert not np.isin(isolation.row_hashes(world[h]), both).any()


def test_resplit_differs_per_seed_and_is_reproducible(world):
    a, _ = repeats.resplit(world["train"], world["validation"], seed=0, **SHARES)
    b, _ = repeats.resplit(world["train"], world["validation"], seed=0, **SHARES)
    c, _ = repeats.resplit(world["train"], world["validation"], seed=1, **SHARES)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


# ---------------------------------------------------------------- params --

def test_params_defaults_and_refusals():
    params = repeats.RepeatsParams()
    assert params.learners == ["logreg", "hgb"] and params.oracle.engine == "sklearn"
    with pytest.raises(ValidationError, match="scikit-learn"):
        repeats.RepeatsParams(oracle={"engine": "h2o_automl"})
    with pytest.raises(ValidationError, match="unique"):
        repeats.RepeatsParams(learners=["hgb", "hgb"])
    with pytest.raises(ValidationError):
        repeats.RepeatsParams(k=-1)


def test_select_learners_names_a_missing_or_non_sklearn_learner():
    configs = {"logreg": LEARNERS["logreg"].model_dump(), "automl": {"engine": "h2o_leader"}}
    assert list(repeats.select_learners(["logreg"], configs)) == ["logreg"]
    with pytest.raises(ConfigurationError, match="'hgb'"):
        repeats.select_learners(["hgb"], configs)
    with pytest.raises(ConfigurationError, match="learners.automl has engine h2o_leader"):
        repeats.select_learners(["automl"], configs)


def test_reseed_moves_only_set_seeds():
    assert repeats.reseed_learner(LEARNERS["hgb"], 2).estimator_kwargs["random_state"] == 2
    assert "random_state" not in repeats.reseed_learner(LEARNERS["logreg"], 2).estimator_kwargs
    assert repeats.reseed_learner(LEARNERS["hgb"], 0) is LEARNERS["hgb"]


# ---------------------------------------------------------------- the loop --

def test_every_repeat_lane_learner_holdout_has_a_row(table):
    assert list(table.columns) == repeats.REPEATS_COLUMNS
    assert len(table) == 2 * len(LANES) * len(LEARNERS) * len(HOLDOUTS)
    keys = set(map(tuple, table[["repeat", "lane", "learner", "holdout"]].to_numpy()))
    assert keys == {(r, lane, lr, h) for r in range(2) for lane in LANES for lr in LEARNERS for h in HOLDOUTS}
    assert (table["status"] == "ok").all() and table["auprc"].between(0, 1).all()
    assert list(table.drop_duplicates("repeat")["seed"]) == [0, 1]
    synthetic = table.groupby("lane")["n_synthetic"].min()
    assert synthetic["baseline"] == synthetic["class_weighted"] == 0 < synthetic["smote"]
    assert synthetic["model_driven"] > 0
    # the repeats differ (another split, other seeds)
    first, second = (table[table["repeat"] == r].reset_index(drop=True) for r in (0, 1))
    assert not np.allclose(first["auprc"], second["auprc"])


def test_seeded_repeats_are_reproducible(world, table):
    pd.testing.assert_frame_equal(_run(world), table)
    other = _run(world, k=1, seed=7, lanes=["baseline", "smote"])
    assert list(other["seed"].unique()) == [7]
    same_cells = table[(table["repeat"] == 0) & table["lane"].isin(["baseline", "smote"])]["auprc"]
    assert not np.allclose(other["auprc"], same_cells)


def test_a_failing_lane_is_recorded_not_raised(world):
    big_k = {"smote": ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": 500}, seed=0)}
    out = _run(world, k=1, samplers=big_k, lanes=["baseline", "smote"])
    smote = out[out["lane"] == "smote"]
    assert (smote["status"] == "failed").all() and smote["auprc"].isna().all()
    assert smote["reason"].str.contains("k_neighbors").all() and (smote["n_train"] == 0).all()
    assert (out.loc[out["lane"] == "baseline", "status"] == "ok").all()


def test_an_empty_new_world_is_not_applicable(world):
    out = _run(world, k=1, new_world=False, lanes=["baseline"])
    nw = out[out["holdout"] == "holdout_new_world"]
    assert len(nw) == len(LEARNERS) and (nw["status"] == "n/a").all() and nw["auprc"].isna().all()
    summary = repeats_summary(out)
    assert set(summary["holdout"]) == {"holdout_iid"}


def test_no_repeats_is_an_empty_table(world):
    out = _run(world, k=0)
    assert out.empty and list(out.columns) == repeats.REPEATS_COLUMNS
    assert repeats_summary(out).empty


# --------------------------------------------------------------- summary --

def test_t_interval():
    mean, low, high = t_interval([0.1, 0.2, 0.3], alpha=0.05)
    assert mean == pytest.approx(0.2) and low < mean < high
    assert high - mean == pytest.approx(4.302653 * 0.1 / math.sqrt(3), rel=1e-5)
    assert math.isnan(t_interval([0.5])[1]) and math.isnan(t_interval([])[0])


def test_summary_intervals_contain_the_mean_and_differences_are_paired(table):
    summary = repeats_summary(table, references=("baseline", "smote"), alpha=0.05)
    assert len(summary) == len(LANES) * len(LEARNERS) * len(HOLDOUTS)
    assert (summary["n_repeats"] == 2).all() and (summary["n_ok"] == 2).all() and (summary["n_failed"] == 0).all()
    assert ((summary["auprc_ci_low"] <= summary["auprc_mean"]) & (summary["auprc_mean"] <= summary["auprc_ci_high"])).all()
    row = summary.set_index(["lane", "learner", "holdout"]).loc[("model_driven", "hgb", "holdout_iid")]
    per_repeat = table.set_index(["lane", "learner", "holdout", "repeat"])["auprc"]
    diffs = [per_repeat[("model_driven", "hgb", "holdout_iid", r)] - per_repeat[("baseline", "hgb", "holdout_iid", r)]
             for r in range(2)]
    assert row["diff_vs_baseline"] == pytest.approx(np.mean(diffs))
    assert np.sign(row["diff_vs_baseline"]) == np.sign(np.mean(diffs))
    assert row["wins_vs_baseline"] + row["ties_vs_baseline"] + row["losses_vs_baseline"] == 2
    assert row["diff_vs_baseline_ci_low"] <= row["diff_vs_baseline"] <= row["diff_vs_baseline_ci_high"]
    base = summary[summary["lane"] == "baseline"]
    assert base["diff_vs_baseline"].isna().all() and base["vs_baseline"].isna().all()  # not against itself


def _constructed(k=5):
    """lane ``good`` beats ``baseline`` by 0.05 +- noise in every repeat; ``same`` is the baseline +- noise."""
    rng = np.random.default_rng(0)
    rows = []
    for r in range(k):
        base = 0.5 + 0.05 * rng.standard_normal()
        for lane, auprc in (("baseline", base), ("good", base + 0.05 + 0.005 * rng.standard_normal()),
                            ("bad", base - 0.05), ("same", base + 0.01 * (-1) ** r)):
            rows.append({"repeat": r, "seed": r, "lane": lane, "learner": "hgb", "holdout": "holdout_iid",
                         "auprc": auprc, "n_train": 100, "n_synthetic": 0, "status": "ok", "reason": None})
    return pd.DataFrame(rows, columns=repeats.REPEATS_COLUMNS)


def test_summary_verdicts_on_a_constructed_case():
    summary = repeats_summary(_constructed(), references=("baseline",)).set_index("lane")
    assert summary.loc["good", "vs_baseline"] == BETTER and summary.loc["good", "wins_vs_baseline"] == 5
    assert summary.loc["bad", "vs_baseline"] == WORSE and summary.loc["bad", "losses_vs_baseline"] == 5
    assert summary.loc["same", "vs_baseline"] == TIE
    assert summary.loc["good", "diff_vs_baseline"] == pytest.approx(0.05, abs=0.01)


def test_summary_counts_failed_repeats_and_pairs_only_ok_ones():
    table = _constructed(k=4)
    fail = (table["lane"] == "good") & (table["repeat"] == 0)
    table.loc[fail, ["status", "reason"]] = ["failed", "too few minority rows"]
    table.loc[fail, "auprc"] = np.nan
    row = repeats_summary(table, references=("baseline",)).set_index("lane").loc["good"]
    assert (row["n_ok"], row["n_failed"], row["n_pairs_vs_baseline"]) == (3, 1, 3)
    assert row["failure_reason"] == "too few minority rows"
