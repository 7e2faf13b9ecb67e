"""Adaptive proposals: draw the parents of later candidates from those that gave accepted ones.

With ``proposals="uniform"`` a strategy draws its parent rows uniformly
(:mod:`.strategies`). With ``proposals="adaptive"`` the executor keeps, for every row
``r`` of the class, how many candidates it was a parent of (``proposed[r]``) and how many
of those passed the gate (``accepted[r]``), and draws the parents of the next chunk with
probability proportional to

    w[r] = max((accepted[r] + 1) / (proposed[r] + 2),  FLOOR * (A + 1) / (P + 2))

(the posterior mean of a parent's acceptance rate under a uniform prior, floored at
``FLOOR`` times the class's overall rate ``A / P`` so that every parent keeps a chance).
Before any candidate is scored all weights are equal, so the first chunk is uniform.
The counts are updated after every scored chunk (a round holds one or more chunks), so
rounds after the first, and later chunks of the first, use what was learnt.

Per strategy (the registered ones and their subclasses):

- ``interpolate``: both endpoints ``i`` and ``j`` are drawn from the weights (``j``
  redrawn uniformly among the other rows where it equals ``i``); both are credited;
- ``cluster_interpolate``: ``i`` from the weights over all rows, ``j`` uniform among the
  other members of ``i``'s cluster (as the uniform strategy does); both are credited;
- ``gaussian``: the one parent from the weights, then the strategy's own noise.

``proposals="auto"`` (the sampler's default since stop 24: chosen on validation over the benchmark's tables,
docs/benchmark.md, and faster: fewer candidates scored, docs/scaling.md) is ``"adaptive"`` for a strategy it
can weight (:func:`supports_adaptive`) and ``"uniform"`` for any other (a custom strategy is never refused).

The candidates are built by the strategy's own code (``_between``, ``between_in_cluster``, ``around``,
``finish``: its rounding and its
output dtype), so a candidate is one the strategy could have drawn; only how often each
parent is picked changes. Every candidate is still scored and gated: the accepted rows are
all at or above the gate's cut. Everything is drawn from the caller's generator, so a seed
(and, on Spark, a partitioning: each partition learns its own weights) gives the same rows.
"""

from __future__ import annotations

import numpy as np

from synthetic_intelligence.core.sampling.strategies import ClusterInterpolate, Gaussian, Interpolate

__all__ = ["FLOOR", "PROPOSALS", "AdaptiveProposals", "check_proposals", "resolve_proposals", "supports_adaptive"]

#: Accepted values of ``proposals=``.
PROPOSALS = ("auto", "uniform", "adaptive")
#: Floor of a parent's weight, relative to the class's overall acceptance rate.
FLOOR = 0.1
#: Exponent applied to the weights (1: proportional to the estimated acceptance rate).
POWER = 1.0
# Below this mean / max weight, parents are drawn by binary search of the cumulative weights.
_MIN_THINNING_RATIO = 0.05


def supports_adaptive(strategy) -> bool:
    """True for the registered strategies and their subclasses (they expose each candidate's parents)."""
    return isinstance(strategy, (Interpolate, ClusterInterpolate, Gaussian))


def resolve_proposals(proposals: str, strategy) -> str:
    """``"auto"`` as ``"adaptive"`` where ``strategy`` supports it, else ``"uniform"``; other modes checked as is."""
    check_proposals(proposals)
    if proposals == "auto":
        return "adaptive" if supports_adaptive(strategy) else "uniform"
    check_proposals(proposals, strategy)
    return proposals


def check_proposals(proposals: str, strategy=None) -> None:
    """Raise a one-line ValueError for an unknown mode, or for ``"adaptive"`` with a strategy it cannot weight."""
    if proposals not in PROPOSALS:
        raise ValueError(f"proposals must be one of {', '.join(map(repr, PROPOSALS))}; got {proposals!r}")
    if proposals == "adaptive" and strategy is not None and not supports_adaptive(strategy):
        raise ValueError(f"proposals='adaptive' needs the parents of each candidate, which "
                         f"{type(strategy).__name__} does not expose; use interpolate, cluster_interpolate, "
                         f"gaussian (or a subclass) or proposals='uniform'")


class AdaptiveProposals:
    """Parent weights of one class (or one Spark partition's quota of it) and draws from them."""

    def __init__(self, strategy, *, floor: float = FLOOR, power: float = POWER):
        check_proposals("adaptive", strategy)
        self.strategy = strategy
        self.floor = float(floor)
        self.power = float(power)
        n = strategy.rows_.shape[0]
        self.proposed = np.zeros(n, dtype=np.int64)
        self.accepted = np.zeros(n, dtype=np.int64)
        self._keep: np.ndarray | None = None  # w / max(w); None: uniform (nothing learnt yet)
        self._ratio = 1.0
        self._cdf: np.ndarray | None = None
        self._last: tuple = ()
        if isinstance(strategy, ClusterInterpolate):
            # position in the sorted rows -> its cluster
            self._cluster_of = np.repeat(np.arange(strategy.k_), strategy.sizes_)

    @property
    def weights(self) -> np.ndarray:
        """The current (unnormalised) weight of every parent row."""
        credits = 2 if self._pairs else 1  # a pair credits two parents per candidate
        overall = (self.accepted.sum() / credits + 1) / (self.proposed.sum() / credits + 2)
        w = (self.accepted + 1) / (self.proposed + 2)
        return np.maximum(w, self.floor * overall) ** self.power

    @property
    def _pairs(self) -> bool:
        return not isinstance(self.strategy, Gaussian)

    def _parents(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """``m`` parent rows: uniform before anything is learnt, else drawn from the weights by thinning.

        Thinning (draw a row uniformly, keep it with probability ``w / max(w)``) costs about
        ``max(w) / mean(w)`` cheap draws per parent, far less than a binary search of the
        cumulative weights per parent; when that ratio is large the search is used instead.
        """
        n = self.proposed.shape[0]
        if self._keep is None:
            return rng.integers(0, n, size=m)
        if self._ratio < _MIN_THINNING_RATIO:
            idx = np.searchsorted(self._cdf, rng.random(m) * self._cdf[-1], side="right")
            return np.minimum(idx, n - 1)
        out = np.empty(m, dtype=np.int64)
        filled = 0
        while filled < m:
            need = m - filled
            draw = int(need / self._ratio * 1.05) + 64
            k = rng.integers(0, n, size=draw)
            k = k[rng.random(draw, dtype=np.float32) < self._keep[k]][:need]
            out[filled:filled + k.size] = k
            filled += k.size
        return out

    def generate(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """``m`` candidates (as ``strategy.generate``), their parents remembered for :meth:`update`."""
        s = self.strategy
        if isinstance(s, Gaussian):
            i = self._parents(rng, m)
            cand = s.around(rng, i)
            self._last = (i,)
        elif isinstance(s, ClusterInterpolate):
            i = self._parents(rng, m)
            cand, j = s.between_in_cluster(rng, self._cluster_of[i], i)
            self._last = (i, j)
        else:  # Interpolate
            n = s.rows_.shape[0]
            i = self._parents(rng, m)
            j = self._parents(rng, m)
            same = np.flatnonzero(i == j)
            if same.size:
                j[same] = (i[same] + rng.integers(1, n, size=same.size)) % n
            cand = s._between(s.rows_, i, j, s._weights(rng, m))
            self._last = (i, j)
        return s.finish(cand)

    def update(self, mask: np.ndarray) -> None:
        """Credit the parents of the last :meth:`generate`'s candidates (``mask``: which passed the gate)."""
        n = self.proposed.shape[0]
        for parents in self._last:
            self.proposed += np.bincount(parents, minlength=n)
            self.accepted += np.bincount(parents[mask], minlength=n)
        self._last = ()
        w = self.weights
        top = float(w.max())
        self._keep = (w / top).astype(np.float32)
        self._ratio = float(w.mean()) / top
        self._cdf = np.cumsum(w) if self._ratio < _MIN_THINNING_RATIO else None
