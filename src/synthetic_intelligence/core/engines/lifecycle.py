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

A process killed outright (``kill -9``, the out-of-memory killer, a CI runner's
SIGKILL) runs none of that.  Two further guards cover it:

- an engine process started with :func:`die_with_parent` as its ``preexec_fn`` gets
  SIGKILL from the kernel when the process that started it dies (Linux ``prctl``
  ``PR_SET_PDEATHSIG``);
- :func:`record` writes an engine's pid, its owner's pid and its temporary folders to a
  small JSON file (:func:`records_dir`); :func:`reap_orphans`, called before an engine
  starts, kills each recorded engine whose owner is dead and removes its folders.  So
  nothing of a killed run outlives the next run's start.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

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


# -- processes that must not outlive their owner, however it ends ------------------------------------------
_PR_SET_PDEATHSIG = 1
#: Where the engine records live (:func:`records_dir`); ``SI_ENGINE_RECORDS`` overrides it.
RECORDS_ENV = "SI_ENGINE_RECORDS"


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - no libc
        return None


def die_with_parent(then: Callable[[], object] | None = None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGKILL when this process dies (Linux), then calls ``then``.

    The kernel sends the signal when the *thread* that started the child ends, so start
    engines from the main thread (the project's hooks do).  ``None`` where it is not
    supported and there is nothing to call: :func:`reap_orphans` is then the only guard.
    """
    prctl, parent = _prctl(), os.getpid()
    if prctl is None:
        return then  # type: ignore[return-value]

    def preexec() -> None:
        if then is not None:
            then()
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return preexec


def records_dir() -> Path:
    """``$SI_ENGINE_RECORDS``, else ``<system temp>/synthetic_intelligence-<uid>/engines``."""
    override = os.environ.get(RECORDS_ENV)
    if override:
        return Path(override)
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"synthetic_intelligence-{uid}" / "engines"


def _started(pid: int) -> float | None:
    """The process's start time (psutil), or ``None`` when there is no such process (or it is a zombie)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
        return None


def _record_path(key: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    return records_dir() / f"{safe}.json"


def record(key: str, pid: int, *, paths: Iterable[str | os.PathLike] = ()) -> Path:
    """Record that this process owns engine process ``pid`` and the folders ``paths`` (see :func:`reap_orphans`)."""
    entry = {"key": key, "pid": int(pid), "started": _started(pid), "owner": os.getpid(),
             "owner_started": _started(os.getpid()), "paths": [str(p) for p in paths]}
    path = _record_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(entry))
    os.replace(tmp, path)
    return path


def forget(key: str) -> None:
    """Drop ``key``'s record (its engine was stopped and its folders removed)."""
    with contextlib.suppress(OSError):
        _record_path(key).unlink()


def reap_orphans(*, timeout: float = 10.0) -> list[dict]:
    """Kill the recorded engines whose owner process is dead and remove their folders; return their records.

    An engine is killed only if it is still the process recorded (same pid and start
    time), so a recycled pid is never touched; a record whose owner is alive is kept.
    """
    import psutil

    folder = records_dir()
    reaped = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            entry = json.loads(path.read_text())
            owner, owner_started = int(entry["owner"]), entry.get("owner_started")
            pid, started = int(entry["pid"]), entry.get("started")
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if owner == os.getpid() or (_started(owner) is not None and _started(owner) == owner_started):
            continue  # its run is alive (or it is ours)
        if started is not None and _started(pid) == started:
            try:
                proc = psutil.Process(pid)
                proc.kill()
                proc.wait(timeout)
            except (psutil.NoSuchProcess, psutil.TimeoutExpired, psutil.AccessDenied) as exc:
                logger.debug("Reaping %s (pid %s): %s", entry.get("key"), pid, exc)
            logger.warning("Killed %s (pid %d), left running by a run that was killed (pid %d)",
                           entry.get("key"), pid, owner)
        for p in entry.get("paths") or []:
            if os.path.exists(p):
                shutil.rmtree(p, ignore_errors=True)
                logger.info("Removed %s, left by a run that was killed (pid %d)", p, owner)
        with contextlib.suppress(OSError):
            path.unlink()
        reaped.append(entry)
    return reaped


atexit.register(close_all)
