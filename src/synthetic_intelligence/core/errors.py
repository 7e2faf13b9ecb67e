"""Errors the user can fix, and the checks that raise them.

Core code raises a :class:`UserError` subclass for every problem the user can act
on (bad data, bad configuration, an engine that cannot start, be reached or
died); the message names the dataset, column, parameter or cluster and says what
to change.  The project's ``kedro run`` (``synthetic_intelligence/cli.py``) prints
such an error as one ``ERROR`` line and exits with status 1; the full traceback
goes to a file under ``logs/``.  Any other exception is a bug and keeps its full
traceback.

The subclasses keep the built-in base that code and tests catch
(``ValueError`` for data and configuration, ``RuntimeError`` for clusters).
"""

from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """A problem the user can fix; the message says what is wrong and what to change."""


class DataValidationError(UserError, ValueError):
    """An input table or split cannot be used (names the dataset, split, column or value)."""


class TrainingSetError(DataValidationError):
    """A lane's sampler cannot build a training set from this data (too few minority rows for its
    neighbours, nothing its gate accepts, ...).

    The lane is reported as failed with this message and the other lanes go on
    (:func:`synthetic_intelligence.core.experiment.resample.build_or_fail`); outside a lane it is a
    data error like any other.
    """


class ConfigurationError(UserError, ValueError):
    """A parameter or configuration value is invalid (names the parameter and the valid values)."""


class ClusterError(UserError, RuntimeError):
    """A compute engine (H2O; later Spark) cannot be started or reached, or died during the run."""


def find_user_error(exc: BaseException | None) -> UserError | None:
    """The first :class:`UserError` in ``exc`` or its cause / context chain, else ``None``.

    Frameworks and libraries may wrap an error (``raise X from err``) or raise a new
    one while handling it; both chains are followed (outermost first), as are the
    members of an exception group.
    """
    seen: set[int] = set()
    queue: list[BaseException | None] = [exc]
    while queue:
        err = queue.pop(0)
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, UserError):
            return err
        if isinstance(err, BaseExceptionGroup):
            queue.extend(err.exceptions)
        queue.extend((err.__cause__, err.__context__))
    return None


def check_same_columns(
    a_columns: Iterable, a_name: str, b_columns: Iterable, b_name: str, *, hint: str = "", ordered: bool = False
) -> None:
    """Raise :class:`DataValidationError` unless two datasets have the same columns.

    Use it wherever outputs of different runs meet (an oracle trained on one table
    scoring another, a learner scoring a holdout).  The message names both datasets,
    the columns only one of them has and, with ``ordered=True``, an order mismatch;
    ``hint`` says how to make them fit (e.g. which pipelines to re-run together).
    """
    a, b = [str(c) for c in a_columns], [str(c) for c in b_columns]
    only_a = [c for c in a if c not in set(b)]
    only_b = [c for c in b if c not in set(a)]
    if not only_a and not only_b and (not ordered or a == b) and len(a) == len(set(a)) and len(b) == len(set(b)):
        return
    parts = []
    for name, cols in ((a_name, only_a), (b_name, only_b)):
        if cols:
            shown = ", ".join(map(repr, cols[:10])) + (f" and {len(cols) - 10} more" if len(cols) > 10 else "")
            parts.append(f"only in {name}: {shown}")
    for name, cols in ((a_name, a), (b_name, b)):
        dups = sorted({c for c in cols if cols.count(c) > 1})
        if dups:
            parts.append(f"{name} repeats {', '.join(map(repr, dups))}")
    if not parts:
        parts.append(f"same columns in a different order ({a_name}: {', '.join(a[:5])} ...; "
                     f"{b_name}: {', '.join(b[:5])} ...)")
    message = (f"{a_name} ({len(a)} columns) and {b_name} ({len(b)} columns) do not fit together: "
               + "; ".join(parts))
    raise DataValidationError(message + (f". {hint}" if hint else ""))
