import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core import features


def _frame():
    return pd.DataFrame({
        "amount": [1.0, np.nan, 3.0],
        "n": [1, 2, 3],
        "flag": pd.array([True, None, False], dtype="boolean"),
        "grade": pd.Categorical(["a", "b", None]),
        "target": [0, 1, 0],
        "is_synthetic": [False, False, True],
    })


def test_kinds_of_a_mixed_frame():
    kinds = features.feature_kinds(_frame())
    assert kinds == {"amount": "numeric", "n": "numeric", "flag": "boolean", "grade": "categorical"}
    assert features.categorical_columns(_frame()) == ["grade"]
    assert features.is_mixed(_frame())


def test_numeric_frame_without_missing_values_is_not_mixed():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3, 4], "target": [0, 1]})
    assert not features.is_mixed(frame)
    frame.loc[0, "a"] = np.nan
    assert features.is_mixed(frame)


def test_other_dtypes_are_refused_naming_the_column():
    frame = pd.DataFrame({"when": pd.to_datetime(["2020-01-01", "2020-01-02"]), "target": [0, 1]})
    with pytest.raises(TypeError, match="'when'"):
        features.feature_kinds(frame)
