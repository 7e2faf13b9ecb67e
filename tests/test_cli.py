"""The project's ``kedro run``: user errors end with one ERROR line and status 1; the traceback goes to logs/."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence import cli
from synthetic_intelligence.core.errors import ClusterError, DataValidationError

ROOT = Path(__file__).resolve().parents[1]
KEDRO = str(Path(sys.executable).with_name("kedro"))


def copy_project(dest: Path) -> Path:
    """A throw-away copy of the project (its data/ and logs/ never touch the repository)."""
    for item in ("pyproject.toml", "conf", "src", ".telemetry"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / item)
    shutil.rmtree(dest / "conf" / "local", ignore_errors=True)
    (dest / "conf" / "local").mkdir()
    for layer in ("01_raw", "02_intermediate", "03_primary", "05_model_input", "06_models", "07_model_output",
                  "08_reporting"):
        (dest / "data" / layer).mkdir(parents=True)
    return dest


def kedro_env(**extra) -> dict:
    # COLUMNS: Kedro's rich log lines are not wrapped, so tests can read them
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "PYSPARK_PYTHON": sys.executable, "MPLBACKEND": "Agg",
           "COLUMNS": "400"}
    env.pop("SI_TRACEBACK", None)
    env.update(extra)
    return env


def kedro(project, *args, timeout=300, **env):
    return subprocess.run([KEDRO, *args], cwd=project, env=kedro_env(**env), capture_output=True, text=True,
                          timeout=timeout, check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path)


def bad_table(project):
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(600, 3)), columns=["amount", "age", "score"])
    table["fraud"] = (rng.random(600) < 0.1).astype(int)
    table["day"] = np.arange(600)
    table.loc[10, "age"] = np.inf  # missing values are taken (mixed-type tables); an infinite one is not
    table.to_csv(project / "data" / "01_raw" / "table.csv", index=False)
    (project / "conf" / "local" / "catalog.yml").write_text(
        "raw_table:\n  type: pandas.CSVDataset\n  filepath: data/01_raw/table.csv\n")
    (project / "conf" / "local" / "parameters.yml").write_text(
        "data_isolation:\n  source:\n    kind: table\n    target: fraud\n    positive_label: 1\n"
        "    min_minority_rows: 5\n    new_world: {column: day, cut: 450}\n")


# --- in-process: which errors are user errors, and how they print ----------------------------------------------------

def test_user_error_is_found_behind_kedro_and_bugs_are_not():
    try:
        try:
            raise DataValidationError("split validation has 0 minority rows")
        except ValueError as exc:
            raise RuntimeError("Node check_isolation failed") from exc
    except RuntimeError as wrapped:
        found = cli.user_error(wrapped)
    assert isinstance(found, DataValidationError)
    assert cli.user_error(TypeError("'<' not supported between instances of 'str' and 'int'")) is None
    assert cli.error_line(ClusterError("cluster si-1 died")) == "ERROR [ClusterError] cluster si-1 died"


def test_kedro_data_and_pipeline_name_errors_are_user_errors():
    from kedro.io import DatasetError

    assert cli.user_error(DatasetError("Failed while loading data from dataset ParquetDataset(...)"))
    assert cli.user_error(ValueError("Failed to find the pipeline named 'nope'. It needs to be generated"))
    assert cli.user_error(ValueError("something else")) is None


def test_traceback_file_has_the_command_and_the_whole_chain(tmp_path):
    try:
        try:
            raise DataValidationError("inner")
        except ValueError as exc:
            raise RuntimeError("outer") from exc
    except RuntimeError as exc:
        path = cli.write_traceback(exc, tmp_path / "logs")
    text = path.read_text()
    assert path.parent == tmp_path / "logs" and path.name.startswith("error-")
    assert text.startswith("command: ") and "DataValidationError: inner" in text and "RuntimeError: outer" in text


def test_run_keeps_every_kedro_option_and_adds_traceback():
    from kedro.framework.cli.project import run as kedro_run

    names = {p.name for p in cli.run.params}
    assert {p.name for p in kedro_run.params} <= names and "show_traceback" in names


# --- the real CLI ----------------------------------------------------------------------------------------------------

def test_user_error_ends_with_one_error_line_and_the_traceback_in_logs(project):
    bad_table(project)
    result = kedro(project, "run", "--pipeline", "data_isolation")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == ("ERROR [DataValidationError] feature column 'age' has 1 infinite value(s) "
                         "(first at row 10); replace them or mark them missing")
    assert lines[-2].startswith("Full traceback: logs/error-") and "SI_TRACEBACK=1" in lines[-2]
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "╭" not in output
    logs = list((project / "logs").glob("error-*.log"))
    assert len(logs) == 1 and "Traceback (most recent call last)" in logs[0].read_text()
    assert "DataValidationError: feature column 'age'" in logs[0].read_text()


@pytest.mark.parametrize("how", ["env", "flag"])
def test_traceback_on_request(project, how):
    bad_table(project)
    args = ["run", "--pipeline", "data_isolation"] + (["--traceback"] if how == "flag" else [])
    result = kedro(project, *args, **({"SI_TRACEBACK": "1"} if how == "env" else {}))
    assert result.returncode == 1
    assert "Traceback" in result.stdout + result.stderr and "feature column 'age'" in result.stderr
    assert not (project / "logs").exists()


def test_configuration_error_is_one_line(project):
    result = kedro(project, "run", "--env", "quick", "--pipeline", "data_isolation",
                   "--params", "data_isolation.split.holdout_share=1.5")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ERROR [ParameterValidationError] parameters are invalid: data_isolation.split.holdout_share: "
        "Input should be less than 1 (got 1.5)")  # checked by Kedro before the first node (SplitParams)


def test_bad_new_world_is_refused_before_the_run_naming_each_key(project):
    result = kedro(project, "run", "--env", "quick", "--pipeline", "data_isolation", "--params",
                   "data_isolation.source.kind=table,data_isolation.source.new_world.kind=quantile,"
                   "data_isolation.source.new_world.q=1.5")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "ERROR [ParameterValidationError] parameters are invalid: data_isolation.source.new_world.quantile.column: "
        "Field required; data_isolation.source.new_world.quantile.q: Input should be less than 1 (got 1.5)")
    assert not list((project / "data" / "02_intermediate").iterdir())  # no node ran


@pytest.mark.chaos("a degenerate split (too few minority rows per split)")
def test_degenerate_split_is_one_line_naming_the_splits(project):
    result = kedro(project, "run", "--env", "quick", "--pipeline", "data_isolation",
                   "--params", "data_isolation.source.min_minority_rows=100")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ERROR [DataValidationError] validation has ")
    assert "holdout_iid has" in last and "holdout_new_world has" not in last  # quick: 120 in the new world
    assert "at least 100 minority row(s) (data_isolation.source.min_minority_rows, counted per split)" in last
    assert not list((project / "data" / "03_primary").iterdir())  # no split was written


def test_unknown_pipeline_is_one_line(project):
    result = kedro(project, "run", "--pipeline", "nope")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ERROR [ConfigurationError] unknown pipeline 'nope'; the pipelines are: __default__, ")
    assert "data_isolation" in last and "oracle" in last


def test_unreachable_h2o_url_is_one_line(project):
    url = f"http://127.0.0.1:{free_port()}"
    (project / "conf" / "local" / "h2o.yml").write_text(f"h2o:\n  url: {url}\n")
    result = kedro(project, "run", "--pipeline", "oracle")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"ERROR [ClusterError] cannot reach the H2O cluster at {url} (h2o.url in conf/<env>/h2o.yml)")


def test_missing_java_is_one_line(project, tmp_path):
    env = {"PATH": str(tmp_path / "empty"), "JAVA_HOME": "", "H2O_JAVA_HOME": ""}
    result = kedro(project, "run", "--env", "quick", "--pipeline", "oracle", **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(
        "ERROR [ClusterError] Java was not found: a local H2O cluster needs Java 17")


@pytest.mark.chaos("bad parameters")
def test_bad_parameters_stop_the_base_run_before_any_node_in_one_line(project):
    """Issue 11: every bad parameter is named at once, in base, before data_isolation or H2O runs."""
    result = kedro(project, "run", "--params",
                   "generation.threshold=1.5,generation.ratio=-0.5,learners.automl.max_models=abc")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ERROR [ParameterValidationError] parameters are invalid: ")
    for named in ("generation.threshold: Input should be less than 1 (got 1.5)",
                  "generation.ratio: Input should be greater than 0 (got -0.5)",
                  "learners.automl.max_models: Input should be a valid integer"):
        assert named in last
    assert "Running node" not in result.stdout + result.stderr and "H2O" not in result.stdout
    assert not list((project / "data").rglob("*.parquet"))  # nothing was written


def test_parameter_report_keeps_key_problem_and_value():
    from synthetic_intelligence.cli import parameter_problems

    text = ("Parameter validation failed:\n- Parameter 'generation': Failed to instantiate GenerationParams for "
            "parameter 'generation': 1 validation error for GenerationParams\nthreshold\n  Input should be less "
            "than 1 [type=less_than, input_value=1.5, input_type=float]\n    For further information visit x\n"
            "- Parameter 'learner': value is None but type is not Optional")
    assert parameter_problems(text) == ("parameters are invalid: generation.threshold: Input should be less than 1 "
                                        "(got 1.5); Parameter 'learner': value is None but type is not Optional")


# --- issue 20 part 4: unknown parameter groups, list parameters ------------------------------------------------------

def test_an_unknown_parameter_group_is_refused_before_any_node_with_a_hint(project):
    """`learners` is the group; `learner.max_models=3` used to be accepted and ignored by a full run."""
    result = kedro(project, "run", "--env", "quick", "--params", "learner.max_models=3")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ERROR [ConfigurationError] unknown parameter 'learner.max_models' (--params): no "
                           "pipeline reads a parameter group 'learner'; did you mean 'learners'? the groups are: ")
    assert "Running node" not in result.stdout + result.stderr and "H2O" not in result.stdout
    assert not [p for p in (project / "data").rglob("*") if p.is_file()]  # nothing was written


def test_an_unknown_key_below_a_group_is_refused_and_a_known_one_of_another_pipeline_is_not():
    from synthetic_intelligence.core.errors import ConfigurationError
    from synthetic_intelligence.hooks import check_runtime_params

    read = {("data_isolation", "split"), ("data_isolation", "source"), ("learners", "hgb"), ("scaling",),
            ("oracle",)}
    with pytest.raises(ConfigurationError, match=r"'data_isolation.splt.seed' .* a key 'splt' under data_isolation; "
                                                 r"did you mean 'data_isolation.split'\? the keys there are: source, "
                                                 r"split$"):
        check_runtime_params({"data_isolation": {"splt": {"seed": 3}}}, read)
    with pytest.raises(ConfigurationError, match=r"'learners.hgbb.estimator' .* did you mean 'learners.hgb'"):
        check_runtime_params({"learners": {"hgbb": {"estimator": "x"}}}, read)
    with pytest.raises(ConfigurationError, match=r"parameter group 'qa'; the groups are"):  # no close name: no hint
        check_runtime_params({"qa": {"n_boot": 3}}, read)
    # read by a node (a typed group refuses its own unknown keys), or below a group a node reads whole
    check_runtime_params({"data_isolation": {"split": {"seed": 3}}, "scaling": {"sizes": [1, 2], "new": 1},
                          "oracle": {"estimator_kwargs": {"max_depth": 3}}, "learners": {"hgb": {"x": 1}}}, read)
    check_runtime_params({"anything": 1}, read | {()})  # a node reads `parameters`: every key is read


@pytest.mark.parametrize(("value", "items"), [
    ("a=1,b=2", ["a=1", "b=2"]),
    ("scaling.sizes=[128000,1000000],scaling.seed=3", ["scaling.sizes=[128000,1000000]", "scaling.seed=3"]),
    ("a.b={x: 1, y: [1,2]}, c='p, q',d=\"r,s\"", ["a.b={x: 1, y: [1,2]}", "c='p, q'", 'd="r,s"']),
    ("", []),
])
def test_params_split_on_the_commas_outside_lists_dicts_and_quotes(value, items):
    assert cli.split_items(value) == items


def test_list_parameters_from_the_command_line(project):
    """Kedro's own --params splits on every comma (`scaling.sizes=[128000` is not a key=value item); the project's
    `kedro run` keeps a list's commas, so the form the README shows runs."""
    import json

    result = kedro(project, "run", "--env", "quick", "--pipelines", "data_isolation", "--params",
                   "scaling.sizes=[128000,1000000],data_isolation.split.seed=3,qa.drift_sweep.severities=[0.0, 0.5]")
    assert result.returncode == 0, result.stderr[-3000:]
    (record,) = (project / "data/08_reporting/run_parameters.json").glob("*/run_parameters.json")
    parameters = json.loads(record.read_text())["parameters"]
    assert parameters["scaling"]["sizes"] == [128000, 1000000]
    assert parameters["qa"]["drift_sweep"]["severities"] == [0.0, 0.5]
    assert parameters["data_isolation"]["split"]["seed"] == 3
    (manifest,) = (project / "data/08_reporting/run_manifest.json").glob("*/run_manifest.json")
    assert json.loads(manifest.read_text())["runtime_params"]["scaling"] == {"sizes": [128000, 1000000]}
