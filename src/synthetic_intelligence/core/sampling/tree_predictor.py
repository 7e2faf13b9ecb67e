"""A compiled, exact predictor of a fitted ``HistGradientBoostingClassifier`` (the default oracle).

Why: the gate's score stage is the sampler's main cost, and the estimator's own
``predict_proba`` spends it badly on candidates: it validates and copies every
float32 batch to float64, then walks the whole batch once per tree (100 passes over
a batch far larger than the cache), one row at a time down a branchy loop.

:class:`CompiledHGB` flattens the fitted trees once into small arrays (children of a
node stored side by side, so ``next = left + (x > threshold)``; leaves loop on
themselves) and scores with a `numba <https://numba.pydata.org>`_ kernel that takes
a block of rows (cache-sized), walks every tree for 8 rows at a time in lockstep
(independent chains the CPU overlaps) and stops a tree as soon as the 8 rows sit on
leaves; a block without NaN (the usual case: candidates of numeric rows) takes a path
with no missing-value test, the 8 rows' nodes in registers and no leaf test (1.49x the
rows/s of the previous, general-only kernel on the scaling world's oracle, 2 threads,
one process). Parts of a batch run in parallel on the machine's cores in a small pool of
Python threads (the kernel releases the GIL), which sleep between calls: numba's
OpenMP threads spin after each parallel call and then slowed the single-threaded
generation of the next candidates (measured: generation 2-3x slower).

Exact, not approximate:

- splits: float32 input is compared with each float64 threshold rounded *down* to
  float32, which for a float32 ``x`` is the same test as ``float64(x) <= threshold``
  (what scikit-learn does after its float64 copy); float64 input uses the float64
  thresholds; a NaN goes where the node's ``missing_go_to_left`` sends it;
- sums: ``baseline + tree_1 + tree_2 + ...`` in scikit-learn's order, in float64;
- probabilities: the estimator's own link (``estimator._loss.predict_proba``).

So the scores are bit-for-bit the estimator's ``predict_proba`` (tested), and the
gate accepts exactly the same rows. :func:`compile_hgb` returns None, and the caller
keeps the estimator's ``predict_proba``, whenever that cannot be guaranteed: numba is
not installed, the model has categorical features or splits, or it is not a
``HistGradientBoostingClassifier`` whose tree arrays look as expected.
"""

from __future__ import annotations

import numpy as np

from synthetic_intelligence.core.sampling.threads import n_threads, thread_pool

__all__ = ["BLOCK_ROWS", "CompiledHGB", "compile_hgb", "n_threads", "numba_available"]

#: Rows per parallel block: one block's candidates (x 40 float32 features: 160 KiB) stay in L2 while every tree
#: walks them.
BLOCK_ROWS = 1024

#: Rows below which a batch is scored in the calling thread only.
_MIN_PARALLEL_ROWS = 4 * BLOCK_ROWS

try:  # optional: the fast path needs numba; without it the estimator's predict_proba is used
    from numba import njit
except ImportError:  # pragma: no cover - exercised where numba is absent
    njit = None

def numba_available() -> bool:
    return njit is not None


def _block_any_nan(X, lo, hi):  # pragma: no cover - compiled by numba
    for i in range(lo, hi):
        for j in range(X.shape[1]):
            if X[i, j] != X[i, j]:  # noqa: PLR0124 - NaN test in numba
                return True
    return False


def _block_with_nan(X, lo, hi, feat, thr, left, nan_right, val, roots, depths, klass, out):  # pragma: no cover
    """Every tree over rows ``lo:hi``, 8 rows in lockstep; a NaN goes where its node sends it."""
    lanes = 8
    nodes = np.empty(lanes, np.int64)
    for t in range(roots.shape[0]):
        root, depth, k = roots[t], depths[t], klass[t]
        i0 = lo
        while i0 + lanes <= hi:
            for lane in range(lanes):
                nodes[lane] = root
            for _ in range(depth):
                moved = False
                for lane in range(lanes):
                    node = nodes[lane]
                    x = X[i0 + lane, feat[node]]
                    nxt = left[node] + ((x > thr[node]) | ((x != x) & nan_right[node]))  # noqa: PLR0124 - NaN test in numba
                    moved |= nxt != node
                    nodes[lane] = nxt
                if not moved:
                    break
            for lane in range(lanes):
                out[i0 + lane, k] += val[nodes[lane]]
            i0 += lanes
        for i in range(i0, hi):
            node = root
            for _ in range(depth):
                x = X[i, feat[node]]
                node = left[node] + ((x > thr[node]) | ((x != x) & nan_right[node]))  # noqa: PLR0124 - NaN test in numba
            out[i, k] += val[node]


def _block_finite(X, lo, hi, feat, thr, left, val, roots, depths, klass, out):  # pragma: no cover
    """:func:`_block_with_nan` for rows without NaN: no missing-value test, the 8 lockstep rows' nodes in
    registers (spelt out: numba keeps scalars in registers, not a small array) and no test whether they all
    sit on leaves (a leaf loops on itself: walking the tree's whole depth costs less than the test); 1.5-1.9x
    the rows/s of the general path, a further 1.16x without the leaf test (measured on the scaling world)."""
    for t in range(roots.shape[0]):
        root, depth, k = roots[t], depths[t], klass[t]
        i0 = lo
        while i0 + 8 <= hi:
            n0 = n1 = n2 = n3 = n4 = n5 = n6 = n7 = root
            for _ in range(depth):
                n0 = left[n0] + (X[i0, feat[n0]] > thr[n0])
                n1 = left[n1] + (X[i0 + 1, feat[n1]] > thr[n1])
                n2 = left[n2] + (X[i0 + 2, feat[n2]] > thr[n2])
                n3 = left[n3] + (X[i0 + 3, feat[n3]] > thr[n3])
                n4 = left[n4] + (X[i0 + 4, feat[n4]] > thr[n4])
                n5 = left[n5] + (X[i0 + 5, feat[n5]] > thr[n5])
                n6 = left[n6] + (X[i0 + 6, feat[n6]] > thr[n6])
                n7 = left[n7] + (X[i0 + 7, feat[n7]] > thr[n7])
            out[i0, k] += val[n0]
            out[i0 + 1, k] += val[n1]
            out[i0 + 2, k] += val[n2]
            out[i0 + 3, k] += val[n3]
            out[i0 + 4, k] += val[n4]
            out[i0 + 5, k] += val[n5]
            out[i0 + 6, k] += val[n6]
            out[i0 + 7, k] += val[n7]
            i0 += 8
        for i in range(i0, hi):
            node = root
            for _ in range(depth):
                node = left[node] + (X[i, feat[node]] > thr[node])
            out[i, k] += val[node]


def _kernel(X, feat, thr, left, nan_right, val, roots, depths, klass, baseline, block, out):  # pragma: no cover
    n = X.shape[0]
    n_out = out.shape[1]
    n_blocks = (n + block - 1) // block
    for b in range(n_blocks):
        lo = b * block
        hi = min(n, lo + block)
        for i in range(lo, hi):
            for k in range(n_out):
                out[i, k] = baseline[k]
        if _block_any_nan(X, lo, hi):
            _block_with_nan(X, lo, hi, feat, thr, left, nan_right, val, roots, depths, klass, out)
        else:
            _block_finite(X, lo, hi, feat, thr, left, val, roots, depths, klass, out)
    return out


if njit is not None:  # the kernel's helpers compiled first: the kernel calls them as compiled functions
    _block_any_nan = njit(nogil=True, cache=True)(_block_any_nan)
    _block_with_nan = njit(nogil=True, cache=True)(_block_with_nan)
    _block_finite = njit(nogil=True, cache=True)(_block_finite)
_compiled_kernel = njit(nogil=True, cache=True)(_kernel) if njit is not None else None


class CompiledHGB:
    """Flattened trees of a fitted ``HistGradientBoostingClassifier``: ``raw(X)`` and ``predict_proba(X)``.

    Picklable (plain arrays; the kernel is compiled, or read from numba's cache, in
    each process on first use).
    """

    def __init__(self, estimator):
        self.loss = estimator._loss
        self.baseline = np.ascontiguousarray(np.asarray(estimator._baseline_prediction, dtype=np.float64).ravel())
        self.n_features = int(estimator.n_features_in_)
        feats, thrs, lefts, nan_rights, vals, roots, depths, klass = [], [], [], [], [], [], [], []
        offset = 0
        for iteration in estimator._predictors:
            for k, predictor in enumerate(iteration):
                f, t, le, nr, v, depth = _flatten_tree(predictor.nodes, offset)
                feats.append(f), thrs.append(t), lefts.append(le), nan_rights.append(nr), vals.append(v)
                roots.append(offset), depths.append(depth), klass.append(k)
                offset += f.size
        self.feat = np.concatenate(feats)
        self.thr64 = np.concatenate(thrs)
        self.thr32 = _round_down_float32(self.thr64)
        self.left = np.concatenate(lefts)
        self.nan_right = np.concatenate(nan_rights)
        self.value = np.concatenate(vals)
        self.roots = np.asarray(roots, dtype=np.int64)
        self.depths = np.asarray(depths, dtype=np.int64)
        self.klass = np.asarray(klass, dtype=np.int64)

    def raw(self, X: np.ndarray) -> np.ndarray:
        """``(n, n_trees_per_iteration)`` raw scores, equal to the estimator's ``_raw_predict(X)``."""
        if X.dtype == np.float32:
            thr = self.thr32
        else:
            X = np.asarray(X, dtype=np.float64)
            thr = self.thr64
        X = np.ascontiguousarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"CompiledHGB: expected {self.n_features} features, got shape {X.shape}.")
        n = X.shape[0]
        out = np.empty((n, self.baseline.size), dtype=np.float64)
        args = (self.feat, thr, self.left, self.nan_right, self.value, self.roots, self.depths, self.klass,
                self.baseline, BLOCK_ROWS)
        workers = n_threads()
        if n < _MIN_PARALLEL_ROWS or workers == 1:
            if n:
                _compiled_kernel(X, *args, out)
            return out
        # parts of whole blocks, a few per thread so that a slow thread does not hold up the others
        n_parts = min(4 * workers, -(-n // BLOCK_ROWS))
        step = -(-n // n_parts // BLOCK_ROWS) * BLOCK_ROWS
        futures = [thread_pool().submit(_compiled_kernel, X[lo:lo + step], *args, out[lo:lo + step])
                   for lo in range(0, n, step)]
        for future in futures:
            future.result()
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """The estimator's ``predict_proba(X)``, bit for bit (its own link on :meth:`raw`)."""
        return self.loss.predict_proba(self.raw(X))


def _flatten_tree(nodes, offset: int):
    """One tree in breadth-first order (the two children of a node side by side); leaves loop on themselves."""
    is_leaf = nodes["is_leaf"].astype(bool)
    order, pos = [0], 0
    while pos < len(order):
        node = order[pos]
        pos += 1
        if not is_leaf[node]:
            order += [int(nodes["left"][node]), int(nodes["right"][node])]
    new = np.empty(len(nodes), dtype=np.int64)
    new[order] = np.arange(len(order))
    old = np.asarray(order)
    leaf = is_leaf[old]
    feat = np.where(leaf, 0, nodes["feature_idx"][old]).astype(np.int64)
    thr = np.where(leaf, np.inf, nodes["num_threshold"][old]).astype(np.float64)
    left_old = np.where(leaf, old, nodes["left"][old]).astype(np.int64)
    left = np.where(leaf, np.arange(len(old)), new[left_old]) + offset
    right = new[nodes["right"][old[~leaf]].astype(np.int64)] + offset
    if not np.array_equal(right, left[~leaf] + 1):  # pragma: no cover - breadth-first order guarantees it
        raise ValueError("tree flattening: children not side by side")
    nan_right = (~leaf & ~nodes["missing_go_to_left"][old].astype(bool)).astype(np.bool_)
    value = np.where(leaf, nodes["value"][old], 0.0).astype(np.float64)
    return feat, thr, left, nan_right, value, int(nodes["depth"].max())


def _round_down_float32(thr64: np.ndarray) -> np.ndarray:
    """Largest float32 <= each threshold: for float32 ``x``, ``x <= t32`` iff ``float64(x) <= t``."""
    with np.errstate(over="ignore"):
        thr32 = thr64.astype(np.float32)
    over = thr32.astype(np.float64) > thr64
    thr32[over] = np.nextafter(thr32[over], np.float32(-np.inf))
    return thr32


def compile_hgb(estimator) -> CompiledHGB | None:
    """A :class:`CompiledHGB` of a fitted ``HistGradientBoostingClassifier``, or None where it would not be exact."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    if njit is None or type(estimator) is not HistGradientBoostingClassifier:
        return None
    try:
        if getattr(estimator, "_preprocessor", None) is not None or getattr(estimator, "is_categorical_", None) \
                is not None:
            return None
        predictors = estimator._predictors
        estimator._loss.predict_proba  # noqa: B018 - the link must exist
        estimator._baseline_prediction  # noqa: B018
        for iteration in predictors:
            for predictor in iteration:
                nodes = predictor.nodes
                if "is_categorical" in nodes.dtype.names and nodes["is_categorical"].any():
                    return None
        return CompiledHGB(estimator)
    except (AttributeError, KeyError, TypeError, ValueError):  # another scikit-learn layout: keep predict_proba
        return None
