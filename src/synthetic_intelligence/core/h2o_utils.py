"""H2O helpers: cluster lifecycle, fast pandas -> H2OFrame, probability adapter.

No node calls :func:`start_local`; the project's hook does, once per run.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import uuid
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

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
    raise RuntimeError("no free port pair found for H2O")


@dataclass
class H2OHandle:
    """What was started or connected; ``owned`` clusters are shut down by :func:`stop`."""

    name: str
    url: str
    owned: bool


def start_local(*, nthreads: int = -1, max_mem_size: str | None = "4G", name_prefix: str = "si") -> H2OHandle:
    """Start a fresh H2O JVM bound to 127.0.0.1 with a run-unique name on a free port."""
    import h2o

    name = f"{name_prefix}-{uuid.uuid4().hex[:12]}"
    port = free_port()
    h2o.init(
        ip="127.0.0.1",
        port=port,
        name=name,
        nthreads=nthreads,
        max_mem_size=max_mem_size,
        bind_to_localhost=True,
        verbose=False,
        strict_version_check=False,
    )
    h2o.no_progress()
    logger.info("Started local H2O cluster %s on 127.0.0.1:%d", name, port)
    return H2OHandle(name=name, url=f"http://127.0.0.1:{port}", owned=True)


def connect(url: str) -> H2OHandle:
    """Connect to an existing (possibly multi-node) H2O cluster; it is never shut down by us."""
    import h2o

    h2o.connect(url=url, verbose=False)
    h2o.no_progress()
    logger.info("Connected to existing H2O cluster at %s", url)
    return H2OHandle(name=h2o.cluster().cloud_name, url=url, owned=False)


def stop(handle: H2OHandle | None) -> None:
    """Shut down a cluster we started; leave external clusters running."""
    if handle is None or not handle.owned:
        return
    import h2o

    try:
        h2o.cluster().shutdown()
        logger.info("Shut down H2O cluster %s", handle.name)
    except Exception as exc:  # noqa: BLE001 - shutting down must not mask the run's own error
        logger.warning("H2O shutdown of %s failed: %s", handle.name, exc)


def is_h2o_model(obj) -> bool:
    try:
        from h2o.model.model_base import ModelBase
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, ModelBase)


def to_h2o(df: pd.DataFrame, *, target: str | None = None):
    """pandas -> H2OFrame through Parquet (``import_file``), not ``H2OFrame(pandas)``.

    A local cluster reads the file from disk; an external cluster is sent it
    with ``upload_file``.  ``target`` is turned into a factor (classification).
    """
    import h2o

    bools = [c for c in df.columns if pd.api.types.is_bool_dtype(df[c])]
    if bools:
        df = df.astype({c: np.int8 for c in bools})
    with tempfile.TemporaryDirectory(prefix="si-h2o-") as tmp:
        path = os.path.join(tmp, f"{uuid.uuid4().hex}.parquet")
        df.to_parquet(path, index=False)
        try:
            frame = h2o.import_file(path)
        except Exception:  # noqa: BLE001 - remote cluster cannot see our disk
            frame = h2o.upload_file(path)
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
