"""The new world of a user table: which rows form ``holdout_new_world``.

``data_isolation.source.new_world.kind`` picks one of four rules (each a pydantic
model, so Kedro checks the parameters before the run):

- ``cut`` (the default): rows with ``column > cut``, for a time (or any ordered)
  column; the column is dropped from the features by default;
- ``quantile``: rows above the ``q``-quantile of a numeric feature, for tables
  without a time column; the feature stays a feature by default;
- ``cluster``: one cluster of a seeded KMeans on the standardised numeric and
  boolean features (a missing value at its column's median), by default the one
  whose centre lies farthest from the overall centroid;
- ``none``: no new world (in-distribution only); ``holdout_new_world`` is empty
  and every consumer reports it as not applicable.

:func:`select` applies a rule and returns the new-world mask with a description
(the facts ``isolation_report["new_world"]`` records).  The per-split minimum of
minority rows is checked afterwards for every rule (:func:`~.split.check_min_minority_rows`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from synthetic_intelligence.core.errors import ConfigurationError, DataValidationError
from synthetic_intelligence.core.features import CATEGORICAL, feature_kinds
from synthetic_intelligence.core.isolation.split import new_world_mask
from synthetic_intelligence.core.schema import TARGET

__all__ = ["CutWorld", "QuantileWorld", "ClusterWorld", "NoNewWorld", "NewWorld", "NEW_WORLD_KINDS", "select"]

_KEY = "data_isolation.source.new_world"


class CutWorld(BaseModel):
    """``kind: cut``: rows with ``column > cut`` (numeric or date column; the default kind)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["cut"] = "cut"
    column: str | None = None
    cut: Any = None
    drop_column: bool = True  # a time column is not a feature


class QuantileWorld(BaseModel):
    """``kind: quantile``: rows with ``column`` above its ``q``-quantile over the whole table."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["quantile"]
    column: str = Field(min_length=1)
    q: float = Field(gt=0.0, lt=1.0)
    drop_column: bool = False  # a feature stays a feature (the shift is then visible to the learner)


class ClusterWorld(BaseModel):
    """``kind: cluster``: one KMeans cluster of the standardised features is held out."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["cluster"]
    n_clusters: int = Field(5, ge=2, le=100)
    #: None: the eligible cluster whose centre is farthest from the overall centroid.
    cluster_id: int | None = Field(None, ge=0)
    seed: int = 0
    #: Columns to cluster on (default: every feature column).
    columns: list[str] | None = Field(None, min_length=1)
    #: A cluster holding more than this share of the rows is not eligible.
    max_share: float = Field(0.5, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _cluster_id_exists(self):
        if self.cluster_id is not None and self.cluster_id >= self.n_clusters:
            raise ValueError(f"new_world.cluster_id must be < n_clusters ({self.n_clusters}), got {self.cluster_id}")
        return self


class NoNewWorld(BaseModel):
    """``kind: none``: in-distribution only; holdout_new_world is empty and reported as not applicable."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["none"]


NewWorld = Annotated[CutWorld | QuantileWorld | ClusterWorld | NoNewWorld, Field(discriminator="kind")]
NEW_WORLD_KINDS: tuple[str, ...] = ("cut", "quantile", "cluster", "none")


def _numeric_column(raw: pd.DataFrame, column: str, kind: str) -> pd.Series:
    if column not in raw.columns:
        raise DataValidationError(f"new-world {kind} column {column!r} ({_KEY}.column) not found in the table")
    values = raw[column].reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise DataValidationError(f"new-world {kind} column {column!r} must be numeric, got dtype {values.dtype} "
                                  f"({_KEY}.column); use kind: cut for a date column")
    bad = ~np.isfinite(values.to_numpy(dtype=np.float64))
    if bad.any():
        raise DataValidationError(f"new-world {kind} column {column!r} has {int(bad.sum())} NaN/infinite value(s) "
                                  f"(first at row {int(np.flatnonzero(bad)[0])}); fill or drop them")
    return values


def quantile_mask(values: pd.Series, q: float, *, column: str) -> tuple[np.ndarray, dict]:
    """Rows with ``values > quantile(values, q)``; the cut value is reported."""
    cut = float(np.quantile(values.to_numpy(dtype=np.float64), q))
    new = (values > cut).to_numpy()
    if new.all() or not new.any():
        raise DataValidationError(
            f"the {q}-quantile of column {column!r} ({cut:g}) leaves {int((~new).sum())} training-world and "
            f"{int(new.sum())} new-world rows: both must be non-empty (too many tied values?); choose another "
            f"{_KEY}.q or column"
        )
    return new, {"column": column, "q": float(q), "cut": cut}


def cluster_mask(features: pd.DataFrame, spec: ClusterWorld, *, min_minority_rows: int) -> tuple[np.ndarray, dict]:
    """Hold out one KMeans cluster of the standardised ``features`` (with ``target`` for the minority counts).

    Eligible clusters hold at least ``min_minority_rows`` minority rows and one
    majority row, and at most ``spec.max_share`` of the rows.  With
    ``spec.cluster_id`` that cluster must be eligible; otherwise the eligible one
    farthest from the overall centroid is chosen.  Every cluster's size, minority
    rows and distance are reported.
    """
    numeric = [c for c, kind in feature_kinds(features).items() if kind != CATEGORICAL]
    columns = spec.columns or numeric
    missing = [c for c in columns if c not in features.columns]
    if missing:
        raise DataValidationError(f"{_KEY}.columns: {', '.join(map(repr, missing))} not among the feature columns "
                                  f"({', '.join(c for c in features.columns if c != TARGET)})")
    categorical = [c for c in columns if c not in numeric]
    if categorical or not columns:
        raise DataValidationError(f"{_KEY}.columns: the clusters are drawn on numeric and boolean columns; "
                                  + (f"{', '.join(map(repr, categorical))} is categorical" if categorical
                                     else "the table has none") + f" (list others in {_KEY}.columns, or choose "
                                  "another new_world.kind)")
    if len(features) < spec.n_clusters:
        raise DataValidationError(f"the table has {len(features)} rows, fewer than {_KEY}.n_clusters "
                                  f"({spec.n_clusters})")
    values = features[columns].astype(np.float64)
    if values.isna().any().any():  # missing values are put at the column's median for the clustering only
        values = values.fillna(values.median())
    X = StandardScaler().fit_transform(values.to_numpy(dtype=np.float64))
    km = KMeans(n_clusters=spec.n_clusters, n_init=10, random_state=spec.seed).fit(X)
    labels = km.labels_
    y = features[TARGET].to_numpy()
    distance = np.linalg.norm(km.cluster_centers_ - X.mean(axis=0), axis=1)
    clusters = []
    for k in range(spec.n_clusters):
        inside = labels == k
        rows, minority = int(inside.sum()), int(y[inside].sum())
        clusters.append({"cluster": k, "rows": rows, "minority_rows": minority,
                         "minority_share": minority / rows if rows else 0.0, "share": rows / len(y),
                         "distance": float(distance[k]),
                         "eligible": minority >= min_minority_rows and minority < rows
                         and rows / len(y) <= spec.max_share})
    listing = "; ".join(f"cluster {c['cluster']}: {c['rows']} rows, {c['minority_rows']} minority, "
                        f"share {c['share']:.2f}, distance {c['distance']:.2f}" for c in clusters)
    need = (f"a new-world cluster needs at least {min_minority_rows} minority row(s) "
            f"(data_isolation.source.min_minority_rows), one majority row and at most {spec.max_share:g} of the rows "
            f"({_KEY}.max_share)")
    if spec.cluster_id is not None:
        chosen = clusters[spec.cluster_id]
        if not chosen["eligible"]:
            raise DataValidationError(f"{_KEY}.cluster_id {spec.cluster_id} is not eligible: {need}. Clusters: "
                                      f"{listing}")
    else:
        eligible = [c for c in clusters if c["eligible"]]
        if not eligible:
            raise DataValidationError(f"no cluster of {spec.n_clusters} can be the new world: {need}. Clusters: "
                                      f"{listing}. Try another {_KEY}.n_clusters or seed, or lower min_minority_rows")
        chosen = max(eligible, key=lambda c: c["distance"])
    info = {"n_clusters": spec.n_clusters, "seed": spec.seed, "columns": list(columns), "cluster": chosen["cluster"],
            "chosen_by": "cluster_id" if spec.cluster_id is not None else "farthest from the overall centroid",
            "clusters": clusters}
    return labels == chosen["cluster"], info


def select(spec: CutWorld | QuantileWorld | ClusterWorld | NoNewWorld, raw: pd.DataFrame, table: pd.DataFrame,
           *, min_minority_rows: int) -> tuple[np.ndarray, dict]:
    """The new-world mask over ``table``'s rows and its description.

    ``raw`` is the user's table as read (the cut / quantile column may be dropped
    from the features), ``table`` the canonical one (features + ``target``, rows in
    the same order).
    """
    if isinstance(spec, NoNewWorld):
        return np.zeros(len(table), dtype=bool), {"kind": "none"}
    if isinstance(spec, CutWorld):
        if not spec.column:
            raise ConfigurationError(f"{_KEY}.column must name the column to cut the new world on (kind: cut)")
        if spec.column not in raw.columns:
            raise DataValidationError(f"new-world cut column {spec.column!r} not found in the table")
        mask = new_world_mask(raw[spec.column].reset_index(drop=True), spec.cut, column=spec.column)
        info = {"column": spec.column, "cut": spec.cut if isinstance(spec.cut, (int, float, str)) else str(spec.cut)}
    elif isinstance(spec, QuantileWorld):
        mask, info = quantile_mask(_numeric_column(raw, spec.column, "quantile"), spec.q, column=spec.column)
    elif isinstance(spec, ClusterWorld):
        mask, info = cluster_mask(table, spec, min_minority_rows=min_minority_rows)
    else:  # pragma: no cover - the union is closed
        raise ConfigurationError(f"unknown {_KEY}.kind {getattr(spec, 'kind', spec)!r}")
    y = table[TARGET].to_numpy()
    info = {"kind": spec.kind, **info, "rows": int(mask.sum()), "minority_rows": int(y[mask].sum()),
            "minority_share": float(y[mask].mean())}
    return mask, info
