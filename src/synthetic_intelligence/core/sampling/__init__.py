"""Model-driven oversampling by rejection sampling, in parts that can be swapped.

:class:`OracleRejectionSampler` (an imbalanced-learn over-sampler) generates cheap
synthetic candidates for each class to oversample and keeps the candidates that a
probabilistic classifier (the *oracle*) scores at or above the class's cut. It is
built from parts, one module each:

- ``strategies``: how candidates are drawn from the rows of a class
  (:class:`CandidateStrategy`; ``interpolate``, ``cluster_interpolate``,
  ``gaussian``; registry ``STRATEGIES``);
- ``scorer``: the oracle's ``predict_proba`` for one class, with its output checked
  (:class:`ProbaScorer`; any object with ``predict_proba`` works);
- ``gate``: the cut of a class from ``gate`` and ``threshold`` (the prior-aware
  ``"quantile"`` gate or the absolute ``"probability"`` one);
- ``executor``: the pure step :func:`generate_and_gate` and the round loop
  (:class:`NumpyExecutor`); another backend (Spark) is an object with
  ``run(task, rng)`` passed as ``backend=``;
- ``inputs``: checks of ``X`` that name the offending columns;
- ``mixed``: mixed-type DataFrames (categorical, boolean, text, missing values) encoded
  into the float work matrix and decoded back to their dtypes (:class:`~.mixed.FrameCodec`),
  and the oracle adapter that scores work-matrix rows as DataFrames (:class:`~.mixed.FrameOracle`);
- ``sampler``: :class:`OracleRejectionSampler` itself and :class:`GenerationError`.

Plain library code (numpy / scikit-learn / imbalanced-learn); no pipeline framework.
"""

from synthetic_intelligence.core.sampling.executor import (
    ClassResult,
    ClassTask,
    NumpyExecutor,
    StepResult,
    accept_mask,
    generate_and_gate,
)
from synthetic_intelligence.core.sampling.gate import GATES, class_cut
from synthetic_intelligence.core.sampling.sampler import BACKENDS, GenerationError, OracleRejectionSampler
from synthetic_intelligence.core.sampling.scorer import ProbaScorer, prepare_oracle, proba_column
from synthetic_intelligence.core.sampling.strategies import (
    CANDIDATE_STRATEGIES,
    GAUSSIAN_SCALE,
    STRATEGIES,
    CandidateStrategy,
    ClusterInterpolate,
    Gaussian,
    Interpolate,
    make_strategy,
)

__all__ = [
    "BACKENDS",
    "CANDIDATE_STRATEGIES",
    "GATES",
    "GAUSSIAN_SCALE",
    "STRATEGIES",
    "CandidateStrategy",
    "ClassResult",
    "ClassTask",
    "ClusterInterpolate",
    "Gaussian",
    "GenerationError",
    "Interpolate",
    "NumpyExecutor",
    "OracleRejectionSampler",
    "ProbaScorer",
    "StepResult",
    "accept_mask",
    "class_cut",
    "generate_and_gate",
    "make_strategy",
    "prepare_oracle",
    "proba_column",
]
