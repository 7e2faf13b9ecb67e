"""core.benchmark.stats on hand-made results whose ranks, verdicts and Friedman statistic are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from synthetic_intelligence.core.benchmark import stats as bs

# lane -> AUPRC offset over baseline; the order md > smote > other > baseline holds on every split
OFFSETS = {"baseline": 0.0, "other": 0.02, "smote": 0.05, "model_driven_x": 0.10}


def _results(n_tables=6, repeats=3, fail=None) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for t in range(n_tables):
        for r in range(repeats):
            base = 0.3 + 0.05 * t + 0.01 * r
            for lane, offset in OFFSETS.items():
                failed = fail is not None and (f"t{t}", r, lane) == fail
                rows.append({"table": f"t{t}", "repeat": r, "learner": "lr", "lane": lane,
                             "status": "failed" if failed else "ok", "error": "GenerationError: none" if failed else "",
                             "auprc": np.nan if failed else base + offset + rng.uniform(0, 0.001),
                             "n_rows": 500 * (t + 1), "n_features": 5, "n_minority": 30,
                             "minority_share": [0.01, 0.03, 0.07, 0.15, 0.04, 0.08][t % 6], "synthetic_share": 0.2})
    return pd.DataFrame(rows)


def test_ranks_friedman_and_critical_difference_match_hand_computation():
    out = bs.summarise(_results())
    ranks = out["ranks"].set_index("lane")["mean_rank"]
    assert ranks.to_dict() == {"model_driven_x": 1.0, "smote": 2.0, "other": 3.0, "baseline": 4.0}
    f = out["friedman"].iloc[0]
    # chi2_F = 12N/(k(k+1)) sum R^2 - 3N(k+1) with N=6, k=4 and ranks 1..4
    assert f["statistic"] == pytest.approx(18.0)
    assert f["p_value"] == pytest.approx(stats.chi2.sf(18.0, 3))
    # Demsar (2006): q_0.05 = 2.569 for k = 4
    assert f["critical_difference"] == pytest.approx(2.569 * np.sqrt(4 * 5 / (6 * 6)), abs=1e-3)
    post = out["posthoc"]
    p_extreme = post[(post["lane_a"] == "model_driven_x") & (post["lane_b"] == "baseline")]["p_value"].item()
    p_close = post[(post["lane_a"] == "model_driven_x") & (post["lane_b"] == "smote")]["p_value"].item()
    assert p_extreme < 0.05 < p_close


def test_per_table_intervals_and_verdicts():
    table_stats = bs.per_table(bs.effective_scores(_results()))
    md = table_stats[(table_stats["lane"] == "model_driven_x")].iloc[0]
    assert md["diff_vs_baseline"] == pytest.approx(0.10, abs=0.002)
    assert md["diff_vs_baseline_ci_low"] > 0 and md["verdict_vs_baseline"] == "win"
    assert md["verdict_vs_smote"] == "win"
    base = table_stats[(table_stats["lane"] == "baseline")].iloc[0]
    assert base["verdict_vs_baseline"] == "self" and base["verdict_vs_smote"] == "loss"
    assert base["auprc_ci_low"] < base["auprc_mean"] < base["auprc_ci_high"]
    wtl = bs.wins_ties_losses(table_stats).set_index(["lane", "reference"])
    assert wtl.loc[("model_driven_x", "baseline"), ["wins", "ties", "losses"]].tolist() == [6, 0, 0]
    assert wtl.loc[("baseline", "smote"), ["wins", "ties", "losses"]].tolist() == [0, 0, 6]


def test_failed_cell_falls_back_to_baseline_and_is_counted():
    results = _results(fail=("t0", 1, "model_driven_x"))
    scored = bs.effective_scores(results, "baseline")
    cell = scored[(scored["table"] == "t0") & (scored["repeat"] == 1)].set_index("lane")
    assert cell.loc["model_driven_x", "fallback"]
    assert cell.loc["model_driven_x", "score"] == cell.loc["baseline", "score"]
    out = bs.summarise(results)
    row = out["per_table"].set_index(["table", "lane"]).loc[("t0", "model_driven_x")]
    assert row["n_failed"] == 1 and "GenerationError" in row["error"]
    wtl = out["wins_ties_losses"].set_index(["lane", "reference"])
    assert wtl.loc[("model_driven_x", "baseline"), "failed_tables"] == 1
    assert out["friedman"].iloc[0]["n_tables"] == 6


def test_drop_policy_removes_the_table_from_ranks():
    out = bs.summarise(_results(fail=("t0", 1, "model_driven_x")), failed="drop")
    # the table still has the other repeats: only a lane with no score at all drops a table
    assert out["friedman"].iloc[0]["n_tables"] == 6
    results = _results()
    results.loc[(results["table"] == "t0") & (results["lane"] == "smote"), ["status", "auprc"]] = ["failed", np.nan]
    out = bs.summarise(results, failed="drop")
    assert out["friedman"].iloc[0]["n_tables"] == 5
    assert (out["ranks"]["n_tables"] == 5).all()


def test_by_table_kind_bands():
    kinds = bs.by_table_kind(bs.per_table(bs.effective_scores(_results())))
    md = kinds[(kinds["lane"] == "model_driven_x") & (kinds["reference"] == "baseline")]
    minority = md[md["band_of"] == "minority_band"].set_index("band")["n_tables"].to_dict()
    assert minority == {"minority <= 2%": 1, "2-5%": 2, "5-10%": 2, "10-20%": 1}
    assert md[md["band_of"] == "rows_band"]["n_tables"].sum() == 6


def test_by_table_kind_ranks_each_band_with_friedman_and_nemenyi():
    scored = bs.effective_scores(_results())
    kinds = bs.by_table_kind(bs.per_table(scored))
    # every table is numeric: that band's test is the whole benchmark's (ranks 1..4, Nemenyi as in rank_tests)
    whole = kinds[kinds["band_of"] == "feature_types"]
    _, friedman, posthoc = bs.rank_tests(scored)
    row = whole[(whole["lane"] == "baseline") & (whole["reference"] == "smote")].iloc[0]
    assert (row["lane_mean_rank"], row["reference_mean_rank"], row["n_tables_ranked"]) == (4.0, 2.0, 6)
    assert row["friedman_p"] == pytest.approx(friedman.iloc[0]["p_value"])
    pair = posthoc[(posthoc["lane_a"] == "baseline") & (posthoc["lane_b"] == "smote")].iloc[0]
    assert row["nemenyi_p"] == pytest.approx(pair["p_value"])
    # rank difference 2 > Nemenyi CD 1.91 (k = 4, N = 6): baseline is significantly worse than smote ...
    assert bool(row["significantly_worse"]) and row["nemenyi_p"] < 0.05
    # ... model_driven_x (rank 1) never is, and a band of one table has no test
    md = kinds[kinds["lane"] == "model_driven_x"]
    assert not md["significantly_worse"].any()
    single = kinds[(kinds["band_of"] == "rows_band") & (kinds["band"] == "rows < 1,000")]
    assert single["friedman_p"].isna().all() and (single["n_tables_ranked"] == 1).all()
    # bands keep their natural order
    assert list(dict.fromkeys(kinds.loc[kinds["band_of"] == "rows_band", "band"])) == [
        "rows < 1,000", "1,000-3,000", "3,000-10,000"]


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="benchmark.summary.failed"):
        bs.summarise(_results(), failed="ignore")
    with pytest.raises(ValueError, match="references.*'smote_x'"):
        bs.summarise(_results(), references=("baseline", "smote_x"))
    with pytest.raises(ValueError, match="lack column"):
        bs.summarise(_results().drop(columns=["status"]))
