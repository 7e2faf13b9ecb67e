"""The one modular train-and-evaluate pipeline every swimlane instantiates under its namespace.

Inside a lane, each learner of :func:`synthetic_intelligence.lanes.learners` is one nested
namespace ``<lane>.<learner>``: ``fit_learner`` -> ``score_sets`` -> ``evaluate``, fitting the
learner fixed once in ``learners.<learner>.spec`` (the learners pipeline).  ``collect``
gathers them into ``<lane>.scores`` and ``<lane>.metrics``.
"""

from __future__ import annotations

from functools import partial, update_wrapper

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.core.schema import H2O_TAG, SCORED_SETS, VERSIONS
from synthetic_intelligence.pipelines.train_evaluate import nodes

SHARED_INPUTS = set(SCORED_SETS)
SHARED_PARAMETERS = {"evaluation"}


def spec_dataset(learner: str) -> str:
    """The learner every lane fits, written once by the learners pipeline."""
    return f"learners.{learner}.spec"


def learner_pipeline(learner: str) -> Pipeline:
    """``train_set`` -> ``<learner>.model`` -> ``<learner>.scores`` -> ``<learner>.metrics`` (lane-relative).
    The lane's ``resample_report`` says whether this learner trains on the real rows only (``declined``)."""
    fit = update_wrapper(partial(nodes.fit_learner, learner=learner), nodes.fit_learner)
    return Pipeline(
        [
            node(fit, ["train_set", "validation", "spec", "resample_report"], ["model", "leaderboard", "fit_info"],
                 name="fit_learner", tags=H2O_TAG),
            node(nodes.score_sets, ["model", *SCORED_SETS], "scores", name="score_sets", tags=H2O_TAG),
            node(nodes.evaluate, ["scores", "fit_info", "params:evaluation"], "metrics", name="evaluate"),
        ],
        namespace=learner,
        inputs={"train_set": "train_set", "resample_report": "resample_report", "spec": spec_dataset(learner),
                **{name: name for name in SCORED_SETS}},
        parameters=SHARED_PARAMETERS,
    )


def create_pipeline(learner_names: list[str] | None = None, **kwargs) -> Pipeline:
    """The template (un-namespaced): every learner's fit/score/evaluate, then ``collect`` ->
    ``scores``, ``metrics`` (``learner_names`` defaults to the project's learners)."""
    names = list(lanes.learners() if learner_names is None else learner_names)
    gather = {"resample_report": "resample_report", "versions": VERSIONS}
    for learner in names:
        gather[lanes.input_key(nodes.SCORES, learner)] = f"{learner}.scores"
        gather[lanes.input_key(nodes.METRICS, learner)] = f"{learner}.metrics"
    return sum((learner_pipeline(learner) for learner in names), Pipeline([])) + Pipeline(
        [node(nodes.collect, gather, ["scores", "metrics"], name="collect")]
    )


def swimlane(namespace: str, training_step: Pipeline | None = None, *, inputs: set[str] | None = None,
             parameters: set[str] | None = None, tags: list[str] | None = None,
             learner_names: list[str] | None = None) -> Pipeline:
    """One swimlane: its ``training_step`` (nodes writing ``train_set`` and ``resample_report``) and the
    template, under one namespace: ``<namespace>.train_set`` ... ``<namespace>.<learner>.model`` ...
    ``<namespace>.metrics``.

    ``inputs``/``parameters``: the step's datasets and parameters that stay global (e.g. ``train``,
    ``generation``); everything else of the step is namespaced (e.g. ``params:<namespace>.sampler``).
    The learners' specs (``learners.<learner>.spec``), ``validation`` and the holdouts stay global.
    """
    names = list(lanes.learners() if learner_names is None else learner_names)
    template = create_pipeline(names)
    body = Pipeline([training_step, template]) if training_step is not None else template
    return Pipeline(
        body,
        namespace=namespace,
        inputs=SHARED_INPUTS | {spec_dataset(learner) for learner in names} | set(inputs or ()),
        parameters=SHARED_PARAMETERS | set(parameters or ()),
        tags=[namespace, "train_evaluate", *(tags or [])],
    )
