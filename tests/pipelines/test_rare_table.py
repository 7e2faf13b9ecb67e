"""Issue 10's "Done when", small: a ~1%-minority table with no time column, the quick environment's
parameters (quantile gate by default), new world = rows above a feature's quantile, through
data_isolation, the oracle (scikit-learn here) and the model_driven lane: the lane gets synthetic rows."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro.validation.parameter_validator import ParameterValidator
from kedro_datasets.pandas import ParquetDataset
from sklearn.datasets import make_classification

from synthetic_intelligence import settings
from synthetic_intelligence.core.schema import HOLDOUT_NEW_WORLD, PROVENANCE, TARGET
from synthetic_intelligence.pipelines.data_isolation import create_pipeline as data_isolation
from synthetic_intelligence.pipelines.learners import create_pipeline as learners
from synthetic_intelligence.pipelines.model_driven import create_pipeline as model_driven
from synthetic_intelligence.pipelines.oracle import create_pipeline as oracle

CONF = Path(__file__).resolve().parents[2] / "conf"
HGB = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
       "estimator_kwargs": {"max_iter": 50, "random_state": 0}}
LR = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
      "estimator_kwargs": {"max_iter": 500}}


def rare_table(n=8000, seed=0) -> pd.DataFrame:
    """make_classification at 1% minority, 6 features (3 informative), named like a user's columns."""
    X, y = make_classification(n_samples=n, n_features=6, n_informative=3, n_redundant=1, n_clusters_per_class=1,
                               weights=[0.99], flip_y=0.0, class_sep=1.0, random_state=seed)
    df = pd.DataFrame(X, columns=["amount", "age", "tenure", "score", "visits", "balance"])
    df["is_fraud"] = y
    return df


def quick_parameters() -> dict:
    """conf/quick as Kedro loads it, pointed at a user table; the oracle and the lane's learner from scikit-learn."""
    params = OmegaConfigLoader(conf_source=str(CONF), env="quick", **settings.CONFIG_LOADER_ARGS)["parameters"]
    source = params["data_isolation"]["source"]
    source.update(kind="table", target="is_fraud", positive_label=1, min_minority_rows=5,
                  new_world={**source["new_world"], "kind": "quantile", "column": "tenure", "q": 0.75})
    params["oracle"], params["learners"] = HGB, {"logreg": LR}
    return params


class Kept(MemoryDataset):
    """A memory dataset the runner does not release, so the test can read intermediate data."""

    def _release(self) -> None:
        pass


def _get(params: dict, dotted: str):
    for key in dotted.split("."):
        params = params[key]
    return params


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    pipeline = data_isolation() + learners(["logreg"]) + oracle() + model_driven(["logreg"])
    params = ParameterValidator({"rare": pipeline}).validate_raw_params(quick_parameters())  # as before a kedro run
    assert params["generation"].sampler["gate"] == "quantile"  # the default gate
    catalog = DataCatalog({"raw_table": MemoryDataset(rare_table()), "model_driven.versions": MemoryDataset({})})
    for name in pipeline.inputs():
        if name.startswith("params:"):
            catalog[name] = MemoryDataset(_get(params, name.removeprefix("params:")))
    for name in pipeline.all_outputs():
        catalog[name] = Kept(copy_mode="assign")
    accepted = tmp_path_factory.mktemp("rare") / "accepted_rows.parquet"
    for name in ("model_driven.accepted_rows@spark", "model_driven.accepted_rows@pandas"):  # transcoded: one file
        catalog[name] = ParquetDataset(filepath=str(accepted))
    SequentialRunner().run(pipeline, catalog)
    return catalog


def test_rare_table_is_isolated_with_a_quantile_new_world(run):
    report = run["isolation_report"].load()
    assert report["isolated"] and report["new_world"]["kind"] == "quantile" and report["new_world"]["q"] == 0.75
    assert report["new_world"]["rows"] == 2000 and min(report["minority_rows"].values()) >= 5
    assert run["train"].load()[TARGET].mean() < 0.02  # the training set stays rare


def test_model_driven_lane_produces_synthetic_rows_at_one_percent(run):
    choice = run["model_driven.generation_choice"].load()
    assert choice["chosen_on"] == "validation"
    report = run["model_driven.resample_report"].load()
    train_set = run["model_driven.train_set"].load()
    synthetic = train_set[train_set[PROVENANCE]]
    assert report["gate"] == "quantile" and report["n_synthetic"] == len(synthetic) > 0
    assert (synthetic[TARGET] == 1).all() and 0 < report["acceptance_rate"] <= 1
    lane = run["model_driven.metrics"].load()
    assert lane["status"] == "ok" and lane["provenance"]["n_synthetic"] == len(synthetic)
    declined = report.get("declined") or {}  # generation.tuning.confirm: who trains on the real rows only
    assert "hgb" not in declined  # the tuning learner's kind takes the chosen rows
    for learner, fitted in lane["learners"].items():
        assert fitted["train"]["synthetic_rows"] == (0 if learner in declined else len(synthetic))
        assert ("declined" in fitted) == (learner in declined)
    metrics = lane["learners"]["logreg"]
    m = metrics[HOLDOUT_NEW_WORLD]
    assert m["auprc_ci_low"] <= m["auprc"] <= m["auprc_ci_high"] and m["n_rows"] == 2000
    assert np.isfinite(metrics["holdout_iid"]["auprc"])
