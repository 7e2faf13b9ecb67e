"""What a run started with (parameters, environment, pipelines), saved as the versioned dataset ``run_parameters``."""

from __future__ import annotations

import logging
import re

from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)



#: Catalog entry that :class:`RunRecordHook` writes (a versioned JSON: one version per run).
RUN_PARAMETERS = "run_parameters"


def _plain(value):
    """Parameters as JSON-able values (typed parameter objects become dicts)."""
    import dataclasses

    if hasattr(value, "model_dump"):
        return _plain(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


class RunRecordHook:
    """Save what a run started with as the versioned dataset ``run_parameters``.

    Written before the first node, under the run's save version (the same timestamp as
    every other output of the run), so that two runs can be compared side by side in the
    dashboard: every parameter (and so every seed), the environment, the pipelines and
    namespaces asked for, and runtime ``--params``. Skipped when the catalog does not
    declare the dataset; a failed save is one warning, never a failed run.
    """

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:  # noqa: ARG002
        if RUN_PARAMETERS not in catalog:
            return
        keys = ("env", "pipeline_names", "namespaces", "tags", "node_names", "from_nodes", "to_nodes",
                "from_inputs", "to_outputs", "load_versions", "runtime_params", "runner", "kedro_version")
        try:
            parameters = catalog.load("parameters") if "parameters" in catalog else {}
            run = {k: _plain(run_params.get(k)) for k in keys if k in run_params}
            if isinstance(run.get("runner"), str):  # "<kedro.runner.X object at 0x...>" -> "kedro.runner.X"
                run["runner"] = re.sub(r"^<([\w.]+) object at 0x[0-9a-fA-F]+>$", r"\1", run["runner"])
            record = {"run": run, "parameters": _plain(parameters)}
            catalog.save(RUN_PARAMETERS, record)
        except Exception as exc:  # noqa: BLE001 - a record is a convenience; the run goes on
            logger.warning("could not save %s: %s", RUN_PARAMETERS, " ".join(str(exc).split()))
