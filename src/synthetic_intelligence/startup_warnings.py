"""The warnings every ``kedro`` command of this project would open with, each silenced here with its reason.

Installed by ``settings.py`` (Kedro imports the project's settings before it builds the config
loader, imports the plugins' commands or assembles the pipelines), so the filters are in place
before any of these warnings is raised, and only for a ``kedro`` command or session of this
project: importing the sampler (``synthetic_intelligence.sampling``) installs nothing.
Each filter matches one message exactly; any other warning still shows.
"""

from __future__ import annotations

import logging
import warnings

#: (message regex, category, reason) of each warning filtered at start-up.
FILTERED: tuple[tuple[str, type[Warning], str], ...] = (
    (r"register_new_resolver\(\) is deprecated", UserWarning,
     "raised inside Kedro's own OmegaConfigLoader (globals and runtime_params resolvers), once per config loader "
     "(Kedro's and kedro-mlflow's); the project registers no resolver, so there is nothing to migrate here"),
    (r"One or more dataset names contain '\.' characters", UserWarning,
     "every learner of a lane reads the shared spec learners.<learner>.spec from inside its namespace "
     "<lane>.<learner>, and the fan-in nodes read <lane>.metrics: dotted names from Kedro's own namespacing, "
     "the documented way to reuse a pipeline"),
)

#: Part of MLflow's import-time advice, logged through ``py.warnings`` (see :class:`QuietPluginImport`).
MLFLOW_PREDICT_HINT = "Add type hints to the `predict` method"


class QuietPluginImport(logging.Filter):
    """Drop MLflow's import-time advice about ``KedroPipelineModel.predict`` type hints.

    Kedro imports every installed plugin's CLI (kedro-mlflow's imports MLflow's pyfunc module, which
    warns about a class of kedro-mlflow that this project never uses) before any command runs;
    MLflow's own ``filter_user_warnings_once`` defeats a ``warnings`` filter, and Kedro logs
    warnings through ``py.warnings``, so the one message is dropped there.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return MLFLOW_PREDICT_HINT not in record.getMessage()


def quiet_startup() -> None:
    """Install the filters of :data:`FILTERED` and :class:`QuietPluginImport` (idempotent)."""
    for message, category, _reason in FILTERED:
        warnings.filterwarnings("ignore", message=message, category=category)
    logger = logging.getLogger("py.warnings")
    if not any(isinstance(f, QuietPluginImport) for f in logger.filters):
        logger.addFilter(QuietPluginImport())
