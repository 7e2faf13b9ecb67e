"""The lane registry (core/experiment/registry.py): kinds, lanes, one way to build a lane's training set, one split."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment import training_sets
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.registry import Lane
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.schema import PROVENANCE, TARGET, WEIGHT
from synthetic_intelligence.core.worlds import WorldSpec, make_world

HGB = LearnerConfig(engine="sklearn", estimator="sklearn.ensemble.HistGradientBoostingClassifier",
                    estimator_kwargs={"max_iter": 20, "random_state": 0})
SAMPLER = ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": 5}, seed=0)
GENERATION = GenerationParams.model_validate({
    "seed": 0, "sampler": {"batch_size": 2048, "max_rounds": 20},
    "tuning": {"thresholds": [0.5], "ratios": [0.25], "learner": HGB.model_dump()}})
LANES = [Lane("baseline", experiment.RAW), Lane("class_weighted", experiment.CLASS_WEIGHTED),
         Lane("smote", experiment.IMBLEARN), Lane("model_driven", experiment.MODEL_DRIVEN)]


@pytest.fixture(scope="module")
def split():
    world, _ = make_world(WorldSpec(n_samples=1200, n_new_world=10, n_features=5, n_informative=3, n_redundant=1,
                                    n_clusters_per_class=1, minority_share=0.12, seed=3))
    train, validation, holdout = isolation.split_training_world(world, holdout_share=0.2, validation_share=0.2, seed=0)
    return train, validation, holdout


def test_a_lane_has_a_known_kind_and_a_valid_name():
    with pytest.raises(ValueError, match="unknown kind 'smotey'"):
        Lane("x", "smotey")
    with pytest.raises(ValueError, match="invalid lane name"):
        Lane("a.b", experiment.RAW)
    assert Lane("smote", experiment.IMBLEARN).parameters == "smote.sampler"
    assert Lane("model_driven", experiment.MODEL_DRIVEN).parameters == "generation"
    assert Lane("baseline", experiment.RAW).parameters is None
    assert not Lane("baseline", experiment.RAW).synthetic and Lane("smote", experiment.IMBLEARN).synthetic


def test_every_kind_says_its_parameters_report_and_build():
    for kind in experiment.KINDS.values():
        assert kind.report and callable(kind.build)
        assert (kind.params is None) == (kind.where is None) == (kind.reseed is None)


def test_lane_params_are_validated_as_the_kinds_model():
    smote = Lane("smote", experiment.IMBLEARN)
    assert experiment.lane_params(smote, {"name": "SMOTE"}) == ImblearnSamplerParams(name="SMOTE")
    with pytest.raises(ConfigurationError, match="needs its parameters smote.sampler"):
        experiment.lane_params(smote, None)
    # one line naming the parameter (the repeats read the lanes' parameters untyped)
    with pytest.raises(ConfigurationError, match=r"^parameters are invalid: smote\.sampler\.nmae: Extra inputs"):
        experiment.lane_params(smote, {"name": "SMOTE", "nmae": 1})
    assert experiment.lane_params(Lane("baseline", experiment.RAW), {"ignored": 1}) is None


def test_reseed_moves_every_seed_of_a_lanes_parameters():
    assert experiment.reseed(Lane("smote", experiment.IMBLEARN), SAMPLER, 3).seed == 3
    moved = experiment.reseed(Lane("model_driven", experiment.MODEL_DRIVEN), GENERATION, 2)
    assert moved.seed == 2 and moved.tuning.learner.estimator_kwargs["random_state"] == 2
    assert experiment.reseed(Lane("smote", experiment.IMBLEARN), SAMPLER, 0) is SAMPLER


def test_the_registry_builds_a_lane_with_the_lane_nodes_function(split):
    train, validation, _ = split
    pd.testing.assert_frame_equal(experiment.build_training_set(LANES[0], train, validation)[0],
                                  training_sets.raw(train)[0])
    weighted, _ = experiment.build_training_set(LANES[1], train, validation)
    assert WEIGHT in weighted and not weighted[PROVENANCE].any()
    built, report = experiment.build_training_set(LANES[2], train, validation, SAMPLER.model_dump())
    direct, direct_report = training_sets.imblearn(train, SAMPLER)
    pd.testing.assert_frame_equal(built, direct)
    assert report["n_synthetic"] == direct_report["n_synthetic"] > 0
    with pytest.raises(ValueError, match="needs a fitted oracle"):
        experiment.build_training_set(LANES[3], train, validation, GENERATION)


def test_run_split_rows_per_lane_learner_holdout(split):
    train, validation, holdout = split
    holdouts = {"holdout_iid": holdout, "empty": holdout.iloc[:0]}
    rows, reports = experiment.run_split(train, validation, holdouts, lanes=LANES,
                                         params={"smote": SAMPLER, "model_driven": GENERATION},
                                         learners={"hgb": HGB}, oracle=HGB, offset=1)
    assert [(r["lane"], r["holdout"]) for r in rows] == [(lane.name, h) for lane in LANES for h in holdouts]
    scored = [r for r in rows if r["holdout"] == "holdout_iid"]
    assert all(r["status"] == experiment.OK and 0 < r["auprc"] <= 1 for r in scored)
    assert all(r["status"] == experiment.NOT_APPLICABLE and math.isnan(r["auprc"]) for r in rows
               if r["holdout"] == "empty")
    by_lane = {r["lane"]: r for r in scored}
    assert by_lane["baseline"]["n_synthetic"] == 0 and by_lane["baseline"]["n_train"] == len(train)
    assert by_lane["smote"]["n_synthetic"] == reports["smote"]["n_synthetic"] > 0
    assert by_lane["smote"]["sampler_params"]["random_state"] == 1  # seed 0 moved by the offset
    assert reports["model_driven"]["choice"]["threshold"] == 0.5 and reports["model_driven"]["validation_grid"]
    assert set(train.columns) >= {TARGET}


def test_run_split_records_a_lane_that_cannot_build_and_goes_on(split):
    train, validation, holdout = split
    too_many = ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": 500})
    rows, reports = experiment.run_split(train, validation, {"holdout_iid": holdout}, lanes=LANES[:3],
                                         params={"smote": too_many}, learners={"hgb": HGB})
    by_lane = {r["lane"]: r for r in rows}
    assert by_lane["smote"]["status"] == experiment.FAILED and "k_neighbors" in by_lane["smote"]["reason"]
    assert by_lane["smote"]["n_train"] == 0 and math.isnan(by_lane["smote"]["auprc"])
    assert by_lane["baseline"]["status"] == experiment.OK and reports["smote"]["failed"]
