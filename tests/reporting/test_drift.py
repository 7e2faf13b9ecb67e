"""Tests for synthetic_intelligence.reporting.drift: the drift sweep figure from its table."""

import io

import pandas as pd
import pytest

from synthetic_intelligence.core.experiment.scorecard import SWEEP_COLUMNS
from synthetic_intelligence.reporting.drift import drift_sweep_figure


def _sweep(**extra) -> pd.DataFrame:
    rows = []
    for lane, base in (("baseline", 0.5), ("smote", 0.55), ("model_driven", 0.7)):
        for sev in (0.0, 0.5, 1.0):
            a = base - 0.2 * sev
            rows.append({"lane": lane, "severity": sev, "auprc": a,
                         "auprc_ci_low": a - 0.05, "auprc_ci_high": a + 0.05, **extra})
    return pd.DataFrame(rows)


def test_drift_sweep_figure():
    fig = drift_sweep_figure(_sweep())
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 3
    assert len(ax.collections) == 3  # one CI band per lane
    assert list(ax.get_lines()[2].get_ydata()) == pytest.approx([0.7, 0.6, 0.5])
    fig.canvas.draw()


def test_drift_sweep_figure_marks_the_holdout_severity_and_chance():
    fig = drift_sweep_figure(_sweep(prevalence=0.12, holdout_new_world_severity=0.5))
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 3 + 2
    vertical, horizontal = ax.get_lines()[3:]
    assert list(vertical.get_xdata()) == [0.5, 0.5]
    assert list(horizontal.get_ydata()) == pytest.approx([0.12, 0.12])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "holdout_new_world (severity 0.5)" in labels and "prevalence (chance AUPRC)" in labels
    fig.savefig(io.BytesIO(), format="png")
    # a NaN severity (not recorded) draws no vertical line
    assert len(drift_sweep_figure(_sweep(prevalence=0.1, holdout_new_world_severity=float("nan"))).axes[0]
               .get_lines()) == 3 + 1


def test_empty_sweep_says_it_does_not_apply():
    fig = drift_sweep_figure(pd.DataFrame(columns=SWEEP_COLUMNS))
    assert any("not applicable" in t.get_text() for ax in fig.axes for t in ax.texts)
    fig.savefig(io.BytesIO(), format="png")


def test_drift_sweep_figure_has_one_axis_per_learner():
    sweep = pd.concat([_sweep(learner="logreg"), _sweep(learner="hgb")], ignore_index=True)
    fig = drift_sweep_figure(sweep)
    assert [ax.get_title() for ax in fig.axes] == ["AUPRC under increasing drift: logreg",
                                                   "AUPRC under increasing drift: hgb"]
    assert all(len(ax.get_lines()) == 3 and len(ax.collections) == 3 for ax in fig.axes)
    fig.savefig(io.BytesIO(), format="png")
