import os
import sys

import pytest

pytest_plugins = ("tests.chaos.plugin",)  # the fault-injection suite's one-line-per-case report

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def h2o_cluster():
    """One local H2O cluster shared by every H2O test (bound to localhost, unique name, free port)."""
    from synthetic_intelligence.core.engines import h2o as h2o_utils

    handle = h2o_utils.start_local(nthreads=2, max_mem_size="2G", name_prefix="si-test")
    yield handle
    h2o_utils.stop(handle)


@pytest.fixture(scope="session")
def tiny_world():
    """Tiny canonical splits drawn with the project's own generator and splitter."""
    from synthetic_intelligence.core import worlds as synthetic
    from synthetic_intelligence.core.isolation import split as isolation

    world, new_base = synthetic.make_world(synthetic.WorldSpec(n_samples=3000, n_new_world=800, seed=3))
    train, validation, holdout = isolation.split_training_world(
        world, holdout_share=0.2, validation_share=0.2, seed=1
    )
    new_world = synthetic.apply_drift(new_base, 0.5, seed=2)
    return {"train": train, "validation": validation, "holdout_iid": holdout,
            "holdout_new_world": new_world, "new_world_base": new_base}


@pytest.fixture(scope="session")
def tiny_h2o_models(h2o_cluster, tmp_path_factory):
    """A tiny GBM and a tiny StackedEnsemble (GBM + DRF + GLM) on 400 rows x 5 features, with their MOJOs.

    Returns a dict: ``train`` and ``score`` (DataFrames; ``score`` has NaN cells),
    ``features``, and per model name (``gbm``, ``se``) the ``model``, its ``mojo``
    path (the genmodel jar beside it) and H2O's own ``p`` (n x 2) on ``score``.
    """
    import numpy as np
    import pandas as pd
    from h2o.estimators import (
        H2OGeneralizedLinearEstimator,
        H2OGradientBoostingEstimator,
        H2ORandomForestEstimator,
        H2OStackedEnsembleEstimator,
    )
    from sklearn.datasets import make_classification

    from synthetic_intelligence.core.engines import h2o as h2o_utils

    X, y = make_classification(n_samples=700, n_features=5, n_informative=3, n_redundant=1,
                               weights=[0.85], random_state=4)
    features = [f"x{i}" for i in range(5)]
    frame = pd.DataFrame(X, columns=features)
    train = frame.iloc[:400].assign(target=y[:400])
    score = frame.iloc[400:].reset_index(drop=True)
    score.iloc[::17, 1] = np.nan  # missing values take the models' NA paths
    train_h2o = h2o_utils.to_h2o(train, target="target")
    score_h2o = h2o_utils.to_h2o(score)
    cv = {"nfolds": 3, "fold_assignment": "Modulo", "keep_cross_validation_predictions": True, "seed": 1}
    gbm = H2OGradientBoostingEstimator(ntrees=10, max_depth=3, **cv)
    drf = H2ORandomForestEstimator(ntrees=10, max_depth=5, **cv)
    glm = H2OGeneralizedLinearEstimator(family="binomial", **cv)
    for base in (gbm, drf, glm):
        base.train(x=features, y="target", training_frame=train_h2o)
    se = H2OStackedEnsembleEstimator(base_models=[gbm, drf, glm], seed=1)
    se.train(x=features, y="target", training_frame=train_h2o)
    out = {"train": train, "score": score, "features": features}
    for name, model in (("gbm", gbm), ("se", se)):
        folder = tmp_path_factory.mktemp(f"mojo_{name}")
        mojo = model.download_mojo(path=str(folder), get_genmodel_jar=True)
        pred = model.predict(score_h2o).as_data_frame(use_pandas=True)
        out[name] = {"model": model, "mojo": mojo, "p": pred[["p0", "p1"]].to_numpy(dtype=np.float64)}
    return out


@pytest.fixture(scope="session")
def spark():
    """One local Spark session shared by every Spark test: 2 cores, a failed task retried once (``local[2,2]``).

    Owned by this fixture (taken off the lifecycle registry, so a test that stops the
    run's engines never stops it) and stopped at the end of the test session.
    """
    pytest.importorskip("pyspark")
    from synthetic_intelligence.core.engines import lifecycle
    from synthetic_intelligence.core.engines import spark as spark_session

    session = spark_session.get_or_create({"spark.master": "local[2,2]", "spark.driver.memory": "1g",
                                           "spark.sql.shuffle.partitions": "2"})
    lifecycle.unregister(f"spark:{session.sparkContext.applicationId}")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """``kedro run --env quick`` once per test session, in a throw-away copy of the project: the outputs,
    the MLflow store and the console of one real run, shared by the smoke test, the notebook, tracking,
    summary and kedro-viz tests (one run instead of one per test module).

    Returns a namespace: ``path`` (the copy), ``returncode``, ``stdout``, ``stderr``, ``seconds``.
    """
    import shutil
    import subprocess
    import time
    from pathlib import Path
    from types import SimpleNamespace

    reuse = os.environ.get("SI_QUICK_RUN")  # development aid: the folder of a finished quick run to look at
    if reuse:
        return SimpleNamespace(path=Path(reuse), returncode=0, stdout=(Path(reuse) / "run.log").read_text(),
                               stderr="", seconds=0.0)
    root = Path(__file__).resolve().parents[1]
    project = tmp_path_factory.mktemp("quick_run")
    for item in ("pyproject.toml", "conf", "src", "notebooks", ".telemetry"):
        src = root / item
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copy)(src, project / item)
    shutil.rmtree(project / "conf" / "local", ignore_errors=True)
    (project / "conf" / "local").mkdir()
    for layer in ("01_raw", "02_intermediate", "03_primary", "05_model_input", "06_models", "07_model_output",
                  "08_reporting"):
        (project / "data" / layer).mkdir(parents=True)
    kedro = str(Path(sys.executable).with_name("kedro"))
    # COLUMNS: Kedro's rich console wraps log lines at 80 columns when not on a terminal
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "PYSPARK_PYTHON": sys.executable, "MPLBACKEND": "Agg",
           "COLUMNS": "400"}
    start = time.perf_counter()
    result = subprocess.run([kedro, "run", "--env", "quick"], cwd=project, env=env, capture_output=True, text=True,
                            timeout=1800, check=False)
    return SimpleNamespace(path=project, returncode=result.returncode, stdout=result.stdout, stderr=result.stderr,
                           seconds=time.perf_counter() - start)
