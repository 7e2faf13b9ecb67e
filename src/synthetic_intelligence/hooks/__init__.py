"""Kedro hooks of the project, by concern: the engines of a run (engines), its provenance (provenance),
its record (run_record) and the check of runtime parameters (parameters). settings.py registers them."""

from synthetic_intelligence.hooks.engines import EnvironmentHook, H2OHook, SparkHook
from synthetic_intelligence.hooks.parameters import ParametersHook, check_runtime_params, parameter_paths_read
from synthetic_intelligence.hooks.provenance import (
    ProvenanceHook,
    RunIsolationError,
    pin_run_outputs,
    pin_to_save_version,
)
from synthetic_intelligence.hooks.run_record import RUN_PARAMETERS, RunRecordHook

__all__ = ["RUN_PARAMETERS", "EnvironmentHook", "H2OHook", "ParametersHook", "ProvenanceHook", "RunIsolationError",
           "RunRecordHook", "SparkHook", "check_runtime_params", "parameter_paths_read", "pin_run_outputs",
           "pin_to_save_version"]
