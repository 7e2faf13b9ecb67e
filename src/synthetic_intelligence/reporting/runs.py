"""Two runs side by side, from their recorded outputs: parameters, seeds and metrics.

Inputs are what each run wrote: ``run_parameters`` (the parameters a run started with),
the ``scorecard`` table and each lane's JSON reports. These builders only flatten and
align them; a value a run did not record is shown as missing, never filled in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from synthetic_intelligence.reporting.verdict import by_learner, holdouts_of

__all__ = ["SEED_KEY", "flatten", "side_by_side", "seeds", "auprc_long", "metrics_side_by_side"]

#: Keys that hold a seed (the last part of a flattened key).
SEED_KEY = re.compile(r"(^|_)(seed|random_state)$")
MISSING = "—"


def flatten(mapping: Mapping[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """Nested dicts -> ``{"a.b.c": value}``; lists of scalars stay one value, shown as JSON."""
    out: dict[str, Any] = {}
    for key, value in (mapping or {}).items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, name))
        elif isinstance(value, (list, tuple)):
            out[name] = json.dumps(list(value), default=str)
        else:
            out[name] = value
    return out


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def side_by_side(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None, labels: tuple[str, str] = ("run A", "run B"),
                 *, only_differences: bool = False) -> pd.DataFrame:
    """Two flat mappings as ``key, <label A>, <label B>, differs`` (sorted by key); a key one run
    lacks is shown as ``—``."""
    a, b = dict(a or {}), dict(b or {})
    rows = []
    for key in sorted(set(a) | set(b)):
        va = _text(a[key]) if key in a else MISSING
        vb = _text(b[key]) if key in b else MISSING
        rows.append({"key": key, labels[0]: va, labels[1]: vb, "differs": va != vb})
    table = pd.DataFrame(rows, columns=["key", labels[0], labels[1], "differs"])
    return table[table["differs"]].reset_index(drop=True) if only_differences else table


def seeds(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The seeds among flattened parameters or reports (keys ending in ``seed`` or ``random_state``)."""
    return {k: v for k, v in flat.items() if SEED_KEY.search(k.rsplit(".", 1)[-1])}


def auprc_long(card: pd.DataFrame | None) -> dict[str, float]:
    """``{"<lane>[/<learner>] · <holdout>": AUPRC}`` of a scorecard (empty when there is none)."""
    if card is None or len(card) == 0:
        return {}
    out = {}
    for _, row in card.iterrows():
        lane = str(row["lane"]) + (f"/{row['learner']}" if by_learner(card) else "")
        for h in holdouts_of(card):
            out[f"{lane} · {h}"] = float(row[f"{h}_auprc"])
    return out


def metrics_side_by_side(card_a: pd.DataFrame | None, card_b: pd.DataFrame | None,
                         labels: tuple[str, str] = ("A", "B"), difference: str = "B − A") -> pd.DataFrame:
    """AUPRC per lane and holdout of two scorecards: ``lane · holdout``, A, B and ``difference`` (B - A)."""
    a, b = auprc_long(card_a), auprc_long(card_b)
    keys = list(a) + [k for k in b if k not in a]
    rows = [{"lane · holdout": k, labels[0]: a.get(k), labels[1]: b.get(k),
             difference: (b[k] - a[k]) if k in a and k in b else None} for k in keys]
    return pd.DataFrame(rows, columns=["lane · holdout", labels[0], labels[1], difference])
