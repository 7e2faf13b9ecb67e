"""core.benchmark.run and core.benchmark.tables: typed parameters, one split as the project's experiment, failures
recorded, the provenance rule's counts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sklearn.datasets import make_classification

from synthetic_intelligence.core.benchmark import run as bm
from synthetic_intelligence.core.benchmark import tables as bd
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.experiment import learners, metrics, training_sets
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment.resample import provenance
from synthetic_intelligence.core.schema import PROVENANCE, TARGET

LOGISTIC = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
            "estimator_kwargs": {"max_iter": 300}}
HGB = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
       "estimator_kwargs": {"max_iter": 20, "early_stopping": False, "random_state": 0}}
FAST = {
    "tables": ["t"],
    "repeats": 2,
    "learners": {"logistic": LOGISTIC},
    "samplers": {"smote": {"name": "SMOTE", "kwargs": {"k_neighbors": 3}},
                 "random_oversampler": {"name": "RandomOverSampler"}},
    "model_driven": {"strategies": ["interpolate", "gaussian"], "oracle": HGB,
                     "generation": {"sampler": {"batch_size": 2048, "max_rounds": 5},
                                    "tuning": {"thresholds": [0.5], "ratios": [0.5, 1.0], "learner": HGB}}},
}


def _table(n=600, weight=0.9, seed=0) -> pd.DataFrame:
    X, y = make_classification(n_samples=n, n_features=6, n_informative=4, weights=[weight], flip_y=0.0,
                               random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame[TARGET] = y
    return frame


def _params(**overrides) -> bm.BenchmarkParams:
    return bm.BenchmarkParams.model_validate({**FAST, **overrides})


def _md(**generation) -> dict:
    return {**FAST["model_driven"], "generation": {**FAST["model_driven"]["generation"], **generation}}


# --------------------------------------------------------------------------- parameters


def test_params_lanes_in_order_with_the_registrys_kinds():
    params = _params(min_minority_rows=3, summary={"references": ["baseline", "smote"]})
    assert [lane.name for lane in params.lanes()] == [
        "baseline", "class_weighted", "smote", "random_oversampler", "model_driven_interpolate",
        "model_driven_gaussian"]
    assert [lane.kind for lane in params.lanes()] == [experiment.RAW, experiment.CLASS_WEIGHTED, experiment.IMBLEARN,
                                                      experiment.IMBLEARN, experiment.MODEL_DRIVEN,
                                                      experiment.MODEL_DRIVEN]
    lane_params = params.lane_params()
    assert lane_params["model_driven_gaussian"].sampler["candidates"] == "gaussian"
    assert lane_params["smote"].kwargs == {"k_neighbors": 3}


def test_params_null_entry_drops_a_learner_or_a_sampler():
    params = _params(learners={"logistic": LOGISTIC, "hist_gb": None},
                     samplers={**FAST["samplers"], "random_oversampler": None})
    assert list(params.learners) == ["logistic"] and list(params.samplers) == ["smote"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"repeats": 1}, r"repeats\n.*greater than or equal to 2"),
        ({"n_folds": 3}, r"n_folds\n.*Extra inputs are not permitted"),
        ({"learners": {}}, r"learners\n.*is empty"),
        ({"learners": {"bad": {"engine": "sklearn", "estimator": "sklearn.nope.Nothing"}}}, r"learners\.bad"),
        ({"learners": {"auto": {"engine": "h2o_automl"}}}, "scikit-learn learner"),
        # the old vocabulary (kwargs, sampler) is refused, naming the key
        ({"learners": {"logistic": {"estimator": "sklearn.linear_model.LogisticRegression", "kwargs": {}}}},
         r"learners\.logistic\.kwargs\n.*Extra inputs"),
        ({"samplers": {"smote": {"sampler": "SMOTE"}}}, r"samplers\.smote"),
        ({"samplers": {"smote": {"name": "NoSuchSMOTE"}}}, r"samplers\.smote\n.*unknown sampler"),
        ({"samplers": {"smote": {"name": "SMOTE", "kwargs": {"k_nieghbors": 3}}}}, "k_nieghbors"),
        ({"samplers": {"adasyn": {"name": "ADASYN"}}}, "reference lane 'smote'"),
        ({"model_driven": {**FAST["model_driven"], "strategies": ["teleport"]}}, r"model_driven\.strategies"),
        ({"model_driven": _md(sampler={"candidates": "gaussian"})}, "set per lane by model_driven.strategies"),
        ({"model_driven": _md(tuning={**FAST["model_driven"]["generation"]["tuning"], "thresholds": [1.5]})},
         r"model_driven\.generation\.tuning\.thresholds"),
        ({"model_driven": _md(sampler={"no_such_keyword": 1})}, "no_such_keyword"),
        ({"model_driven": _md(backend="spark")}, "backend must be numpy"),
        ({"test_size": 0.0}, r"test_size\n.*greater than 0"),
        ({"n_jobs": 0}, r"n_jobs\n.*non-zero"),
        ({"summary": {"references": ["baseline", "smote_tuned"]}}, "smote_tuned.*not lanes"),
        ({"summary": {"failed": "zero"}}, r"summary\.failed"),
    ],
)
def test_params_errors_name_the_parameter(override, message):
    with pytest.raises(ValidationError, match=message):
        _params(**override)


# --------------------------------------------------------------------------- data


def test_load_table_real_package_table():
    table = bd.load_table("ecoli4")
    info = bd.describe("ecoli4", table)
    assert set(table[TARGET].unique()) == {0, 1}
    assert info["n_rows"] == 336 and info["n_minority"] == 20 and info["n_features"] == 7
    assert info["source"].endswith("load_ecoli4")


def test_load_tables_errors_name_the_table():
    # a bad benchmark.tables or min_minority_rows is a user error (one line from the CLI)
    with pytest.raises(ConfigurationError, match="'no_such_table' is not in"):
        bd.load_tables(["no_such_table"])
    with pytest.raises(ConfigurationError, match="ecoli4.*20 minority rows.*min_minority_rows is 50"):
        bd.load_tables(["ecoli4"], min_minority=50)
    with pytest.raises(ValueError, match="more than once"):
        bd.load_tables(["ecoli4", "ecoli4"])


# --------------------------------------------------------------------------- one split


def test_split_parts_are_disjoint_stratified_and_standardised_on_the_training_world():
    table = _table()
    table["row_id"] = np.arange(len(table), dtype=float)
    raw = bm._parts(table, _params(standardize=False), seed=0)
    ids = {name: set(part["row_id"].astype(int)) for name, part in zip(("train", "validation", "test"), raw)}
    assert not ids["train"] & ids["test"] and not ids["validation"] & ids["test"]
    assert not ids["train"] & ids["validation"]
    assert ids["train"] | ids["validation"] | ids["test"] == set(range(len(table)))
    assert abs(raw[2][TARGET].mean() - table[TARGET].mean()) < 0.02
    scaled = bm._parts(table, _params(), seed=0)
    world = pd.concat(scaled[:2])  # the scaler saw train + validation only
    assert world["f0"].mean() == pytest.approx(0.0, abs=1e-9) and world["f0"].std(ddof=0) == pytest.approx(1.0)
    assert scaled[2]["f0"].mean() != pytest.approx(0.0, abs=1e-9)


@pytest.fixture(scope="module")
def one_split():
    return bm.run_split("t", _table(), 1, _params())


def test_run_split_every_lane_with_provenance(one_split):
    rows, tuning, _diagnostics, _seconds = one_split
    results = pd.DataFrame(rows)
    assert list(results["lane"]) == [lane.name for lane in _params().lanes()]
    assert (results["status"] == "ok").all(), results[["lane", "error"]]
    assert results["auprc"].between(0, 1).all() and results["roc_auc"].between(0, 1).all()
    assert (results["seed"] == 1).all() and (results["table"] == "t").all()
    assert results["minority_share"].iloc[0] == pytest.approx(0.1, abs=0.01)
    by_lane = results.set_index("lane")
    smote = by_lane.loc["smote"]
    assert smote["sampler"] == "SMOTE" and json.loads(smote["sampler_params"])["k_neighbors"] == 3
    assert json.loads(smote["sampler_params"])["random_state"] == 1  # seed 0 moved by the repeat
    assert smote["synthetic_share"] > 0.3
    base = by_lane.loc["baseline"]
    assert base["n_synthetic"] == 0 and base["synthetic_share"] == 0 and base["n_train_out"] == base["n_train"]
    assert by_lane.loc["class_weighted", "sampler"] == "class_weights"
    md = by_lane.loc["model_driven_interpolate"]
    params = json.loads(md["sampler_params"])
    assert params["candidates"] == "interpolate" and md["ratio"] in (0.5, 1.0) and md["threshold"] == 0.5
    assert params["batch_size"] == 2048 and md["validation_auprc"] > 0
    assert json.loads(md["learner_params"])["model"] == "sklearn.linear_model.LogisticRegression"
    # the grid was scored on validation: a reference row and one row per grid point, per model-driven lane
    assert len(tuning) == 2 * 3 and {t["lane"] for t in tuning} == {"model_driven_interpolate", "model_driven_gaussian"}


def test_run_split_diagnoses_every_synthetic_lane(one_split):
    diagnostics = pd.DataFrame(one_split[2]).set_index("lane")
    synthetic = [lane.name for lane in _params().lanes() if lane.synthetic]
    assert sorted(diagnostics.index) == sorted(synthetic) and (diagnostics["status"] == "ok").all()
    assert (diagnostics["table"] == "t").all() and (diagnostics["repeat"] == 1).all()
    ros = diagnostics.loc["random_oversampler"]  # exact copies of real minority rows
    assert ros["near_copy_share"] == 1.0 and ros["d_minority_median"] == 0
    smote = diagnostics.loc["smote"]
    assert 0 < smote["d_minority_relative"] < 1 and smote["near_copy_share"] < 1 and np.isnan(smote["acceptance_rate"])
    md = diagnostics.loc["model_driven_interpolate"]
    assert md["gate"] == "quantile" and md["threshold"] == 0.5 and 0 < md["acceptance_rate"] <= 1
    assert 0 <= md["oracle_percentile_median"] <= 100 and md["real_oracle_q10"] <= md["real_oracle_q90"]
    # the model-driven lane's diagnostics count what its report counts
    assert md["n_synthetic"] == pd.DataFrame(one_split[0]).set_index("lane").loc["model_driven_interpolate",
                                                                                    "n_synthetic"]


def test_diagnostics_can_be_switched_off_and_fit_their_own_oracle_without_model_driven_lanes():
    off = bm.run_split("t", _table(), 0, _params(diagnostics={"enabled": False}))
    assert off[2] == []
    alone = pd.DataFrame(bm.run_split("t", _table(), 0, _params(model_driven={**FAST["model_driven"],
                                                                               "strategies": []}))[2])
    assert set(alone["lane"]) == {"smote", "random_oversampler"} and alone["oracle_q50"].between(0, 1).all()


def test_a_split_is_the_projects_experiment(one_split):
    """The benchmark's cell is what the lane registry, the learner spec and core.experiment.metrics give on the same parts."""
    params = _params()
    train, validation, test = bm._parts(_table(), params, seed=1)
    results = pd.DataFrame(one_split[0]).set_index("lane")
    smote_set, report = training_sets.imblearn(train, params.samplers["smote"].model_copy(update={"seed": 1}))
    assert results.loc["smote", "n_synthetic"] == report["n_synthetic"] == int(smote_set[PROVENANCE].sum())
    for lane, train_set in (("baseline", train), ("smote", smote_set)):
        model, _ = learners.fit_learner(train_set, validation, params.learners["logistic"])
        expected = metrics.auprc(test[TARGET].to_numpy(), learners.predict_minority(model, test))
        assert results.loc[lane, "auprc"] == pytest.approx(expected, abs=1e-12)


def test_n_synthetic_is_the_provenance_rules_count_for_a_sampler_that_removes_rows():
    """SMOTETomek adds rows and removes Tomek links: rows out - rows in undercounts the synthetic rows."""
    params = _params(samplers={"smote": FAST["samplers"]["smote"],
                               "smote_tomek": {"name": "SMOTETomek", "kwargs": {}}},
                     model_driven={**FAST["model_driven"], "strategies": []}, class_weighted=False)
    table = _table(n=800, weight=0.85, seed=4)
    rows, _, _, _ = bm.run_split("t", table, 0, params)
    row = pd.DataFrame(rows).set_index("lane").loc["smote_tomek"]
    train, _, _ = bm._parts(table, params, seed=0)
    train_set, report = training_sets.imblearn(train, params.samplers["smote_tomek"])
    synthetic, removed = provenance(train.drop(columns=[]), train_set.drop(columns=[PROVENANCE]))
    assert removed > 0  # the sampler removed real rows
    assert row["n_synthetic"] == int(synthetic.sum()) == report["n_synthetic"]
    assert row["n_synthetic"] != row["n_train_out"] - row["n_train"]  # what the old count recorded


def test_a_tuned_sampler_lane_chooses_its_grid_point_on_validation():
    params = _params(tuned_samplers={"smote_tuned": {"sampler": {"name": "SMOTE", "kwargs": {"k_neighbors": 3}},
                                                     "grid": {"sampling_strategy": [0.25, 1.0]}, "learner": HGB}},
                     model_driven={**FAST["model_driven"], "strategies": []}, class_weighted=False)
    assert [lane.kind for lane in params.lanes()][-1] == experiment.IMBLEARN_TUNED
    rows, tuning, _, _ = bm.run_split("t", _table(), 0, params)
    row = pd.DataFrame(rows).set_index("lane").loc["smote_tuned"]
    scored = {t["sampling_strategy"]: t["validation_auprc"] for t in tuning if t["lane"] == "smote_tuned"}
    assert set(scored) == {0.25, 1.0}  # every grid point scored on validation
    chosen = json.loads(row["sampler_params"])["sampling_strategy"]
    assert chosen == max(scored, key=scored.get) and row["validation_auprc"] == pytest.approx(scored[chosen])
    assert row["status"] == "ok" and row["sampler"] == "SMOTE"
    train, _, _ = bm._parts(_table(), params, seed=0)
    minority = int(train[TARGET].sum())
    assert row["n_synthetic"] == int(chosen * (len(train) - minority)) - minority


def test_a_tuned_sampler_with_a_bad_grid_is_refused_naming_it():
    with pytest.raises(ValidationError, match="tuned_samplers.smote_tuned"):
        _params(tuned_samplers={"smote_tuned": {"sampler": {"name": "SMOTE"}, "grid": {"k_nieghbors": [3]},
                                                "learner": HGB}})


def test_run_split_is_reproducible(one_split):
    again = pd.DataFrame(bm.run_split("t", _table(), 1, _params())[0])
    np.testing.assert_allclose(again["auprc"], pd.DataFrame(one_split[0])["auprc"])


def test_generation_keywords_reach_the_sampler(monkeypatch):
    seen = []
    original = training_sets.generate

    def recording(train, oracle, choice, params, backend="numpy"):
        seen.append(params)
        return original(train, oracle, choice, params, backend=backend)

    monkeypatch.setattr(training_sets, "generate", recording)
    bm.run_split("t", _table(), 0, _params(model_driven={**_md(sampler={"n_clusters": 3, "max_rounds": 4}),
                                                         "strategies": ["cluster_interpolate"]}))
    assert [p.sampler for p in seen] == [{"n_clusters": 3, "max_rounds": 4, "candidates": "cluster_interpolate"}]


def test_failing_lanes_are_recorded_not_raised():
    """SMOTE with more neighbours than minority rows, and a gate no candidate passes."""
    table = _table(n=400, weight=0.96, seed=3)  # ~16 minority rows, ~8 in train
    params = _params(samplers={"smote": {"name": "SMOTE", "kwargs": {"k_neighbors": 30}}},
                     model_driven={**_md(sampler={"batch_size": 256, "max_rounds": 1}, tuning={
                         **FAST["model_driven"]["generation"]["tuning"], "thresholds": [0.999999], "ratios": [1.0]}),
                         "strategies": ["interpolate"]})
    rows, tuning, _, _ = bm.run_split("t", table, 0, params)
    results = pd.DataFrame(rows).set_index("lane")
    assert results.loc["baseline", "status"] == "ok"
    assert results.loc["smote", "status"] == "failed" and "k_neighbors" in results.loc["smote", "error"]
    assert np.isnan(results.loc["smote", "n_train_out"])
    md = results.loc["model_driven_interpolate"]
    assert md["status"] == "failed" and "no (threshold, ratio) of the grid reached its target" in md["error"]
    assert np.isnan(md["auprc"])
    assert "GenerationError" in md["error"] or "accepted only" in md["error"]
    assert not tuning  # no grid point was scored: the reason is the cell's error


def test_a_bug_in_a_lane_is_not_swallowed(monkeypatch):
    """Only the training-set errors fail a lane; anything else stops the run (no catch-all)."""
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(training_sets, "imblearn", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        bm.run_split("t", _table(), 0, _params(model_driven={**FAST["model_driven"], "strategies": []}))


def test_run_benchmark_logs_progress(caplog):
    tables = {"a": _table(seed=1), "b": _table(n=400, seed=2)}
    with caplog.at_level("INFO", logger="synthetic_intelligence.core.benchmark.run"):
        results, tuning, diagnostics = bm.run_benchmark(tables, _params(model_driven={**FAST["model_driven"],
                                                                         "strategies": ["interpolate"]}))
    assert len(results) == 2 * 2 * 5  # tables x repeats x lanes (one learner)
    assert set(results["repeat"]) == {0, 1} and set(tuning["table"]) == {"a", "b"}
    done = [r.getMessage() for r in caplog.records if "tables done" in r.getMessage()]
    assert len(done) == 4 and "tables done 2/2" in done[-1] and "ETA" in done[-1]
    assert len(diagnostics) == 2 * 2 * 3 and set(diagnostics["table"]) == {"a", "b"}  # synthetic lanes
