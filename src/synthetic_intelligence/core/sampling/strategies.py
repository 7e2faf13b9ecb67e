"""Candidate strategies: how synthetic candidates are drawn from the rows of one class.

A strategy is fitted once on the rows ``X_c`` of the class it oversamples and then
draws batches with :meth:`CandidateStrategy.generate`. It holds no random state of
its own: every draw takes the caller's ``numpy.random.Generator``, so one fitted
strategy can be shipped to other processes (for example Spark executors, which
pickle it) and give reproducible rows from a per-task generator.

Registered strategies (``STRATEGIES``, name -> class):

- ``"interpolate"`` (:class:`Interpolate`): a random pair of distinct rows and a
  uniform point on the segment between them (SMOTE without neighbour search).
- ``"cluster_interpolate"`` (:class:`ClusterInterpolate`): the same inside one
  ``KMeans`` cluster of the class, so segments rarely bridge separate modes.
- ``"gaussian"`` (:class:`Gaussian`): a random row plus Gaussian noise scaled by
  half the per-feature standard deviation of its cluster.

A new strategy subclasses :class:`CandidateStrategy`, implements ``_fit`` and
``_draw`` and is passed as an instance (``OracleRejectionSampler(candidates=MyStrategy())``)
or added to ``STRATEGIES``.

Mixed-type rows (see :mod:`.mixed`)
-----------------------------------
Rows of a mixed-type table arrive encoded: categorical and boolean columns hold codes
(``parents``: a boolean mask of those columns), a missing value is ``NaN`` in any column.
The rule of every registered strategy, vectorised over the whole batch:

- *interpolating strategies* (``interpolate``, ``cluster_interpolate``): numeric columns as
  above; the *nearer parent* (``x_i`` when ``u < 0.5``, else ``x_j``) gives every parent
  column (so each categorical / boolean value, and their combination, is one of a real row
  of the class) and the missingness: where the nearer parent misses a numeric value the
  candidate misses it; where only the other parent misses it the candidate takes the nearer
  parent's value. The missing share of a column is thus carried over in expectation, and a
  candidate's pattern of missing values is one of a real row's.
- ``gaussian``: the one parent ``x_i`` gives every parent column and every missing value;
  noise is added to its present numeric values only (per-cluster std ignoring NaN).
- ``KMeans`` (clustered strategies) runs on the numeric columns with missing values set to
  the class mean, plus the one-hot parent columns (missing as a level of its own).

Rows with no parent column and no missing value take exactly the numeric path (the same
numbers, bit for bit).
"""

from __future__ import annotations

import copy
from typing import ClassVar

import numpy as np
from sklearn.cluster import KMeans

from synthetic_intelligence.core.sampling.threads import n_threads, run_in_parts

__all__ = [
    "CANDIDATE_STRATEGIES",
    "GAUSSIAN_SCALE",
    "STRATEGIES",
    "CandidateStrategy",
    "ClusterInterpolate",
    "Gaussian",
    "Interpolate",
    "make_strategy",
]

#: Noise scale of the ``"gaussian"`` strategy, relative to the per-cluster std.
GAUSSIAN_SCALE = 0.5


class CandidateStrategy:
    """Base class: fit on the rows of one class, then draw candidates in batches.

    Subclasses implement ``_fit()`` (read ``self.rows_``) and ``_draw(rng, m)``, which
    returns a fresh ``(m, n_features)`` array in the dtype of the fitted rows.
    :meth:`generate` then rounds the integer columns and casts to the output dtype,
    so the rows it returns are exactly the rows that are scored and kept.
    """

    name: ClassVar[str] = ""

    #: Interpolation weight kept in ``[gap, 1 - gap]`` (interpolating strategies only; 0: ``U(0, 1)``).
    gap: float = 0.0

    @classmethod
    def from_params(cls, *, n_clusters: int, gap: float = 0.0) -> CandidateStrategy:
        """Instance configured from the sampler's parameters (``n_clusters``, ``gap`` where they apply)."""
        return cls()

    def _weights(self, rng, m):
        """``u ~ U(gap, 1 - gap)`` in the rows' dtype: with ``gap > 0`` no candidate sits on (or next to) a
        parent row, a near-copy guard that needs no neighbour search. ``gap == 0`` draws exactly ``U(0, 1)``."""
        u = rng.random(m, dtype=self.rows_.dtype)
        if self.gap:
            u *= 1.0 - 2.0 * self.gap
            u += self.gap
        return u

    def fit(self, X_c, *, seed: int = 0, rounded=None, out_dtype=None, parents=None) -> CandidateStrategy:
        """Learn what the strategy needs from ``X_c`` (the class rows, in the working dtype).

        ``seed`` seeds any one-time fitting (clustering); ``rounded`` is a boolean mask of
        columns rounded to integers after each draw (or None); ``out_dtype`` is the dtype
        of the generated rows (default: the dtype of ``X_c``); ``parents`` is a boolean mask
        of the columns a candidate takes whole from a parent row (encoded categorical and
        boolean columns; see the module docstring), or None. ``NaN`` in ``X_c`` marks a
        missing value.
        """
        X_c = np.ascontiguousarray(X_c)
        if X_c.ndim != 2 or X_c.shape[0] < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 rows of 2-D data; got shape {X_c.shape}.")
        self.rows_ = X_c
        self.n_features_ = X_c.shape[1]
        self.out_dtype_ = np.dtype(out_dtype if out_dtype is not None else X_c.dtype)
        self.rounded_ = None if rounded is None or not np.any(rounded) else np.asarray(rounded, dtype=bool)
        self.parents_ = None if parents is None or not np.any(parents) else np.asarray(parents, dtype=bool)
        if self.parents_ is not None and self.parents_.shape != (self.n_features_,):
            raise ValueError(f"parents must be a mask of {self.n_features_} columns; got shape {self.parents_.shape}")
        self.has_missing_ = bool(X_c.dtype.kind == "f" and np.isnan(X_c).any())
        self.seed_ = int(seed)
        self._fit()
        return self

    def generate(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """``m`` candidates of shape ``(m, n_features_)`` in ``out_dtype_``."""
        return self.finish(self._draw(rng, m))

    def finish(self, cand: np.ndarray) -> np.ndarray:
        """Drawn candidates as :meth:`generate` returns them: integer columns rounded, in ``out_dtype_``."""
        if self.rounded_ is not None:
            cand[:, self.rounded_] = np.rint(cand[:, self.rounded_])
        return cand.astype(self.out_dtype_, copy=False)

    def _fit(self) -> None:
        """One-time preparation from ``self.rows_`` (nothing by default)."""

    @property
    def is_mixed(self) -> bool:
        """True when the rows have parent (categorical / boolean) columns or missing values."""
        return getattr(self, "parents_", None) is not None or getattr(self, "has_missing_", False)

    def _between(self, rows, i, j, u):
        """Candidates between ``rows[i]`` and ``rows[j]`` at ``u``, with the nearer-parent rule on mixed rows."""
        cand = _interpolate(rows, i, j, u)
        if not self.is_mixed:
            return cand
        near = np.where((u >= 0.5)[:, None], rows[j], rows[i])
        if self.parents_ is not None:
            cand[:, self.parents_] = near[:, self.parents_]
        if self.has_missing_:
            gaps = np.isnan(cand)  # either parent misses: the nearer one decides
            cand[gaps] = near[gaps]
        return cand

    def _draw(self, rng: np.random.Generator, m: int) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class Interpolate(CandidateStrategy):
    """``x_i + u (x_j - x_i)``: a random pair ``i != j`` of class rows, ``u ~ U(gap, 1 - gap)``."""

    name = "interpolate"

    def __init__(self, gap: float = 0.0):
        self.gap = _check_gap(gap)

    @classmethod
    def from_params(cls, *, n_clusters, gap=0.0):
        return cls(gap=gap)

    def _draw(self, rng, m):
        n_c = self.rows_.shape[0]
        i = rng.integers(0, n_c, size=m)
        # distinct partner: shift by 1..n_c-1 (cyclic)
        j = (i + rng.integers(1, n_c, size=m)) % n_c
        return self._between(self.rows_, i, j, self._weights(rng, m))


class _Clustered(CandidateStrategy):
    """Shared one-time ``KMeans`` clustering of the class rows."""

    def __init__(self, n_clusters: int = 8):
        self.n_clusters = n_clusters

    @classmethod
    def from_params(cls, *, n_clusters, gap=0.0):
        return cls(n_clusters=n_clusters)

    def _cluster_labels(self) -> np.ndarray:
        """``min(n_clusters, n_c // 2)`` clusters, capped by the number of distinct rows."""
        rows = self._cluster_matrix()
        n_c = rows.shape[0]
        k = min(self.n_clusters, max(1, n_c // 2))
        if k > 1:
            k = min(k, np.unique(rows, axis=0).shape[0])
        if k <= 1:
            return np.zeros(n_c, dtype=np.int64)
        km = KMeans(n_clusters=k, n_init=3, random_state=self.seed_)
        return km.fit_predict(rows.astype(np.float64)).astype(np.int64)

    def _cluster_matrix(self) -> np.ndarray:
        """The rows KMeans sees: the rows themselves, or for mixed rows the numeric columns (missing values
        set to the class mean, 0 where a column is all missing) and the one-hot parent columns."""
        rows = self.rows_
        if not self.is_mixed:
            return rows
        parents = self.parents_ if self.parents_ is not None else np.zeros(self.n_features_, dtype=bool)
        numeric = rows[:, ~parents].astype(np.float64)
        present = ~np.isnan(numeric)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(present, numeric, 0.0).sum(axis=0) / present.sum(axis=0)
        numeric = np.where(present, numeric, np.nan_to_num(means, nan=0.0))
        blocks = [numeric]
        for k in np.flatnonzero(parents):
            codes = np.where(np.isnan(rows[:, k]), -1, rows[:, k])
            blocks.append((codes[:, None] == np.unique(codes)[None, :]).astype(np.float64))
        return np.hstack(blocks)


class ClusterInterpolate(_Clustered):
    """Interpolation between two distinct members of one cluster, picked by cluster size.

    A singleton cluster yields a copy of its row.
    """

    name = "cluster_interpolate"

    def __init__(self, n_clusters: int = 8, gap: float = 0.0):
        super().__init__(n_clusters=n_clusters)
        self.gap = _check_gap(gap)

    @classmethod
    def from_params(cls, *, n_clusters, gap=0.0):
        return cls(n_clusters=n_clusters, gap=gap)

    def _fit(self):
        labels = self._cluster_labels()
        k = int(labels.max()) + 1
        order = np.argsort(labels, kind="stable")
        self.sizes_ = np.bincount(labels, minlength=k).astype(np.int64)
        self.starts_ = np.concatenate(([0], np.cumsum(self.sizes_)[:-1])).astype(np.int64)
        self.sorted_rows_ = self.rows_[order]
        self.cluster_p_ = self.sizes_ / self.rows_.shape[0]
        self.k_ = k

    def _draw(self, rng, m):
        c = rng.choice(self.k_, size=m, p=self.cluster_p_)
        pos_i = np.floor(rng.random(m) * self.sizes_[c]).astype(np.int64)
        starts = self.starts_[c]
        return self.between_in_cluster(rng, c, starts + pos_i)[0]

    def between_in_cluster(self, rng, c, i):
        """``(candidates, j)``: from sorted rows ``i`` (in clusters ``c``) towards a distinct partner ``j`` of the
        same cluster (a singleton cluster gives a copy of its row)."""
        sizes, starts = self.sizes_[c], self.starts_[c]
        shift = 1 + np.floor(rng.random(i.shape[0]) * np.maximum(sizes - 1, 1)).astype(np.int64)
        shift[sizes == 1] = 0
        j = starts + (i - starts + shift) % sizes
        return self._between(self.sorted_rows_, i, j, self._weights(rng, i.shape[0])), j


class Gaussian(_Clustered):
    """``x_i + N(0, diag((scale * sigma_k)**2))`` with ``sigma_k`` the std of the cluster of ``x_i``.

    Clusters with fewer than two rows use the standard deviation of the whole class.
    """

    name = "gaussian"

    def __init__(self, n_clusters: int = 8, scale: float = GAUSSIAN_SCALE):
        super().__init__(n_clusters=n_clusters)
        self.scale = scale

    def _fit(self):
        rows = self.rows_
        labels = self._cluster_labels()
        k = int(labels.max()) + 1
        spread = _nanstd if self.is_mixed else (lambda a: a.std(axis=0))
        global_std = spread(rows)
        std = np.empty((k, self.n_features_), dtype=rows.dtype)
        for c in range(k):  # loop over clusters (<= n_clusters), not rows
            members = rows[labels == c]
            std[c] = spread(members) if members.shape[0] > 1 else global_std
        if self.is_mixed:
            std = np.nan_to_num(std, nan=0.0)  # a column missing in a whole cluster gets no noise
            if self.parents_ is not None:
                std[:, self.parents_] = 0.0  # parent columns are the row's own (no noise)
        self.noise_scale_ = (self.scale * std).astype(rows.dtype)
        self.labels_ = labels

    def _draw(self, rng, m):
        return self.around(rng, rng.integers(0, self.rows_.shape[0], size=m))

    def around(self, rng, i):
        """Candidates: rows ``i`` plus Gaussian noise at the scale of each row's cluster."""
        noise = rng.standard_normal((i.shape[0], self.n_features_), dtype=self.rows_.dtype)
        noise *= self.noise_scale_[self.labels_[i]]
        noise += self.rows_[i]
        return noise


def _check_gap(gap) -> float:
    gap = float(gap)
    if not 0.0 <= gap < 0.5:
        raise ValueError(f"gap (interpolation weight kept in [gap, 1 - gap]) must lie in [0, 0.5); got {gap}")
    return gap


def _nanstd(rows):
    """Per-column std ignoring NaN (NaN for a column with no value), without the all-NaN warning."""
    with np.errstate(invalid="ignore", divide="ignore"):
        present = ~np.isnan(rows)
        n = present.sum(axis=0)
        filled = np.where(present, rows, 0.0)
        mean = filled.sum(axis=0) / n
        var = (np.where(present, rows - mean, 0.0) ** 2).sum(axis=0) / n
    return np.sqrt(var)


def _interpolate(rows, i, j, u):
    """``rows[i] + u * (rows[j] - rows[i])`` in the rows' dtype: one compiled pass over the candidates (in parts on
    the machine's cores) where numba is installed, else numpy's two gathers and three in-place passes. Both give
    the same numbers bit for bit (each step rounded to the rows' dtype, no fused multiply-add; tested)."""
    m = i.shape[0]
    if (m < _MIN_COMPILED_ROWS or u.dtype != rows.dtype or rows.dtype not in (np.float32, np.float64)
            or not rows.flags.c_contiguous):
        return _interpolate_numpy(rows, i, j, u)
    kernel = _interpolation_kernel()
    if kernel is None:
        return _interpolate_numpy(rows, i, j, u)
    out = np.empty((m, rows.shape[1]), dtype=rows.dtype)
    i, j = np.ascontiguousarray(i, dtype=np.int64), np.ascontiguousarray(j, dtype=np.int64)
    workers = n_threads()
    if workers == 1 or m < 2 * _MIN_COMPILED_ROWS:
        kernel(0, m, rows, i, j, u, out)
    else:
        run_in_parts(kernel, m, -(-m // (2 * workers)), rows, i, j, u, out)
    return out


def _interpolate_numpy(rows, i, j, u):
    cand = rows[j]
    base = rows[i]
    cand -= base
    cand *= u[:, None]
    cand += base
    return cand


def _interpolate_rows_py(lo, hi, rows, i, j, u, out):  # pragma: no cover - compiled by numba
    n_features = rows.shape[1]
    for r in range(lo, hi):
        a, b, w = i[r], j[r], u[r]
        for c in range(n_features):
            x = rows[a, c]
            out[r, c] = (rows[b, c] - x) * w + x


#: Candidates below which numpy's passes are used (the compiled pass pays off on large batches).
_MIN_COMPILED_ROWS = 8192

#: The compiled pass: ``"lazy"`` until first needed (importing the sampler does not import numba), then the
#: compiled function, or None where numba is not installed (numpy's passes).
_interpolate_rows = "lazy"


def _interpolation_kernel():
    global _interpolate_rows  # noqa: PLW0603 - compiled once per process, at first use
    if isinstance(_interpolate_rows, str):
        try:  # optional, as for the compiled tree scorer
            from numba import njit

            _interpolate_rows = njit(nogil=True, cache=True)(_interpolate_rows_py)
        except ImportError:  # pragma: no cover - exercised where numba is absent
            _interpolate_rows = None
    return _interpolate_rows


#: Registered strategies: the name accepted by ``candidates=`` -> class.
STRATEGIES: dict[str, type[CandidateStrategy]] = {
    cls.name: cls for cls in (Interpolate, ClusterInterpolate, Gaussian)
}

#: Names of the registered candidate strategies (in documentation order).
CANDIDATE_STRATEGIES = tuple(STRATEGIES)


def make_strategy(candidates, *, n_clusters: int, gap: float = 0.0) -> CandidateStrategy:
    """A fresh, unfitted strategy from a registered name or a :class:`CandidateStrategy` instance.

    An instance is deep-copied, so the caller's object is never fitted in place.
    """
    if isinstance(candidates, CandidateStrategy):
        return copy.deepcopy(candidates)
    try:
        cls = STRATEGIES[candidates]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown candidates strategy {candidates!r}; valid strategies are "
            f"{', '.join(map(repr, STRATEGIES))} or a CandidateStrategy instance."
        ) from None
    return cls.from_params(n_clusters=n_clusters, gap=gap)
