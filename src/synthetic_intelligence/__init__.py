"""SyntheticIntelligence: does synthetic minority data help, and which kind?"""

import logging as _logging


class _QuietPluginImport(_logging.Filter):
    """Drop MLflow's import-time advice about ``KedroPipelineModel.predict`` type hints.

    Kedro imports every installed plugin's CLI (kedro-mlflow's imports MLflow's pyfunc module, which
    warns about a class of kedro-mlflow that this project never uses) before any command runs;
    MLflow's own ``filter_user_warnings_once`` defeats a ``warnings`` filter, and Kedro logs
    warnings through ``py.warnings``, so the one message is dropped there.
    """

    def filter(self, record: _logging.LogRecord) -> bool:
        return "Add type hints to the `predict` method" not in record.getMessage()


_logging.getLogger("py.warnings").addFilter(_QuietPluginImport())
