"""Public re-export of the oracle-gated rejection sampler."""

from synthetic_intelligence.core.sampling import GenerationError, OracleRejectionSampler  # noqa

__all__ = ["OracleRejectionSampler", "GenerationError"]
