"""The sampler as a library: the public import path of the oracle-gated rejection sampler.

    from synthetic_intelligence.sampling import OracleRejectionSampler

``pip install .`` (no extras) installs what this needs: numpy, pandas, scikit-learn and
imbalanced-learn. Importing it loads nothing else (no Kedro, MLflow, torch, H2O or Spark;
``tools/check_light_sampler.py`` checks it in CI, in a fresh environment from the wheel).
The implementation lives in :mod:`synthetic_intelligence.core.sampling`, one module per
part; that path keeps working, but this one is the documented, stable one (docs/sampler.md).
"""

from synthetic_intelligence.core.sampling import (
    STRATEGIES,
    CandidateStrategy,
    GenerationError,
    OracleRejectionSampler,
    ProbaScorer,
    make_strategy,
)

__all__ = ["OracleRejectionSampler", "GenerationError", "CandidateStrategy", "STRATEGIES", "ProbaScorer",
           "make_strategy"]
