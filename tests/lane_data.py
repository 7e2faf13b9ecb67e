"""Learners and in-memory catalogs shared by the lane pipelines' tests (sklearn learners only: no JVM)."""

from __future__ import annotations

import copy

import pandas as pd
from kedro.io import DataCatalog, MemoryDataset

from synthetic_intelligence.core.schema import SPLITS

LOGREG = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
          "estimator_kwargs": {"max_iter": 300}}
HGB = {"engine": "sklearn", "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
       "estimator_kwargs": {"max_iter": 30, "random_state": 0}}
LEARNERS = {"logreg": LOGREG, "hgb": HGB}
EVALUATION = {"n_boot": 50, "alpha": 0.05, "seed": 0}


def spec(config: dict) -> dict:
    """``learners.<learner>.spec`` as the learners pipeline writes it for a configured learner."""
    from synthetic_intelligence.core.experiment.learners import LearnerConfig

    dumped = LearnerConfig.model_validate(config).model_dump(mode="json")
    return {"config": dumped, "configured": dumped, "selection": None}


def lane_catalog(world: dict, lanes: list[str], learners: dict | None = None, *, specs: bool = False,
                 **extra) -> DataCatalog:
    """The splits, the learners' parameters (``specs=True``: their specs, as if the learners pipeline had run),
    ``params:evaluation``, an empty ``<lane>.versions`` per lane, ``extra`` datasets; models kept as they are."""
    learners = LEARNERS if learners is None else learners
    data = {name: world[name] for name in SPLITS if name in world}
    data["params:evaluation"] = dict(EVALUATION)
    for name, config in learners.items():
        if specs:
            data[f"learners.{name}.spec"] = spec(config)
        else:
            data[f"params:learners.{name}"] = copy.deepcopy(config)
    for lane in lanes:
        data[f"{lane}.versions"] = {}
    # what the learners pipeline reads of the oracle's (its search, for an h2o_leader with search: oracle)
    data["oracle_report"], data["oracle_leaderboard"] = {"engine": "sklearn"}, pd.DataFrame({"model_id": []})
    data.update(extra)
    catalog = DataCatalog({name: MemoryDataset(value) for name, value in data.items()})
    for lane in lanes:
        for name in learners:
            catalog[f"{lane}.{name}.model"] = MemoryDataset(copy_mode="assign")  # H2O models cannot be deep-copied
    return catalog
