"""Round executors: run generate-and-gate until a class has its synthetic rows.

The pure step
-------------
:func:`generate_and_gate` is the whole unit of work and has no hidden state::

    generate_and_gate(strategy, scorer, cut, m, rng)
        -> StepResult(accepted, n_candidates, n_accepted, seconds_generate, seconds_score)

- ``strategy``: a *fitted* :class:`~.strategies.CandidateStrategy`;
  ``strategy.generate(rng, m)`` returns ``m`` candidate rows in the output dtype.
- ``scorer``: a callable ``scorer(candidates) -> (m,) scores`` of the class, for
  example :class:`~.scorer.ProbaScorer` (it validates the oracle's output).
- ``cut``: a candidate is kept when ``score >= cut``; a candidate scored 0 is never
  kept (when ``cut <= 0`` the rule is ``score > 0``).
- ``m``: the number of candidates; ``rng``: a ``numpy.random.Generator``.

It reads nothing else, so a Spark executor can run the same function inside
``mapInPandas`` with the strategy and scorer broadcast (both pickle) and a
generator seeded from the run seed and the partition id, each partition looping
over it until its quota is met; the accepted rows carry no dependency on any
other row, hence no shuffle.

The executor interface
----------------------
An executor is any object with ``run(task: ClassTask, rng) -> ClassResult``:
it receives everything about one class in :class:`ClassTask` (label, rows needed,
fitted strategy, scorer, cut, ``batch_size``, ``max_rounds``) and the sampler's
generator (a distributed executor derives its per-task seeds from it), and returns
the accepted rows (at most ``n_needed``, in generation order), one dict per round
(``round``, ``candidates``, ``accepted``, ``acceptance_rate``, ``seconds``), the
totals and, if the target was not met, the reason as a sentence
(``shortfall``). It never raises for a shortfall: what to do with one is the
sampler's ``on_shortfall`` policy. :class:`NumpyExecutor` is the in-process one.

The sampler takes an executor as ``backend``: ``"numpy"`` (``BACKENDS`` in
:mod:`.sampler`) or an instance, e.g. ``OracleRejectionSampler(backend=SparkExecutor(spark))``;
an executor that needs a session or cluster settings is passed as an instance.
The accepted rows come back to the sampler as one array per class, in the order
the executor returns them (:class:`NumpyExecutor`: generation order), so a
backend that reproduces for a fixed seed and partitioning gives a reproducible
``fit_resample``.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from synthetic_intelligence.core.progress import Progress
from synthetic_intelligence.core.sampling.proposals import AdaptiveProposals, check_proposals

logger = logging.getLogger(__name__)

__all__ = ["ClassResult", "ClassTask", "NumpyExecutor", "StepResult", "accept_mask", "generate_and_gate"]

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


class StepResult(NamedTuple):
    """What one generate-and-gate step produced."""

    accepted: np.ndarray
    n_candidates: int
    n_accepted: int
    seconds_generate: float
    seconds_score: float


def accept_mask(scores: np.ndarray, cut: float) -> np.ndarray:
    """``scores >= cut``; a score of 0 never passes (``scores > 0`` when ``cut <= 0``)."""
    return scores >= cut if cut > 0 else scores > 0


def generate_and_gate(strategy, scorer, cut: float, m: int, rng: np.random.Generator,
                      proposals: AdaptiveProposals | None = None) -> StepResult:
    """Generate ``m`` candidates, score them, keep those that pass the cut (see the module docstring).

    With ``proposals`` (an :class:`~.proposals.AdaptiveProposals` of ``strategy``) the candidates are
    drawn from its parent weights, which are then updated with which candidates passed.
    """
    t0 = time.perf_counter()
    candidates = strategy.generate(rng, m) if proposals is None else proposals.generate(rng, m)
    t1 = time.perf_counter()
    scores = scorer(candidates)
    t2 = time.perf_counter()
    mask = accept_mask(scores, cut)
    if proposals is not None:
        proposals.update(mask)
    n_accepted = int(np.count_nonzero(mask))
    accepted = candidates[mask] if n_accepted else candidates[:0]
    return StepResult(accepted, m, n_accepted, t1 - t0, t2 - t1)


@dataclass(frozen=True)
class ClassTask:
    """Everything an executor needs to oversample one class.

    ``label``: the class; ``n_needed``: synthetic rows wanted; ``strategy``: fitted
    (``strategy.n_features_`` and ``strategy.out_dtype_`` give the rows' shape and
    dtype); ``scorer``: ``scorer(rows) -> scores``; ``cut``: the gate's cut (see
    :func:`accept_mask`); ``batch_size`` / ``max_rounds`` / ``proposals``: the sampler's parameters
    (``proposals``: ``"uniform"`` or ``"adaptive"``, see :mod:`.proposals`).
    Every field pickles when the oracle does (for broadcasting to executors).
    """

    label: Any
    n_needed: int
    strategy: Any
    scorer: Any
    cut: float
    batch_size: int
    max_rounds: int
    proposals: str = "uniform"


@dataclass
class ClassResult:
    """What an executor returns for one class (see the module docstring)."""

    accepted: np.ndarray
    rounds: list = field(default_factory=list)
    n_candidates: int = 0
    n_accepted: int = 0
    seconds_generate: float = 0.0
    seconds_score: float = 0.0
    shortfall: str | None = None


class NumpyExecutor:
    """Rounds of :func:`generate_and_gate` in this process, sized from the acceptance rate.

    Round 1 draws ``batch_size`` candidates; later rounds ``needed / rate * 1.2``,
    clipped to ``[min(1024, batch_size), 4 * batch_size]``. Inside a round,
    candidates are generated and scored in chunks of at most ``chunk_elements``
    floats, each sized from the rate seen so far (0.25 assumed before any score),
    and the round stops as soon as the target is met; the surplus of the last chunk
    is dropped (the first accepted rows are kept). The class stops early when even
    the optimistic rate ``(accepted + 3) / candidates`` cannot fill the missing rows
    in the remaining rounds. With ``task.proposals == "adaptive"`` the parents of every chunk after
    the first are drawn with weights learnt from the chunks before (:mod:`.proposals`).
    """

    def __init__(self, *, chunk_elements: int = _CHUNK_ELEMENTS):
        self.chunk_elements = chunk_elements

    def run(self, task: ClassTask, rng: np.random.Generator, out: np.ndarray | None = None) -> ClassResult:
        """``out``: where to write the accepted rows (``(task.n_needed, n_features)`` in the strategy's output
        dtype, e.g. a slice of the sampler's output); ``ClassResult.accepted`` is then a view of it."""
        check_proposals(task.proposals, task.strategy)
        result = _Progress(task, out)
        adaptive = AdaptiveProposals(task.strategy) if task.proposals == "adaptive" else None
        progress = Progress(f"generation (class {task.label})", task.n_needed, unit="rows accepted", logger=logger)
        while result.n_kept < task.n_needed:
            if len(result.rounds) >= task.max_rounds:
                result.shortfall = f"max_rounds={task.max_rounds} rounds were used"
                break
            self._run_round(task, rng, result, adaptive)
            progress.update(result.n_kept, f"round {len(result.rounds)} of at most {task.max_rounds}, "
                                           f"{result.n_candidates:,} candidates scored "
                                           f"(acceptance {result.n_accepted / max(1, result.n_candidates):.1%})")
            if result.n_kept < task.n_needed:
                result.shortfall = self._unreachable(task, result)
                if result.shortfall:
                    break
        return result.finish()

    def _round_size(self, task: ClassTask, result: _Progress) -> int:
        if not result.rounds:
            return task.batch_size
        rate = result.n_accepted / result.n_candidates
        batch = math.ceil(result.missing / max(rate, _RATE_FLOOR) * _BATCH_MARGIN)
        return int(min(max(batch, min(_MIN_BATCH, task.batch_size)), task.batch_size * _MAX_BATCH_FACTOR))

    def _chunk_size(self, task: ClassTask, result: _Progress, remaining: int, round_c: int, round_a: int) -> int:
        seen = result.n_candidates + round_c
        rate = (result.n_accepted + round_a) / seen if seen else _PRIOR_RATE
        want = math.ceil(result.missing / max(rate, _RATE_FLOOR) * _BATCH_MARGIN)
        chunk_rows = max(1, self.chunk_elements // max(1, task.strategy.n_features_))
        return min(remaining, chunk_rows, max(want, min(_MIN_BATCH, task.batch_size)))

    def _run_round(self, task: ClassTask, rng: np.random.Generator, result: _Progress,
                   adaptive: AdaptiveProposals | None = None) -> None:
        t_round = time.perf_counter()
        remaining = self._round_size(task, result)
        round_c = round_a = 0
        while remaining > 0 and result.missing > 0:
            m = self._chunk_size(task, result, remaining, round_c, round_a)
            step = generate_and_gate(task.strategy, task.scorer, task.cut, m, rng, adaptive)
            result.keep(step)
            round_c += step.n_candidates
            round_a += step.n_accepted
            remaining -= step.n_candidates
        result.end_round(round_c, round_a, time.perf_counter() - t_round)

    @staticmethod
    def _unreachable(task: ClassTask, result: _Progress) -> str | None:
        rounds_left = task.max_rounds - len(result.rounds)
        max_batch = task.batch_size * _MAX_BATCH_FACTOR
        optimistic_rate = min(1.0, (result.n_accepted + _OPTIMISTIC_PSEUDO_COUNT) / result.n_candidates)
        if rounds_left > 0 and result.missing > rounds_left * max_batch * optimistic_rate:
            return (f"the target is unreachable in the {rounds_left} remaining round(s) of at most "
                    f"{max_batch} candidates")
        return None


class _Progress:
    """Running totals of one class (candidates and accepted counts of finished rounds)."""

    def __init__(self, task: ClassTask, out: np.ndarray | None = None):
        self.n_needed = task.n_needed
        self.strategy = task.strategy
        # accepted rows go straight into one array of the class's target size (no list of chunks to
        # concatenate at the end: that copy was a visible part of the wall time at 1M rows and more)
        # (rows that do not fit it, e.g. from a strategy returning another dtype, are kept as chunks instead);
        # ``out``, when given, is that array (the sampler's output after X)
        shape, dtype = (task.n_needed, task.strategy.n_features_), task.strategy.out_dtype_
        if out is not None and (out.shape != shape or out.dtype != dtype):
            raise ValueError(f"out must have shape {shape} and dtype {dtype}, got {out.shape} and {out.dtype}")
        self.kept = np.empty(shape, dtype=dtype) if out is None else out
        self.own = out is None
        self.chunks: list | None = None
        self.n_kept = 0
        self.rounds: list[dict] = []
        self.n_candidates = self.n_accepted = 0
        self.seconds_generate = self.seconds_score = 0.0
        self.shortfall: str | None = None

    @property
    def missing(self) -> int:
        return self.n_needed - self.n_kept

    def keep(self, step: StepResult) -> None:
        self.seconds_generate += step.seconds_generate
        self.seconds_score += step.seconds_score
        if step.n_accepted:
            take = step.accepted[: self.missing]
            fits = (isinstance(take, np.ndarray) and take.dtype == self.kept.dtype and take.ndim == 2
                    and take.shape[1] == self.kept.shape[1])
            if self.chunks is None and not fits:
                self.chunks = [self.kept[: self.n_kept]]
            if self.chunks is None:
                self.kept[self.n_kept:self.n_kept + take.shape[0]] = take
            else:
                self.chunks.append(take)
            self.n_kept += take.shape[0]

    def end_round(self, n_candidates: int, n_accepted: int, seconds: float) -> None:
        self.n_candidates += n_candidates
        self.n_accepted += n_accepted
        self.rounds.append({"round": len(self.rounds) + 1, "candidates": n_candidates, "accepted": n_accepted,
                            "acceptance_rate": n_accepted / n_candidates, "seconds": seconds})

    def finish(self) -> ClassResult:
        if self.chunks is not None:
            accepted = np.concatenate(self.chunks, axis=0)
        else:
            accepted = self.kept if self.n_kept == self.kept.shape[0] else self.kept[: self.n_kept]
            if self.own and accepted is not self.kept:  # a shortfall: do not hold the whole buffer
                accepted = accepted.copy()
        return ClassResult(accepted, self.rounds, self.n_candidates, self.n_accepted, self.seconds_generate,
                           self.seconds_score, None if self.n_kept >= self.n_needed else self.shortfall)
