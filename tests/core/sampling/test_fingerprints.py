"""The reshaped sampler gives byte-identical output to the single-module one (gate="probability").

``fingerprints.json`` was recorded from commit e63c140 (before the reshape)
with the configurations of ``cases.CASES``: sha256 of the output bytes,
``acceptance_rate_`` and ``n_rounds_``; with uniform proposals (the default then; ``"auto"``, adaptive, since
stop 24, whose draws ``test_proposals.py`` checks).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthetic_intelligence.core.sampling import OracleRejectionSampler
from tests.core.sampling.cases import CASES, case_data, fingerprint, single_thread  # noqa: F401

RECORDED = json.loads((Path(__file__).with_name("fingerprints.json")).read_text())


def test_every_case_was_recorded():
    assert set(RECORDED) == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_seeded_output_is_byte_identical_to_the_recorded_one(name):
    X, y, kwargs = case_data(name)
    sampler = OracleRejectionSampler(gate="probability", proposals="uniform", **kwargs)  # the recorded draws
    X_res, y_res = sampler.fit_resample(X, y)
    assert fingerprint(sampler, X_res, y_res) == RECORDED[name]
    assert sampler.thresholds_ == dict.fromkeys(sampler.n_synthetic_, kwargs["threshold"])
