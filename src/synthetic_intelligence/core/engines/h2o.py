"""H2O helpers: cluster lifecycle, fast pandas -> H2OFrame, probability adapter.

No node calls :func:`start_local`; the project's hook does, once per run.  Problems
the user can fix (no Java, an unreachable URL, a JVM that died) raise
:class:`~synthetic_intelligence.core.errors.ClusterError`.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from synthetic_intelligence.core.engines import lifecycle
from synthetic_intelligence.core.errors import ClusterError
from synthetic_intelligence.core.schema import NON_FEATURES

logger = logging.getLogger(__name__)


def free_port() -> int:
    """A currently free TCP port on localhost (H2O also takes port + 1)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000:
            with socket.socket() as s2:
                try:
                    s2.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return port
    raise ClusterError("no free pair of TCP ports on 127.0.0.1 for a local H2O cluster")


@dataclass
class H2OHandle:
    """What was started or connected; ``owned`` clusters are shut down by :func:`stop`.

    For a local cluster ``server`` is h2o's ``H2OLocalServer`` (its JVM process) and
    ``tmpdir`` the run's temporary folder holding H2O's ice root, logs and the
    JVM's ``java.io.tmpdir``; both end with :func:`stop`.
    """

    name: str
    url: str
    owned: bool
    server: object | None = field(default=None, repr=False)
    tmpdir: str | None = None

    @property
    def where(self) -> str:
        return f"{self.name} at {self.url.split('://')[-1]}"

    @property
    def process(self):
        """The local JVM's ``subprocess.Popen`` (``None`` for an external cluster)."""
        return getattr(self.server, "_process", None)  # h2o keeps it private; pinned h2o <= 3.46.0.11

    @property
    def pid(self) -> int | None:
        proc = self.process
        return proc.pid if proc is not None else None

    def exit_code(self) -> int | None:
        """``None`` while the local JVM runs (or for an external cluster), else its exit status."""
        proc = self.process
        return proc.poll() if proc is not None else None

    def alive(self) -> bool:
        return self.server is None or self.exit_code() is None

    def death_message(self) -> str:
        """One line: which cluster died, how, and what to do."""
        code = self.exit_code()
        how = f"its JVM exited with code {code}"
        if code is not None and code < 0:
            sig = -code
            name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
            how = f"its JVM was killed by {name}" + (": the system's out-of-memory killer or a kill -9" if sig == 9 else "")
        hint = "Re-run; if memory is short, lower h2o.max_mem_size in conf/<env>/h2o.yml or use smaller data"
        if "OutOfMemoryError" in _jvm_output_tail(self.tmpdir):
            how += "; it ran out of Java heap (java.lang.OutOfMemoryError)"
            hint = "Raise h2o.max_mem_size in conf/<env>/h2o.yml or use smaller data"
        return f"the local H2O cluster {self.where} died during the run ({how}). {hint}"


def _jvm_output_tail(tmpdir: str | None, n_bytes: int = 20_000) -> str:
    """The end of the local JVM's stdout and stderr (empty if unavailable)."""
    if not tmpdir:
        return ""
    out = []
    for path in glob.glob(os.path.join(tmpdir, "**", "h2o_*_started_from_python.*"), recursive=True):
        try:
            with open(path, "rb") as fh:
                fh.seek(max(0, os.path.getsize(path) - n_bytes))
                out.append(fh.read().decode("utf-8", "replace"))
        except OSError:
            pass
    return "\n".join(out)


def find_java() -> str:
    """The ``java`` executable H2O will use (the same search as h2o), or :class:`ClusterError`."""
    h2o_java = os.getenv("H2O_JAVA_HOME")
    if h2o_java:
        path = os.path.join(h2o_java, "bin", "java")
        if not os.access(path, os.X_OK):
            raise ClusterError(f"H2O_JAVA_HOME is {h2o_java!r}, which has no bin/java; fix or unset it")
        return path
    found = shutil.which("java")
    if found:
        return found
    java_home = os.getenv("JAVA_HOME")
    if java_home and os.access(os.path.join(java_home, "bin", "java"), os.X_OK):
        return os.path.join(java_home, "bin", "java")
    raise ClusterError(
        "Java was not found: a local H2O cluster needs Java 17 (install a Java 17 runtime and put `java` on PATH "
        "or set JAVA_HOME), or set h2o.url in conf/<env>/h2o.yml to use a running H2O cluster"
    )


@contextmanager
def _tempdir_inside(path: str):
    """Make ``tempfile`` create its folders under ``path`` (h2o puts its ice root and JVM output there)."""
    previous = tempfile.tempdir
    tempfile.tempdir = path
    try:
        yield
    finally:
        tempfile.tempdir = previous


def start_local(*, nthreads: int = -1, max_mem_size: str | None = "4G", name_prefix: str = "si") -> H2OHandle:
    """Start a fresh H2O JVM bound to 127.0.0.1 with a run-unique name on a free port.

    Its temporary folders (ice root, ``h2ologs``, JVM output, ``java.io.tmpdir``) live
    in one per-run folder that :func:`stop` removes.  The JVM is registered with
    :mod:`~synthetic_intelligence.core.engines.lifecycle`, so it ends with the process
    however the process ends.  Every later request checks the JVM first: a dead
    JVM raises :class:`ClusterError` at once instead of h2o's retry loop.
    """
    import h2o

    find_java()
    lifecycle.reap_orphans()  # a JVM and folder left by a run that was killed outright (kill -9) end here
    name = f"{name_prefix}-{uuid.uuid4().hex[:12]}"
    port = free_port()
    tmpdir = tempfile.mkdtemp(prefix=f"{name}-")
    os.makedirs(os.path.join(tmpdir, "java"))
    handle = H2OHandle(name=name, url=f"http://127.0.0.1:{port}", owned=True, tmpdir=tmpdir)
    with lifecycle.starting():
        try:
            with _tempdir_inside(tmpdir), _jvm_dies_with_this_process():
                h2o.init(
                    ip="127.0.0.1",
                    port=port,
                    name=name,
                    nthreads=nthreads,
                    max_mem_size=max_mem_size,
                    bind_to_localhost=True,
                    jvm_custom_args=[f"-Djava.io.tmpdir={os.path.join(tmpdir, 'java')}"],
                    verbose=False,
                    strict_version_check=False,
                )
        except Exception as exc:
            server = getattr(h2o.connection(), "local_server", None) if h2o.connection() else None
            if server is not None and getattr(server, "name", None) == name:
                handle.server = server
            _stop_process(handle)
            shutil.rmtree(tmpdir, ignore_errors=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ClusterError(f"could not start a local H2O cluster {name} on 127.0.0.1:{port}: {first}") from exc
        conn = h2o.connection()
        handle.server = conn.local_server
        lifecycle.register(_key(handle), lambda: stop(handle))
        if handle.pid is not None:
            lifecycle.record(_key(handle), handle.pid, paths=[tmpdir])
        _fail_fast_when_dead(conn, handle)
    h2o.no_progress()
    logger.info("Started local H2O cluster %s on 127.0.0.1:%d (JVM pid %s)", name, port, handle.pid)
    return handle


@contextmanager
def _jvm_dies_with_this_process():
    """While h2o starts its JVM, start it so that the kernel kills it when this process dies (kill -9 too).

    h2o launches ``java`` with ``subprocess.Popen(..., preexec_fn=os.setsid)``; its module's
    ``subprocess`` is replaced for that call by one whose ``Popen`` adds
    :func:`~synthetic_intelligence.core.engines.lifecycle.die_with_parent`.
    """
    from h2o.backend import server

    real = server.subprocess

    class _Subprocess:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def Popen(*args, preexec_fn=None, **kwargs):  # noqa: N802 - subprocess's name
            return real.Popen(*args, preexec_fn=lifecycle.die_with_parent(preexec_fn), **kwargs)

    server.subprocess = _Subprocess()
    try:
        yield
    finally:
        server.subprocess = real


def _key(handle: H2OHandle) -> str:
    return f"h2o:{handle.name}"


def _fail_fast_when_dead(conn, handle: H2OHandle) -> None:
    """Make every request on ``conn`` check the local JVM first.

    h2o's job polling retries a failed request 30 times, 3 s apart; a
    :class:`ClusterError` is not one of the errors it retries, so a dead JVM
    ends the run at the next request with one message.
    """
    request = conn.request

    def checked_request(*args, **kwargs):
        if not handle.alive():
            raise ClusterError(handle.death_message())
        try:
            return request(*args, **kwargs)
        except Exception as exc:
            # A killed JVM closes its socket a moment before the process is seen dead (more so on a loaded
            # machine): after a connection error, give the process a short while to be seen dead, so the run
            # ends with the one message instead of h2o's retry loop.
            if "Connection" in type(exc).__name__:
                deadline = time.monotonic() + 3.0
                while handle.alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
            if not handle.alive():
                raise ClusterError(handle.death_message()) from exc
            raise

    conn.request = checked_request


def connect(url: str) -> H2OHandle:
    """Connect to an existing (possibly multi-node) H2O cluster; it is never shut down by us."""
    import h2o

    try:
        h2o.connect(url=url, verbose=False)
    except Exception as exc:  # H2OConnectionError, H2OValueError, requests errors
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterError(
            f"cannot reach the H2O cluster at {url} (h2o.url in conf/<env>/h2o.yml): {first}; start it, "
            f"fix the URL, or set h2o.url: null to start a local cluster"
        ) from exc
    h2o.no_progress()
    logger.info("Connected to existing H2O cluster at %s", url)
    return H2OHandle(name=h2o.cluster().cloud_name, url=url, owned=False)


def stop(handle: H2OHandle | None) -> None:
    """Shut down a cluster we started and remove its temporary folder; leave external clusters running.

    The JVM is asked to exit with SIGTERM (as h2o's own ``H2OLocalServer.shutdown``
    does), killed if it has not exited after 10 s.  A JVM that had already died is
    only cleaned up, with no "Shut down" message.  Safe to call twice and from a
    signal handler.
    """
    if handle is None or not handle.owned:
        return
    lifecycle.unregister(_key(handle))
    was_alive = handle.alive()
    _close_connection(handle)
    _stop_process(handle)
    if handle.tmpdir:
        shutil.rmtree(handle.tmpdir, ignore_errors=True)
    lifecycle.forget(_key(handle))
    if was_alive:
        logger.info("Shut down H2O cluster %s", handle.name)
    else:
        logger.info("H2O cluster %s had already stopped (JVM exit code %s)", handle.name, handle.exit_code())


def _stop_process(handle: H2OHandle, timeout: float = 10.0) -> None:
    """Wait for the local JVM to exit: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    proc = handle.process
    if proc is None:
        return
    try:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.warning("Could not stop the H2O JVM (pid %s): %s", proc.pid, exc)


def _close_connection(handle: H2OHandle) -> None:
    """Close the client's session while the JVM can still answer (h2o's exit hooks then have nothing to do)."""
    import h2o

    conn = h2o.connection()
    if conn is None or getattr(conn, "local_server", None) is not handle.server:
        return
    try:
        conn.close()
    except Exception as exc:  # noqa: BLE001 - closing must not hide the run's own error
        logger.debug("Closing the H2O connection failed: %s", exc)


def is_h2o_model(obj) -> bool:
    try:
        from h2o.model.model_base import ModelBase
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, ModelBase)


def _column_name(value) -> str | None:
    """An H2O column parameter as a name (``actual_params`` gives ``{"column_name": ...}`` or a string)."""
    return value.get("column_name") if isinstance(value, dict) else value


#: The attribute that records the feature columns a model was *given* (see :func:`record_features_given`).
FEATURES_GIVEN = "si_features_given_"


def record_features_given(model, names) -> None:
    """Remember on ``model`` the feature columns it was given to train on.

    H2O keeps only the columns that are not constant (or all missing) in its training
    frame (``ignore_const_cols``), so a fitted model's own column list can be shorter
    than the table it was trained on.  Compatibility checks compare the columns it was
    *given*; :class:`~synthetic_intelligence.datasets.H2OModelDataset` saves the list with
    the model and sets it again on load (also on a ``MojoOracle``, which scores a frame
    with all of them: it reads the columns it kept and ignores the rest).
    """
    setattr(model, FEATURES_GIVEN, [str(n) for n in names])


def features_given(model) -> list[str] | None:
    """The columns recorded by :func:`record_features_given`, or ``None``."""
    names = getattr(model, FEATURES_GIVEN, None)
    if names is None and isinstance(model, H2OProbaAdapter):
        names = getattr(model.model, FEATURES_GIVEN, None)
    return list(names) if names is not None else None


def model_feature_names(model) -> list[str] | None:
    """The feature columns a fitted model was trained on, or ``None`` if it does not say.

    First the columns it was *given* where they were recorded (:func:`record_features_given`);
    else H2O models (binary or MOJO): the training frame's columns less the response and
    weights (H2O drops constant and all-missing columns: these are the ones it *kept*);
    :class:`H2OProbaAdapter`: its ``feature_names``; scikit-learn: ``feature_names_in_``.
    Pair it with :func:`~synthetic_intelligence.core.errors.check_same_columns` where
    a saved model meets data of another run.
    """
    given = features_given(model)
    if given is not None:
        return given
    if isinstance(model, H2OProbaAdapter):
        return list(model.feature_names) if model.feature_names is not None else model_feature_names(model.model)
    if is_h2o_model(model):
        output = (getattr(model, "_model_json", None) or {}).get("output") or {}
        names = list(output.get("names") or [])
        params = getattr(model, "actual_params", None) or {}
        # neither the response nor the weights column (the class-weighted lane) is a feature
        not_features = {_column_name(params.get(key)) for key in ("response_column", "weights_column")}
        not_features |= set(NON_FEATURES)  # the project's label, provenance and weight columns are never features
        return [n for n in names if n not in not_features] or None
    names = getattr(model, "feature_names_in_", None)
    return [str(n) for n in names] if names is not None else None


def to_h2o(df: pd.DataFrame, *, target: str | None = None):
    """pandas -> H2OFrame through Parquet (``import_file``), not ``H2OFrame(pandas)``.

    A local cluster reads the file from disk; an external cluster is sent it
    with ``upload_file``.  ``target`` is turned into a factor (classification).
    Mixed types: booleans become 0/1 (missing -> NA), pandas categorical columns
    H2O enum columns (their levels as strings, missing -> NA), ``NaN`` NA.
    """
    import h2o

    bools = [c for c in df.columns if pd.api.types.is_bool_dtype(df[c])]
    if bools:
        df = df.astype({c: (np.int8 if df[c].dtype == bool else "Int8") for c in bools})
    enums = {str(c): "enum" for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)}
    recast = [c for c in enums if not all(isinstance(v, str) for v in df[c].cat.categories)]
    if recast:  # H2O's enum domain is strings, whatever the categories' type
        df = df.assign(**{c: df[c].cat.rename_categories([str(v) for v in df[c].cat.categories]) for c in recast})
    types = {"col_types": enums} if enums else {}
    with tempfile.TemporaryDirectory(prefix="si-h2o-") as tmp:
        path = os.path.join(tmp, f"{uuid.uuid4().hex}.parquet")
        df.to_parquet(path, index=False)
        try:
            frame = h2o.import_file(path, **types)
        except ClusterError:
            raise
        except Exception:  # noqa: BLE001 - remote cluster cannot see our disk
            frame = h2o.upload_file(path, **types)
    if target is not None:
        frame[target] = frame[target].asfactor()
    return frame


def h2o_predict_minority(model, X: pd.DataFrame, positive: str = "1") -> np.ndarray:
    """P(minority | x) from an H2O binomial model, as float64 in row order."""
    frame = to_h2o(X)
    pred = model.predict(frame)
    col = f"p{positive}"
    if col not in pred.columns:
        raise ValueError(f"H2O prediction has no column {col!r}; columns are {pred.columns}")
    values = np.asarray(pred[col].as_data_frame(use_pandas=True).iloc[:, 0], dtype=np.float64)
    h2o_remove([frame, pred])
    return values


def h2o_remove(objs) -> None:
    import h2o

    for o in objs:
        try:
            h2o.remove(o)
        except Exception:  # noqa: BLE001
            pass


class H2OProbaAdapter(ClassifierMixin, BaseEstimator):
    """Gives a fitted H2O model the scikit-learn ``predict_proba`` interface (classes 0, 1)."""

    def __init__(self, model, feature_names: list[str] | None = None):
        self.model = model
        self.feature_names = feature_names
        self.classes_ = np.array([0, 1])

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def fit(self, X, y=None):  # noqa: ARG002 - the H2O model is trained elsewhere
        return self

    def predict_proba(self, X) -> np.ndarray:
        if not isinstance(X, pd.DataFrame):
            X = pd.DataFrame(np.asarray(X), columns=self.feature_names)
        p = h2o_predict_minority(self.model, X)
        return np.column_stack([1.0 - p, p])


def watch_automl(aml, *, max_models: int, what: str = "H2O AutoML", log: logging.Logger | None = None,
                 min_interval_s: float = 15.0) -> None:
    """Make ``aml.train(...)`` log its progress: models done of ``max_models``, elapsed, time left.

    H2O's client polls the AutoML job while ``train`` blocks and calls the estimator's
    ``_poll_training_updates(job, progress)`` each time; this instance's callback reads
    the leaderboard (models finished so far, stacked ensembles apart) and the job's own
    progress fraction, at most every ``min_interval_s`` seconds and once at the end.
    """
    from synthetic_intelligence.core.progress import Progress

    progress = Progress(what, max_models, unit="models", logger=log or logger)
    last_poll = [progress.start]  # the first line comes after min_interval_s (or at the end)

    def poll(job, bar_progress=0, verbosity=None, state=None):  # noqa: ARG001 - H2O's callback signature
        import h2o

        done = bar_progress >= 1 or getattr(job, "status", None) in ("DONE", "FAILED", "CANCELLED")
        now = time.perf_counter()
        if not done and now - last_poll[0] < min_interval_s:
            return
        last_poll[0] = now
        try:
            state_json = h2o.api(f"GET /99/AutoML/{job.dest_key}")
            models = [m["name"] for m in state_json["leaderboard"]["models"]]
        except Exception:  # noqa: BLE001 - progress is only information
            return
        base = [m for m in models if not m.startswith("StackedEnsemble")]
        fraction = 1.0 if done else float(getattr(job, "progress", 0.0) or 0.0)
        leader = f"leader {models[0]}" if models else "no model finished yet"
        progress.update(len(base), f"{len(models) - len(base)} stacked ensemble(s); {leader}",
                        fraction=fraction if fraction > 0 else None, force=done)

    aml._poll_training_updates = poll
