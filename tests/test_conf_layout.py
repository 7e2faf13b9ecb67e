"""One parameter convention: each parameter file is named after the pipeline that reads it, and each
top-level parameter group lives in one file per environment (issue 17 part 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PIPELINES = {p.name for p in (ROOT / "src" / "synthetic_intelligence" / "pipelines").iterdir()
             if (p / "pipeline.py").exists()}
ENVS = sorted(p.name for p in (ROOT / "conf").iterdir() if p.is_dir() and list(p.glob("parameters*.yml")))


@pytest.mark.parametrize("env", ENVS)
def test_every_parameter_file_is_named_after_a_pipeline(env):
    stems = {p.stem.removeprefix("parameters_") for p in (ROOT / "conf" / env).glob("parameters*.yml")}
    assert stems <= PIPELINES, f"conf/{env}: {sorted(stems - PIPELINES)} name no pipeline"


@pytest.mark.parametrize("env", ENVS)
def test_each_parameter_group_lives_in_one_file(env):
    where: dict[str, list[str]] = {}
    for path in sorted((ROOT / "conf" / env).glob("parameters*.yml")):
        for key in yaml.safe_load(path.read_text()) or {}:
            where.setdefault(key, []).append(path.name)
    assert {k: v for k, v in where.items() if len(v) > 1} == {}


def test_the_groups_are_in_the_files_of_their_pipelines():
    base = ROOT / "conf" / "base"
    keys = {p.stem.removeprefix("parameters_"): set(yaml.safe_load(p.read_text()) or {})
            for p in base.glob("parameters_*.yml")}
    assert keys["learners"] == {"learners"} and keys["train_evaluate"] == {"evaluation"}
    assert keys["model_driven"] == {"generation"} and keys["qa"] == {"qa"}
