"""smote-variants over-samplers as lanes by name (core/experiment/imblearn_lanes.SmoteVariantsSampler): validated parameters, seeds,
the provenance rule on the arrays they return, a mixed-type table refused, the lane registry runs them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sklearn.datasets import make_classification

from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment import training_sets
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams, SmoteVariantsSampler
from synthetic_intelligence.core.experiment.resample import resample
from synthetic_intelligence.core.schema import PROVENANCE, TARGET

pytest.importorskip("smote_variants")

LOGISTIC = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
            "estimator_kwargs": {"max_iter": 300}}


def _train(n=300, seed=0) -> pd.DataFrame:
    X, y = make_classification(n_samples=n, n_features=5, n_informative=3, weights=[0.9], random_state=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame[TARGET] = y
    return frame


def test_a_smote_variants_name_builds_the_adapter_with_its_seed():
    params = ImblearnSamplerParams.model_validate({"name": "smote_variants.ProWSyn", "kwargs": {"n_neighbors": 3},
                                                   "seed": 7})
    sampler = params.build()
    assert isinstance(sampler, SmoteVariantsSampler) and sampler.sampler_name == "ProWSyn"
    assert sampler.get_params()["random_state"] == 7 and sampler.get_params()["n_neighbors"] == 3


@pytest.mark.parametrize("value, message", [
    ({"name": "smote_variants.NoSuchSMOTE"}, "NoSuchSMOTE"),
    ({"name": "smote_variants.ProWSyn", "kwargs": {"k_neighbors": 5}}, "k_neighbors"),
    ({"name": "smote_variants.ProWSyn", "kwargs": {"n_neighbors": 0}}, "n_neighbors"),
    ({"name": "NoSuchSampler"}, "smote_variants.<class>"),
])
def test_a_bad_name_keyword_or_value_is_refused_before_the_run(value, message):
    with pytest.raises(ValidationError, match=message):
        ImblearnSamplerParams.model_validate(value)


@pytest.mark.parametrize("name", ["smote_variants.ProWSyn", "smote_variants.polynom_fit_SMOTE_star"])
def test_a_variant_lane_keeps_train_and_counts_its_synthetic_rows(name):
    train = _train()
    out, report = training_sets.imblearn(train, {"name": name, "seed": 1})
    real, synthetic = out[~out[PROVENANCE]], out[out[PROVENANCE]]
    pd.testing.assert_frame_equal(real.drop(columns=PROVENANCE).reset_index(drop=True), train)
    assert report["n_synthetic"] == len(synthetic) == len(out) - len(train) > 0 and report["n_removed"] == 0
    assert (synthetic[TARGET] == 1).all()
    assert list(out.dtypes.drop(PROVENANCE)) == list(train.dtypes)
    assert report["sampler"] == name and report["params"]["random_state"] == 1
    again, _ = training_sets.imblearn(train, {"name": name, "seed": 1})
    pd.testing.assert_frame_equal(out, again)


def test_the_seed_moves_the_synthetic_rows():
    train = _train()
    a, _ = training_sets.imblearn(train, {"name": "smote_variants.ProWSyn", "seed": 0})
    b, _ = training_sets.imblearn(train, {"name": "smote_variants.ProWSyn", "seed": 1})
    assert not np.allclose(a[a[PROVENANCE]].drop(columns=[PROVENANCE]).to_numpy(),
                           b[b[PROVENANCE]].drop(columns=[PROVENANCE]).to_numpy())


class _ArraySampler:
    """Returns numpy arrays as smote-variants does: drops real row 0, copies real row 1, adds one new row."""

    def fit_resample(self, X, y):
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        new = X[y == 1][:2].mean(axis=0, keepdims=True)
        return np.vstack([X[1:], X[1:2], new]), np.concatenate([y[1:], y[1:2], [1]])


def test_the_provenance_rule_counts_array_output_with_copies_and_removed_rows():
    train = _train(n=50)
    train["f0"] = train["f0"].astype(np.float32)  # dtypes come back as train's
    out, info = resample(train, _ArraySampler())
    assert info["n_removed"] == 1 and info["n_synthetic"] == 2 and info["rows_out"] == 51
    assert out[PROVENANCE].tolist() == [False] * 49 + [True, True] and out["f0"].dtype == np.float32


def test_smote_ipf_removed_rows_are_counted():
    train = _train(n=400, seed=3)
    clash = train[train[TARGET] == 1].head(8).assign(**{TARGET: 0})  # minority features labelled majority, twice
    train = pd.concat([train, clash, clash], ignore_index=True)
    out, report = training_sets.imblearn(train, {"name": "smote_variants.SMOTE_IPF", "seed": 0})
    assert report["n_removed"] > 0, "IPF's noise filter removes real rows that contradict their neighbours"
    assert len(out) == len(train) - report["n_removed"] + report["n_synthetic"]
    assert (~out[PROVENANCE]).sum() == len(train) - report["n_removed"]


def test_a_mixed_type_table_fails_the_lane_alone_naming_the_column():
    train = _train()
    train["colour"] = pd.Categorical(np.where(np.arange(len(train)) % 2, "red", "blue"))
    out, report = training_sets.imblearn(train, {"name": "smote_variants.ProWSyn"})
    assert report["failed"] and "'colour'" in report["reason"] and "ProWSyn" in report["reason"] and out.empty


def test_the_lane_registry_runs_a_variant_lane_and_moves_its_seed():
    train, validation, holdout = _train(seed=0), _train(n=200, seed=1), _train(n=200, seed=2)
    lanes = [experiment.Lane("baseline", experiment.RAW), experiment.Lane("prowsyn", experiment.IMBLEARN)]
    params = {"prowsyn": {"name": "smote_variants.ProWSyn", "seed": 0}}
    rows, reports = experiment.run_split(train, validation, {"holdout": holdout}, lanes=lanes, params=params,
                                         learners={"lr": experiment.LearnerConfig.model_validate(LOGISTIC)},
                                         offset=2)
    row = next(r for r in rows if r["lane"] == "prowsyn")
    assert row["status"] == "ok" and row["n_synthetic"] > 0 and 0 < row["auprc"] <= 1
    assert row["sampler"] == "smote_variants.ProWSyn" and row["sampler_params"]["random_state"] == 2


def test_without_the_package_the_parameters_pass_and_building_the_lane_says_how_to_install(monkeypatch):
    """An optional package: a run that does not build the lane (another pipeline) is not stopped by it."""
    import importlib

    from synthetic_intelligence.core.errors import ConfigurationError
    from synthetic_intelligence.core.experiment import imblearn_lanes as smote

    real_find, real_import = importlib.util.find_spec, importlib.import_module
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "smote_variants" else real_find(name, *a))

    def no_package(name, *args):
        if name == "smote_variants":
            raise ImportError("No module named 'smote_variants'")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_package)
    params = ImblearnSamplerParams.model_validate({"name": "smote_variants.ProWSyn"})
    with pytest.raises(ConfigurationError, match="pip install --no-deps smote-variants"):
        smote.make_sampler(params.name)


def test_a_null_keyword_is_dropped_so_an_environment_can_switch_a_lane_to_a_variant():
    """Parameters merge key by key: a lane of base with SMOTE's k_neighbors becomes a ProWSyn lane."""
    params = ImblearnSamplerParams.model_validate({"name": "smote_variants.ProWSyn",
                                                   "kwargs": {"k_neighbors": None, "n_neighbors": 4}})
    assert params.kwargs == {"n_neighbors": 4} and params.build().get_params()["n_neighbors"] == 4
