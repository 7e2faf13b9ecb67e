"""Names shared across modules: columns, split names, lane names, node tags.

Plain constants only (no imports from the rest of the project), so any layer may
import them.
"""

from __future__ import annotations

#: The label column of every table after data isolation: 1 = minority, 0 = majority.
TARGET = "target"
#: Provenance column of a lane's training set: True for synthetic rows.
PROVENANCE = "is_synthetic"
#: Per-row training weight column (the class-weighted lane); dropped from features like provenance.
WEIGHT = "sample_weight"
#: Columns of a training set that are not features.
NON_FEATURES: tuple[str, ...] = (TARGET, PROVENANCE, WEIGHT)

#: Splits written by data_isolation, in order.
TRAIN, VALIDATION, HOLDOUT_IID, HOLDOUT_NEW_WORLD = "train", "validation", "holdout_iid", "holdout_new_world"
SPLITS: tuple[str, ...] = (TRAIN, VALIDATION, HOLDOUT_IID, HOLDOUT_NEW_WORLD)
#: Sets every learner is scored on (validation chooses thresholds; holdouts only grade).
SCORED_SETS: tuple[str, ...] = (VALIDATION, HOLDOUT_IID, HOLDOUT_NEW_WORLD)
HOLDOUTS: tuple[str, ...] = (HOLDOUT_IID, HOLDOUT_NEW_WORLD)

#: Swimlane names with a fixed role.
BASELINE, CLASS_WEIGHTED, SMOTE, MODEL_DRIVEN = "baseline", "class_weighted", "smote", "model_driven"

#: Provenance datasets: ``<namespace>.versions`` (filled by the ProvenanceHook before the run: the
#: versions of the datasets the namespace's nodes read and write) and the run's manifest.
VERSIONS, RUN_MANIFEST = "versions", "run_manifest"
#: The status of a lane x learner (x repeat) row in the scorecard, the repeats and the benchmark tables.
OK, FAILED = "ok", "failed"

#: Node tags read by hooks: a pipeline with an ``h2o`` node starts (or connects to) H2O.
H2O_TAG = "h2o"
#: A node that may run Spark: the Spark hook starts a session before it runs, unless a ``params:*`` input
#: of the node says ``backend`` is not ``spark`` (e.g. ``generation.backend: numpy``).
SPARK_TAG = "spark"
