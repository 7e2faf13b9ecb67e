"""Downstream learners and oracles: H2O AutoML by default, any scikit-learn estimator by import path."""

from __future__ import annotations

import importlib
import inspect
import time
import uuid
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sklearn.base import clone

from synthetic_intelligence.core import h2o_utils
from synthetic_intelligence.core.errors import check_same_columns
from synthetic_intelligence.core.schema import NON_FEATURES, PROVENANCE, TARGET, WEIGHT

ENGINES = ("h2o_automl", "sklearn")
__all__ = ["LearnerConfig", "check_fits", "fit_learner", "predict_minority", "split_xy", "as_oracle", "import_estimator", "PROVENANCE"]


class LearnerConfig(BaseModel):
    """How a classifier is fitted (validated by Kedro before the run when it types a node's parameter).

    ``engine="h2o_automl"``: H2O AutoML sorted by AUCPR with a ``max_models``
    budget and a ``seed``; DeepLearning is excluded so that a seed reproduces.
    With ``nfolds=0`` no cross-validation is run and ``validation`` (from the
    training world) is the leaderboard and blending frame.
    ``engine="sklearn"``: ``estimator`` is an import path such as
    ``sklearn.ensemble.HistGradientBoostingClassifier`` and
    ``estimator_kwargs`` its keyword arguments.
    A ``sample_weight`` column of the training set (the class-weighted lane) is
    passed as H2O's ``weights_column`` or scikit-learn's ``sample_weight``.
    """

    model_config = ConfigDict(extra="forbid")

    engine: Literal["h2o_automl", "sklearn"] = "h2o_automl"
    max_models: int = Field(4, ge=1)
    nfolds: int = Field(0, ge=0)
    seed: int = 1
    max_runtime_secs: int = Field(0, ge=0)
    exclude_algos: list[str] = Field(default_factory=lambda: ["DeepLearning"])
    estimator: str = "sklearn.ensemble.HistGradientBoostingClassifier"
    estimator_kwargs: dict = Field(default_factory=dict)


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
    drop = [c for c in NON_FEATURES if c in df.columns]
    return df.drop(columns=drop), df[TARGET].astype(np.int64)


def fit_learner(train: pd.DataFrame, validation: pd.DataFrame, config: LearnerConfig):
    """Fit a classifier on ``train`` (``validation`` only for early stopping / leaderboard).

    Returns ``(model, info)``; ``info`` has ``fit_seconds``, ``engine``, ``model_id``
    and, for AutoML, the ``leaderboard`` as a DataFrame.
    """
    if not isinstance(config, LearnerConfig):
        config = LearnerConfig.model_validate(config)
    X, y = split_xy(train)
    weights = train[WEIGHT].to_numpy(dtype=np.float64) if WEIGHT in train.columns else None
    start = time.perf_counter()
    info: dict = {"engine": config.engine, "weighted": weights is not None}
    if config.engine == "sklearn":
        model = clone(import_estimator(config.estimator, config.estimator_kwargs))
        if weights is None:
            model.fit(X, y)
        elif "sample_weight" in inspect.signature(model.fit).parameters:
            model.fit(X, y, sample_weight=weights)
        else:
            raise ValueError(f"estimator {config.estimator!r} does not accept sample_weight: "
                             "it cannot be used on the class-weighted lane")
        info["model_id"] = config.estimator
    else:
        from h2o.automl import H2OAutoML

        features = list(X.columns)
        frame = pd.concat([X, y], axis=1) if weights is None else pd.concat([X, y], axis=1).assign(**{WEIGHT: weights})
        train_h2o = h2o_utils.to_h2o(frame, target=TARGET)
        Xv, yv = split_xy(validation)
        valid = pd.concat([Xv, yv], axis=1)
        if weights is not None:  # H2O wants the weights column in every frame; validation rows count once
            valid[WEIGHT] = 1.0
        valid_h2o = h2o_utils.to_h2o(valid, target=TARGET)
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
        h2o_utils.watch_automl(aml, max_models=config.max_models)  # models done, elapsed, time left in the log
        extra = {"leaderboard_frame": valid_h2o, "blending_frame": valid_h2o} if config.nfolds == 0 else {}
        if weights is not None:
            extra["weights_column"] = WEIGHT
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
    X = X.drop(columns=[c for c in NON_FEATURES if c in X.columns])
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


def check_fits(model, model_name: str, data: pd.DataFrame, data_name: str, *, hint: str = "") -> None:
    """Raise a one-line user error unless ``model`` was trained on ``data``'s feature columns.

    Where outputs of different runs meet (the oracle of an earlier run scoring a new
    table's candidates, a learner scoring the holdouts) the message names both.
    """
    names = h2o_utils.model_feature_names(model)
    if names is not None:
        check_same_columns(names, f"{model_name}'s features", [c for c in data.columns if c not in NON_FEATURES],
                           data_name, hint=hint)
