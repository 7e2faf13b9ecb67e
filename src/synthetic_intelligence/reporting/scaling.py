"""The scaling figure: wall seconds against rows, log-log, one line per method (from the scaling table)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from synthetic_intelligence.reporting.common import message_figure

__all__ = ["scaling_figure"]


def scaling_figure(table: pd.DataFrame, summary: dict | None = None) -> Figure:
    """Measured points filled, extrapolated ones hollow on a dashed segment; exponents in the legend."""
    data = table[table["seconds_wall"].notna()]
    if data.empty:
        return message_figure("No scaling measurement finished.")
    exponents = {k: v for k, v in (summary or {}).get("local_exponents", {}).items() if v is not None}
    exponents.update({k: v for k, v in (summary or {}).get("exponents", {}).items() if v is not None})
    fig = Figure(figsize=(8, 5.5), layout="constrained")
    ax = fig.subplots()
    for series, part in data.sort_values("n_rows").groupby("series", sort=False):
        measured = part[~part["extrapolated"].astype(bool)]
        guessed = part[part["extrapolated"].astype(bool)]
        exponent = exponents.get(series)
        label = series if exponent is None else f"{series}  (exponent {exponent:.2f})"
        line = ax.plot(measured["n_rows"], measured["seconds_wall"], marker="o", label=label)[0]
        if not guessed.empty:
            bridge = pd.concat([measured.tail(1), guessed])
            ax.plot(bridge["n_rows"], bridge["seconds_wall"], linestyle="--", color=line.get_color())
            ax.plot(guessed["n_rows"], guessed["seconds_wall"], marker="o", linestyle="none",
                    markerfacecolor="none", color=line.get_color())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training rows (40 features, 92:8)")
    ax.set_ylabel("wall seconds to balance")
    machine = (summary or {}).get("machine", {})
    ax.set_title(f"SMOTE vs model-driven oversampling ({machine.get('cpus', '?')} cores; hollow: extrapolated)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return fig
