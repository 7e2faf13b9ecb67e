"""Downstream learners and oracles: H2O AutoML by default, any scikit-learn estimator by import path."""

from __future__ import annotations

import importlib
import time
import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone

from synthetic_intelligence.core import h2o_utils
from synthetic_intelligence.core.synthetic import TARGET

ENGINES = ("h2o_automl", "sklearn")
from synthetic_intelligence.core.schema import PROVENANCE  # noqa: E402


@dataclass
class LearnerConfig:
    """How a classifier is fitted.

    ``engine="h2o_automl"``: H2O AutoML sorted by AUCPR with a ``max_models``
    budget and a ``seed``; DeepLearning is excluded so that a seed reproduces.
    With ``nfolds=0`` no cross-validation is run and ``validation`` (from the
    training world) is the leaderboard and blending frame.
    ``engine="sklearn"``: ``estimator`` is an import path such as
    ``sklearn.ensemble.HistGradientBoostingClassifier`` and
    ``estimator_kwargs`` its keyword arguments.
    """

    engine: str = "h2o_automl"
    max_models: int = 4
    nfolds: int = 0
    seed: int = 1
    max_runtime_secs: int = 0
    exclude_algos: list[str] = field(default_factory=lambda: ["DeepLearning"])
    estimator: str = "sklearn.ensemble.HistGradientBoostingClassifier"
    estimator_kwargs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown learner engine {self.engine!r}; valid: {', '.join(ENGINES)}")
        if self.engine == "h2o_automl" and self.max_models < 1:
            raise ValueError(f"max_models must be >= 1, got {self.max_models}")


def import_estimator(path: str, kwargs: dict | None = None):
    """Instantiate a scikit-learn style estimator from ``"package.module.Class"``."""
    module, _, name = path.rpartition(".")
    if not module:
        raise ValueError(f"estimator must be an import path like 'sklearn.ensemble.X', got {path!r}")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import estimator {path!r}: {exc}") from exc
    est = cls(**(kwargs or {}))
    if not hasattr(est, "predict_proba"):
        raise TypeError(f"estimator {path!r} has no predict_proba")
    return est


def split_xy(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The learner's input: features without provenance, and the 0/1 target."""
    drop = [c for c in (TARGET, PROVENANCE) if c in df.columns]
    return df.drop(columns=drop), df[TARGET].astype(np.int64)


def fit_learner(train: pd.DataFrame, validation: pd.DataFrame, config: LearnerConfig):
    """Fit a classifier on ``train`` (``validation`` only for early stopping / leaderboard).

    Returns ``(model, info)``; ``info`` has ``fit_seconds``, ``engine``, ``model_id``
    and, for AutoML, the ``leaderboard`` as a DataFrame.
    """
    X, y = split_xy(train)
    start = time.perf_counter()
    info: dict = {"engine": config.engine}
    if config.engine == "sklearn":
        model = clone(import_estimator(config.estimator, config.estimator_kwargs))
        model.fit(X, y)
        info["model_id"] = config.estimator
    else:
        from h2o.automl import H2OAutoML

        features = list(X.columns)
        train_h2o = h2o_utils.to_h2o(pd.concat([X, y], axis=1), target=TARGET)
        Xv, yv = split_xy(validation)
        valid_h2o = h2o_utils.to_h2o(pd.concat([Xv, yv], axis=1), target=TARGET)
        aml = H2OAutoML(
            max_models=config.max_models,
            seed=config.seed,
            nfolds=config.nfolds,
            sort_metric="AUCPR",
            stopping_metric="AUCPR",
            exclude_algos=list(config.exclude_algos),
            max_runtime_secs=config.max_runtime_secs,
            project_name=f"si_{uuid.uuid4().hex[:10]}",
            verbosity=None,
        )
        extra = {"leaderboard_frame": valid_h2o, "blending_frame": valid_h2o} if config.nfolds == 0 else {}
        aml.train(x=features, y=TARGET, training_frame=train_h2o, validation_frame=valid_h2o, **extra)
        model = aml.leader
        if model is None:
            raise RuntimeError("H2O AutoML trained no model; raise max_models or max_runtime_secs")
        info["model_id"] = model.model_id
        info["leaderboard"] = aml.leaderboard.as_data_frame(use_pandas=True)
    info["fit_seconds"] = time.perf_counter() - start
    return model, info


def predict_minority(model, X: pd.DataFrame) -> np.ndarray:
    """P(minority | x) for an H2O model or a scikit-learn classifier."""
    X = X.drop(columns=[c for c in (TARGET, PROVENANCE) if c in X.columns])
    if h2o_utils.is_h2o_model(model):
        return h2o_utils.h2o_predict_minority(model, X)
    proba = model.predict_proba(X)
    classes = list(getattr(model, "classes_", [0, 1]))
    return np.asarray(proba[:, classes.index(1)], dtype=np.float64)


def as_oracle(model, feature_names: list[str]):
    """An object with scikit-learn ``predict_proba`` for :class:`OracleRejectionSampler`.

    An H2O model is scored through its MOJO in this process
    (:class:`~synthetic_intelligence.core.mojo.MojoOracle`; the cluster only
    hands over the MOJO), or through the cluster where it has no MOJO.  A
    ``MojoOracle`` (the ``oracle`` dataset loaded ``as: mojo``) or a
    scikit-learn estimator passes through.  An oracle whose features are not
    among ``feature_names`` is refused, naming the missing ones.
    """
    from synthetic_intelligence.core.mojo import MojoOracle

    if h2o_utils.is_h2o_model(model):
        if not getattr(model, "have_mojo", False):
            return h2o_utils.H2OProbaAdapter(model, feature_names)
        model = MojoOracle.from_h2o(model, n_threads=-1)
    expected = getattr(model, "feature_names_in_", None)
    if expected is not None and feature_names is not None:
        missing = [str(c) for c in expected if str(c) not in {str(f) for f in feature_names}]
        if missing:
            raise ValueError(f"the oracle was trained on columns this table lacks: {missing[:10]}; "
                             f"the table has {list(feature_names)[:10]}")
    return model
