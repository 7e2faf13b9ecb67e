"""A credit-like table as a user has it (strings, booleans, dates, missing values): data_isolation, then the
baseline, class_weighted and smote lanes with both scikit-learn learners; and the example_mixed environment."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.runner import SequentialRunner
from kedro.validation.parameter_validator import ParameterValidator

from synthetic_intelligence import settings
from synthetic_intelligence.core.schema import PROVENANCE, TARGET
from synthetic_intelligence.core.worlds import make_credit_table
from synthetic_intelligence.pipelines import baseline, smote
from synthetic_intelligence.pipelines.data_isolation import create_pipeline, nodes
from synthetic_intelligence.pipelines.smote import nodes as smote_nodes
from tests.lane_data import LEARNERS, lane_catalog

CONF = Path(__file__).resolve().parents[2] / "conf"
SOURCE = {"kind": "table", "target": "loan_status", "positive_label": "Charged Off", "min_minority_rows": 10,
          "high_cardinality": "drop", "new_world": {"kind": "cut", "column": "issue_d", "cut": "2023-01-01"}}
SPLIT = {"holdout_share": 0.2, "validation_share": 0.2, "seed": 0}


def isolate(raw, source=SOURCE):
    world, new_base, info = nodes.build_source(raw, source, {})
    train, val, hold = nodes.split_training_world(world, SPLIT)
    new = nodes.make_new_world(new_base, source, {})
    return nodes.check_isolation(train, val, hold, new, source, info)


@pytest.fixture(scope="module")
def credit():
    return make_credit_table(1500, bad_share=0.15, seed=3)


@pytest.fixture(scope="module")
def splits(credit):
    train, val, hold, new, report = isolate(credit)
    return {"train": train, "validation": val, "holdout_iid": hold, "holdout_new_world": new, "report": report}


def test_the_credit_table_is_isolated_with_its_schema(splits):
    report = splits["report"]
    columns = report["schema"]["columns"]
    assert columns["grade"] == {**columns["grade"], "kind": "categorical", "levels": list("ABCDEFG")}
    assert columns["verified"]["kind"] == "boolean" and columns["earliest_cr_line"]["kind"] == "date"
    assert 0.02 < columns["annual_inc"]["missing_share"]["train"] < 0.12
    assert report["schema"]["dropped_columns"] == {"loan_id": len(splits["train"]) + len(splits["validation"])
                                                   + len(splits["holdout_iid"]) + len(splits["holdout_new_world"])}
    assert "issue_d" not in splits["train"].columns  # the cut column is not a feature
    for name in ("validation", "holdout_iid", "holdout_new_world"):  # every split has train's categories
        assert splits[name]["purpose"].dtype == splits["train"]["purpose"].dtype
    # a product that only the newest loans have: missing in holdout_new_world, and reported
    assert set(report["schema"]["unseen_levels"]["holdout_new_world"]["purpose"]) == {"green_energy"}


def test_a_level_seen_only_after_the_cut_is_missing_there_and_reported(credit):
    raw = credit.copy()
    late = (raw["issue_d"] > "2023-06-01") & (np.arange(len(raw)) % 7 == 0)
    raw.loc[late, "purpose"] = "crypto"
    *parts, report = isolate(raw)
    new = parts[3]
    assert report["schema"]["unseen_levels"]["holdout_new_world"]["purpose"]["crypto"] == int(late.sum())
    assert set(report["schema"]["unseen_levels"]) == {"holdout_new_world"}
    assert "crypto" not in new["purpose"].cat.categories
    assert new["purpose"].isna().sum() >= late.sum()


def test_the_pipeline_stores_the_users_columns(tmp_path, credit):
    from kedro.io import DataCatalog, MemoryDataset

    conf = {name: {"type": "pandas.ParquetDataset", "filepath": str(tmp_path / f"{name}.parquet")}
            for name in ("training_world", "new_world_base", "train", "validation", "holdout_iid", "holdout_new_world")}
    conf["isolation_report"] = {"type": "json.JSONDataset", "filepath": str(tmp_path / "iso.json")}
    catalog = DataCatalog.from_config(conf)
    catalog["raw_table"] = MemoryDataset(credit)
    for key, value in (("source", SOURCE), ("generators", {}), ("split", SPLIT), ("drift", {})):
        catalog[f"params:data_isolation.{key}"] = MemoryDataset(value)
    SequentialRunner().run(create_pipeline(), catalog)
    train = catalog["train"].load()  # read back from Parquet
    assert train["grade"].dtype == "category" and train["verified"].dtype == bool
    assert train["annual_inc"].isna().any() and train["emp_length"].isna().any()
    assert catalog["isolation_report"].load()["schema"]["columns"]["term"]["levels"] == [" 36 months", " 60 months"]


def test_baseline_class_weighted_and_smote_lanes_run_on_the_mixed_table(splits):
    world = {k: v for k, v in splits.items() if k != "report"}
    pipe = baseline.create_pipeline(list(LEARNERS)) + smote.create_pipeline(list(LEARNERS))
    catalog = lane_catalog(world, ["baseline", "class_weighted", "smote"], LEARNERS, specs=True,
                           **{"params:smote.sampler": {"name": "SMOTE", "kwargs": {"k_neighbors": 5}, "seed": 0}})
    outputs = SequentialRunner().run(pipe, catalog)
    for lane in ("baseline", "class_weighted", "smote"):
        metrics = outputs[f"{lane}.metrics"].load()
        assert metrics["status"] == "ok", lane
        for learner in LEARNERS:
            holdout = metrics["learners"][learner]["holdout_iid"]
            assert holdout["auprc"] > 1.5 * holdout["prevalence"], (lane, learner)  # the learners use the columns
    assert outputs["smote.metrics"].load()["provenance"]["sampler"] == "SMOTENC"


def test_the_smote_lane_gets_smotenc_and_keeps_train_levels_and_dtypes(splits):
    world = {k: v for k, v in splits.items() if k != "report"}
    train_set, report = smote_nodes.resample(world["train"], {"name": "SMOTE", "kwargs": {"k_neighbors": 5},
                                                              "seed": 0})
    synthetic = train_set[train_set[PROVENANCE]]
    assert len(synthetic) > 0 and (synthetic[TARGET] == 1).all()
    for column in ("grade", "purpose", "addr_state", "emp_length"):
        assert train_set[column].dtype == world["train"][column].dtype
        assert set(synthetic[column].dropna()) <= set(world["train"][column].dropna())
    assert synthetic["verified"].dtype == bool
    assert report["sampler_used"] == "SMOTENC" and report["mixed_types"]["imputed_columns"] == ["annual_inc",
                                                                                                 "revol_util"]


def test_example_mixed_environment_is_valid():
    """conf/example_mixed (the credit-like table) passes Kedro's checks and names its table."""
    loader = OmegaConfigLoader(conf_source=str(CONF), env="example_mixed", **settings.CONFIG_LOADER_ARGS)
    validated = ParameterValidator({"data_isolation": create_pipeline()}).validate_raw_params(loader["parameters"])
    src = validated["data_isolation"]["source"]
    assert src.kind == "table" and src.target == "loan_status" and src.high_cardinality == "drop"
    assert src.new_world.column == "issue_d"
    assert loader["catalog"]["raw_table"]["filepath"] == "data/01_raw/credit_mixed.csv"
    table = make_credit_table(400)
    assert set(table.columns) >= {src.target, src.new_world.column}
    assert src.positive_label in set(table[src.target])


def test_make_credit_table_is_reproducible_and_mixed():
    a, b = make_credit_table(500, seed=1), make_credit_table(500, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert a["annual_inc"].isna().any() and a["emp_length"].isna().any()
    assert a["verified"].dtype == bool and a["grade"].dtype == object or str(a["grade"].dtype) == "str"
    assert 0.05 < (a["loan_status"] == "Charged Off").mean() < 0.12
