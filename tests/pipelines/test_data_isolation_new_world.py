"""data_isolation on tables without a time column: new_world kinds quantile, cluster and none, node to scorecard;
and the typed parameters as Kedro validates them before a run."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro.validation.exceptions import ParameterValidationError
from kedro.validation.parameter_validator import ParameterValidator

from synthetic_intelligence import cli, settings
from synthetic_intelligence.core.errors import DataValidationError
from synthetic_intelligence.core.isolation.params import DriftParams, GeneratorsParams, SourceParams, SplitParams
from synthetic_intelligence.core.schema import HOLDOUT_NEW_WORLD, TARGET
from synthetic_intelligence.lanes import input_key
from synthetic_intelligence.pipelines.data_isolation import create_pipeline, nodes
from synthetic_intelligence.pipelines.scorecard import nodes as sc
from synthetic_intelligence.pipelines.train_evaluate import nodes as te
from synthetic_intelligence.reporting.scorecard import scorecard_markdown
from tests.lane_data import spec

CONF = Path(__file__).resolve().parents[2] / "conf"
SPLIT = {"holdout_share": 0.2, "validation_share": 0.2, "seed": 0}
DRIFT = {"severity": 0.5, "shift_scale": 2.0, "relabel_share": 0.3, "seed": 1}
SKLEARN = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
           "estimator_kwargs": {"max_iter": 300}}
EVALUATION = {"n_boot": 50, "alpha": 0.05, "seed": 0}


def payments(n=3000, seed=0):
    """No time column: amount, age, score, a label that depends on them, an id column."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"amount": rng.exponential(100.0, n), "age": rng.normal(40, 10, n),
                       "score": rng.normal(size=n)})
    logit = -3.2 + 0.01 * (df["amount"] - 100) + 1.2 * df["score"]
    df["fraud"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    df["id"] = np.arange(n)
    return df


def source(new_world, **kw):
    return {"kind": "table", "target": "fraud", "positive_label": 1, "min_minority_rows": 10,
            "drop_columns": ["id"], "new_world": new_world, **kw}


def isolate(raw, src):
    world, new_base, info = nodes.build_source(raw, src, {})
    train, val, hold = nodes.split_training_world(world, SPLIT)
    new = nodes.make_new_world(new_base, src, DRIFT)
    return nodes.check_isolation(train, val, hold, new, src, info)


def test_quantile_new_world_is_the_rows_above_the_quantile_and_keeps_the_feature():
    raw = payments()
    train, val, hold, new, report = isolate(raw, source({"kind": "quantile", "column": "amount", "q": 0.75}))
    cut = np.quantile(raw["amount"], 0.75)
    assert list(train.columns) == ["amount", "age", "score", TARGET]  # amount stays a feature, id is dropped
    assert len(new) == 750 and (new["amount"] > cut).all() and (train["amount"] <= cut).all()
    assert report["new_world"] == {"kind": "quantile", "column": "amount", "q": 0.75, "cut": pytest.approx(cut),
                                   "rows": 750, "minority_rows": int(new[TARGET].sum()),
                                   "minority_share": pytest.approx(new[TARGET].mean()), "applicable": True}
    assert report["isolated"] and report["minority_rows"][HOLDOUT_NEW_WORLD] >= 10
    dropped = nodes.build_source(raw, source({"kind": "quantile", "column": "amount", "q": 0.75,
                                              "drop_column": True}), {})[0]
    assert "amount" not in dropped.columns


def test_quantile_too_high_leaves_too_few_minority_rows_and_says_what_to_change():
    with pytest.raises(DataValidationError, match=r"holdout_new_world has \d minority row\(s\) of 30 rows "
                                                  r"\(a lower source.new_world.q puts more rows in the new world\)"):
        isolate(payments(), source({"kind": "quantile", "column": "age", "q": 0.99}))


def test_cluster_new_world_is_one_cluster_and_the_report_lists_them():
    train, val, hold, new, report = isolate(payments(), source({"kind": "cluster", "n_clusters": 4, "seed": 0}))
    info = report["new_world"]
    assert info["kind"] == "cluster" and len(info["clusters"]) == 4 and info["rows"] == len(new)
    chosen = info["clusters"][info["cluster"]]
    assert chosen["eligible"] and chosen["rows"] == len(new) and chosen["minority_rows"] >= 10
    assert chosen["distance"] == max(c["distance"] for c in info["clusters"] if c["eligible"])
    assert len(train) + len(val) + len(hold) + len(new) == 3000


def test_none_gives_an_empty_new_world_with_the_same_columns():
    train, val, hold, new, report = isolate(payments(), source({"kind": "none"}, min_minority_rows=20))
    assert new.empty and list(new.columns) == list(train.columns)
    assert len(train) + len(val) + len(hold) == 3000
    assert report["rows"][HOLDOUT_NEW_WORLD] == 0 and report["minority_share"][HOLDOUT_NEW_WORLD] is None
    assert report["new_world"] == {"kind": "none", "applicable": False}


def test_none_flows_through_scoring_and_the_scorecard_as_not_applicable():
    """An empty holdout_new_world is not scored; metrics say None; the scorecard has IID columns only;
    the Markdown shows the new-world holdout as n/a; the drift sweep (a user table) is empty."""
    src = source({"kind": "none"}, min_minority_rows=20)
    train, val, hold, new, _ = isolate(payments(), src)
    lanes = {}
    for lane, train_set in (("baseline", train), ("smote", pd.concat([train, train[train[TARGET] == 1]]))):
        model, _, info = te.fit_learner(train_set, val, spec(SKLEARN))
        scores = te.score_sets(model, val, hold, new)
        assert set(scores["set"]) == {"validation", "holdout_iid"}
        metrics = te.evaluate(scores, info, EVALUATION)
        assert metrics[HOLDOUT_NEW_WORLD] is None and metrics["holdout_iid"]["auprc"] > 0
        lane_scores, lane_metrics = te.collect({}, {}, scores__logreg=scores, metrics__logreg=metrics)
        lanes[lane] = {"scores": lane_scores, "metrics": lane_metrics, "model": model}
    inputs = {input_key(kind, lane): d[kind] for lane, d in lanes.items() for kind in ("scores", "metrics")}
    card, points = sc.build_scorecard({"n_boot": 50, "alpha": 0.05, "seed": 0}, **inputs)
    assert "holdout_iid_auprc" in card.columns and not [c for c in card.columns if c.startswith(HOLDOUT_NEW_WORLD)]
    assert set(points["holdout"]) == {"holdout_iid"}
    md = scorecard_markdown(card)
    assert "## IID holdout" in md and "## New-world holdout\n\nn/a: holdout_new_world has no rows" in md
    sweep = sc.drift_sweep(new, {"n_boot": 50, "alpha": 0.05, "seed": 0}, DRIFT, SourceParams.model_validate(src),
                           **{input_key("model", lane, "logreg"): d["model"] for lane, d in lanes.items()})
    assert sweep.empty


def test_none_runs_through_the_pipeline_with_parquet_files(tmp_path):
    names = ("training_world", "new_world_base", "train", "validation", "holdout_iid", "holdout_new_world")
    catalog = DataCatalog.from_config({n: {"type": "pandas.ParquetDataset", "filepath": str(tmp_path / f"{n}.pq")}
                                       for n in names})
    params = {"source": source({"kind": "none"}, min_minority_rows=20), "generators": {}, "split": SPLIT,
              "drift": DRIFT}
    for key, value in params.items():
        catalog[f"params:data_isolation.{key}"] = MemoryDataset(value)
    catalog["raw_table"] = MemoryDataset(payments())
    out = SequentialRunner().run(create_pipeline(), catalog)
    new = catalog["holdout_new_world"].load()
    assert new.empty and list(new.columns) == ["amount", "age", "score", TARGET]
    assert out["isolation_report"].load()["new_world"]["applicable"] is False


# --- typed parameters, as Kedro validates them before the first node ----------------------------------------------

def _params(env: str) -> dict:
    return OmegaConfigLoader(conf_source=str(CONF), env=env, **settings.CONFIG_LOADER_ARGS)["parameters"]


@pytest.mark.parametrize("env", ["base", "quick"])
def test_project_parameters_become_typed_models(env):
    validated = ParameterValidator({"data_isolation": create_pipeline()}).validate_raw_params(_params(env))
    di = validated["data_isolation"]
    assert isinstance(di["source"], SourceParams) and isinstance(di["generators"], GeneratorsParams)
    assert isinstance(di["split"], SplitParams) and isinstance(di["drift"], DriftParams)
    assert di["source"].new_world.kind == "cut" and di["source"].new_world.column is None


def test_kedro_refuses_bad_data_isolation_parameters_and_the_cli_names_each_key():
    params = _params("quick")
    di = params["data_isolation"]
    di["source"].update(kind="table", target="fraud")
    di["source"]["new_world"] = {**di["source"]["new_world"], "kind": "quantile", "q": 1.5}
    di["split"]["holdout_share"] = 0
    with pytest.raises(ParameterValidationError) as info:
        ParameterValidator({"data_isolation": create_pipeline()}).validate_raw_params(params)
    line = cli.error_line(info.value)
    assert line.startswith("ERROR [ParameterValidationError] parameters are invalid: ")
    for part in ("data_isolation.source.new_world.quantile.column: Field required",
                 "data_isolation.source.new_world.quantile.q: Input should be less than 1 (got 1.5)",
                 "data_isolation.split.holdout_share: Input should be greater than 0 (got 0)"):
        assert part in line, line


def test_example_rare_environment_is_valid():
    """conf/example_rare (a 0.8%-minority table, quantile new world) passes Kedro's checks and names its table."""
    loader = OmegaConfigLoader(conf_source=str(CONF), env="example_rare", **settings.CONFIG_LOADER_ARGS)
    validated = ParameterValidator({"data_isolation": create_pipeline()}).validate_raw_params(loader["parameters"])
    src = validated["data_isolation"]["source"]
    assert src.kind == "table" and src.new_world.kind == "quantile" and src.new_world.column == "amount"
    assert loader["catalog"]["raw_table"]["filepath"] == "data/01_raw/rare_0p8.csv"
