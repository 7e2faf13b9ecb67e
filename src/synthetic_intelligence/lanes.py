"""Which swimlanes and learners exist: static structure, decided in code (Kedro's dynamic-pipelines pattern).

Every swimlane is a :class:`~synthetic_intelligence.core.experiment.registry.Lane` (a name and a kind of the lane
registry, :data:`synthetic_intelligence.core.experiment.registry.KINDS`, which says how the lane builds its
training set) and one namespaced pipeline (its training-set step, then the shared ``train_evaluate``
template); its own parameters live under its namespace in ``conf/base/parameters_<pipeline>.yml``
(e.g. ``smote.sampler``).  The lane pipelines, the repeated splits and the scorecard all read
:data:`LANES`.  Nothing here reads configuration, so ``kedro run --env quick``,
``KedroSession.create(env=...)``, ``--conf-source`` and an installed wheel all see the same lanes;
select lanes at run time with ``kedro run --namespaces smote,model_driven``.

To add a SMOTE-family lane: add its name to :data:`SMOTE_LANES` and a block with its
sampler under the same key in ``conf/base/parameters_smote.yml``.

Every lane fits every learner of :data:`LEARNERS` (namespace ``<lane>.<learner>``); each
learner's algorithm and hyper-parameters are ``learners.<learner>`` in
``conf/base/parameters_learners.yml``.  To add a learner: its name here and its block there.

A node that gathers one input per lane or learner (a fan-in) names its keyword arguments with
:func:`input_key` (``scores__smote``, ``model__smote__hgb``) and reads them back with :func:`fan_in`.
"""

from __future__ import annotations

from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment.registry import Lane
from synthetic_intelligence.core.schema import BASELINE, CLASS_WEIGHTED, MODEL_DRIVEN, SMOTE

__all__ = ["BASELINE", "CLASS_WEIGHTED", "SMOTE", "MODEL_DRIVEN", "SMOTE_LANES", "REAL_LANES", "LANES", "LEARNERS",
           "swimlanes", "synthetic_lanes", "learners", "lanes", "lane", "input_key", "fan_in"]

#: imbalanced-learn lanes, each configured under ``<lane>.sampler`` in parameters_smote.yml.
SMOTE_LANES: tuple[str, ...] = (SMOTE,)


def _check(names: tuple[str, ...]) -> tuple[str, ...]:
    for name in names:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"invalid lane or learner name {name!r}: use letters, digits and '_'")
    if len(set(names)) != len(names):
        raise ValueError(f"lane and learner names must be unique: {names}")
    return names


#: Every swimlane in scorecard order (baseline first, model_driven last), each with its kind.
LANES: tuple[Lane, ...] = (
    Lane(BASELINE, experiment.RAW),
    Lane(CLASS_WEIGHTED, experiment.CLASS_WEIGHTED),
    *(Lane(name, experiment.IMBLEARN) for name in SMOTE_LANES),
    Lane(MODEL_DRIVEN, experiment.MODEL_DRIVEN),
)
SWIMLANES: tuple[str, ...] = _check(tuple(lane.name for lane in LANES))
#: Lanes that train on the real rows only (no synthetic row): the raw set, and the same with class weights.
REAL_LANES: tuple[str, ...] = tuple(lane.name for lane in LANES if not lane.synthetic)
#: The learners every lane fits, in scorecard order: a weak one (scaled logistic regression), a strong
#: one (histogram gradient boosting) and H2O AutoML's leader chosen once on train (parameters decide).
LEARNERS: tuple[str, ...] = _check(("logreg", "hgb", "automl"))


def lanes(kind: str | None = None) -> list[Lane]:
    """Every lane (of ``kind`` when given), in scorecard order."""
    return [lane for lane in LANES if kind is None or lane.kind == kind]


def lane(name: str) -> Lane:
    """The lane called ``name``."""
    for found in LANES:
        if found.name == name:
            return found
    raise KeyError(f"no lane {name!r}; the lanes are {', '.join(SWIMLANES)}")


def swimlanes() -> list[str]:
    """Every swimlane's name, in scorecard order: baseline first, model_driven last."""
    return list(SWIMLANES)


def synthetic_lanes() -> list[str]:
    """Swimlanes whose training set holds synthetic rows (the latent QA looks at these)."""
    return [lane.name for lane in LANES if lane.synthetic]


def learners() -> list[str]:
    """Every learner each lane fits (``learners.<name>`` in the parameters), in scorecard order."""
    return list(LEARNERS)


#: Separator of the parts of a fan-in keyword (names use letters, digits and single '_').
SEP = "__"


def input_key(kind: str, *names: str | None) -> str:
    """The keyword under which one lane's (or learner's) dataset reaches a fan-in node:
    ``input_key("scores", "smote")`` is ``scores__smote``, ``input_key("model", "smote", "hgb")``
    ``model__smote__hgb``; empty parts are left out."""
    return SEP.join(p for p in (kind, *names) if p)


def fan_in(inputs: dict, kinds: tuple[str, ...]) -> dict[tuple[str, ...], dict]:
    """A fan-in node's keyword arguments by their names, in input order:
    ``{"scores__smote": x, "model__smote__hgb": m}`` -> ``{("smote",): {"scores": x}, ("smote", "hgb"): {"model": m}}``.
    A keyword not of the form ``<kind>__<name>[__<name>]`` with ``kind`` in ``kinds`` is a ``TypeError``."""
    out: dict[tuple[str, ...], dict] = {}
    for key, value in inputs.items():
        kind, *rest = key.split(SEP)
        if kind not in kinds or not rest or not all(rest):
            raise TypeError(f"unexpected input {key!r}: expected <kind>{SEP}<name>[{SEP}<name>] with kind in {kinds}")
        out.setdefault(tuple(rest), {})[kind] = value
    return out
