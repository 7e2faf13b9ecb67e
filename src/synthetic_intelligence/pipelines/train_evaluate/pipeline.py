from kedro.pipeline import Pipeline, node

from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.train_evaluate import nodes

SHARED_INPUTS = {"validation", "holdout_iid", "holdout_new_world"}
SHARED_PARAMETERS = {"learner", "evaluation"}


def create_pipeline(**kwargs) -> Pipeline:
    """The template: ``train_set`` -> learner -> scores -> metrics (un-namespaced)."""
    return Pipeline(
        [
            node(nodes.fit_learner, ["train_set", "validation", "params:learner"],
                 ["learner", "leaderboard", "fit_info"], name="fit_learner", tags=H2O_TAG),
            node(nodes.score_sets, ["learner", "validation", "holdout_iid", "holdout_new_world"],
                 "scores", name="score_sets", tags=H2O_TAG),
            node(nodes.evaluate, ["scores", "fit_info", "params:evaluation"], "metrics", name="evaluate"),
        ]
    )


def swimlane(namespace: str) -> Pipeline:
    """One instance per swimlane: ``<namespace>.train_set`` in, ``<namespace>.metrics`` out."""
    return Pipeline(
        create_pipeline(),
        namespace=namespace,
        inputs=SHARED_INPUTS,
        parameters=SHARED_PARAMETERS,
        tags=[namespace, "train_evaluate"],
    )
