"""Over-samplers by name: the factory and the typed lane settings (resampling is in core.experiment.resample).

A lane's ``sampler.name`` is a class of imbalanced-learn (:data:`SAMPLERS`) or ``smote_variants.<class>``: any
over-sampler of the `smote-variants <https://smote-variants.readthedocs.io>`_ package (MIT; 86 SMOTE variants,
e.g. ``smote_variants.ProWSyn``, ``smote_variants.polynom_fit_SMOTE_star``), run through
:class:`SmoteVariantsSampler`, an imbalanced-learn-style adapter (``fit_resample``, ``get_params``), so the
lane registry's ``imblearn`` kind runs it with no other code path. smote-variants is imported only when such a
lane is built (install: ``pip install --no-deps smote-variants==1.0.1 minisom metric-learn seaborn``: its
declared dependencies pull TensorFlow, which only its DEAGO sampler uses).

Mixed-type tables (categorical or boolean columns, missing values): :func:`fit_resample_mixed` runs a
lane's ``SMOTE`` as SMOTENC (SMOTEN when every feature is categorical) and handles missing values by the
declared rule :data:`MISSING_RULE`; :func:`~synthetic_intelligence.core.experiment.resample.resample` calls it and
writes its report (``mixed_types``: the sampler that ran, the categorical columns, the missing shares of
real and synthetic rows) into the lane's resample report.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import logging

import numpy as np
import pandas as pd
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from synthetic_intelligence.core.errors import ConfigurationError, TrainingSetError
from synthetic_intelligence.core.features import NUMERIC, feature_kinds, is_mixed

SAMPLERS: dict[str, type] = {
    "SMOTE": SMOTE,
    "BorderlineSMOTE": BorderlineSMOTE,
    "SVMSMOTE": SVMSMOTE,
    "ADASYN": ADASYN,
    "KMeansSMOTE": KMeansSMOTE,
    "RandomOverSampler": RandomOverSampler,
    "SMOTETomek": SMOTETomek,
    "SMOTEENN": SMOTEENN,
}


#: The prefix of a smote-variants sampler's name: ``smote_variants.<class>``.
SMOTE_VARIANTS = "smote_variants."


def _smote_variants():
    try:
        return importlib.import_module("smote_variants")
    except ImportError as exc:
        raise ConfigurationError(
            "a lane names a smote_variants sampler but the smote-variants package is not installed: "
            "pip install --no-deps smote-variants==1.0.1 minisom metric-learn seaborn (the benchmark extra "
            "lists its dependencies; `make install` installs it)") from exc


def _keywords(cls) -> list[str]:
    return [n for n, p in inspect.signature(cls).parameters.items()
            if n != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


@contextlib.contextmanager
def _quiet_smote_variants():
    """smote-variants logs every call at INFO on its own stderr handler: held back to warnings while it runs."""
    log = logging.getLogger("smote_variants")
    level = log.level
    log.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        log.setLevel(level)


class SmoteVariantsSampler:
    """A smote-variants over-sampler with imbalanced-learn's interface: ``fit_resample(X, y) -> (X_res, y_res)``.

    ``name``: a class of ``smote_variants.get_all_oversamplers()`` (without the prefix); ``kwargs``: its keyword
    arguments (checked against its signature); ``random_state``: its seed unless ``kwargs`` sets one. The class
    samples to balance by default (``proportion: 1.0``, imbalanced-learn's ``sampling_strategy: 1.0``).

    ``fit_resample`` returns numpy arrays, ``X`` followed by the synthetic rows, as smote-variants does (a
    variant that also removes rows, e.g. SMOTE_IPF's noise filter, returns fewer real rows):
    :func:`~synthetic_intelligence.core.experiment.resample.resample` rebuilds the frame in ``X``'s columns and dtypes and
    its content rule counts synthetic and removed rows. A table with categorical, boolean or missing values is
    refused (:class:`TrainingSetError`: the lane fails alone, naming the columns); smote-variants' complaint
    about the rows (a ``ValueError``, a singular matrix) fails the lane the same way.
    """

    def __init__(self, name: str, kwargs: dict | None = None, random_state: int | None = None):
        module = _smote_variants()
        classes = {c.__name__: c for c in module.get_all_oversamplers()}
        if name not in classes:
            close = [n for n in classes if n.lower().startswith(name.lower()[:4])][:8]
            raise ValueError(f"unknown sampler {SMOTE_VARIANTS + name!r}: not an over-sampler of smote-variants"
                             + (f"; similar: {', '.join(SMOTE_VARIANTS + n for n in close)}" if close else
                                "; see smote_variants.get_all_oversamplers()"))
        self.name = name
        self.cls = classes[name]
        self.kwargs = dict(kwargs or {})
        valid = _keywords(self.cls)
        bad = sorted(set(self.kwargs) - set(valid))
        if bad:
            raise ValueError(f"unknown keyword(s) for {SMOTE_VARIANTS + name}: {', '.join(bad)}; "
                             f"valid keywords: {', '.join(valid)}")
        if random_state is not None and "random_state" not in self.kwargs:
            self.kwargs["random_state"] = random_state
        with _quiet_smote_variants():
            self.sampler_ = self.cls(**self.kwargs)  # smote-variants checks its values here (ValueError)

    @property
    def sampler_name(self) -> str:
        """The class that runs, as the lane's report names it."""
        return self.name

    def _validate_params(self) -> None:
        """The keywords were checked when the sampler was made (smote-variants checks its values in __init__)."""

    def get_params(self, deep: bool = False) -> dict:
        return dict(self.sampler_.get_params())

    def fit_resample(self, X, y):
        if isinstance(X, pd.DataFrame) and is_mixed(X):
            kinds = feature_kinds(X)
            discrete = [c for c, kind in kinds.items() if kind != NUMERIC]
            missing = [c for c in X.columns if X[c].isna().any()]
            problems = ([f"categorical or boolean column(s) {', '.join(map(repr, discrete[:5]))}"] if discrete
                        else []) + ([f"missing values in {', '.join(map(repr, missing[:5]))}"] if missing else [])
            raise TrainingSetError(f"{SMOTE_VARIANTS + self.name} takes numeric features without missing values, "
                                   f"but train has {' and '.join(problems)}: use SMOTE (SMOTENC / SMOTEN on such "
                                   "tables) or RandomOverSampler for this lane (<lane>.sampler.name)")
        X_arr = np.asarray(X, dtype=np.float64)
        y_arr = np.asarray(y).astype(np.int64)
        try:
            with _quiet_smote_variants():
                X_res, y_res = self.cls(**self.kwargs).sample(X_arr, y_arr)
        except (ValueError, ArithmeticError, RuntimeError) as exc:
            raise TrainingSetError(f"{SMOTE_VARIANTS + self.name} cannot resample this training set "
                                   f"({int((y_arr == 1).sum())} minority of {len(y_arr)} rows): {exc}") from exc
        return np.asarray(X_res), np.asarray(y_res)


def make_sampler(name: str, kwargs: dict | None = None, random_state: int | None = None):
    """Instantiate the sampler ``name`` with validated keyword arguments: an imbalanced-learn class of
    :data:`SAMPLERS`, or ``smote_variants.<class>`` (a :class:`SmoteVariantsSampler`).

    ``random_state`` is applied when the class accepts it and ``kwargs`` does not
    already set it.
    """
    if name.startswith(SMOTE_VARIANTS):
        return SmoteVariantsSampler(name[len(SMOTE_VARIANTS):], kwargs, random_state)
    if name not in SAMPLERS:
        raise ValueError(f"unknown sampler {name!r}; valid names: {', '.join(SAMPLERS)}, or "
                         f"{SMOTE_VARIANTS}<class> (any over-sampler of the smote-variants package)")
    cls = SAMPLERS[name]
    kwargs = dict(kwargs or {})
    valid = [p for p in inspect.signature(cls).parameters if p != "self"]
    bad = sorted(set(kwargs) - set(valid))
    if bad:
        raise ValueError(
            f"unknown keyword(s) for {name}: {', '.join(bad)}; "
            f"valid keywords: {', '.join(valid)}"
        )
    if random_state is not None and "random_state" in valid and "random_state" not in kwargs:
        kwargs["random_state"] = random_state
    return cls(**kwargs)


class ImblearnSamplerParams(BaseModel):
    """One SMOTE-family lane's sampler (``<lane>.sampler`` in parameters_smote.yml), checked before the run.

    ``name``: an imbalanced-learn class of :data:`SAMPLERS` or ``smote_variants.<class>`` (any smote-variants
    over-sampler, :class:`SmoteVariantsSampler`); ``kwargs``: its keyword arguments (checked against its
    signature; one set to null is dropped, so an environment can remove a keyword of base, e.g. when it
    switches the lane to a class without it); ``seed``: its ``random_state`` unless ``kwargs`` sets one.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    kwargs: dict = Field(default_factory=dict)
    seed: int = 0

    @field_validator("kwargs")
    @classmethod
    def _drop_null(cls, kwargs: dict) -> dict:
        """A keyword set to null is dropped (the class's default), so an environment can remove one of base's."""
        return {k: v for k, v in kwargs.items() if v is not None}

    @model_validator(mode="after")
    def _known(self):
        if self.name.startswith(SMOTE_VARIANTS) and importlib.util.find_spec("smote_variants") is None:
            return self  # an optional package: building the lane says how to install it (ConfigurationError)
        # raises naming the bad name, keyword or value (scikit-learn's own parameter constraints)
        make_sampler(self.name, self.kwargs, self.seed)._validate_params()
        return self

    def build(self):
        return make_sampler(self.name, self.kwargs, random_state=self.seed)

    def check_fits(self, n_minority: int, where: str) -> None:
        """Refuse a neighbour count the minority rows cannot supply, naming the parameter and the count."""
        sampler = self.build()
        k = getattr(sampler, "k_neighbors", None)
        if isinstance(k, int) and n_minority <= k:
            raise TrainingSetError(
                f"{where}.kwargs.k_neighbors is {k} but train holds only {n_minority} minority row(s); "
                f"{self.name} needs at least k_neighbors + 1: lower {where}.kwargs.k_neighbors or raise "
                "data_isolation.source.min_minority_rows")


#: Samplers that take a mixed-type table: SMOTE becomes SMOTENC / SMOTEN, RandomOverSampler copies rows as they are.
MIXED_TYPE_SAMPLERS: tuple[str, ...] = ("SMOTE", "RandomOverSampler")
#: How missing values reach the SMOTE family (written into every mixed-type resample report).
MISSING_RULE = (
    "numeric: a column's missing values are set to its median in train before the sampler, and a missing "
    "indicator per such column goes to SMOTENC as a categorical feature (the synthetic row takes the indicator "
    "of the majority of its neighbours); a synthetic value whose indicator says missing is stored as NaN. "
    "categorical and boolean: missing is a level of its own and comes back as missing"
)


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a categorical column (its categories' positions) or a boolean one (0/1); missing = -1."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64)
    flags = values.astype("boolean")
    return np.where(flags.isna().to_numpy(), -1, flags.fillna(False).to_numpy(dtype=bool).astype(np.int64))


def _decode(codes: np.ndarray, like: pd.Series) -> pd.Series:
    """Codes of :func:`_codes` back in ``like``'s dtype (-1 = missing)."""
    codes = np.rint(codes).astype(np.int64)
    if isinstance(like.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical.from_codes(codes, dtype=like.dtype))
    flags = pd.array(codes == 1, dtype="boolean")
    flags[codes < 0] = pd.NA
    return pd.Series(flags).astype(like.dtype) if like.dtype == bool and (codes >= 0).all() else pd.Series(flags)


def mixed_type_sampler_needed(X: pd.DataFrame) -> bool:
    """Whether ``X`` needs :func:`fit_resample_mixed` (categorical or boolean columns, or missing values)."""
    return is_mixed(X)


def fit_resample_mixed(sampler, X: pd.DataFrame, y: pd.Series) -> tuple[pd.DataFrame, pd.Series, dict]:
    """``sampler`` (an imbalanced-learn SMOTE or RandomOverSampler) on a mixed-type ``X``.

    SMOTE becomes SMOTENC (its ``k_neighbors``, ``sampling_strategy`` and ``random_state``) with the
    categorical and boolean columns as categorical features, or SMOTEN when every feature is categorical
    or boolean; missing values follow :data:`MISSING_RULE`.  RandomOverSampler copies rows as they are.
    Any other sampler is refused (:class:`TrainingSetError`, the lane fails alone) naming the columns.
    The returned rows are ``X`` unchanged (same values, dtypes) followed by the synthetic rows in ``X``'s
    dtypes; the report says which sampler ran, on which columns, and the missing share per column of the
    real and of the synthetic rows.
    """
    name = type(sampler).__name__
    kinds = feature_kinds(X)
    discrete = [c for c, kind in kinds.items() if kind != NUMERIC]
    numeric = [c for c in kinds if c not in discrete]
    with_missing = [c for c in numeric if X[c].isna().any()]
    if name == "RandomOverSampler":
        X_res, y_res = sampler.fit_resample(X, y)
        X_res = pd.DataFrame(X_res, columns=X.columns).astype(X.dtypes.to_dict())
        used, categorical = name, []
    elif name == "SMOTE":
        medians = {c: float(X[c].median()) for c in with_missing}
        blocks = []
        for c in numeric:
            blocks.append(X[c].fillna(medians[c]).to_numpy(dtype=np.float64) if c in medians
                          else X[c].to_numpy(dtype=np.float64))
        for c in discrete:
            codes = _codes(X[c])
            blocks.append(codes.astype(np.float64))
        for c in with_missing:
            blocks.append(X[c].isna().to_numpy(dtype=np.float64))
        Z = np.column_stack(blocks)
        n_num = len(numeric)
        categorical = list(range(n_num, Z.shape[1]))
        params = sampler.get_params(deep=False)
        common = {k: params[k] for k in ("sampling_strategy", "random_state", "k_neighbors")}
        if n_num == 0:
            used, engine = "SMOTEN", SMOTEN(**common)
        else:
            used, engine = "SMOTENC", SMOTENC(categorical_features=categorical, **common)
        Z_res, y_res = engine.fit_resample(Z, np.asarray(y))
        new = Z_res[len(X):]
        synthetic = {}
        for j, c in enumerate(numeric):
            values = new[:, j].astype(np.float64)
            if c in medians:
                flag = new[:, n_num + len(discrete) + with_missing.index(c)]
                values = np.where(np.rint(flag) == 1, np.nan, values)
            synthetic[c] = pd.Series(values).astype(X[c].dtype)
        for j, c in enumerate(discrete):
            synthetic[c] = _decode(new[:, n_num + j], X[c])
        rows = pd.DataFrame(synthetic)[list(X.columns)]
        X_res = pd.concat([X.reset_index(drop=True), rows], ignore_index=True) if len(rows) else X.reset_index(drop=True)
        categorical = discrete
    else:
        problems = ([f"categorical or boolean column(s) {', '.join(map(repr, discrete[:5]))}"] if discrete else []) \
            + ([f"missing values in {', '.join(map(repr, with_missing[:5]))}"] if with_missing else [])
        raise TrainingSetError(f"{name} takes numeric features without missing values, but train has "
                               f"{' and '.join(problems)}: use SMOTE (SMOTENC / SMOTEN on such tables) or "
                               f"RandomOverSampler for this lane (<lane>.sampler.name)")
    synthetic_rows = X_res.iloc[len(X):]
    report = {
        "sampler_used": used,
        "categorical_features": categorical,
        "missing_rule": MISSING_RULE if name == "SMOTE" else "rows are copied with their missing values",
        "imputed_columns": with_missing if name == "SMOTE" else [],
        "missing_share_real": {c: float(X[c].isna().mean()) for c in X.columns if X[c].isna().any()},
        "missing_share_synthetic": {c: (float(synthetic_rows[c].isna().mean()) if len(synthetic_rows) else 0.0)
                                    for c in X.columns if X[c].isna().any()},
    }
    return X_res, pd.Series(np.asarray(y_res)), report
