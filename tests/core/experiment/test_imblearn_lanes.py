import pandas as pd
import pytest
from sklearn.datasets import make_classification

from synthetic_intelligence.core.experiment.imblearn_lanes import SAMPLERS, ImblearnSamplerParams, make_sampler
from synthetic_intelligence.core.experiment.resample import resample

PURE_OVERSAMPLERS = {
    "SMOTE", "BorderlineSMOTE", "SVMSMOTE", "ADASYN", "KMeansSMOTE", "RandomOverSampler",
}
# KMeansSMOTE needs clusters with enough minority rows on such a small set
EXTRA_KWARGS = {"KMeansSMOTE": {"cluster_balance_threshold": 0.05, "k_neighbors": 2}}


@pytest.fixture(scope="module")
def df():
    X, y = make_classification(
        n_samples=400, n_features=5, n_informative=3, weights=[0.9], random_state=0,
        class_sep=1.5,
    )
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame["n_items"] = (frame["f0"].abs() * 10).astype("int64")  # integer feature
    frame["target"] = y
    return frame


def test_samplers_registry_is_complete():
    assert set(SAMPLERS) == PURE_OVERSAMPLERS | {"SMOTETomek", "SMOTEENN"}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_each_sampler_provenance(df, name):
    sampler = make_sampler(name, EXTRA_KWARGS.get(name), random_state=0)
    out, info = resample(df, sampler)

    assert list(out.columns) == list(df.columns) + ["is_synthetic"]
    assert out.dtypes.drop("is_synthetic").equals(df.dtypes)
    assert out["is_synthetic"].dtype == bool
    assert info["sampler"] == name
    assert info["rows_in"] == len(df) and info["rows_out"] == len(out)
    assert info["n_synthetic"] == int(out["is_synthetic"].sum())
    assert info["seconds"] >= 0
    assert info["minority_share_out"] == pytest.approx((out["target"] == 1).mean())
    # bookkeeping identity: out = in - removed + synthetic
    assert info["rows_out"] == info["rows_in"] - info["n_removed"] + info["n_synthetic"]
    assert info["n_synthetic"] > 0
    # originals surviving in the output are real, unmodified input rows
    real = out.loc[~out["is_synthetic"], list(df.columns)]
    merged = real.merge(df.drop_duplicates(), how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    # all synthetic rows are minority rows for pure oversamplers
    if name in PURE_OVERSAMPLERS:
        assert info["n_removed"] == 0
        assert info["n_synthetic"] == info["rows_out"] - info["rows_in"]
        assert (out.loc[out["is_synthetic"], "target"] == 1).all()
        assert info["minority_share_out"] > 0.3
    else:
        assert info["n_removed"] > 0


def test_existing_is_synthetic_column_is_ignored(df):
    flagged = df.assign(is_synthetic=True)
    out, info = resample(flagged, make_sampler("SMOTE", random_state=0))
    assert list(out.columns) == list(df.columns) + ["is_synthetic"]
    assert info["n_synthetic"] == info["rows_out"] - info["rows_in"]


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as exc:
        make_sampler("SMOOTE")
    msg = str(exc.value)
    assert "SMOOTE" in msg
    for name in SAMPLERS:
        assert name in msg


def test_unknown_kwarg_is_named():
    with pytest.raises(ValueError) as exc:
        make_sampler("SMOTE", {"k_neighbours": 3, "k_neighbors": 3})
    msg = str(exc.value)
    assert "k_neighbours" in msg and "valid keywords" in msg and "sampling_strategy" in msg


def test_kwargs_and_random_state_pass_through():
    s = make_sampler("SMOTE", {"k_neighbors": 3}, random_state=7)
    assert s.k_neighbors == 3 and s.random_state == 7
    s = make_sampler("SMOTE", {"random_state": 1}, random_state=7)
    assert s.random_state == 1
    s = make_sampler("SMOTETomek", random_state=5)
    assert s.random_state == 5


def test_typed_lane_settings_name_the_bad_value_before_anything_runs():
    assert ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": 3}).build().k_neighbors == 3
    with pytest.raises(ValueError, match="k_neighbors"):
        ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": -1})
    with pytest.raises(ValueError, match="SMOOTE"):
        ImblearnSamplerParams(name="SMOOTE")
    with pytest.raises(ValueError, match="extra"):
        ImblearnSamplerParams(name="SMOTE", kwrgs={})


def test_too_few_minority_rows_for_the_neighbours_names_the_parameter():
    params = ImblearnSamplerParams(name="SMOTE", kwargs={"k_neighbors": 5})
    params.check_fits(6, "smote.sampler")
    with pytest.raises(ValueError, match=r"smote.sampler.kwargs.k_neighbors is 5 but train holds only 5 minority"):
        params.check_fits(5, "smote.sampler")
