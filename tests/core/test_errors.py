import pytest

from synthetic_intelligence.core.errors import (
    ClusterError,
    ConfigurationError,
    DataValidationError,
    UserError,
    check_same_columns,
    find_user_error,
)


def test_user_errors_keep_their_builtin_bases():
    assert issubclass(DataValidationError, ValueError) and issubclass(ConfigurationError, ValueError)
    assert issubclass(ClusterError, RuntimeError)
    assert all(issubclass(c, UserError) for c in (DataValidationError, ConfigurationError, ClusterError))


def _raise_wrapped(inner, *, cause):
    try:
        raise inner
    except Exception as exc:
        if cause:
            raise RuntimeError("node failed") from exc
        raise RuntimeError("failed while handling")  # the implicit context is what is tested


@pytest.mark.parametrize("cause", [True, False], ids=["cause", "context"])
def test_user_error_is_found_behind_a_wrapper(cause):
    user = DataValidationError("split holdout_iid has 0 minority rows")
    with pytest.raises(RuntimeError) as info:
        _raise_wrapped(user, cause=cause)
    assert find_user_error(info.value) is user


def test_user_error_found_in_exception_group_and_bugs_are_not_user_errors():
    user = ConfigurationError("bad")
    assert find_user_error(ExceptionGroup("many", [KeyError("k"), user])) is user
    assert find_user_error(TypeError("'<' not supported")) is None
    assert find_user_error(None) is None


def test_cyclic_chains_terminate():
    a, b = RuntimeError("a"), RuntimeError("b")
    a.__context__, b.__context__ = b, a
    assert find_user_error(a) is None


def test_same_columns_pass_in_any_order_unless_ordered():
    check_same_columns(["a", "b", "target"], "train", ["target", "b", "a"], "holdout_iid")
    with pytest.raises(DataValidationError, match="same columns in a different order"):
        check_same_columns(["a", "b"], "train", ["b", "a"], "oracle features", ordered=True)


def test_different_columns_name_both_datasets_and_the_columns():
    with pytest.raises(DataValidationError) as info:
        check_same_columns(["x00", "x01", "x02"], "the oracle's features", ["amount", "x01", "x02"], "train",
                           hint="re-run data_isolation and oracle together")
    msg = str(info.value)
    assert msg.startswith("the oracle's features (3 columns) and train (3 columns) do not fit together")
    assert "only in the oracle's features: 'x00'" in msg and "only in train: 'amount'" in msg
    assert msg.endswith(". re-run data_isolation and oracle together")
    assert isinstance(info.value, ValueError)


def test_many_missing_columns_are_shortened_and_duplicates_reported():
    with pytest.raises(DataValidationError, match=r"only in a: 'c0', .*'c9' and 5 more"):
        check_same_columns([f"c{i}" for i in range(15)], "a", ["z"], "b")
    with pytest.raises(DataValidationError, match="b repeats 'x'"):
        check_same_columns(["x", "y"], "a", ["x", "y", "x"], "b")
