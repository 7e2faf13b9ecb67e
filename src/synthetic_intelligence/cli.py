"""The project's ``kedro run``: Kedro's own run command, ending user errors with one ``ERROR`` line.

Kedro loads ``<package>.cli`` (this file, next to ``settings.py``) and lets its
``cli`` group override built-in commands (docs.kedro.org, "Common use cases: how to
add or change CLI commands").  ``run`` keeps every option of Kedro's ``run`` and
adds three things:

- a user error (:class:`~synthetic_intelligence.core.errors.UserError` anywhere in
  the exception's cause / context chain, or one of Kedro's own data / configuration
  errors) ends with one line ``ERROR [<Kind>] <message>`` on stderr and exit status 1;
  the full traceback is written to ``logs/error-<time>-<pid>.log`` (named on the line
  before); ``--traceback`` or ``SI_TRACEBACK=1`` prints it instead, as plain Kedro does;
- ``--params`` takes lists and dictionaries: a comma inside ``[...]``, ``{...}`` or quotes belongs
  to the value (``--params "scaling.sizes=[128000,1000000],scaling.seed=3"``); Kedro's own
  ``--params`` splits on every comma (:func:`split_params`);
- Ctrl-C ends with one line and status 130;
- however the run ends, local engines (the H2O JVM, a local Spark session) are stopped
  (:func:`synthetic_intelligence.core.engines.lifecycle.close_all`).

Any other exception is a bug and keeps Kedro's full traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import re
import sys
import traceback
from pathlib import Path

import click
from kedro.framework.cli.project import run as kedro_run
from omegaconf import OmegaConf

from synthetic_intelligence.core.engines import lifecycle
from synthetic_intelligence.core.errors import ConfigurationError, UserError, find_user_error

#: Set to 1 to print the full traceback of a user error instead of one line.
TRACEBACK_ENV = "SI_TRACEBACK"
#: Kedro's errors that are about the user's data, catalog or configuration (reported as one line too).
_KEDRO_USER_ERRORS = (
    ("kedro.io.core", "DatasetError"),
    ("kedro.config.abstract_config", "MissingConfigException"),
    ("kedro.config.abstract_config", "BadConfigException"),
    ("kedro.validation.exceptions", "ParameterValidationError"),
)
_KEDRO_USER_MESSAGES = ("Failed to find the pipeline named", "Pipeline contains no nodes")
#: Kedro 1.7's error for ``--pipelines <a name that does not exist>``.
_UNKNOWN_PIPELINE = re.compile(r"An error occurred while importing the '[\w.]+\.pipelines\.(?P<name>[^']+)' module\.$")


@click.group(name="SyntheticIntelligence")
def cli() -> None:
    """Project commands: kedro run with one-line user errors."""


def user_error(exc: BaseException) -> BaseException | None:
    """The user-facing error behind ``exc`` (ours or Kedro's), or ``None`` for a bug."""
    found = find_user_error(exc)
    if found is not None:
        return found
    err: BaseException | None = exc
    seen: set[int] = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        for module, name in _KEDRO_USER_ERRORS:
            cls = getattr(sys.modules.get(module), name, None)
            if cls is not None and isinstance(err, cls):
                return err
        if isinstance(err, ValueError) and str(err).startswith(_KEDRO_USER_MESSAGES):
            return err
        if isinstance(err, ImportError) and err.__cause__ is None and (m := _UNKNOWN_PIPELINE.match(str(err))):
            return ConfigurationError(f"unknown pipeline {m['name']!r}; the pipelines are: {_pipeline_names()}")
        err = err.__cause__ or err.__context__
    return None


def _pipeline_names() -> str:
    try:
        from kedro.framework.project import pipelines

        pipelines.set_requested(None)  # the failed run asked for the unknown name only
        return ", ".join(sorted(pipelines))
    except Exception:  # noqa: BLE001 - only a hint in an error message
        return "see `kedro registry list`"


def error_line(err: BaseException) -> str:
    kind = type(err).__name__ if isinstance(err, UserError) or "Error" in type(err).__name__ else "Error"
    text = str(err).strip() or type(err).__name__
    if kind == "ParameterValidationError":
        text = parameter_problems(text)
    return f"ERROR [{kind}] {text}"


_PYDANTIC_HEAD = re.compile(r"^- Parameter '(?P<key>[^']+)': Failed to instantiate \w+ for parameter '[^']+': "
                            r"\d+ validation errors? for \w+$")
_PYDANTIC_TAIL = re.compile(r"\s*\[type=[^,\]]+(?:, input_value=(?P<value>.*?))?(?:, input_type=\w+)?\]$")


def parameter_problems(text: str) -> str:
    """Kedro's multi-line parameter validation report as ``key.field: problem (got value); ...``.

    Kedro validates every typed parameter before the first node and lists each failure
    with pydantic's report; this keeps the parameter path, the problem and the value.
    """
    problems: list[str] = []
    key, field = None, None
    for line in text.splitlines():
        if not line.strip() or line.startswith("    ") or line == "Parameter validation failed:":
            continue  # pydantic's "For further information" links and Kedro's header
        if m := _PYDANTIC_HEAD.match(line):
            key, field = m["key"], None
        elif line.startswith("- "):
            problems.append(line[2:])
            key = None
        elif key is not None and not line.startswith(" "):
            field = line.strip()
        elif key is not None:
            tail = _PYDANTIC_TAIL.search(line)
            msg = (line[: tail.start()] if tail else line).strip().removeprefix("Value error, ")
            got = f" (got {tail['value']})" if tail and tail["value"] and not tail["value"].startswith("{") else ""
            problems.append(f"{key}.{field}: {msg}{got}" if field else f"{key}: {msg}")
            field = None
    return "parameters are invalid: " + "; ".join(problems) if problems else text


def write_traceback(exc: BaseException, folder: Path) -> Path | None:
    """Write the command line and the full traceback (with its chain) to ``folder/error-<time>-<pid>.log``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    ctx = click.get_current_context(silent=True)
    options = {k: v for k, v in (ctx.params if ctx else {}).items() if v not in (None, False, (), "")}
    text = (f"command: {ctx.command_path if ctx else 'kedro run'} {options}\ntime: {dt.datetime.now().isoformat()}\n\n"
            + "".join(traceback.format_exception(exc)))
    for where in (folder, Path(os.environ.get("TMPDIR", "/tmp"))):
        try:
            where.mkdir(parents=True, exist_ok=True)
            path = where / f"error-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _project_path() -> Path:
    ctx = click.get_current_context(silent=True)
    path = getattr(getattr(ctx, "obj", None), "project_path", None)
    return Path(path) if path else Path.cwd()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _run(show_traceback: bool, **kwargs):
    ctx = click.get_current_context()
    # Kedro logs each invalid parameter before raising; the one ERROR line below lists them all.
    logging.getLogger("kedro.validation.parameter_validator").setLevel(logging.CRITICAL)
    try:
        return kedro_run.callback(**kwargs)
    except KeyboardInterrupt:
        lifecycle.close_all()
        click.echo("ERROR [Interrupted] the run was stopped (Ctrl-C); local engines were shut down", err=True)
        ctx.exit(130)
    except Exception as exc:
        lifecycle.close_all()
        err = user_error(exc)
        if err is None or show_traceback or os.environ.get(TRACEBACK_ENV, "").strip() not in ("", "0"):
            raise
        path = write_traceback(exc, _project_path() / "logs")
        if path is not None:
            click.echo(f"Full traceback: {_shown(path)} (or re-run with --traceback or {TRACEBACK_ENV}=1)", err=True)
        click.echo(error_line(err), err=True)
        ctx.exit(1)
    finally:
        lifecycle.close_all()


def split_items(value: str) -> list[str]:
    """``"a=1,b=[1,2],c={x: 1, y: 2},d='p, q'"`` -> ``["a=1", "b=[1,2]", "c={x: 1, y: 2}", "d='p, q'"]``.

    Splits on the commas outside brackets, braces and quotes (Kedro splits on every comma).
    """
    items, current, depth, quote = [], [], 0, None
    for char in value:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{(":
            depth += 1
        elif char in "]})":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def split_params(ctx: click.Context, param, value):
    """Kedro's ``--params`` parser (``kedro.framework.cli.utils._split_params``) with list and dict values.

    Each ``key=value`` item is read by OmegaConf as Kedro does (``[128000,1000000]`` is a list of
    ints, ``{a: 1}`` a dict, ``'x, y'`` a string); only the splitting differs (:func:`split_items`).
    """
    if isinstance(value, dict):
        return value
    dot_list = []
    for item in split_items(value or ""):
        key, equals, val = item.partition("=")
        if not equals:
            ctx.fail(f"Invalid format of `{param.name}` option: Item `{item}` must contain a key and a value "
                     "separated by `=`.")
        if not key.strip():
            ctx.fail(f"Invalid format of `{param.name}` option: Parameter key cannot be an empty string.")
        dot_list.append(f"{key.strip()}={val}")
    return OmegaConf.to_container(OmegaConf.from_dotlist(dot_list))


def _with_list_params(params: list[click.Parameter]) -> list[click.Parameter]:
    out = []
    for option in params:
        if option.name == "params":
            ours = copy.copy(option)
            ours.callback = split_params
            ours.help = (f"{option.help} A list or dict value keeps its commas: "
                         "--params \"scaling.sizes=[128000,1000000],scaling.seed=3\".")
            out.append(ours)
        else:
            out.append(option)
    return out


run = click.Command(
    name="run",
    callback=_run,
    params=[
        *_with_list_params(kedro_run.params),
        click.Option(["--traceback", "show_traceback"], is_flag=True, default=False,
                     help=f"Print the full traceback of a user error instead of one line (or set {TRACEBACK_ENV}=1)."),
    ],
    help=kedro_run.help,
    short_help=kedro_run.short_help,
)
cli.add_command(run)
