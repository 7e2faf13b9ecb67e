"""Which swimlanes and learners exist: static structure, decided in code (Kedro's dynamic-pipelines pattern).

Every swimlane is one namespaced pipeline (its training-set step, then the shared
``train_evaluate`` template); its own parameters live under its namespace in
``conf/base/parameters_<pipeline>.yml`` (e.g. ``smote.sampler``).  Nothing here reads
configuration, so ``kedro run --env quick``, ``KedroSession.create(env=...)``,
``--conf-source`` and an installed wheel all see the same lanes; select lanes at run
time with ``kedro run --namespaces smote,model_driven``.

To add a SMOTE-family lane: add its name to :data:`SMOTE_LANES` and a block with its
sampler under the same key in ``conf/base/parameters_smote.yml``.

Every lane fits every learner of :data:`LEARNERS` (namespace ``<lane>.<learner>``); each
learner's algorithm and hyper-parameters are ``learners.<learner>`` in
``conf/base/parameters_train_evaluate.yml``.  To add a learner: its name here and its block there.
"""

from __future__ import annotations

from synthetic_intelligence.core.schema import BASELINE, CLASS_WEIGHTED, MODEL_DRIVEN, SMOTE

__all__ = ["BASELINE", "CLASS_WEIGHTED", "SMOTE", "MODEL_DRIVEN", "SMOTE_LANES", "REAL_LANES", "LEARNERS",
           "swimlanes", "synthetic_lanes", "learners"]

#: Lanes that train on the real rows only (no synthetic row): the raw set, and the same with class weights.
REAL_LANES: tuple[str, ...] = (BASELINE, CLASS_WEIGHTED)
#: imbalanced-learn lanes, each configured under ``<lane>.sampler`` in parameters_smote.yml.
SMOTE_LANES: tuple[str, ...] = (SMOTE,)


def _check(names: tuple[str, ...]) -> tuple[str, ...]:
    for name in names:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"invalid lane or learner name {name!r}: use letters, digits and '_'")
    if len(set(names)) != len(names):
        raise ValueError(f"lane and learner names must be unique: {names}")
    return names


SWIMLANES: tuple[str, ...] = _check((*REAL_LANES, *SMOTE_LANES, MODEL_DRIVEN))
#: The learners every lane fits, in scorecard order: a weak one (scaled logistic regression), a strong
#: one (histogram gradient boosting) and H2O AutoML's leader chosen once on train (parameters decide).
LEARNERS: tuple[str, ...] = _check(("logreg", "hgb", "automl"))


def swimlanes() -> list[str]:
    """Every swimlane, in scorecard order: baseline first, model_driven last."""
    return list(SWIMLANES)


def synthetic_lanes() -> list[str]:
    """Swimlanes whose training set holds synthetic rows (the latent QA looks at these)."""
    return [lane for lane in SWIMLANES if lane not in REAL_LANES]


def learners() -> list[str]:
    """Every learner each lane fits (``learners.<name>`` in the parameters), in scorecard order."""
    return list(LEARNERS)
