"""The one way a parameter block becomes its typed model, and the one way to read a setting of either form.

Kedro validates a node's typed parameters before the run (pydantic hints), so a node usually gets a
model already; tests, notebooks and library callers pass plain dicts. :func:`as_model` takes
either (a model instance passes through); :func:`setting` reads one key of either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from synthetic_intelligence.core.errors import ConfigurationError

__all__ = ["as_model", "setting"]

M = TypeVar("M", bound=BaseModel)


def _value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_model(model: type[M], value: Any, key: str) -> M:
    """``value`` (a dict, ``None`` for all defaults, or already a ``model``) as ``model``.

    A problem is one :class:`ConfigurationError` naming ``key.<field>``, the problem and the value,
    one ``;``-separated item per problem (e.g. ``data_isolation.split.holdout_share: Input should be
    less than 1 (got 1.5)``).
    """
    if isinstance(value, model):
        return value
    try:
        return model.model_validate({} if value is None else value)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join([key, *(str(p) for p in err["loc"])])
            msg = err["msg"].removeprefix("Value error, ")
            got = "" if err["type"] == "missing" or isinstance(err.get("input"), dict) else \
                f" (got {_value(err.get('input'))})"
            problems.append(f"{where}: {msg}{got}")
        raise ConfigurationError("; ".join(problems)) from None


def setting(params: Any, key: str, default: Any = None) -> Any:
    """``params[key]`` of a dict or ``params.key`` of a typed parameter object; ``default`` when absent
    (or when ``params`` is ``None``)."""
    if params is None:
        return default
    if isinstance(params, Mapping):
        return params.get(key, default)
    return getattr(params, key, default)
