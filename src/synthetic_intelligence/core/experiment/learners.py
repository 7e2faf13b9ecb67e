"""Learners and oracles: scikit-learn estimators by import path, fixed H2O estimators, H2O AutoML.

A *learner* is fixed by parameters (:class:`LearnerConfig`).  Every lane fits the same
learners on its own training set, so a difference between lanes is the training
set's.  Engines:

- ``sklearn``: an estimator by import path with its keyword arguments (``scale: true``
  puts a ``StandardScaler`` in front, as a scikit-learn ``Pipeline``); on a mixed-type
  table (categorical or boolean columns, missing values) the estimator sits behind the
  steps that take them (:func:`mixed_type_pipeline`: native categorical and ``NaN``
  support for HistGradientBoosting; one-hot, imputation with missing indicators and
  scaling in a ``ColumnTransformer`` for any other, e.g. logistic regression);
- ``h2o``: one H2O estimator, ``algo`` (``gbm``, ``glm``, ``drf``, ``xgboost``, ...) with ``params``;
  categorical columns reach H2O as enum columns, missing values as NA (:func:`~.h2o.to_h2o`);
- ``h2o_leader``: H2O AutoML run ONCE (:func:`resolve`, on ``train`` against ``validation``);
  its leader's algorithm and parameters become an ``h2o`` learner that every lane refits.
  StackedEnsembles are excluded from that selection: an ensemble's refit would need its
  base models and their cross-validated predictions, not a parameter set;
- ``h2o_automl``: AutoML on each lane's own training set (it may choose a different
  algorithm per lane, so lane differences then mix model selection with training sets).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from synthetic_intelligence.core.engines import h2o as h2o_utils
from synthetic_intelligence.core.errors import ConfigurationError, check_same_columns
from synthetic_intelligence.core.features import CATEGORICAL, feature_kinds, is_mixed
from synthetic_intelligence.core.params import as_model
from synthetic_intelligence.core.schema import NON_FEATURES, PROVENANCE, TARGET, WEIGHT

logger = logging.getLogger(__name__)
#: AutoML algorithms the leader selection never picks (see the module docstring).
LEADER_EXCLUDES = ("StackedEnsemble",)
__all__ = ["LearnerConfig", "NoModel", "check_fits", "describe", "fit_learner", "leader_params", "predict_minority",
           "refit_leader", "check_search", "resolve", "split_xy", "as_oracle", "import_estimator", "PROVENANCE"]


class LearnerConfig(BaseModel):
    """How a classifier is fitted (validated by Kedro before the run when it types a node's parameter).

    ``engine="sklearn"``: ``estimator`` is an import path such as
    ``sklearn.ensemble.HistGradientBoostingClassifier``, ``estimator_kwargs`` its keyword
    arguments, ``scale`` puts a ``StandardScaler`` in front.
    ``engine="h2o"``: ``algo`` names an H2O estimator (``h2o.estimators.create_estimator``)
    and ``params`` its parameters.
    ``engine="h2o_automl"`` / ``"h2o_leader"``: H2O AutoML sorted by AUCPR with a
    ``max_models`` budget and a ``seed``; DeepLearning is excluded so that a seed
    reproduces; with ``nfolds=0`` no cross-validation is run and ``validation`` (from the
    training world) is the leaderboard and blending frame.  ``h2o_leader`` also excludes
    StackedEnsemble (added to ``exclude_algos``).
    A ``sample_weight`` column of the training set (the class-weighted lane) is passed as
    H2O's ``weights_column`` or scikit-learn's ``sample_weight``.
    """

    model_config = ConfigDict(extra="forbid")

    engine: Literal["sklearn", "h2o", "h2o_leader", "h2o_automl"] = "h2o_automl"
    # h2o_leader: run its own AutoML ("own") or take the best refittable model of the oracle's ("oracle")
    search: Literal["own", "oracle"] = "own"
    # AutoML (h2o_automl, h2o_leader)
    max_models: int = Field(4, ge=1)
    nfolds: int = Field(0, ge=0)
    seed: int = 1
    max_runtime_secs: int = Field(0, ge=0)
    exclude_algos: list[str] = Field(default_factory=lambda: ["DeepLearning"])
    # scikit-learn
    estimator: str = "sklearn.ensemble.HistGradientBoostingClassifier"
    estimator_kwargs: dict = Field(default_factory=dict)
    scale: bool = False
    # one fixed H2O estimator
    algo: str | None = None
    params: dict = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self):
        if self.engine == "h2o":
            if not self.algo:
                raise ValueError("engine h2o needs algo, an H2O estimator such as gbm, glm, drf or xgboost")
            _h2o_estimator(self.algo, self.params)  # names an unknown algo or parameter
        elif self.algo is not None or self.params:
            raise ValueError(f"algo and params apply to engine h2o only (engine is {self.engine}); "
                             "use estimator_kwargs for sklearn")
        if self.engine == "sklearn":
            _sklearn_estimator(self)  # names an estimator that cannot be imported or has no predict_proba
        elif self.scale:
            raise ValueError(f"scale applies to engine sklearn only (engine is {self.engine})")
        if self.engine == "h2o_leader":
            self.exclude_algos = [*self.exclude_algos, *(a for a in LEADER_EXCLUDES if a not in self.exclude_algos)]
        elif self.search != "own":
            raise ValueError(f"search applies to engine h2o_leader only (engine is {self.engine})")
        return self


@dataclass(frozen=True)
class NoModel:
    """What a learner "fits" on a failed lane's empty training set: nothing; it scores no row."""

    reason: str = "the lane has no training set"


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


def _sklearn_estimator(config: LearnerConfig, X: pd.DataFrame | None = None):
    """The configured estimator; for a mixed-type ``X`` (:func:`~.features.is_mixed`) inside the pipeline
    that takes its columns (:func:`mixed_type_pipeline`)."""
    est = import_estimator(config.estimator, config.estimator_kwargs)
    if X is not None and is_mixed(X):
        return mixed_type_pipeline(est, X, scale=config.scale, kwargs=config.estimator_kwargs)[0]
    return make_pipeline(StandardScaler(), est) if config.scale else est


def booleans_as_float(X: pd.DataFrame) -> pd.DataFrame:
    """Boolean columns (``bool`` or nullable ``boolean``, missing -> ``NaN``) as ``float64``; others unchanged."""
    flags = [c for c in X.columns if pd.api.types.is_bool_dtype(X[c].dtype)]
    return X.astype({c: np.float64 for c in flags}) if flags else X


def _native_categorical(estimator) -> bool:
    """Whether the estimator takes pandas categorical columns and ``NaN`` itself (HistGradientBoosting)."""
    return "categorical_features" in estimator.get_params(deep=False)


def mixed_type_pipeline(estimator, X: pd.DataFrame, *, scale: bool, kwargs: dict | None = None):
    """``(pipeline, how)``: ``estimator`` behind the steps that take ``X``'s mixed-type columns.

    - an estimator with native categorical and missing-value support (HistGradientBoosting): booleans as
      ``float64`` (missing -> ``NaN``), categoricals as they are (``categorical_features="from_dtype"``,
      unless ``kwargs`` sets it), ``NaN`` left to the trees;
    - any other (logistic regression): a ``ColumnTransformer``: numeric and boolean columns median-imputed
      with a missing indicator per column that had missing values in training (then scaled when ``scale``),
      categorical columns one-hot encoded (``handle_unknown="ignore"``: a level never seen in training
      gets all zeros; a missing value is its own column).

    ``how`` describes the steps (it goes into the learner's fit info).
    """
    kinds = feature_kinds(X)
    as_float = FunctionTransformer(booleans_as_float, feature_names_out="one-to-one")
    if _native_categorical(estimator):
        if "categorical_features" not in (kwargs or {}):
            estimator.set_params(categorical_features="from_dtype")
        return (Pipeline([("booleans", as_float), ("model", estimator)]),
                "native: categorical columns from their dtype, missing values to the trees, booleans as 0/1")
    categorical = [c for c, kind in kinds.items() if kind == CATEGORICAL]
    numeric = [c for c in kinds if c not in categorical]
    numeric_steps = [("impute", SimpleImputer(strategy="median", add_indicator=True))]
    if scale:
        numeric_steps.append(("scale", StandardScaler()))
    columns = ColumnTransformer(
        [("numeric", Pipeline(numeric_steps), numeric),
         ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical)],
        remainder="drop")
    how = ("one-hot categoricals (unknown levels ignored, missing its own column); numeric and booleans "
           "median-imputed with missing indicators" + (", scaled" if scale else ""))
    return Pipeline([("booleans", as_float), ("columns", columns), ("model", estimator)]), how


def _h2o_params(params: dict) -> dict:
    """H2O's parameter names as the Python estimators spell them (``lambda`` is ``lambda_``)."""
    return {("lambda_" if k == "lambda" else k): v for k, v in params.items()}


def _h2o_estimator(algo: str, params: dict):
    from h2o.estimators import create_estimator

    try:
        return create_estimator(algo, **_h2o_params(params))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"H2O estimator {algo!r} with params {sorted(params)}: {exc}") from exc


def split_xy(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The learner's input: features without provenance, and the 0/1 target."""
    drop = [c for c in NON_FEATURES if c in df.columns]
    return df.drop(columns=drop), df[TARGET].astype(np.int64)


def describe(config: LearnerConfig) -> dict:
    """Provenance of a learner: ``engine``, ``model`` (estimator path, H2O algo or ``AutoML``), its
    ``params`` and ``seed``."""
    if config.engine == "sklearn":
        model = ("StandardScaler + " if config.scale else "") + config.estimator
        return {"engine": config.engine, "model": model, "params": dict(config.estimator_kwargs),
                "seed": config.estimator_kwargs.get("random_state")}
    if config.engine == "h2o":
        return {"engine": config.engine, "model": config.algo, "params": dict(config.params),
                "seed": config.params.get("seed")}
    automl = {k: getattr(config, k) for k in ("max_models", "nfolds", "max_runtime_secs", "exclude_algos")}
    return {"engine": config.engine, "model": "AutoML", "params": automl, "seed": config.seed}


def _frames(train: pd.DataFrame, validation: pd.DataFrame | None):
    """H2O frames of ``train`` (with its weights column when it has one) and ``validation`` (``None``: none)."""
    X, y = split_xy(train)
    frame = pd.concat([X, y], axis=1)
    weighted = WEIGHT in train.columns
    if weighted:
        frame[WEIGHT] = train[WEIGHT].to_numpy(dtype=np.float64)
    if validation is None:
        return list(X.columns), h2o_utils.to_h2o(frame, target=TARGET), None, weighted
    Xv, yv = split_xy(validation)
    valid = pd.concat([Xv, yv], axis=1)
    if weighted:  # H2O wants the weights column in every frame; validation rows count once
        valid[WEIGHT] = 1.0
    return list(X.columns), h2o_utils.to_h2o(frame, target=TARGET), h2o_utils.to_h2o(valid, target=TARGET), weighted


def _automl(train: pd.DataFrame, validation: pd.DataFrame, config: LearnerConfig):
    from h2o.automl import H2OAutoML

    features, train_h2o, valid_h2o, weighted = _frames(train, validation)
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
    if weighted:
        extra["weights_column"] = WEIGHT
    aml.train(x=features, y=TARGET, training_frame=train_h2o, validation_frame=valid_h2o, **extra)
    if aml.leader is None:
        raise RuntimeError("H2O AutoML trained no model; raise max_models or max_runtime_secs")
    return aml


def fit_learner(train: pd.DataFrame, validation: pd.DataFrame, config: LearnerConfig):
    """Fit a classifier on ``train`` (``validation`` only for early stopping / leaderboard).

    Returns ``(model, info)``; ``info`` has ``fit_seconds``, ``engine``, ``model_id``,
    ``weighted`` and, for AutoML, the ``leaderboard`` as a DataFrame.  An ``h2o_leader``
    learner is resolved first (:func:`resolve`) and fitted as the ``h2o`` learner it becomes.
    """
    config = as_model(LearnerConfig, config, "learner")
    if config.engine == "h2o_leader":
        raise ConfigurationError("engine h2o_leader is chosen once by the learners pipeline and refitted on every "
                                 "lane; here (the oracle, the generation tuning) use h2o_automl, h2o or sklearn")
    X, y = split_xy(train)
    weights = train[WEIGHT].to_numpy(dtype=np.float64) if WEIGHT in train.columns else None
    start = time.perf_counter()
    info: dict = {"engine": config.engine, "weighted": weights is not None}
    if config.engine == "sklearn":
        model = clone(_sklearn_estimator(config, X))
        if is_mixed(X):
            info["mixed_types"] = mixed_type_pipeline(import_estimator(config.estimator, config.estimator_kwargs), X,
                                                      scale=config.scale, kwargs=config.estimator_kwargs)[1]
        final = model.steps[-1][1] if isinstance(model, Pipeline) else model
        if weights is None:
            model.fit(X, y)
        elif "sample_weight" in inspect.signature(final.fit).parameters:
            key = f"{model.steps[-1][0]}__sample_weight" if isinstance(model, Pipeline) else "sample_weight"
            model.fit(X, y, **{key: weights})
        else:
            raise ValueError(f"estimator {config.estimator!r} does not accept sample_weight: "
                             "it cannot be used on the class-weighted lane")
        info["model_id"] = config.estimator
    elif config.engine == "h2o":
        # validation only where it stops the training early: scoring it every few trees changes nothing else
        # and costs about a third of a refitted GBM's time
        stops = int(config.params.get("stopping_rounds", 0) or 0) > 0
        features, train_h2o, valid_h2o, weighted = _frames(train, validation if stops else None)
        model = _h2o_estimator(config.algo, config.params)
        model.train(x=features, y=TARGET, training_frame=train_h2o, **({"validation_frame": valid_h2o} if stops else {}),
                    **({"weights_column": WEIGHT} if weighted else {}))
        info["model_id"] = model.model_id
    else:
        aml = _automl(train, validation, config)
        model = aml.leader
        info["model_id"] = model.model_id
        info["leaderboard"] = aml.leaderboard.as_data_frame(use_pandas=True)
        info["refit_leader"] = refit_leader(aml, config)
    if h2o_utils.is_h2o_model(model):  # H2O keeps only the columns that vary; checks compare the ones it was given
        h2o_utils.record_features_given(model, X.columns)
    info["fit_seconds"] = time.perf_counter() - start
    return model, info


def refit_leader(aml, config: LearnerConfig) -> dict | None:
    """The best model of an AutoML leaderboard that refits from parameters (no StackedEnsemble), as JSON:
    ``leader`` (model id), ``algo``, ``params`` (:func:`leader_params`), ``rank`` on the leaderboard and where
    it was ranked (``selected_on``).  ``None`` when every model is an ensemble.  An ``h2o_leader`` learner with
    ``search: oracle`` is this, taken from the oracle's AutoML instead of a second search on the same data."""
    import h2o

    for rank, model_id in enumerate(aml.leaderboard["model_id"].as_data_frame(use_pandas=True)["model_id"], 1):
        model = h2o.get_model(model_id)
        if model.algo != "stackedensemble":
            return {"leader": model_id, "algo": model.algo, "params": leader_params(model), "rank": rank,
                    "selected_on": _selected_on(config)}
    return None


def check_search(name: str, learner, oracle) -> None:
    """Before a run: ``learners.<name>`` with ``search: oracle`` needs an AutoML oracle (``oracle.engine:
    h2o_automl``) that may train a refittable model; a :class:`ConfigurationError` names both parameters."""
    learner, oracle = LearnerConfig.model_validate(learner), LearnerConfig.model_validate(oracle)
    if learner.engine != "h2o_leader" or learner.search != "oracle":
        return
    if oracle.engine != "h2o_automl":
        raise ConfigurationError(f"learners.{name}: search: oracle takes the leader from the oracle's AutoML, but "
                                 f"oracle.engine is {oracle.engine}: set oracle.engine: h2o_automl, or "
                                 f"learners.{name}.search: own")


def _selected_on(config: LearnerConfig) -> str:
    return ("validation (AutoML leaderboard, AUCPR)" if config.nfolds == 0
            else f"{config.nfolds}-fold cross-validation on train (AUCPR)")


#: Parameters of a fitted H2O model that belong to its training run, not to the learner: frames,
#: columns, cross-validation, checkpoints, budgets, and tolerances H2O derives from the row count.
_RUN_PARAMS = frozenset({
    "model_id", "training_frame", "validation_frame", "response_column", "ignored_columns", "weights_column",
    "offset_column", "fold_column", "nfolds", "fold_assignment", "keep_cross_validation_models",
    "keep_cross_validation_predictions", "keep_cross_validation_fold_assignment", "checkpoint",
    "export_checkpoints_dir", "in_training_checkpoints_dir", "in_training_checkpoints_tree_interval",
    "calibration_frame", "max_runtime_secs", "custom_metric_func", "custom_distribution_func",
    "stopping_tolerance", "obj_reg", "blending_frame", "base_models",
})


#: XGBoost's parameter aliases (alias -> H2O's name): H2O warns when both are set, so the alias is dropped.
_ALIASES = {"subsample": "sample_rate", "colsample_bylevel": "col_sample_rate",
            "colsample_bytree": "col_sample_rate_per_tree", "min_child_weight": "min_rows", "eta": "learn_rate",
            "max_delta_step": "max_abs_leafnode_pred", "gamma": "min_split_improvement"}


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def leader_params(model) -> dict:
    """The parameters that refit ``model`` (an H2O model) as the same learner on another training set.

    Every parameter whose value differs from H2O's default, less the training run's own
    (:data:`_RUN_PARAMS`).  Tree models keep the number of trees they actually built, with
    early stopping off; a GLM keeps the ``alpha`` and ``lambda`` its search chose.  Refitted
    on the same frame, trees reproduce the model's predictions exactly.
    """
    if model.algo == "stackedensemble":
        raise ValueError("a StackedEnsemble cannot be refitted from parameters: exclude it from the selection")
    params = {k: _plain(p["actual"]) for k, p in model.params.items()
              if k not in _RUN_PARAMS and p["actual"] != p["default"] and not isinstance(p["actual"], dict)}
    for alias, name in _ALIASES.items():
        if alias in params and params.get(name) == params[alias]:
            del params[alias]
    output = model._model_json["output"]
    if model.algo in ("gbm", "drf", "xgboost"):
        params["ntrees"] = int(output["model_summary"]["number_of_trees"][0])
        params["stopping_rounds"] = 0
        for key in ("stopping_metric", "score_tree_interval", "score_each_iteration"):  # scoring for early stopping only
            params.pop(key, None)
    if model.algo == "glm":
        for key in ("lambda", "nlambdas", "lambda_min_ratio"):
            params.pop(key, None)
        params.update(lambda_search=False, alpha=[float(output["alpha_best"])])
        params["lambda"] = [float(output["lambda_best"])]
    return params


def resolve(config: LearnerConfig, train: pd.DataFrame, validation: pd.DataFrame,
            oracle_search: dict | None = None) -> tuple[LearnerConfig, dict]:
    """The learner every lane fits: ``config`` itself, or for ``h2o_leader`` the AutoML leader chosen
    once on ``train`` against ``validation``, as an ``h2o`` learner with its algorithm and parameters.

    With ``search: oracle`` no second AutoML runs: the leader is ``oracle_search`` (the oracle's
    report, whose ``refit_leader`` is the best model of the oracle's AutoML on the same ``train`` and
    ``validation`` that refits from parameters, :func:`refit_leader`; ``leaderboard`` its leaderboard).
    ``info``: ``selected`` (bool) and, for a leader, ``leader`` (model id), ``algo``,
    ``selected_on``, ``excluded_algos``, ``search``, ``seconds`` and the ``leaderboard`` (DataFrame).
    """
    config = as_model(LearnerConfig, config, "learner")
    if config.engine != "h2o_leader":
        return config, {"selected": False}
    start = time.perf_counter()
    if config.search == "oracle":
        found = (oracle_search or {}).get("refit_leader")
        if not found:
            engine = (oracle_search or {}).get("engine")
            raise ConfigurationError(
                "learners: an h2o_leader learner with search: oracle takes its leader from the oracle's AutoML, but "
                + (f"the oracle's engine is {engine}, not h2o_automl" if engine and engine != "h2o_automl"
                   else "the oracle's AutoML has no model that refits from parameters (only StackedEnsembles)")
                + ": set oracle.engine: h2o_automl, or search: own")
        resolved = LearnerConfig(engine="h2o", algo=found["algo"], params=found["params"])
        leader, algo = found["leader"], found["algo"]
        selected_on = f"{found['selected_on']}, the oracle's AutoML (rank {found['rank']}; one search, shared)"
        leaderboard = oracle_search.get("leaderboard")
        leaderboard = pd.DataFrame(leaderboard) if leaderboard is not None else pd.DataFrame({"model_id": [leader]})
    else:
        aml = _automl(train, validation, config)
        resolved = LearnerConfig(engine="h2o", algo=aml.leader.algo, params=leader_params(aml.leader))
        leader, algo, selected_on = aml.leader.model_id, aml.leader.algo, _selected_on(config)
        leaderboard = aml.leaderboard.as_data_frame(use_pandas=True)
    info = {
        "selected": True,
        "leader": leader,
        "algo": algo,
        "search": config.search,
        "selected_on": selected_on,
        "excluded_algos": list(config.exclude_algos),
        "note": "StackedEnsemble is excluded from the selection: an ensemble is refitted from its base models, "
                "not from a parameter set",
        "seconds": time.perf_counter() - start,
        "leaderboard": leaderboard,
    }
    return resolved, info


def predict_minority(model, X: pd.DataFrame) -> np.ndarray:
    """P(minority | x) for an H2O model or a scikit-learn classifier."""
    if isinstance(model, NoModel):
        raise ValueError(f"no model to score with: {model.reason}")
    X = X.drop(columns=[c for c in NON_FEATURES if c in X.columns])
    if h2o_utils.is_h2o_model(model):
        return h2o_utils.h2o_predict_minority(model, X)
    proba = model.predict_proba(X)
    classes = list(getattr(model, "classes_", [0, 1]))
    return np.asarray(proba[:, classes.index(1)], dtype=np.float64)


def as_oracle(model, feature_names: list[str]):
    """An object with scikit-learn ``predict_proba`` for :class:`OracleRejectionSampler`.

    An H2O model is scored through its MOJO in this process
    (:class:`~synthetic_intelligence.core.engines.mojo.MojoOracle`; the cluster only
    hands over the MOJO), or through the cluster where it has no MOJO.  A
    ``MojoOracle`` (the ``oracle`` dataset loaded ``as: mojo``) or a
    scikit-learn estimator passes through.  An oracle whose features are not
    among ``feature_names`` is refused, naming the missing ones.
    """
    from synthetic_intelligence.core.engines.mojo import MojoOracle

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
    The columns compared are those the model was *given*
    (:func:`~synthetic_intelligence.core.engines.h2o.record_features_given`).  An H2O model
    or MOJO that does not record them (saved by an earlier version) lists only the columns
    it kept: H2O drops the ones constant or all missing in its training frame, so columns of
    ``data`` that are constant or all missing there are not held against it, and a refusal
    says whether the columns it lacks vary in ``data`` (another table) or not.
    """
    names = h2o_utils.model_feature_names(model)
    if names is None:
        return
    # the weights column is never a feature (an H2O StackedEnsemble lists its base models' weights column)
    names = [n for n in names if n not in NON_FEATURES]
    columns = [c for c in data.columns if c not in NON_FEATURES]
    if h2o_utils.features_given(model) is None and _keeps_varying_columns(model):
        kept = set(names)
        extra = [c for c in columns if str(c) not in kept]
        flat = [c for c in extra if data[c].nunique(dropna=True) <= 1]
        if flat and kept <= {str(c) for c in columns}:
            logger.info("%s does not list %s: constant or all missing in %s, so H2O dropped them when it "
                        "trained (ignore_const_cols)", model_name, ", ".join(map(repr, map(str, flat))), data_name)
            names = names + [str(c) for c in flat]
        varying = [str(c) for c in extra if c not in flat]
        if varying:
            hint = (f"{model_name} lists only the columns it kept (H2O drops columns that are constant or all "
                    f"missing in its training frame) but {', '.join(map(repr, varying[:10]))} vary in {data_name}, "
                    f"so it was not trained on this table" + (f"; {hint}" if hint else ""))
    check_same_columns(names, f"{model_name}'s features", columns, data_name, hint=hint)


def _keeps_varying_columns(model) -> bool:
    """An H2O model (or its MOJO) lists the columns it kept, not all those it was given."""
    from synthetic_intelligence.core.engines.mojo import MojoOracle

    return (h2o_utils.is_h2o_model(model) or isinstance(model, (MojoOracle, h2o_utils.H2OProbaAdapter)))
