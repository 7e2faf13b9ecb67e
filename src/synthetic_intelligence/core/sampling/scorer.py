"""Scoring candidates with an oracle: any object with ``predict_proba``.

:func:`prepare_oracle` turns the sampler's ``oracle`` parameter into a ready
oracle (the default one, a fitted clone of an unfitted scikit-learn estimator, or
the object itself); :class:`ProbaScorer` scores candidates for one class and
checks what the oracle returned.

The oracle need not be a scikit-learn estimator: an object with a
``predict_proba(X)`` method that returns ``(n_rows, n_classes)`` probabilities is
enough (an H2O adapter, a MOJO scorer, a hand-written rule). Objects that are not
scikit-learn estimators are assumed to be fitted.

Which column is the class's probability:

- the oracle has ``classes_``: the column whose entry equals the label;
- otherwise: the position of the label among the sorted labels of ``y``
  (scikit-learn's convention; column 1 for the larger label of a binary problem);
- a 1-D output (binary problems only) is read as the probability of the second
  class (column 1), so the first class scores ``1 - p``.

The default oracle scores fast: :meth:`ProbaScorer.for_class` returns a
:class:`CompiledTreeScorer` for a ``HistGradientBoostingClassifier`` the compiled
predictor of :mod:`.tree_predictor` can reproduce bit for bit (numeric splits,
numba installed), and a plain :class:`ProbaScorer` for every other oracle. Both
give the same scores, hence the same accepted rows.

Checks on every call (a :class:`ValueError` naming what is wrong): the output has
one row per candidate and the expected number of columns; no NaN (the message
gives how many); every probability in ``[0, 1]`` (up to ``PROBA_TOLERANCE``
of rounding; the message names the offending value).
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "PROBA_TOLERANCE",
    "CompiledTreeScorer",
    "ProbaScorer",
    "default_oracle",
    "is_fitted",
    "is_sklearn_estimator",
    "native",
    "prepare_oracle",
    "proba_column",
    "unfitted_copy",
]

#: Probabilities outside ``[-PROBA_TOLERANCE, 1 + PROBA_TOLERANCE]`` are rejected.
PROBA_TOLERANCE = 1e-6


def native(label):
    """numpy scalar -> Python scalar (for messages and recorded attributes)."""
    return label.item() if isinstance(label, np.generic) else label


def is_sklearn_estimator(obj) -> bool:
    """A scikit-learn estimator (it can be cloned and checked for being fitted)."""
    return isinstance(obj, BaseEstimator) or hasattr(obj, "__sklearn_tags__")


def default_oracle(seed: int):
    """The oracle used when none is given (unfitted)."""
    return HistGradientBoostingClassifier(random_state=seed)


def prepare_oracle(oracle, X, y, *, seed: int):
    """The oracle to score with.

    ``None``: ``HistGradientBoostingClassifier(random_state=seed)`` fitted on ``(X, y)``.
    An unfitted scikit-learn estimator: a clone of it fitted on ``(X, y)`` (the user's
    object is untouched). A fitted estimator, or any other object with
    ``predict_proba``: used as is.
    """
    if oracle is None:
        return default_oracle(seed).fit(X, y)
    if not callable(getattr(oracle, "predict_proba", None)):
        raise TypeError(f"The oracle must implement predict_proba; {type(oracle).__name__} does not.")
    if not is_fitted(oracle):
        return unfitted_copy(oracle).fit(X, y)
    return oracle


def is_fitted(oracle) -> bool:
    """False only for a scikit-learn estimator that ``check_is_fitted`` finds unfitted."""
    if not is_sklearn_estimator(oracle):
        return True
    try:
        check_is_fitted(oracle)
    except NotFittedError:
        return False
    except TypeError:
        pass  # estimator-like without fit: nothing to fit
    return True


def unfitted_copy(oracle):
    """``clone(oracle)`` (a deep copy for objects that refuse to be cloned)."""
    try:
        return clone(oracle)
    except TypeError:
        return copy.deepcopy(oracle)


def proba_column(oracle, label, classes) -> int:
    """Column of ``oracle.predict_proba`` that holds P(label | x); see the module docstring."""
    oracle_classes = getattr(oracle, "classes_", None)
    if oracle_classes is not None:
        oracle_classes = np.asarray(oracle_classes)
        hits = np.flatnonzero(oracle_classes == label)
        if hits.size == 0:
            raise ValueError(
                f"Class {native(label)!r} is not among the oracle's classes_ {oracle_classes.tolist()!r}."
            )
        return int(hits[0])
    return int(np.flatnonzero(np.asarray(classes) == label)[0])


class ProbaScorer:
    """Scores of candidates for one class: ``scorer(candidates) -> (m,) array``.

    Parameters
    ----------
    oracle : object with ``predict_proba``
        Ready to use (see :func:`prepare_oracle`).
    label : class label
        The class whose probability is the score (used in messages).
    column : int
        Column of ``predict_proba`` to read (see :func:`proba_column`).
    n_columns : int
        Number of columns ``predict_proba`` must return.
    feature_names : sequence of str or None
        When given, candidates are passed to the oracle as a DataFrame with these
        columns (for oracles fitted on DataFrames).

    The scores keep the dtype the oracle returned (no cast), so the gate compares
    exactly what the oracle computed. The scorer is picklable when its oracle is.
    """

    def __init__(self, oracle, *, label, column: int, n_columns: int, feature_names=None):
        self.oracle = oracle
        self.label = label
        self.column = column
        self.n_columns = n_columns
        self.feature_names = None if feature_names is None else list(feature_names)

    @classmethod
    def for_class(cls, oracle, label, classes, *, feature_names=None, compiled: bool = True) -> ProbaScorer:
        """The scorer of ``label`` given the sorted labels ``classes`` of ``y``.

        ``compiled=True``: a :class:`CompiledTreeScorer` where the oracle allows it (same scores, faster).
        """
        oracle_classes = getattr(oracle, "classes_", None)
        n_columns = len(oracle_classes) if oracle_classes is not None else len(classes)
        column = proba_column(oracle, label, classes)
        names = feature_names if hasattr(oracle, "feature_names_in_") else None
        if cls is ProbaScorer and compiled:
            fast = CompiledTreeScorer.maybe(oracle, label=label, column=column, n_columns=n_columns,
                                            feature_names=names)
            if fast is not None:
                return fast
        return cls(oracle, label=label, column=column, n_columns=n_columns, feature_names=names)

    def __call__(self, candidates: np.ndarray) -> np.ndarray:
        data = candidates
        if self.feature_names is not None:
            data = pd.DataFrame(candidates, columns=self.feature_names, copy=False)
        proba = np.asarray(self.oracle.predict_proba(data))
        scores = self._column(proba, candidates.shape[0])
        self._check_values(scores)
        return scores

    def _where(self) -> str:
        return f"{type(self.oracle).__name__}.predict_proba"

    def _column(self, proba, n_rows):
        if proba.dtype.kind not in "biuf":
            raise ValueError(f"{self._where()} returned non-numeric values (dtype {proba.dtype}).")
        if proba.ndim == 1 and proba.shape[0] == n_rows and self.n_columns == 2:
            return proba if self.column == 1 else 1.0 - proba
        if proba.ndim != 2 or proba.shape[0] != n_rows or proba.shape[1] != self.n_columns:
            raise ValueError(
                f"{self._where()} returned an array of shape {proba.shape} for {n_rows} rows; "
                f"expected shape {(n_rows, self.n_columns)} (one row per input row, one column per class)."
            )
        return proba[:, self.column]

    def _check_values(self, scores):
        if scores.size == 0:
            return
        lo, hi = scores.min(), scores.max()
        if np.isnan(lo) or np.isnan(hi):
            n_nan = int(np.count_nonzero(np.isnan(scores)))
            raise ValueError(
                f"{self._where()} returned NaN for {n_nan} of {scores.size} rows "
                f"(class {native(self.label)!r}); the oracle must give a probability for every row."
            )
        if lo < -PROBA_TOLERANCE or hi > 1 + PROBA_TOLERANCE:
            bad = float(hi) if hi > 1 + PROBA_TOLERANCE else float(lo)
            raise ValueError(
                f"{self._where()} returned {bad!r} for class {native(self.label)!r}, outside [0, 1]; "
                "the oracle must return probabilities."
            )


class CompiledTreeScorer(ProbaScorer):
    """A :class:`ProbaScorer` of a ``HistGradientBoostingClassifier`` that scores with its compiled trees.

    Same scores as the estimator's ``predict_proba`` bit for bit (see
    :mod:`~synthetic_intelligence.core.sampling.tree_predictor`), without its float64
    copy, per-call validation or per-tree passes over the batch. Built by
    :meth:`ProbaScorer.for_class` through :meth:`maybe`, which returns None where the
    compiled predictor would not be exact (then the plain scorer is used).
    """

    def __init__(self, oracle, *, label, column: int, n_columns: int, feature_names=None, compiled=None):
        super().__init__(oracle, label=label, column=column, n_columns=n_columns, feature_names=feature_names)
        self.compiled = compiled

    @classmethod
    def maybe(cls, oracle, *, label, column: int, n_columns: int, feature_names=None) -> CompiledTreeScorer | None:
        from synthetic_intelligence.core.sampling.tree_predictor import compile_hgb

        fitted_names = getattr(oracle, "feature_names_in_", None)
        if feature_names is not None and (fitted_names is None or list(fitted_names) != list(feature_names)):
            return None  # the estimator's own checks decide what a renamed or reordered frame means
        compiled = compile_hgb(oracle)
        if compiled is None:
            return None
        return cls(oracle, label=label, column=column, n_columns=n_columns, feature_names=feature_names,
                   compiled=compiled)

    def __call__(self, candidates: np.ndarray) -> np.ndarray:
        candidates = np.asarray(candidates)
        if candidates.dtype.kind != "f":
            candidates = candidates.astype(np.float64)
        proba = self.compiled.predict_proba(candidates)
        scores = self._column(proba, candidates.shape[0])
        self._check_values(scores)
        return scores
