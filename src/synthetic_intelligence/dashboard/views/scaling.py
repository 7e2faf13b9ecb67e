"""Scaling: SMOTE vs model-driven sampling time over growing row counts (table and log-log figure)."""

from synthetic_intelligence.dashboard import later, state

later.render(
    state.outputs(), "scaling", "scaling", "Scaling",
    "Time to oversample as the training set grows (SMOTE vs the model-driven sampler, numpy and Spark), "
    "with the fitted time exponents: the log-log figure and its table.",
)
