"""learners: one node per learner of :func:`synthetic_intelligence.lanes.learners` writing
``learners.<learner>.spec`` (+ ``learners.<learner>.leaderboard``) from ``params:learners.<learner>``.

Every lane's train_evaluate fits these specs, so all lanes fit the same algorithm with
the same hyper-parameters; an AutoML leader is chosen here once, on ``train`` against
``validation``, never per lane (by default from the oracle's AutoML, which searched the same
data: every learner reads the oracle's report and leaderboard, so the oracle runs first).
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.learners import nodes


def learner_spec(learner: str) -> Pipeline:
    return Pipeline(
        [node(nodes.resolve_learner, ["train", "validation", "params:learner", "oracle_report", "oracle_leaderboard"],
              ["spec", "leaderboard"], name="resolve", tags=H2O_TAG)],
        namespace=f"learners.{learner}",
        inputs={"train", "validation", "oracle_report", "oracle_leaderboard"},
        parameters={"params:learner": f"params:learners.{learner}"},
        tags=["learners"],
    )


def create_pipeline(learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    names = lanes.learners() if learner_names is None else learner_names
    return sum((learner_spec(learner) for learner in names), Pipeline([]))
