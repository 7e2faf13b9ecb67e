from kedro.pipeline import Pipeline, node

from synthetic_intelligence.core.schema import H2O_TAG, SCORED_SETS
from synthetic_intelligence.pipelines.train_evaluate import nodes

SHARED_INPUTS = set(SCORED_SETS)
SHARED_PARAMETERS = {"learner", "evaluation"}


def create_pipeline(**kwargs) -> Pipeline:
    """The template: ``train_set`` -> learner -> scores -> metrics (un-namespaced)."""
    return Pipeline(
        [
            node(nodes.fit_learner, ["train_set", "validation", "params:learner"],
                 ["learner", "leaderboard", "fit_info"], name="fit_learner", tags=H2O_TAG),
            node(nodes.score_sets, ["learner", *SCORED_SETS], "scores", name="score_sets", tags=H2O_TAG),
            node(nodes.evaluate, ["scores", "fit_info", "params:evaluation"], "metrics", name="evaluate"),
        ]
    )


def swimlane(namespace: str, training_step: Pipeline | None = None, *, inputs: set[str] | None = None,
             parameters: set[str] | None = None, tags: list[str] | None = None) -> Pipeline:
    """One swimlane: its ``training_step`` (nodes writing ``train_set`` and ``resample_report``) and the
    template, under one namespace: ``<namespace>.train_set`` ... ``<namespace>.metrics``.

    ``inputs``/``parameters``: the step's datasets and parameters that stay global (e.g. ``train``,
    ``generation``); everything else of the step is namespaced (e.g. ``params:<namespace>.sampler``).
    """
    body = Pipeline([training_step, create_pipeline()]) if training_step is not None else create_pipeline()
    return Pipeline(
        body,
        namespace=namespace,
        inputs=SHARED_INPUTS | set(inputs or ()),
        parameters=SHARED_PARAMETERS | set(parameters or ()),
        tags=[namespace, "train_evaluate", *(tags or [])],
    )
