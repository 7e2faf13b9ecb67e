"""Project settings (see https://docs.kedro.org/en/stable/configure/)."""

from kedro.config import OmegaConfigLoader

from synthetic_intelligence.hooks import EnvironmentHook, H2OHook, ProvenanceHook, SparkHook

HOOKS = (EnvironmentHook(), H2OHook(), SparkHook(), ProvenanceHook())

# kedro-viz pulls kedro-telemetry in; its hooks would try the network.
DISABLE_HOOKS_FOR_PLUGINS = ("kedro-telemetry",)

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # quick/ and local/ override single keys instead of replacing whole sections
    "merge_strategy": {"parameters": "soft", "h2o": "soft", "spark": "soft"},
    "config_patterns": {
        "h2o": ["h2o*", "h2o*/**"],
        "spark": ["spark*", "spark*/**"],
    },
}
