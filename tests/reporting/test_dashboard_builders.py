"""Builders the dashboard draws with: verdict views, the generation grid, runs side by side, t-SNE of all lanes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.experiment.scorecard import build_scorecard
from synthetic_intelligence.reporting import generation as gen
from synthetic_intelligence.reporting import runs as rr
from synthetic_intelligence.reporting import verdict as vd
from synthetic_intelligence.reporting.latent import tsne_plotly_lanes
from synthetic_intelligence.reporting.scorecard import scorecard_markdown, verdict_sentences
from tests.scorecard_data import three_lanes


@pytest.fixture(scope="module")
def card():
    scores, metrics = three_lanes()
    return build_scorecard(scores, metrics, n_boot=20)


# ------------------------------------------------------------------ verdict --

def test_auprc_matrix_lanes_by_holdouts(card):
    m = vd.auprc_matrix(card)
    assert list(m.index) == ["baseline", "smote", "model_driven"]
    assert list(m.columns) == ["IID holdout", "New-world holdout"]
    row = card.iloc[2]
    assert m.iloc[2, 0] == (f"{row['holdout_iid_auprc']:.3f} [{row['holdout_iid_auprc_ci_low']:.3f}, "
                            f"{row['holdout_iid_auprc_ci_high']:.3f}]")


def test_auprc_matrix_lane_by_learner(card):
    two = pd.concat([card.assign(learner="automl"), card.iloc[:2].assign(learner="logistic")], ignore_index=True)
    m = vd.auprc_matrix(two, "holdout_new_world")
    assert list(m.columns) == ["automl", "logistic"] and list(m.index) == ["baseline", "smote", "model_driven"]
    assert m.loc["model_driven", "logistic"] == "—"  # that pair has no row
    with pytest.raises(KeyError, match="holdout 'validation' is not in the scorecard"):
        vd.auprc_matrix(two, "validation")


def test_differences_counts_and_sentences_agree(card):
    diffs = vd.difference_table(card)
    # smote vs baseline and model_driven vs both, on two holdouts; baseline vs smote is smote's mirror
    assert sorted(set(zip(diffs["lane"], diffs["reference"]))) == [
        ("model_driven", "baseline"), ("model_driven", "smote"), ("smote", "baseline")]
    assert len(diffs) == 2 * 3
    assert (diffs["ci_low"] <= diffs["diff"]).all() and (diffs["diff"] <= diffs["ci_high"]).all()
    counts = vd.verdict_counts(diffs).set_index("lane")
    assert counts.loc["model_driven"].tolist() == [4, 0, 0] and counts.loc["smote"].sum() == 2
    assert "baseline" not in counts.index
    sentences = verdict_sentences(card)
    assert any(s.startswith("- **model_driven / hgb** (wins 4, loses 0, ties 0 of 4 comparisons)") for s in sentences)
    assert all(s in scorecard_markdown(card) for s in sentences)  # the Markdown and the dashboard say the same
    fig = vd.difference_figure(diffs)
    assert len(fig.data) == len(diffs)
    assert {t.name for t in fig.data} <= {"better", "worse", "no clear difference"}


# --------------------------------------------------------------- generation --

@pytest.fixture
def grid():
    return pd.DataFrame({
        "threshold": [np.nan, 0.25, 0.25, 0.5, 0.5], "ratio": [np.nan, 0.25, 0.5, 0.25, 0.5],
        "validation_auprc": [0.56, 0.53, 0.47, 0.61, np.nan], "acceptance_rate": [np.nan, 0.38, 0.36, 0.2, np.nan],
        "n_synthetic": [0, 5, 9, 5, 0], "seconds": [0, 1, 1, 1, np.nan], "error": ["", "", "", "", "shortfall"],
        "reference": [True, False, False, False, False]})


def test_grid_table_marks_the_choice_reference_first(grid):
    choice = {"threshold": 0.5, "ratio": 0.25, "validation_auprc": 0.61, "chosen_on": "validation", "tuned": True}
    table = gen.grid_table(grid, choice)
    assert bool(table["reference"].iloc[0])
    assert table["validation_auprc"].iloc[1:].tolist()[:3] == [0.61, 0.53, 0.47]  # best first, NaN last
    assert table["chosen"].tolist() == [False, True, False, False, False]


def test_choice_summary():
    assert gen.choice_summary({"threshold": 0.5, "ratio": 0.25, "validation_auprc": 0.61,
                               "validation_auprc_no_oversampling": 0.56, "chosen_on": "validation", "tuned": True}) == (
        "Chosen on validation: threshold 0.5, ratio 0.25, validation AUPRC 0.610 (no oversampling: 0.560).")
    assert gen.choice_summary({"threshold": 0.9, "ratio": 0.5, "chosen_on": "fixed", "tuned": False}) == (
        "Fixed setting (no tuning): threshold 0.9, ratio 0.5.")


def test_grid_figure_heatmap_per_strategy_and_the_chosen_cell(grid):
    two = pd.concat([grid.assign(strategy="interpolate"), grid.iloc[1:].assign(strategy="gaussian")],
                    ignore_index=True)
    fig = gen.grid_figure(two, {"threshold": 0.5, "ratio": 0.25, "strategy": "gaussian"})
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2 and heatmaps[0].z.shape == (2, 2)
    chosen = [t for t in fig.data if t.name == "chosen"]
    assert len(chosen) == 1 and chosen[0].xaxis == "x2"  # only in the gaussian panel


# --------------------------------------------------------------------- runs --

def test_flatten_side_by_side_and_seeds():
    a = rr.flatten({"learner": {"seed": 1, "algos": ["GBM"]}, "split": {"seed": 7}, "name": None})
    b = rr.flatten({"learner": {"seed": 1, "algos": ["GBM", "GLM"]}, "split": {"seed": 8}, "sampler": {"random_state": 0}})
    assert a == {"learner.seed": 1, "learner.algos": '["GBM"]', "split.seed": 7, "name": None}
    table = rr.side_by_side(a, b, ("A", "B"))
    assert table.columns.tolist() == ["key", "A", "B", "differs"]
    rows = table.set_index("key")
    assert rows.loc["split.seed"].tolist() == ["7", "8", True]
    assert rows.loc["learner.seed", "differs"] == False  # noqa: E712
    assert rows.loc["sampler.random_state"].tolist() == ["—", "0", True]
    assert rows.loc["name", "A"] == "null"
    assert set(rr.side_by_side(a, b, only_differences=True)["key"]) == {
        "learner.algos", "split.seed", "name", "sampler.random_state"}
    assert rr.seeds({**a, **b}) == {"learner.seed": 1, "split.seed": 8, "sampler.random_state": 0}


def test_metrics_side_by_side(card):
    later = card.assign(holdout_iid_auprc=card["holdout_iid_auprc"] + 0.01)
    table = rr.metrics_side_by_side(card, later, ("A", "B")).set_index("lane · holdout")
    assert table.loc["smote · holdout_iid", "B − A"] == pytest.approx(0.01)
    assert table.loc["smote · holdout_new_world", "B − A"] == pytest.approx(0.0)
    only_a = rr.metrics_side_by_side(card, None, ("A", "B"))
    assert only_a["B"].isna().all() and only_a["B − A"].isna().all()


# ------------------------------------------------------------------- latent --

def test_tsne_of_all_lanes_one_trace_per_group():
    emb = pd.DataFrame({
        "lane": pd.Categorical(["(real)"] * 4 + ["smote"] * 2 + ["model_driven"] * 3,
                               categories=["(real)", "smote", "model_driven"]),
        "group": ["real majority"] * 3 + ["real minority"] + ["synthetic"] * 5,
        "tsne_x": np.arange(9.0), "tsne_y": np.arange(9.0)})
    fig = tsne_plotly_lanes(emb)
    assert [t.name for t in fig.data] == ["real majority (3)", "real minority (1)", "smote synthetic (2)",
                                          "model_driven synthetic (3)"]
    assert fig.data[3].marker.color == "#d62728"  # model_driven keeps the synthetic red
    assert "smote synthetic" in fig.data[2].hovertemplate
    assert [t.name for t in tsne_plotly_lanes(emb, ["model_driven"]).data][-1] == "model_driven synthetic (3)"
    assert len(tsne_plotly_lanes(emb, []).data) == 2
