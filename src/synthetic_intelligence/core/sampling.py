"""Model-driven oversampling by rejection sampling.

:class:`OracleRejectionSampler` generates cheap synthetic candidates for each
class that has to be oversampled and keeps only the candidates that a
probabilistic classifier (the *oracle*) assigns to that class with a
probability of at least ``threshold``.  It is an imbalanced-learn sampler, so it
can be used as a step of :class:`imblearn.pipeline.Pipeline`.

This module is plain library code (numpy / scikit-learn / imbalanced-learn);
it has no dependency on the pipeline framework.
"""

from __future__ import annotations

import copy
import math
import numbers
import time
import warnings
from collections.abc import Mapping

import numpy as np
from imblearn.base import BaseSampler
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

__all__ = ["OracleRejectionSampler", "GenerationError"]

#: Candidate generation strategies understood by ``candidates=``.
CANDIDATE_STRATEGIES = ("interpolate", "cluster_interpolate", "gaussian")

#: Noise scale of the ``"gaussian"`` strategy, relative to the per-cluster std.
GAUSSIAN_SCALE = 0.5

# Upper bound on the number of float elements (rows x features) of one
# generation/scoring chunk: 2**23 floats = 32 MiB in float32.
_CHUNK_ELEMENTS = 2**23
# Later rounds may grow up to this multiple of ``batch_size``.
_MAX_BATCH_FACTOR = 4
# Smallest batch of a later round (never above ``batch_size``).
_MIN_BATCH = 1024
# Safety margin on the batch size derived from the observed acceptance rate.
_BATCH_MARGIN = 1.2
# Floor on the acceptance rate used to size the next batch.
_RATE_FLOOR = 1e-6
# Acceptance rate assumed before the first candidate is scored (only used to
# size the first scoring chunk of a round, never the round itself).
_PRIOR_RATE = 0.25
# Pseudo-count added to the accepted candidates for the optimistic acceptance
# rate used to declare the target unreachable ("rule of three").
_OPTIMISTIC_PSEUDO_COUNT = 3.0


class GenerationError(RuntimeError):
    """Raised when the oracle accepts too few candidates to reach the target."""


class OracleRejectionSampler(BaseSampler):
    """Oversample minority classes by oracle-gated rejection sampling.

    For each class to oversample (as given by ``sampling_strategy``), synthetic
    candidates are generated in vectorised batches from the rows of that class;
    a probabilistic classifier (the *oracle*) scores every candidate and only
    candidates with ``P(class | x) >= threshold`` are kept.  Rounds of
    candidates are drawn until the requested number of rows is accepted.

    Parameters
    ----------
    oracle : object with ``predict_proba`` or None, default=None
        Classifier used to gate candidates.  If it is a scikit-learn estimator
        that is not fitted (``check_is_fitted`` raises ``NotFittedError``), a
        clone of it is fitted on ``(X, y)``.  Objects that expose
        ``predict_proba`` but are not scikit-learn estimators are assumed to be
        fitted.  ``None`` means ``HistGradientBoostingClassifier`` (seeded from
        ``random_state``) fitted on ``(X, y)``.  The probability column used
        for a class is the one whose entry of ``oracle.classes_`` equals the
        class label; if the oracle has no ``classes_``, column 1 is used for
        binary problems (the usual "positive class" convention) and the
        position of the label among the sorted labels of ``y`` for
        multi-class problems.  When the oracle was fitted on a DataFrame
        (it has ``feature_names_in_``) and ``X`` is a DataFrame, candidates
        are passed to it as a DataFrame with the same column names.

    threshold : float, default=0.75
        Minimum oracle probability of the target class for a candidate to be
        accepted.  Must lie in the open interval (0, 1).

    sampling_strategy : float, str, dict or callable, default="auto"
        As in imbalanced-learn over-samplers: ``"auto"`` (= ``"not
        majority"``), ``"minority"``, ``"not minority"``, ``"all"``, a float
        ratio minority/majority after resampling (binary only), a dict
        ``{label: n_samples_after_resampling}`` or a callable returning such a
        dict.

    candidates : {"interpolate", "cluster_interpolate", "gaussian"}, \
            default="interpolate"
        How candidates are generated from the rows ``X_c`` of the class:

        - ``"interpolate"`` (reference): draw pairs ``(i, j)`` of distinct rows
          of ``X_c`` uniformly at random and return
          ``x_i + u * (x_j - x_i)`` with ``u ~ U(0, 1)``.  Like SMOTE but
          without neighbour search: segments may cross regions of other
          classes, which is exactly what the oracle filters out.
        - ``"cluster_interpolate"``: ``KMeans`` is fitted once on ``X_c``
          (``min(n_clusters, n_c // 2)`` clusters, capped by the number of
          distinct rows).  Each candidate picks a cluster with probability
          proportional to its size, then two distinct members of that cluster
          (a singleton cluster yields a copy of its row) and interpolates
          between them as above.  This avoids most segments that bridge
          separate modes of the class.
        - ``"gaussian"``: draw a row ``x_i`` of ``X_c`` uniformly and return
          ``x_i + N(0, diag((s * sigma_k)**2))`` where ``sigma_k`` is the
          per-feature standard deviation of the ``KMeans`` cluster ``k`` of
          ``x_i`` (same one-time clustering as above) and ``s = 0.5``
          (:data:`GAUSSIAN_SCALE`).  Clusters with fewer than two rows use the
          standard deviation of the whole class.

        Generation runs in float32 when ``X`` is floating point (float64 for
        integer input); integer / boolean columns are rounded.  Candidates are
        cast to the dtype of ``X`` *before* scoring, so the oracle scores
        exactly the rows that are returned.

    batch_size : int, default=65536
        Number of candidates of the first round.  Later rounds are sized from
        the acceptance rate seen so far (``needed / rate * 1.2``), clipped to
        ``[min(1024, batch_size), 4 * batch_size]``.  Within a round,
        candidates are generated and scored in chunks of at most ``2**23``
        floats (to bound memory), each chunk sized from the acceptance rate
        seen so far (0.25 assumed before any score), and the round stops as
        soon as the target is reached; the surplus of the last chunk is
        dropped (first accepted rows are kept).

    max_rounds : int, default=50
        Maximum number of rounds per oversampled class.

    n_clusters : int, default=8
        Maximum number of ``KMeans`` clusters of the ``"cluster_interpolate"``
        and ``"gaussian"`` strategies.

    on_shortfall : {"raise", "warn"}, default="raise"
        What to do when the target cannot be reached: ``max_rounds`` rounds
        were used, or, after a round, even the optimistic acceptance rate
        ``(accepted + 3) / candidates`` times the maximum batch size over all
        remaining rounds cannot deliver the missing rows.  ``"raise"`` raises
        :class:`GenerationError`; ``"warn"`` emits a ``UserWarning`` with the
        same information and returns the rows accepted so far.

    random_state : int, RandomState instance or None, default=None
        Controls candidate generation, the clustering and the default oracle.
        The same ``random_state`` gives identical output.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{label: number of synthetic rows requested}``.
    oracle_ : object
        The oracle used for scoring (fitted clone, default oracle, or the
        prefit oracle itself).
    n_candidates_ : int
        Total number of generated and scored candidates.
    n_accepted_ : int
        Total number of candidates that passed the threshold (before the
        surplus of the last round is truncated).
    acceptance_rate_ : float
        ``n_accepted_ / n_candidates_`` (0.0 when nothing was generated).
    n_rounds_ : int
        Total number of rounds over all oversampled classes.
    rounds_ : list of dict
        One dict per round with keys ``class``, ``round``, ``candidates``,
        ``accepted``, ``acceptance_rate`` and ``seconds``.
    n_synthetic_ : dict
        ``{label: number of synthetic rows returned}``.
    seconds_generate_ : float
        Wall-clock seconds spent generating candidates.
    seconds_score_ : float
        Wall-clock seconds spent scoring candidates with the oracle.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample`` (only for DataFrames
        with string column names).

    Notes
    -----
    The output holds the original rows first, in their original order,
    followed by the accepted synthetic rows grouped by class (in the order of
    ``sampling_strategy_``) and in generation order.  DataFrame input gives a
    DataFrame with the same columns and dtypes (and a fresh ``RangeIndex``).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> sampler = OracleRejectionSampler(threshold=0.6, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> int((y_res == 1).sum()) == int((y_res == 0).sum())
    True
    """

    _sampling_type = "over-sampling"

    _parameter_constraints: dict = {
        "oracle": "no_validation",
        "threshold": [Interval(numbers.Real, 0, 1, closed="neither")],
        "sampling_strategy": [
            Interval(numbers.Real, 0, 1, closed="right"),
            StrOptions({"auto", "minority", "not minority", "not majority", "all"}),
            Mapping,
            callable,
        ],
        "candidates": [StrOptions(set(CANDIDATE_STRATEGIES))],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_rounds": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
        "on_shortfall": [StrOptions({"raise", "warn"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        oracle=None,
        threshold=0.75,
        sampling_strategy="auto",
        candidates="interpolate",
        batch_size=65536,
        max_rounds=50,
        n_clusters=8,
        on_shortfall="raise",
        random_state=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.oracle = oracle
        self.threshold = threshold
        self.candidates = candidates
        self.batch_size = batch_size
        self.max_rounds = max_rounds
        self.n_clusters = n_clusters
        self.on_shortfall = on_shortfall
        self.random_state = random_state

    # ------------------------------------------------------------------ #
    # validation
    # ------------------------------------------------------------------ #
    def _validate_params(self):
        self._check_params()
        super()._validate_params()

    def _check_params(self):
        # Friendlier messages than the generic constraint errors for the most
        # common mistakes; also run from _fit_resample so that they hold when
        # scikit-learn's parameter validation is switched off.
        if self.candidates not in CANDIDATE_STRATEGIES:
            raise ValueError(
                f"Unknown candidates strategy {self.candidates!r}; valid "
                f"strategies are {', '.join(map(repr, CANDIDATE_STRATEGIES))}."
            )
        threshold = self.threshold
        if (
            not isinstance(threshold, numbers.Real)
            or isinstance(threshold, bool)
            or not 0.0 < float(threshold) < 1.0
        ):
            raise ValueError(
                "threshold must be a float in the open interval (0, 1); "
                f"got {threshold!r}."
            )
        for name in ("batch_size", "max_rounds", "n_clusters"):
            value = getattr(self, name)
            if (
                not isinstance(value, numbers.Integral)
                or isinstance(value, bool)
                or value < 1
            ):
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if self.oracle is not None and not hasattr(self.oracle, "predict_proba"):
            raise TypeError(
                f"The oracle must implement predict_proba; "
                f"{type(self.oracle).__name__} does not."
            )
        if self.on_shortfall not in ("raise", "warn"):
            raise ValueError(
                f"on_shortfall must be 'raise' or 'warn'; got {self.on_shortfall!r}."
            )

    def _check_X_y(self, X, y, accept_sparse=None):
        _check_finite(X)
        labels = np.unique(np.asarray(y).ravel()) if np.ndim(y) <= 1 else None
        if labels is not None and labels.size < 2:
            raise ValueError(
                f"y contains only one class ({labels.tolist()!r}); "
                "OracleRejectionSampler needs at least two classes."
            )
        self._rounded_columns = _integer_columns(X)
        # Sparse input is not supported: candidates are dense by construction.
        return super()._check_X_y(X, y, accept_sparse=False)

    # ------------------------------------------------------------------ #
    # main entry point
    # ------------------------------------------------------------------ #
    def _fit_resample(self, X, y):
        self._check_params()
        random_state = check_random_state(self.random_state)
        seed_oracle, seed_cluster, seed_generate = (
            int(s) for s in random_state.randint(0, np.iinfo(np.int32).max, size=3)
        )

        targets = {
            label: int(n) for label, n in self.sampling_strategy_.items() if n > 0
        }
        for label in targets:
            n_c = int(np.count_nonzero(y == label))
            if n_c < 2:
                raise ValueError(
                    f"Class {_native(label)!r} has {n_c} row(s); at least 2 rows are "
                    "needed to generate synthetic samples for it."
                )

        self.oracle_ = self._fit_oracle(X, y, seed_oracle)
        classes = np.unique(y)
        gen = np.random.default_rng(seed_generate)

        out_dtype = X.dtype
        if np.issubdtype(out_dtype, np.floating):
            finite_in_f32 = X.size == 0 or np.abs(X).max() < np.finfo(np.float32).max
            work_dtype = np.float32 if finite_in_f32 else np.float64
        else:
            work_dtype = np.float64
        rounded = getattr(self, "_rounded_columns", None)
        if not np.issubdtype(out_dtype, np.floating):
            rounded = np.ones(X.shape[1], dtype=bool)
        elif rounded is not None and not rounded.any():
            rounded = None

        self.rounds_ = []
        self.n_synthetic_ = {}
        self.n_candidates_ = 0
        self.n_accepted_ = 0
        self.seconds_generate_ = 0.0
        self.seconds_score_ = 0.0

        X_parts = [X]
        y_parts = [y]
        for label, n_needed in targets.items():
            X_c = X[y == label].astype(work_dtype, copy=False)
            generator = _CandidateGenerator(
                X_c,
                strategy=self.candidates,
                n_clusters=self.n_clusters,
                seed=seed_cluster,
            )
            column = _proba_column(self.oracle_, label, classes)
            accepted = self._sample_class(
                label,
                n_needed,
                generator,
                gen,
                column,
                out_dtype=out_dtype,
                rounded=rounded,
            )
            self.n_synthetic_[_native(label)] = accepted.shape[0]
            if accepted.shape[0]:
                X_parts.append(accepted)
                y_parts.append(np.full(accepted.shape[0], label, dtype=y.dtype))

        self.n_rounds_ = len(self.rounds_)
        self.acceptance_rate_ = (
            self.n_accepted_ / self.n_candidates_ if self.n_candidates_ else 0.0
        )
        return np.concatenate(X_parts, axis=0), np.concatenate(y_parts, axis=0)

    # ------------------------------------------------------------------ #
    # helpers
    # ------------------------------------------------------------------ #
    def _fit_oracle(self, X, y, seed):
        oracle = self.oracle
        if oracle is None:
            oracle = HistGradientBoostingClassifier(random_state=seed)
            return oracle.fit(X, y)
        if not hasattr(oracle, "predict_proba"):  # pragma: no cover - validated
            raise TypeError(
                f"The oracle must implement predict_proba; "
                f"{type(oracle).__name__} does not."
            )
        try:
            check_is_fitted(oracle)
        except NotFittedError:
            try:
                fresh = clone(oracle)
            except TypeError:
                fresh = copy.deepcopy(oracle)
            return fresh.fit(X, y)
        except TypeError:
            # Not a scikit-learn estimator: assumed to be ready to use.
            pass
        return oracle

    def _score(self, candidates, column):
        oracle = self.oracle_
        data = candidates
        names = getattr(self, "feature_names_in_", None)
        if names is not None and hasattr(oracle, "feature_names_in_"):
            import pandas as pd

            data = pd.DataFrame(candidates, columns=names, copy=False)
        proba = np.asarray(oracle.predict_proba(data))
        if proba.ndim == 1:
            return proba
        return proba[:, column]

    def _sample_class(
        self, label, n_needed, generator, gen, column, *, out_dtype, rounded
    ):
        n_features = generator.n_features
        chunk_rows = max(1, _CHUNK_ELEMENTS // max(1, n_features))
        max_batch = self.batch_size * _MAX_BATCH_FACTOR
        min_batch = min(_MIN_BATCH, self.batch_size)
        threshold = float(self.threshold)

        kept: list[np.ndarray] = []
        n_kept = 0
        total_candidates = 0
        total_accepted = 0
        rounds_done = 0
        shortfall_reason = None

        while n_kept < n_needed:
            if rounds_done >= self.max_rounds:
                shortfall_reason = f"max_rounds={self.max_rounds} rounds were used"
                break
            if rounds_done == 0:
                batch = self.batch_size
            else:
                rate = total_accepted / total_candidates
                batch = math.ceil(
                    (n_needed - n_kept) / max(rate, _RATE_FLOOR) * _BATCH_MARGIN
                )
                batch = int(min(max(batch, min_batch), max_batch))

            t_round = time.perf_counter()
            round_candidates = 0
            round_accepted = 0
            remaining = batch
            while remaining > 0 and n_kept < n_needed:
                # Sub-chunks sized from the rate seen so far (an assumed
                # _PRIOR_RATE before any candidate was scored) let a round stop
                # as soon as the target is reached instead of scoring all of it.
                seen = total_candidates + round_candidates
                rate = (
                    (total_accepted + round_accepted) / seen if seen else _PRIOR_RATE
                )
                want = math.ceil(
                    (n_needed - n_kept) / max(rate, _RATE_FLOOR) * _BATCH_MARGIN
                )
                m = min(remaining, chunk_rows, max(want, min_batch))
                t0 = time.perf_counter()
                cand = generator.generate(gen, m)
                if rounded is not None:
                    cand[:, rounded] = np.rint(cand[:, rounded])
                cand = cand.astype(out_dtype, copy=False)
                t1 = time.perf_counter()
                scores = self._score(cand, column)
                t2 = time.perf_counter()
                self.seconds_generate_ += t1 - t0
                self.seconds_score_ += t2 - t1

                mask = scores >= threshold
                n_acc = int(np.count_nonzero(mask))
                round_candidates += m
                round_accepted += n_acc
                remaining -= m
                if n_acc:
                    take = cand[mask][: n_needed - n_kept]
                    kept.append(take)
                    n_kept += take.shape[0]

            rounds_done += 1
            total_candidates += round_candidates
            total_accepted += round_accepted
            self.n_candidates_ += round_candidates
            self.n_accepted_ += round_accepted
            self.rounds_.append(
                {
                    "class": _native(label),
                    "round": rounds_done,
                    "candidates": round_candidates,
                    "accepted": round_accepted,
                    "acceptance_rate": round_accepted / round_candidates,
                    "seconds": time.perf_counter() - t_round,
                }
            )

            if n_kept < n_needed:
                rounds_left = self.max_rounds - rounds_done
                optimistic_rate = min(
                    1.0,
                    (total_accepted + _OPTIMISTIC_PSEUDO_COUNT) / total_candidates,
                )
                if rounds_left > 0 and (
                    (n_needed - n_kept) > rounds_left * max_batch * optimistic_rate
                ):
                    shortfall_reason = (
                        f"the target is unreachable in the {rounds_left} remaining "
                        f"round(s) of at most {max_batch} candidates"
                    )
                    break

        if n_kept < n_needed:
            rate = total_accepted / total_candidates if total_candidates else 0.0
            message = (
                f"OracleRejectionSampler accepted only {n_kept} of {n_needed} "
                f"requested synthetic rows for class {_native(label)!r}: "
                f"{shortfall_reason}. "
                f"Observed acceptance rate {rate:.4g} ({total_accepted} of "
                f"{total_candidates} candidates in {rounds_done} round(s)) at "
                f"threshold={threshold}. Lower the threshold, use another "
                "candidates strategy, or raise max_rounds / batch_size."
            )
            if self.on_shortfall == "raise":
                raise GenerationError(message)
            warnings.warn(message, UserWarning, stacklevel=4)

        if not kept:
            return np.empty((0, n_features), dtype=out_dtype)
        return np.concatenate(kept, axis=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


class _CandidateGenerator:
    """Vectorised candidate generation from the rows of one class."""

    def __init__(self, X_c, *, strategy, n_clusters, seed):
        self.X_c = np.ascontiguousarray(X_c)
        self.strategy = strategy
        self.n_features = X_c.shape[1]
        n_c = X_c.shape[0]
        if strategy == "interpolate":
            return

        labels = self._cluster(n_clusters, seed)
        k = int(labels.max()) + 1
        order = np.argsort(labels, kind="stable")
        self.sizes = np.bincount(labels, minlength=k).astype(np.int64)
        self.starts = np.concatenate(([0], np.cumsum(self.sizes)[:-1])).astype(np.int64)
        if strategy == "cluster_interpolate":
            self.sorted_rows = self.X_c[order]
            self.cluster_p = self.sizes / n_c
            self.k = k
        else:  # gaussian
            global_std = self.X_c.std(axis=0)
            std = np.empty((k, self.n_features), dtype=self.X_c.dtype)
            for c in range(k):  # loop over clusters (<= n_clusters), not rows
                members = self.X_c[labels == c]
                std[c] = members.std(axis=0) if members.shape[0] > 1 else global_std
            self.noise_scale = (GAUSSIAN_SCALE * std).astype(self.X_c.dtype)
            self.labels = labels

    def _cluster(self, n_clusters, seed):
        n_c = self.X_c.shape[0]
        k = min(n_clusters, max(1, n_c // 2))
        if k > 1:
            n_distinct = np.unique(self.X_c, axis=0).shape[0]
            k = min(k, n_distinct)
        if k <= 1:
            return np.zeros(n_c, dtype=np.int64)
        km = KMeans(n_clusters=k, n_init=3, random_state=seed)
        return km.fit_predict(self.X_c.astype(np.float64)).astype(np.int64)

    def generate(self, gen, m):
        n_c = self.X_c.shape[0]
        dtype = self.X_c.dtype
        if self.strategy == "interpolate":
            i = gen.integers(0, n_c, size=m)
            # distinct partner: shift by 1..n_c-1 (cyclic)
            j = (i + gen.integers(1, n_c, size=m)) % n_c
            return _interpolate(self.X_c, i, j, gen.random(m, dtype=dtype))

        if self.strategy == "cluster_interpolate":
            c = gen.choice(self.k, size=m, p=self.cluster_p)
            sizes = self.sizes[c]
            pos_i = np.floor(gen.random(m) * sizes).astype(np.int64)
            # distinct partner inside the cluster; singleton clusters give j == i
            shift = 1 + np.floor(gen.random(m) * np.maximum(sizes - 1, 1)).astype(
                np.int64
            )
            shift[sizes == 1] = 0
            pos_j = (pos_i + shift) % sizes
            starts = self.starts[c]
            u = gen.random(m, dtype=dtype)
            return _interpolate(self.sorted_rows, starts + pos_i, starts + pos_j, u)

        # gaussian
        i = gen.integers(0, n_c, size=m)
        noise = gen.standard_normal((m, self.n_features), dtype=dtype)
        noise *= self.noise_scale[self.labels[i]]
        noise += self.X_c[i]
        return noise


def _interpolate(rows, i, j, u):
    cand = rows[j]
    base = rows[i]
    cand -= base
    cand *= u[:, None]
    cand += base
    return cand


def _native(label):
    """numpy scalar -> Python scalar (for messages and recorded attributes)."""
    return label.item() if isinstance(label, np.generic) else label


def _proba_column(oracle, label, classes):
    oracle_classes = getattr(oracle, "classes_", None)
    if oracle_classes is not None:
        oracle_classes = np.asarray(oracle_classes)
        hits = np.flatnonzero(oracle_classes == label)
        if hits.size == 0:
            raise ValueError(
                f"Class {_native(label)!r} is not among the oracle's classes_ "
                f"{oracle_classes.tolist()!r}."
            )
        return int(hits[0])
    if classes.size <= 2:
        return 1
    return int(np.flatnonzero(classes == label)[0])


def _check_finite(X):
    """Reject NaN / inf in X, naming the offending DataFrame columns."""
    columns = getattr(X, "columns", None)
    if columns is not None and hasattr(X, "dtypes"):
        bad = []
        for name in columns:
            col = X[name]
            try:
                values = np.asarray(col, dtype=np.float64)
            except (TypeError, ValueError):
                continue  # non-numeric: left to the generic validation
            if not np.isfinite(values).all():
                bad.append(name)
        if bad:
            raise ValueError(
                f"X contains NaN or infinity in column(s) {bad!r}; "
                "impute or drop them before oversampling."
            )
        return
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        return  # sparse: rejected by the generic validation
    try:
        values = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return
    if values.size and not np.isfinite(values).all():
        bad_cols = np.flatnonzero(~np.isfinite(values).all(axis=0)).tolist()
        raise ValueError(
            f"X contains NaN or infinity (column index(es) {bad_cols}); "
            "impute or drop them before oversampling."
        )


def _integer_columns(X):
    """Boolean mask of integer/boolean DataFrame columns, else None."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "columns"):
        return None
    mask = []
    for dt in list(dtypes):
        try:
            kind = np.dtype(dt).kind
        except TypeError:
            kind = "O"
        mask.append(kind in "iub")
    return np.asarray(mask, dtype=bool)
