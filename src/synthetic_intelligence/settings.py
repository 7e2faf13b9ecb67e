"""Project settings (see https://docs.kedro.org/en/stable/configure/)."""

from kedro.config import OmegaConfigLoader

from synthetic_intelligence.hooks import (
         EnvironmentHook,
         H2OHook,
         ParametersHook,
         ProvenanceHook,
         RunRecordHook,
         SparkHook,
)
from synthetic_intelligence.tracking import MlflowTrackingHook, RunSummaryHook

# RunRecordHook: the parameters of each run as the versioned dataset run_parameters (the dashboard's Runs page).
# Kedro calls hooks last-registered first: at the end the engines stop and the records are written, then the
# MLflow run is completed, then the summary (which names that run) is printed last.
_TRACKING = MlflowTrackingHook()
HOOKS = (EnvironmentHook(), RunSummaryHook(tracking=_TRACKING), _TRACKING, H2OHook(), SparkHook(), ProvenanceHook(),
         RunRecordHook(), ParametersHook())

# kedro-viz pulls kedro-telemetry in; its hooks would try the network. kedro-mlflow's own hook is
# driven by MlflowTrackingHook (conf/<env>/mlflow.yml; an unreachable store is one warning).
DISABLE_HOOKS_FOR_PLUGINS = ("kedro-telemetry", "kedro_mlflow", "kedro-mlflow")  # its metadata says kedro_mlflow

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # quick/ and local/ override single keys instead of replacing whole sections
    "merge_strategy": {"parameters": "soft", "h2o": "soft", "spark": "soft", "mlflow": "soft"},
    "config_patterns": {
        "h2o": ["h2o*", "h2o*/**"],
        "mlflow": ["mlflow*", "mlflow*/**"],
        "spark": ["spark*", "spark*/**"],
    },
}

# The warnings every command would open with (OmegaConf resolver deprecation inside Kedro's config loader,
# dotted dataset names of namespaced pipelines, MLflow's advice on a kedro-mlflow class): filtered here, with
# their reasons in startup_warnings.py, before Kedro builds the config loader, the plugins' commands or pipelines.
from synthetic_intelligence.startup_warnings import quiet_startup  # noqa: E402

quiet_startup()
