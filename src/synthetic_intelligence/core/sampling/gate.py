"""The gate: from ``(gate, threshold)`` to the score a candidate of a class must reach.

``gate="probability"``
    ``threshold`` is an absolute cut on P(class | x). Its meaning depends on the
    class prior: at a 1% prior a calibrated oracle rarely scores even a real
    minority row above 0.5, so a cut of 0.5 accepts nothing.

``gate="quantile"`` (prior-aware)
    ``threshold`` is a quantile level ``q``: the cut of class ``c`` is the
    ``q``-quantile of the oracle's scores on the *real* rows of class ``c``. A
    candidate passes when the oracle finds it at least as class-like as the
    ``q``-quantile real row of the class, which means the same at a 0.5% and at a
    30% prior. ``q = 0.5`` (the default) keeps candidates at least as class-like as
    the median real row; a higher ``q`` is stricter, a lower one looser.

The real rows are usually rows the oracle was trained on, so their scores are
in-sample. For an oracle that fits its training rows closely (deep trees,
boosting with many rounds, k-NN with small k) those scores are optimistic: the
cut is higher than it would be on fresh rows of the class and the gate is
*stricter* than ``q`` suggests (fewer candidates pass, never weaker ones). For a
smooth oracle (logistic regression, a calibrated model) the difference is
small. The bias does not leak anything: ``q`` is a stringency knob chosen on
validation data, so the choice absorbs it. For a cut from out-of-sample scores,
pass an oracle fitted on other rows than the ones being oversampled.

Either way a candidate scored exactly 0 is never accepted (see
:func:`~.executor.accept_mask`), so an oracle that gives a whole class zero
probability yields a :class:`GenerationError` rather than unchecked rows.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GATES", "class_cut"]

#: Gate kinds accepted by ``gate=``.
GATES = ("quantile", "probability")


def class_cut(gate: str, threshold: float, scorer, real_rows) -> float:
    """The cut of one class: ``threshold`` itself, or the quantile of the real rows' scores.

    ``scorer`` is the class's scorer (only called for the quantile gate);
    ``real_rows`` are the class's rows in the dtype candidates are scored in.
    """
    if gate == "probability":
        return float(threshold)
    if gate == "quantile":
        scores = scorer(real_rows)
        return float(np.quantile(scores, float(threshold)))
    raise ValueError(f"Unknown gate {gate!r}; valid gates are {', '.join(map(repr, GATES))}.")
