"""core.scaling.mixed: the mixed-type world, a method in a child process with its budget, the speed-up table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.scaling import mixed as sm


def test_world_has_numeric_and_categorical_columns_with_signal(tmp_path):
    world = sm.make_mixed_world(tmp_path, n_rows=4000, n_numeric=5, n_categorical=3, seed=1)
    X, y = sm._load(world, 3000)
    assert len(X) == 3000 and list(X.columns) == [*(f"x{i}" for i in range(5)), "c0", "c1", "c2"]
    assert all(isinstance(X[f"c{j}"].dtype, pd.CategoricalDtype) for j in range(3))
    assert [len(X[f"c{j}"].cat.categories) for j in range(3)] == [4, 6, 8]
    assert 0.05 < world["minority_share"] < 0.11 and set(y.unique()) == {0, 1}
    # level frequencies differ by class: the categoricals carry signal
    shares = pd.crosstab(X["c2"], y, normalize="columns")
    assert (shares[1] - shares[0]).abs().max() > 0.05


def test_bad_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="n_rows >= 100"):
        sm.make_mixed_world(tmp_path, n_rows=10)
    with pytest.raises(ValueError, match="at least 100 rows"):
        sm.measure(tmp_path, [50])
    with pytest.raises(ValueError, match="unknown method 'smote'"):
        sm.run_method({"method": "smote"}, budget_s=1)


def test_methods_in_process_give_the_same_count_and_valid_levels(tmp_path):
    world = sm.make_mixed_world(tmp_path, n_rows=1500, n_numeric=4, n_categorical=2)
    X, y = sm._load(world, 1500)
    spec = {"seed": 0, "oracle_iter": 10, "sampler": {"batch_size": 4096, "max_rounds": 20}}
    smote = sm._smotenc(X, y, spec)
    numpy = sm._numpy(X, y, spec)
    assert smote["sampler_used"] == "SMOTENC"
    assert smote["n_synthetic"] == numpy["n_synthetic"] == int((y == 0).sum() - (y == 1).sum())
    assert numpy["levels_outside_train"] == 0 and numpy["dtypes_kept"]
    assert numpy["seconds_total"] >= numpy["seconds_oracle"] > 0


def test_a_method_past_its_budget_is_reported_over_budget(tmp_path):
    world = sm.make_mixed_world(tmp_path, n_rows=500, n_numeric=3, n_categorical=1)
    row = sm.run_method({"world": world, "n_rows": 500, "method": "smotenc", "seed": 0}, budget_s=0.05)
    assert row["status"] == "over budget" and "budget of 0 s" in row["error"] and row["budget_s"] == 0.05


def test_speedups_are_a_lower_bound_where_smotenc_went_over_budget():
    results = pd.DataFrame([
        {"n_rows": 1000, "method": "smotenc", "status": "ok", "seconds_total": 10.0, "budget_s": 60.0, "peak_gib": 1.0},
        {"n_rows": 1000, "method": "numpy", "status": "ok", "seconds_sample": 1.0, "seconds_total": 2.0,
         "peak_gib": 0.5},
        {"n_rows": 9000, "method": "smotenc", "status": "over budget", "budget_s": 60.0, "peak_gib": 3.0},
        {"n_rows": 9000, "method": "numpy", "status": "ok", "seconds_sample": 3.0, "seconds_total": 6.0,
         "peak_gib": 0.7},
    ])
    ratios = sm.speedups(results).set_index("n_rows")
    assert ratios.loc[1000, "speedup_sample"] == pytest.approx(10.0)
    assert ratios.loc[1000, "speedup_with_oracle_fit"] == pytest.approx(5.0)
    assert not ratios.loc[1000, "smotenc_over_budget"]
    assert ratios.loc[9000, "smotenc_over_budget"] and ratios.loc[9000, "speedup_sample"] == pytest.approx(20.0)
    md = sm.to_markdown(results.assign(seconds_oracle=np.nan), sm.speedups(results),
                        {"cpu_model": "p", "logical_cores": 2, "memory_gib": 8, "blas": "openblas", "load_average": [1, 1, 1]})
    assert "over budget (60 s)" in md and ">= 20.0x" in md and "load average" in md


@pytest.mark.slow
def test_measure_runs_both_methods_in_children(tmp_path):
    results = sm.measure(tmp_path, [400], n_numeric=3, n_categorical=2, budget_s=300, log=lambda _: None)
    assert list(results["method"]) == list(sm.METHODS)
    assert (results["status"] == "ok").all(), results[["method", "error"]] if "error" in results else results
    assert (results["peak_gib"] > 0).all() and results["n_synthetic"].nunique() == 1
