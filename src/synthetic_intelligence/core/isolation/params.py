"""Typed ``data_isolation`` parameters: source, generators, split and drift.

The data_isolation nodes type their parameters with these models, so Kedro
validates ``conf/<env>/parameters_data_isolation.yml`` before the first node runs
and the CLI prints one line naming each bad key (``data_isolation.source.new_world.q``
...).  Nodes called directly (tests, notebooks) validate through :func:`parse`,
which raises :class:`~.errors.ConfigurationError` with the same key names.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from synthetic_intelligence.core import worlds as synthetic
from synthetic_intelligence.core.isolation.new_world import (
    NEW_WORLD_KINDS,
    ClusterWorld,
    CutWorld,
    NewWorld,
    NoNewWorld,
    QuantileWorld,
)
from synthetic_intelligence.core.params import as_model

__all__ = ["SourceParams", "GeneratorsParams", "SyntheticGeneratorParams", "TwoClustersGeneratorParams",
           "SplitParams", "DriftParams", "SOURCE_KINDS", "parse", "ClusterWorld", "CutWorld", "NoNewWorld",
           "QuantileWorld"]

SOURCE_KINDS: tuple[str, ...] = ("synthetic", "two_clusters", "table")
_VARIANTS = {"cut": CutWorld, "quantile": QuantileWorld, "cluster": ClusterWorld, "none": NoNewWorld}
_VARIANT_KEYS = {k for v in _VARIANTS.values() for k in v.model_fields}


class SourceParams(BaseModel):
    """``data_isolation.source``: where the rows come from and which of them form the new world."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["synthetic", "two_clusters", "table"] = "synthetic"
    target: str = "target"
    positive_label: int | float | bool | str = 1
    min_minority_rows: int = 2
    drop_columns: list[str] = Field(default_factory=list)
    #: A string column with more distinct values than this is an id or free text, not a category
    #: (at most 255: HistGradientBoosting's native categorical support takes up to 255 levels).
    max_levels: int = Field(100, ge=2, le=255)
    #: What to do with such columns: stop with a message naming them ("refuse") or drop them ("drop").
    high_cardinality: Literal["refuse", "drop"] = "refuse"
    #: Columns to read as dates (ISO strings and datetime columns are found without being listed).
    dates: list[str] = Field(default_factory=list)
    new_world: NewWorld = Field(default_factory=CutWorld)

    @model_validator(mode="before")
    @classmethod
    def _new_world_defaults(cls, data: Any) -> Any:
        """``new_world.kind`` defaults to ``cut``; a key set to null is unset; a key of another kind is dropped
        with a warning.

        Kedro merges environments (and ``--params``) key by key, so ``conf/base``'s
        ``column: null, cut: null`` reach a ``kind: quantile`` set in another
        environment, and ``--params data_isolation.source.new_world.kind=none`` over an
        environment's ``{kind: quantile, column: amount, q: 0.75}`` keeps ``column`` and
        ``q``.  A key no kind has stays an error.
        """
        if not isinstance(data, dict) or not isinstance(data.get("new_world"), dict):
            return data
        new_world = {"kind": "cut", **{k: v for k, v in data["new_world"].items() if v is not None}}
        variant = _VARIANTS.get(new_world["kind"])
        if variant is not None:
            other = sorted(k for k in new_world if k not in variant.model_fields and k in _VARIANT_KEYS)
            if other:
                warnings.warn(f"data_isolation.source.new_world: {', '.join(other)} ignored: not a key of kind "
                              f"{new_world['kind']!r}", UserWarning, stacklevel=2)
                new_world = {k: v for k, v in new_world.items() if k not in other}
        return {**data, "new_world": new_world}

    @field_validator("min_minority_rows", mode="before")
    @classmethod
    def _positive_int(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("must be an integer >= 1 (minority rows per split)")
        return value

    @model_validator(mode="after")
    def _new_world_fits_the_source(self):
        nw = self.new_world
        if self.kind != "table":
            if not isinstance(nw, CutWorld) or nw.column is not None or nw.cut is not None:
                raise ValueError(
                    f"new_world (kind: {nw.kind}) applies to source kind 'table' only; the {self.kind!r} generator "
                    f"makes its own new world (generators.{self.kind}.n_new_world and data_isolation.drift): "
                    f"leave new_world unset or use kind: table"
                )
        elif isinstance(nw, CutWorld):
            if not nw.column:
                raise ValueError("new_world.column must name the column to cut the new world on (kind: cut; or "
                                 f"choose another new_world.kind: {', '.join(NEW_WORLD_KINDS)})")
            if nw.cut is None or (isinstance(nw.cut, str) and not nw.cut.strip()):
                raise ValueError(f"new_world.cut is not set: give a value of column {nw.column!r} "
                                 f"(rows with {nw.column} > cut form holdout_new_world)")
        return self


class SyntheticGeneratorParams(BaseModel):
    """``generators.synthetic``: the fields of :class:`~.worlds.WorldSpec` (make_classification)."""

    model_config = ConfigDict(extra="forbid")

    n_samples: int = 128_000
    n_new_world: int = 20_000
    n_features: int = Field(40, ge=2)
    n_informative: int = Field(16, ge=1)
    n_redundant: int = Field(8, ge=0)
    n_clusters_per_class: int = Field(3, ge=1)
    minority_share: float = 0.08
    flip_y: float = Field(0.01, ge=0.0, le=1.0)
    class_sep: float = Field(1.0, gt=0.0)
    seed: int = 42

    @model_validator(mode="after")
    def _spec(self):
        self.spec()  # WorldSpec's own checks (sizes, minority_share)
        return self

    def spec(self) -> synthetic.WorldSpec:
        return synthetic.WorldSpec(**self.model_dump())


class TwoClustersGeneratorParams(BaseModel):
    """``generators.two_clusters``: the keyword arguments of :func:`~.worlds.make_two_clusters`."""

    model_config = ConfigDict(extra="forbid")

    n_samples: int = Field(20_000, ge=100)
    n_new_world: int = Field(4_000, ge=10)
    n_features: int = Field(40, ge=2)
    minority_share: float = Field(0.08, gt=0.0, lt=0.5)
    separation: float = Field(6.0, gt=0.0)
    noise_scale: float = Field(0.3, ge=0.0)
    rotate: bool = True
    seed: int = 42


class GeneratorsParams(BaseModel):
    """``data_isolation.generators``: one entry per generated source kind."""

    model_config = ConfigDict(extra="forbid")

    synthetic: SyntheticGeneratorParams = Field(default_factory=SyntheticGeneratorParams)
    two_clusters: TwoClustersGeneratorParams = Field(default_factory=TwoClustersGeneratorParams)


class SplitParams(BaseModel):
    """``data_isolation.split``: stratified train / validation / holdout_iid (holdout carved first)."""

    model_config = ConfigDict(extra="forbid")

    holdout_share: float = Field(0.15, gt=0.0, lt=1.0)
    validation_share: float = Field(0.15, gt=0.0, lt=1.0)
    seed: int = 7

    @model_validator(mode="after")
    def _shares(self):
        if self.holdout_share + self.validation_share >= 1.0:
            raise ValueError(f"holdout_share + validation_share must be < 1, got {self.holdout_share} + "
                             f"{self.validation_share}")
        return self


class DriftParams(BaseModel):
    """``data_isolation.drift``: the documented drift of a generated new world (see core/worlds.py)."""

    model_config = ConfigDict(extra="forbid")

    severity: float = Field(0.5, ge=0.0, le=1.0)
    shift_scale: float = Field(2.0, ge=0.0)
    relabel_share: float = Field(0.3, ge=0.0, le=1.0)
    seed: int = 11


#: ``value`` as ``model`` with one-line errors naming ``key.<field>``: the project's one coercion helper.
parse = as_model

