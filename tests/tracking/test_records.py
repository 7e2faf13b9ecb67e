"""What a run records: flattening, numeric leaves at any depth, table cells, seeds."""

import math

import pandas as pd

from synthetic_intelligence.tracking import records


def test_flatten_joins_keys_and_keeps_lists_and_empty_mappings():
    flat = records.flatten({"generation": {"sampler": {"gate": "quantile"}, "tuning": {"ratios": [0.1, 0.5]}},
                            "extra": {}, "seed": 3})
    assert flat == {"generation.sampler.gate": "quantile", "generation.tuning.ratios": [0.1, 0.5], "extra": {},
                    "seed": 3}


def test_leaves_split_numbers_and_text_at_any_depth():
    lane = {"engine": "sklearn", "threshold": 0.4, "train": {"synthetic_share": 0.2},
            "holdout_iid": {"auprc": 0.8, "auprc_ci_low": 0.7}, "tuned": True, "rounds": [{"accepted": 3}],
            "nan": math.nan}
    metrics, params = records.leaves(lane, "model_driven")
    assert metrics == {"model_driven.threshold": 0.4, "model_driven.train.synthetic_share": 0.2,
                       "model_driven.holdout_iid.auprc": 0.8, "model_driven.holdout_iid.auprc_ci_low": 0.7}
    assert params == {"model_driven.engine": "sklearn", "model_driven.tuned": "True"}
    # a per-learner level needs no change: every numeric leaf is found
    nested, _ = records.leaves({"hgb": {"holdout_iid": {"auprc": 0.9}}, "lr": {"holdout_iid": {"auprc": 0.7}}}, "smote")
    assert nested == {"smote.hgb.holdout_iid.auprc": 0.9, "smote.lr.holdout_iid.auprc": 0.7}


def test_table_metrics_key_rows_by_the_columns_the_table_has():
    table = pd.DataFrame({"lane": ["baseline", "smote"], "holdout_iid_auprc": [0.8, 0.75],
                          "holdout_iid_vs_baseline": [None, "worse"], "note": ["a", "b"],
                          "holdout_iid_diff_vs_baseline": [float("nan"), -0.05]})
    out = records.table_metrics(table, "scorecard", ["lane", "learner"])
    assert out == {"scorecard.baseline.holdout_iid_auprc": 0.8, "scorecard.smote.holdout_iid_auprc": 0.75,
                   "scorecard.smote.holdout_iid_diff_vs_baseline": -0.05}
    with_learner = table.assign(learner=["hgb", "hgb"])
    assert "scorecard.smote.hgb.holdout_iid_auprc" in records.table_metrics(with_learner, "scorecard", ["lane", "learner"])


def test_seeds_finds_every_seed_and_random_state():
    params = {"learner": {"seed": 1}, "smote": {"sampler": {"seed": 0, "kwargs": {"random_state": 5}}},
              "qa": {"projection": {"seed": 0, "perplexity": 30}}, "seedling": 9}
    assert records.seeds(params) == {"learner.seed": 1, "smote.sampler.seed": 0,
                                     "smote.sampler.kwargs.random_state": 5, "qa.projection.seed": 0}


def test_matches_and_metric_key():
    assert records.matches("baseline.metrics", ["*.metrics"]) and not records.matches("metrics_x", ["*.metrics"])
    assert records.metric_key("baseline.metrics") == "baseline"
    assert records.metric_key("model_driven.generation_choice") == "model_driven.generation_choice"


def test_safe_key_keeps_what_mlflow_accepts():
    assert records.safe_key("isolation_report.overlaps.holdout_iid~train") == "isolation_report.overlaps.holdout_iid_train"
    assert records.safe_key("a-b c:d/e.f_g") == "a-b c:d/e.f_g"
    assert len(records.safe_key("x" * 400)) == 250


def test_typed_parameters_flatten_like_their_mappings():
    from pydantic import BaseModel

    class Sampler(BaseModel):
        gate: str = "quantile"
        seed: int = 3

    assert records.flatten({"generation": Sampler(), "n": 1}) == {"generation.gate": "quantile", "generation.seed": 3,
                                                                  "n": 1}
    assert records.seeds({"generation": Sampler()}) == {"generation.seed": 3}
