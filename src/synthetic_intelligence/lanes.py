"""Which swimlanes exist: baseline, one per declared SMOTE-family lane, model_driven.

Extra SMOTE-family lanes are declared in ``parameters_smote.yml`` under
``smote.lanes`` (no code change); the pipeline registry and the qa pipeline
read the same list from here.  The environment is taken from ``KEDRO_ENV`` or
the ``--env``/``-e`` option of the running command, else ``local``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BASELINE, SMOTE, MODEL_DRIVEN = "baseline", "smote", "model_driven"
DEFAULT_SMOTE_LANES = {SMOTE: {"sampler": "SMOTE", "kwargs": {}}}


def _env_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg in ("--env", "-e") and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--env="):
            return arg.split("=", 1)[1]
    return None


def conf_source() -> Path:
    here = Path(__file__).resolve().parents[2] / "conf"
    return here if here.is_dir() else Path.cwd() / "conf"


def load_parameters(env: str | None = None) -> dict:
    from kedro.config import OmegaConfigLoader

    env = env or os.environ.get("KEDRO_ENV") or _env_from_argv(sys.argv) or "local"
    loader = OmegaConfigLoader(
        conf_source=str(conf_source()), base_env="base", default_run_env=env,
        merge_strategy={"parameters": "soft"},
    )
    try:
        return dict(loader["parameters"])
    except Exception:  # noqa: BLE001 - no conf folder (e.g. an installed wheel used as a library)
        return {}


def smote_lanes(params: dict | None = None) -> dict[str, dict]:
    """``{lane_name: {"sampler": ..., "kwargs": {...}}}``, ``smote`` first."""
    params = load_parameters() if params is None else params
    lanes = dict((params.get("smote") or {}).get("lanes") or DEFAULT_SMOTE_LANES)
    for name in lanes:
        if not name.replace("_", "").isalnum() or name in (BASELINE, MODEL_DRIVEN):
            raise ValueError(f"invalid SMOTE lane name {name!r}: use letters, digits and '_', not a reserved lane")
    return lanes


def swimlanes(params: dict | None = None) -> list[str]:
    return [BASELINE, *smote_lanes(params), MODEL_DRIVEN]
