"""Local engines end with the run, however the run ends.

A local engine (the H2O JVM today; a local Spark later) registers a ``close``
function here when it starts.  Registered functions run once each, newest first:

- at the normal end of a run and on a node error (the project's hooks call :func:`close`);
- on SIGINT (Ctrl-C): the ``KeyboardInterrupt`` unwinds to the CLI, which calls :func:`close_all`;
- on SIGTERM / SIGHUP (``timeout``, CI runners, Airflow, Kubernetes): the handler installed
  while anything is registered calls :func:`close_all`, then exits with status 128 + signal;
- at interpreter exit (``atexit``), as a last resort.

While an engine is starting (:func:`starting`) those signals are deferred, so a
JVM that is half started is registered before it is stopped.

Adding a local Spark: ``lifecycle.register("spark:<app id>", spark.stop)`` right
after ``SparkSession.builder.getOrCreate()`` (inside ``with lifecycle.starting():``).
"""

from __future__ import annotations

import atexit
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

#: Signals that end the run and must stop local engines first.
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

_lock = threading.RLock()
_closers: dict[str, Callable[[], None]] = {}
_previous: dict[int, object] = {}
_starting = 0
_deferred: list[int] = []


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _install() -> None:
    """Install the signal handlers (main thread only; a no-op elsewhere, where signals cannot be handled)."""
    if _previous or not _in_main_thread():
        return
    for sig in (*TERMINATING, signal.SIGINT):
        try:
            if signal.getsignal(sig) is signal.SIG_IGN:  # e.g. SIGHUP under nohup: stays ignored
                continue
            _previous[sig] = signal.signal(sig, _handle)
        except (ValueError, OSError):  # pragma: no cover - not the main interpreter
            pass


def _restore() -> None:
    if not _previous or not _in_main_thread():
        return
    for sig, handler in _previous.items():
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError, TypeError):  # pragma: no cover
            pass
    _previous.clear()


def _handle(signum: int, frame) -> None:
    if _starting:
        _deferred.append(signum)
        return
    _end(signum, frame)


def _end(signum: int, frame) -> None:
    previous = _previous.get(signum)
    if signum == signal.SIGINT:
        # Ctrl-C: behave as before (KeyboardInterrupt); the CLI and the hooks close the engines while unwinding.
        if callable(previous) and previous is not _handle:
            previous(signum, frame)
        raise KeyboardInterrupt
    logger.warning("Received %s: stopping local engines before exiting", signal.Signals(signum).name)
    close_all()
    _restore()
    if callable(previous) and previous is not _handle:
        previous(signum, frame)  # a handler installed before ours (e.g. by a scheduler) still runs
    raise SystemExit(128 + signum)


def register(key: str, close: Callable[[], None]) -> None:
    """Register ``close`` to stop a local engine; installs the signal handlers (main thread)."""
    with _lock:
        _closers[key] = close
        _install()


def unregister(key: str) -> Callable[[], None] | None:
    """Forget ``key`` without calling it (the engine was stopped by other means)."""
    with _lock:
        close_fn = _closers.pop(key, None)
        if not _closers and not _starting:
            _restore()
        return close_fn


def close(key: str) -> None:
    """Stop one registered engine now (at most once)."""
    close_fn = unregister(key)
    if close_fn is not None:
        _call(key, close_fn)


def close_all() -> None:
    """Stop every registered engine, newest first; errors are logged, never raised."""
    while True:
        with _lock:
            if not _closers:
                break
            key = next(reversed(_closers))
            close_fn = _closers.pop(key)
        _call(key, close_fn)
    with _lock:
        if not _starting:
            _restore()


def registered() -> list[str]:
    with _lock:
        return list(_closers)


def _call(key: str, close_fn: Callable[[], None]) -> None:
    try:
        close_fn()
    except Exception as exc:  # noqa: BLE001 - stopping must go on and must not hide the run's own error
        logger.warning("Stopping %s failed: %s", key, exc)


@contextmanager
def starting() -> Iterator[None]:
    """Defer SIGINT / SIGTERM / SIGHUP while an engine starts and registers; deliver them afterwards."""
    global _starting  # noqa: PLW0603 - process-wide state: signals are process-wide too
    with _lock:
        _install()
        _starting += 1
    try:
        yield
    finally:
        with _lock:
            _starting -= 1
            pending = list(_deferred) if not _starting else []
            if not _starting:
                _deferred.clear()
        if pending:
            _end(pending[0], None)
        elif not _closers and not _starting:
            _restore()


atexit.register(close_all)
