"""imbalanced-learn's estimator checks on OracleRejectionSampler (plus its parameter-validation check).

The checks run with the default oracle and prior-aware gate, and with an unfitted
logistic-regression oracle behind the absolute gate. A check that cannot apply is
in ``EXPECTED_FAILED`` with its reason (run as an expected failure). Checks for
string, NaN and scipy-sparse input are not generated at all: the sampler's tags
say it takes none.
"""

from __future__ import annotations

from imblearn.utils.estimator_checks import check_param_validation, parametrize_with_checks
from sklearn.linear_model import LogisticRegression

from synthetic_intelligence.core.sampling import OracleRejectionSampler
from tests.core.sampling.cases import single_thread  # noqa: F401

#: {check name: reason} for checks that cannot apply.
EXPECTED_FAILED: dict[str, str] = {
    # generated for every sampler that takes DataFrames, whatever its sparse tag
    "check_samplers_pandas_sparse": (
        "sparse input is refused (tags: sparse=False): candidates are dense interpolated rows, so a pandas "
        "sparse frame is refused like a scipy sparse matrix (TypeError 'dense data is required')"
    ),
}

SAMPLERS = [
    OracleRejectionSampler(random_state=0),
    OracleRejectionSampler(oracle=LogisticRegression(), gate="probability", threshold=0.3, batch_size=4096,
                           random_state=0),
]


@parametrize_with_checks(SAMPLERS, expected_failed_checks=lambda estimator: EXPECTED_FAILED)
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)


def test_param_validation_check():
    check_param_validation("OracleRejectionSampler", OracleRejectionSampler(random_state=0))
