"""core.benchmark and core.benchmark_data: config validation, one split per lane, failures recorded, isolation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from synthetic_intelligence.core import benchmark as bm
from synthetic_intelligence.core import benchmark_data as bd
from synthetic_intelligence.core.schema import TARGET

LOGISTIC = {"estimator": "sklearn.linear_model.LogisticRegression", "kwargs": {"max_iter": 300}}
FAST = {
    "repeats": 2,
    "learners": {"logistic": LOGISTIC},
    "samplers": {"smote": {"sampler": "SMOTE", "kwargs": {"k_neighbors": 3}},
                 "random_oversampler": {"sampler": "RandomOverSampler", "kwargs": {}}},
    "model_driven": {"strategies": ["interpolate", "gaussian"],
                     "oracle": {"estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
                                "kwargs": {"max_iter": 20, "early_stopping": False}},
                     "sampler_kwargs": {"batch_size": 2048, "max_rounds": 5},
                     "grid": {"threshold": [0.5], "sampling_strategy": [0.5, 1.0]}},
}


def _table(n=600, weight=0.9, seed=0) -> pd.DataFrame:
    X, y = make_classification(n_samples=n, n_features=6, n_informative=4, weights=[weight], flip_y=0.0,
                               random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame[TARGET] = y
    return frame


def _config(**overrides) -> bm.BenchmarkConfig:
    params = {**FAST, **overrides}
    return bm.BenchmarkConfig.from_params(params)


# --------------------------------------------------------------------------- config


def test_config_lanes_and_tables_keys_are_ignored():
    config = _config(tables=["x"], min_minority_rows=3, summary={})
    assert config.lanes() == ["baseline", "class_weighted", "smote", "random_oversampler",
                              "model_driven_interpolate", "model_driven_gaussian"]
    assert len(config.grid_points()) == 2


def test_config_null_entry_drops_a_learner():
    config = _config(learners={"logistic": LOGISTIC, "hist_gb": None})
    assert list(config.learners) == ["logistic"]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"repeats": 1}, "benchmark.repeats"),
        ({"n_folds": 3}, "unknown key"),
        ({"learners": {}}, "benchmark.learners is empty"),
        ({"learners": {"bad": {"estimator": "sklearn.nope.Nothing"}}}, "benchmark.learners.bad"),
        ({"samplers": {"smote": {"sampler": "NoSuchSMOTE"}}}, "benchmark.samplers.smote"),
        ({"samplers": {"adasyn": {"sampler": "ADASYN"}}}, "reference lane 'smote'"),
        ({"model_driven": {"strategies": ["teleport"]}}, "strategies"),
        ({"model_driven": {"sampler_kwargs": {"candidates": "gaussian"}}}, "set by the benchmark itself"),
        ({"model_driven": {"grid": {"threshold": [1.5]}}}, "grid point"),
        ({"model_driven": {"sampler_kwargs": {"no_such_keyword": 1}}}, "sampler_kwargs"),
        ({"test_size": 0.0}, "benchmark.test_size"),
        ({"samplers": {"smote": {"sampler": "SMOTE", "grid": {"sampling_strategy": []}}}},
         "benchmark.samplers.smote.grid.sampling_strategy is empty"),
        ({"samplers": {"smote": {"sampler": "SMOTE", "grid": {"k_nieghbors": [3]}}}}, "grid point"),
        ({"samplers": {"smote": {"sampler": "SMOTE", "kwarg": {}}}}, "unknown key"),
    ],
)
def test_config_errors_name_the_parameter(override, message):
    with pytest.raises(ValueError, match=message):
        _config(**override)


# --------------------------------------------------------------------------- data


def test_load_table_real_package_table():
    table = bd.load_table("ecoli4")
    info = bd.describe("ecoli4", table)
    assert set(table[TARGET].unique()) == {0, 1}
    assert info["n_rows"] == 336 and info["n_minority"] == 20 and info["n_features"] == 7
    assert info["source"].endswith("load_ecoli4")


def test_load_tables_errors_name_the_table():
    with pytest.raises(ValueError, match="'no_such_table' is not in"):
        bd.load_tables(["no_such_table"])
    with pytest.raises(ValueError, match="ecoli4.*20 minority rows.*min_minority_rows is 50"):
        bd.load_tables(["ecoli4"], min_minority=50)
    with pytest.raises(ValueError, match="more than once"):
        bd.load_tables(["ecoli4", "ecoli4"])


# --------------------------------------------------------------------------- one split


def test_split_parts_are_disjoint_and_stratified():
    table = _table()
    table["f0"] = np.arange(len(table), dtype=float)  # a row id survives as the (unstandardised) first column
    split = bm._Split("t", table, repeat=0, config=_config(standardize=False))
    ids = {name: set(part[:, 0].astype(int)) for name, part in
           {"train": split.X_tr, "test": split.X_te, "fit": split.X_fit, "validation": split.X_val}.items()}
    assert not ids["train"] & ids["test"]
    assert not ids["fit"] & ids["validation"]
    assert ids["fit"] | ids["validation"] == ids["train"]
    assert abs(split.y_te.mean() - table[TARGET].mean()) < 0.02


def test_run_split_every_lane_with_provenance():
    rows, tuning, _seconds = bm.run_split("t", _table(), 1, _config())
    results = pd.DataFrame(rows)
    assert sorted(results["lane"]) == sorted(_config().lanes())
    assert (results["status"] == "ok").all(), results[["lane", "error"]]
    assert results["auprc"].between(0, 1).all()
    assert (results["seed"] == 1).all() and (results["table"] == "t").all()
    assert results["minority_share"].iloc[0] == pytest.approx(0.1, abs=0.01)
    smote = results.set_index("lane").loc["smote"]
    assert smote["sampler"] == "SMOTE" and json.loads(smote["sampler_params"])["k_neighbors"] == 3
    assert smote["synthetic_share"] > 0.3
    base = results.set_index("lane").loc["baseline"]
    assert base["n_synthetic"] == 0 and base["synthetic_share"] == 0
    md = results.set_index("lane").loc["model_driven_interpolate"]
    params = json.loads(md["sampler_params"])
    assert params["candidates"] == "interpolate" and params["sampling_strategy"] in (0.5, 1.0)
    assert params["batch_size"] == 2048 and md["validation_auprc"] > 0
    # the grid was scored on validation: one row per strategy x grid point x learner
    assert len(tuning) == 2 * 2 and {t["lane"] for t in tuning} == {"model_driven_interpolate", "model_driven_gaussian"}


def test_an_imblearn_lane_with_a_grid_is_tuned_on_validation_per_learner():
    samplers = {**FAST["samplers"],
                "smote_tuned": {"sampler": "SMOTE", "kwargs": {"k_neighbors": 3},
                                "grid": {"sampling_strategy": [0.25, 1.0]}}}
    config = _config(samplers=samplers, learners={"logistic": LOGISTIC, "hist_gb": {
        "estimator": "sklearn.ensemble.HistGradientBoostingClassifier", "kwargs": {"max_iter": 20}}})
    rows, tuning, _ = bm.run_split("t", _table(), 0, config)
    results = pd.DataFrame(rows).set_index(["lane", "learner"])
    tuned_rows = [t for t in tuning if t["lane"] == "smote_tuned"]
    # every grid point scored on validation for each learner
    assert len(tuned_rows) == 2 * 2 and {t["grid_sampling_strategy"] for t in tuned_rows} == {0.25, 1.0}
    for learner in ("logistic", "hist_gb"):
        row = results.loc[("smote_tuned", learner)]
        chosen = json.loads(row["sampler_params"])["sampling_strategy"]
        scored = {t["grid_sampling_strategy"]: t["validation_auprc"] for t in tuned_rows if t["learner"] == learner}
        # the chosen amount is the one with the best validation AUPRC, applied to the whole training part
        assert chosen == max(scored, key=scored.get) and row["validation_auprc"] == pytest.approx(scored[chosen])
        assert row["sampler"] == "SMOTE" and row["status"] == "ok"
        minority = int(row["n_train"] * 0.1)  # 10% minority
        expected = int(chosen * (row["n_train"] - minority)) - minority
        assert abs(row["n_synthetic"] - expected) <= 2
    # the untuned SMOTE lane still resamples to balance
    assert results.loc[("smote", "logistic"), "synthetic_share"] > 0.3


def test_run_split_is_reproducible():
    a = pd.DataFrame(bm.run_split("t", _table(), 0, _config())[0])
    b = pd.DataFrame(bm.run_split("t", _table(), 0, _config())[0])
    np.testing.assert_allclose(a["auprc"], b["auprc"])


def test_sampler_kwargs_reach_the_sampler(monkeypatch):
    seen = []

    class Recording(bm.OracleRejectionSampler):
        def fit_resample(self, X, y):
            seen.append(self.get_params())
            return super().fit_resample(X, y)

    monkeypatch.setattr(bm, "OracleRejectionSampler", Recording)
    bm.run_split("t", _table(), 0, _config(model_driven={**FAST["model_driven"], "strategies": ["interpolate"],
                                                         "sampler_kwargs": {"n_clusters": 3, "max_rounds": 4}}))
    assert seen and all(p["n_clusters"] == 3 and p["max_rounds"] == 4 for p in seen)
    assert {p["sampling_strategy"] for p in seen} == {0.5, 1.0}


def test_failing_lanes_are_recorded_not_raised():
    """SMOTE with more neighbours than minority rows, and a gate no candidate passes."""
    table = _table(n=400, weight=0.96, seed=3)  # ~16 minority rows, ~11 in train
    config = _config(samplers={"smote": {"sampler": "SMOTE", "kwargs": {"k_neighbors": 30}}},
                     model_driven={**FAST["model_driven"], "strategies": ["interpolate"],
                                   "sampler_kwargs": {"batch_size": 256, "max_rounds": 1},
                                   "grid": {"threshold": [0.999999], "sampling_strategy": [1.0]}})
    rows, tuning, _ = bm.run_split("t", table, 0, config)
    results = pd.DataFrame(rows).set_index("lane")
    assert results.loc["baseline", "status"] == "ok"
    assert results.loc["smote", "status"] == "failed" and "n_neighbors" in results.loc["smote", "error"]
    md = results.loc["model_driven_interpolate"]
    assert md["status"] == "failed" and "no grid point reached its target" in md["error"]
    assert "GenerationError" in md["error"] and np.isnan(md["auprc"])
    assert tuning and "GenerationError" in tuning[0]["error"]


def test_run_benchmark_logs_progress(caplog):
    tables = {"a": _table(seed=1), "b": _table(n=400, seed=2)}
    with caplog.at_level("INFO", logger="synthetic_intelligence.core.benchmark"):
        results, _tuning = bm.run_benchmark(tables, _config(model_driven={**FAST["model_driven"],
                                                                        "strategies": ["interpolate"]}))
    assert len(results) == 2 * 2 * 5  # tables x repeats x lanes (one learner)
    assert set(results["repeat"]) == {0, 1}
    done = [r.getMessage() for r in caplog.records if "tables done" in r.getMessage()]
    assert len(done) == 4 and "tables done 2/2" in done[-1] and "ETA" in done[-1]
