"""A small pool of Python threads for the sampler's compiled kernels (they release the GIL).

Python threads that sleep between calls, not numba's OpenMP threads: those spin after each parallel call and
slowed the single-threaded work that follows (measured: generation 2-3x slower). One pool per process: a forked
child (Spark's Python workers) starts its own.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["n_threads", "run_in_parts", "thread_pool"]

_pools: dict[int, ThreadPoolExecutor] = {}  # process id -> pool
_pool_lock = threading.Lock()


def n_threads() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def thread_pool() -> ThreadPoolExecutor:
    pid = os.getpid()
    with _pool_lock:
        if pid not in _pools:  # a forked child has none of its parent's threads
            _pools.clear()
            _pools[pid] = ThreadPoolExecutor(max_workers=n_threads(), thread_name_prefix="sampling-kernels")
        return _pools[pid]


def run_in_parts(kernel, n: int, step: int, *args) -> None:
    """``kernel(lo, hi, *args)`` for ``[lo, hi)`` parts of ``range(n)`` of ``step`` rows, on the pool; returns when
    every part is done (a kernel's exception is raised here)."""
    futures = [thread_pool().submit(kernel, lo, min(n, lo + step), *args) for lo in range(0, n, step)]
    for future in futures:
        future.result()
