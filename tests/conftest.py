import os
import sys

import pytest

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def h2o_cluster():
    """One local H2O cluster shared by every H2O test (bound to localhost, unique name, free port)."""
    from synthetic_intelligence.core import h2o_utils

    handle = h2o_utils.start_local(nthreads=2, max_mem_size="2G", name_prefix="si-test")
    yield handle
    h2o_utils.stop(handle)


@pytest.fixture(scope="session")
def tiny_world():
    """Tiny canonical splits drawn with the project's own generator and splitter."""
    from synthetic_intelligence.core import isolation, synthetic

    world, new_base = synthetic.make_world(synthetic.WorldSpec(n_samples=3000, n_new_world=800, seed=3))
    train, validation, holdout = isolation.split_training_world(
        world, holdout_share=0.2, validation_share=0.2, seed=1
    )
    new_world = synthetic.apply_drift(new_base, 0.5, seed=2)
    return {"train": train, "validation": validation, "holdout_iid": holdout,
            "holdout_new_world": new_world, "new_world_base": new_base}
