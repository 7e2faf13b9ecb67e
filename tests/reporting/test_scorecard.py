"""Tests for synthetic_intelligence.reporting.scorecard: Markdown and PR curves from the scorecard's tables."""

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from synthetic_intelligence.core.experiment.scorecard import build_scorecard, pr_curve_points
from synthetic_intelligence.reporting.scorecard import (
    pr_curve_figure,
    scorecard_markdown,
    scorecard_notes,
    scorecard_report,
)
from tests.golden_numbers import recorded_frame
from tests.scorecard_data import LEARNER, N_BOOT, three_lanes


@pytest.fixture(scope="module")
def lanes():
    return three_lanes()


@pytest.fixture(scope="module")
def card(lanes):
    scores, metrics = lanes
    return build_scorecard(scores, metrics, n_boot=N_BOOT)


def test_markdown(card):
    md = scorecard_markdown(card, title="Test card")
    assert md.startswith("# Test card")
    for lane in ("baseline", "smote", "model_driven"):
        assert lane in md
    assert "AUPRC [lo, hi]" in md and "Δ vs baseline [lo, hi]" in md and "hgb AUPRC [lo, hi]" in md
    assert "IID holdout" in md and "New-world holdout" in md and "Training" in md and "## Provenance" in md
    assert "### hgb (IID holdout)" in md and "Failed lanes" not in md
    verdict_lines = [line for line in md.splitlines() if line.startswith("- **model_driven / hgb**")]
    assert len(verdict_lines) == 1
    assert "better than baseline" in verdict_lines[0]
    assert "worse" not in verdict_lines[0]
    assert "wins 4, loses 0, ties 0 of 4 comparisons" in verdict_lines[0]
    # the second reference is judged against the first; the first gets no sentence
    smote_lines = [line for line in md.splitlines() if line.startswith("- **smote / hgb**")]
    assert len(smote_lines) == 1 and "baseline" in smote_lines[0]
    assert not any(line.startswith("- **baseline") for line in md.splitlines())
    # every table row has the same number of cells as its header
    for block in md.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({r.count(" | ") for r in rows}) == 1


def test_markdown_says_worse_against_a_better_reference(lanes):
    scores, metrics = lanes
    md = scorecard_markdown(build_scorecard(scores, metrics, references=("model_driven",), n_boot=N_BOOT))
    assert "worse than model_driven" in md


def test_markdown_reads_the_table_as_written_to_csv(card, tmp_path):
    """The reporting pipeline reads the scorecard back from CSV (NaN verdicts, no None): same Markdown."""
    path = tmp_path / "scorecard.csv"
    card.to_csv(path, index=False)
    assert scorecard_markdown(pd.read_csv(path)) == scorecard_markdown(card)


def test_markdown_of_the_recorded_scorecard_is_unchanged(card):
    """A scorecard table recorded before the split (one learner, no learner column) renders to the same text
    as the current table's recorded columns.  The format changed with lanes x learners (a learner column, a
    matrix and a table per learner, failed lanes, provenance), so the current table itself renders more."""
    recorded = recorded_frame("core_scorecard")
    assert scorecard_markdown(recorded, title="t") == scorecard_markdown(card[list(recorded.columns)], title="t")
    assert "### " not in scorecard_markdown(recorded, title="t")  # one learner: no per-learner sections


def test_report_notes(card):
    notes = scorecard_notes(card.assign(threshold_source=["validation", "validation", "train"]), n_boot=250, alpha=0.1)
    assert notes.startswith("## How to read this")
    assert "250 replicates, 90% interval" in notes and "chosen on: train, validation;" in notes
    report = scorecard_report(card, n_boot=N_BOOT, alpha=0.05)
    assert report.startswith("# Swimlane scorecard")
    assert report.endswith(scorecard_notes(card, n_boot=N_BOOT, alpha=0.05))
    assert "chosen on: unknown;" in scorecard_notes(card.drop(columns="threshold_source"), n_boot=1, alpha=0.05)


def test_pr_curve_figure(lanes):
    scores, _ = lanes
    points = pr_curve_points(scores)
    fig = pr_curve_figure(points)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == [f"{LEARNER}: IID holdout", f"{LEARNER}: New-world holdout"]
    for ax, holdout in zip(fig.axes, ("holdout_iid", "holdout_new_world")):
        # one curve per lane + a prevalence reference line
        assert len(ax.get_lines()) == 3 + 1
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(label.startswith("model_driven (AUPRC=") for label in labels)
        md = points[(points["lane"] == "model_driven") & (points["holdout"] == holdout)]
        np.testing.assert_array_equal(ax.get_lines()[2].get_xdata(), md["recall"].to_numpy())
        assert ax.get_lines()[3].get_ydata()[0] == pytest.approx(md["prevalence"].iloc[0])
    fig.savefig(io.BytesIO(), format="png")


def test_pr_curve_figure_of_one_holdout_and_of_nothing(lanes):
    scores, _ = lanes
    points = pr_curve_points(scores)
    one = pr_curve_figure(points[points["holdout"] == "holdout_new_world"].drop(columns="learner"))
    assert [ax.get_title() for ax in one.axes] == ["New-world holdout"]  # a table without learners
    empty = pr_curve_figure(points.iloc[:0])
    assert any("No precision-recall curves" in t.get_text() for ax in empty.axes for t in ax.texts)


def test_lanes_by_learners_markdown_and_figure():
    scores, metrics = three_lanes(second_learner=True)
    scores["smote"] = {}
    metrics["smote"] = {lr: {"failed": True} for lr in (LEARNER, "logreg")}
    info = {"smote": {"status": "failed", "failure": {"reason": "0 candidates accepted"}, "provenance": {}}}
    card = build_scorecard(scores, metrics, lanes_info=info, n_boot=N_BOOT)
    md = scorecard_markdown(card)
    assert "| Lane | hgb AUPRC [lo, hi] | logreg AUPRC [lo, hi] |" in md
    assert "| smote | failed | failed |" in md
    assert "## Failed lanes" in md and "| smote | 0 candidates accepted |" in md
    assert "- **smote** — failed to build its training set (see Failed lanes): no verdict." in md
    for learner in (LEARNER, "logreg"):
        assert f"### {learner} (IID holdout)" in md and f"### {learner} (New-world holdout)" in md
        assert f"- **model_driven / {learner}**" in md
    for block in md.split("\n\n"):  # every table row has as many cells as its header
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            assert len({r.count(" | ") for r in rows}) == 1
    fig = pr_curve_figure(pr_curve_points(scores))
    assert [ax.get_title() for ax in fig.axes] == [
        f"{lr}: {h}" for lr in (LEARNER, "logreg") for h in ("IID holdout", "New-world holdout")]
    assert all(len(ax.get_lines()) == 2 + 1 for ax in fig.axes)  # baseline, model_driven + prevalence
