"""Thin node over :func:`synthetic_intelligence.core.experiment.repeats.run_repeats`."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import generation as generation_mod
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment import repeats as core
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.repeats import RepeatsParams
from synthetic_intelligence.core.isolation.params import SplitParams

logger = logging.getLogger(__name__)

#: Keyword kind of a lane's own parameters: ``params__<lane>`` (:func:`synthetic_intelligence.lanes.input_key`).
PARAMS = "params"


def run_repeats(train: pd.DataFrame, validation: pd.DataFrame, holdout_iid: pd.DataFrame,
                holdout_new_world: pd.DataFrame, repeats: RepeatsParams, learners: Mapping,
                split: SplitParams, **lane_params) -> pd.DataFrame:
    """``repeats_metrics``: every lane of :data:`synthetic_intelligence.lanes.LANES` x each learner of
    ``repeats.learners`` x both holdouts, on ``repeats.k`` re-splits of ``train ∪ validation``.

    ``learners``: ``params:learners`` (each ``learners.<name>``; the repeats fit the sklearn ones
    they name); ``lane_params``: ``params__<lane>``, each lane's own parameters where its kind
    takes some (``params:<lane>.sampler`` of a SMOTE-family lane, ``params:generation`` of
    model_driven: its grid is chosen on each repeat's validation); ``split``:
    ``data_isolation.split`` (the validation share).
    """
    repeats = RepeatsParams.model_validate(repeats)
    split = SplitParams.model_validate(split)
    chosen = core.select_learners(repeats.learners, learners)
    by_lane = {key[0]: d[PARAMS] for key, d in lanes.fan_in(lane_params, (PARAMS,)).items()}
    by_lane = {lane.name: experiment.lane_params(lane, by_lane.get(lane.name)) for lane in lanes.LANES}
    generation = next((p for p in by_lane.values() if isinstance(p, GenerationParams)), None)
    backend = generation_mod.make_backend(generation.backend, spark_partitions=generation.spark_partitions) \
        if repeats.k and generation is not None else "numpy"
    logger.info("Repeated splits: %d repeats x %d lanes x learners %s (model_driven oracle: %s, fixed)",
                repeats.k, len(lanes.LANES), ", ".join(chosen), repeats.oracle.estimator)
    return core.run_repeats(train, validation, {"holdout_iid": holdout_iid, "holdout_new_world": holdout_new_world},
                            params=repeats, lanes=lanes.LANES, learners=chosen, lane_params=by_lane,
                            validation_share=split.validation_share, holdout_share=split.holdout_share,
                            backend=backend)
