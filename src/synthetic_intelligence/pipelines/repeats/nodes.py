"""Thin node over :func:`synthetic_intelligence.core.repeats.run_repeats`."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from synthetic_intelligence import lanes
from synthetic_intelligence.core import generation as generation_mod
from synthetic_intelligence.core import repeats as core
from synthetic_intelligence.core.generation import GenerationParams
from synthetic_intelligence.core.isolation_params import SplitParams
from synthetic_intelligence.core.repeats import RepeatsParams
from synthetic_intelligence.core.smote import ImblearnSamplerParams

logger = logging.getLogger(__name__)

#: Keyword prefix of a SMOTE-family lane's sampler: ``sampler__<lane>`` (see :func:`input_key`).
SAMPLER = "sampler"
_SEP = "__"


def input_key(lane: str) -> str:
    """The keyword under which ``params:<lane>.sampler`` reaches :func:`run_repeats`, e.g. ``sampler__smote``."""
    return f"{SAMPLER}{_SEP}{lane}"


def run_repeats(train: pd.DataFrame, validation: pd.DataFrame, holdout_iid: pd.DataFrame,
                holdout_new_world: pd.DataFrame, repeats: RepeatsParams, learners: Mapping,
                generation: GenerationParams, split: SplitParams, **samplers) -> pd.DataFrame:
    """``repeats_metrics``: every lane of :func:`synthetic_intelligence.lanes.swimlanes` x each learner of
    ``repeats.learners`` x both holdouts, on ``repeats.k`` re-splits of ``train ∪ validation``.

    ``learners``: ``params:learners`` (each ``learners.<name>``; the repeats fit the sklearn ones
    they name); ``samplers``: ``sampler__<lane>`` = ``params:<lane>.sampler`` of every SMOTE-family
    lane; ``generation``: the model_driven lane's own settings (its grid is chosen on each
    repeat's validation); ``split``: ``data_isolation.split`` (the validation share).
    """
    repeats = RepeatsParams.model_validate(repeats)
    split = SplitParams.model_validate(split)
    generation = GenerationParams.model_validate(generation)
    chosen = core.select_learners(repeats.learners, learners)
    by_lane = {}
    for key, value in samplers.items():
        kind, sep, lane = key.partition(_SEP)
        if kind != SAMPLER or not sep or not lane:
            raise TypeError(f"unexpected input {key!r}: expected {SAMPLER}{_SEP}<lane>")
        by_lane[lane] = ImblearnSamplerParams.model_validate(value)
    backend = generation_mod.make_backend(generation.backend, spark_partitions=generation.spark_partitions) \
        if repeats.k else "numpy"
    logger.info("Repeated splits: %d repeats x %d lanes x learners %s (model_driven oracle: %s, fixed)",
                repeats.k, len(lanes.swimlanes()), ", ".join(chosen), repeats.oracle.estimator)
    return core.run_repeats(train, validation, {"holdout_iid": holdout_iid, "holdout_new_world": holdout_new_world},
                            params=repeats, lanes=lanes.swimlanes(), learners=chosen, samplers=by_lane,
                            generation=generation, validation_share=split.validation_share,
                            holdout_share=split.holdout_share, backend=backend)
