"""The drift sweep figure (one axis per learner) from the ``drift_sweep`` table of the scorecard pipeline."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from synthetic_intelligence.reporting.common import message_figure

__all__ = ["NOT_APPLICABLE", "drift_sweep_figure"]

#: What the figure says when the sweep table is empty (a user table's new world is real data).
NOT_APPLICABLE = (
    "Drift sweep not applicable:\nthe data source is a user table, whose new world is real data,\n"
    "not a drifted copy of the training world."
)


def drift_sweep_figure(sweep: pd.DataFrame) -> Figure:
    """AUPRC vs drift severity, one axis per learner, one line per lane with its CI as a band.

    When the table has them, a dotted vertical line marks ``holdout_new_world_severity``
    (the severity of ``holdout_new_world``) and a dashed horizontal line the mean
    ``prevalence`` (the AUPRC of a chance scorer). An empty table gives a figure that says
    the sweep does not apply.  A table without a ``learner`` column (or with no learner
    named) is one axis.
    """
    if sweep.empty:
        return message_figure(NOT_APPLICABLE)
    has_learner = "learner" in sweep.columns and sweep["learner"].notna().any()
    learners = list(pd.unique(sweep["learner"])) if has_learner else [None]
    fig = Figure(figsize=(7 * len(learners), 5), layout="constrained")
    axes = fig.subplots(1, len(learners), squeeze=False)[0]
    for ax, learner in zip(axes, learners):
        rows_of = sweep if learner is None else sweep[sweep["learner"] == learner]
        for lane, rows in rows_of.groupby("lane", sort=False):
            g = rows.sort_values("severity")
            (line,) = ax.plot(g["severity"], g["auprc"], marker="o", label=str(lane))
            ax.fill_between(g["severity"], g["auprc_ci_low"], g["auprc_ci_high"],
                            color=line.get_color(), alpha=0.2, linewidth=0)
        title = "AUPRC under increasing drift" + ("" if learner is None else f": {learner}")
        ax.set(xlabel="Drift severity", ylabel="AUPRC", title=title)
        if "holdout_new_world_severity" in sweep.columns:
            severity = float(sweep["holdout_new_world_severity"].iloc[0])
            if not math.isnan(severity):
                ax.axvline(severity, color="grey", linestyle=":", linewidth=1,
                           label=f"holdout_new_world (severity {severity:g})")
        if "prevalence" in sweep.columns:
            ax.axhline(float(np.mean(sweep["prevalence"])), color="grey", linestyle="--", linewidth=1,
                       label="prevalence (chance AUPRC)")
        ax.legend(fontsize="small")
    return fig
