"""Benchmark statistics: per-table intervals over repeats, wins / ties / losses, ranks, Friedman, Nemenyi.

Input is the long result table of :func:`synthetic_intelligence.core.benchmark.run.run_benchmark`
(one row per table x repeat x lane x learner). A failed cell (the lane could not build its
training set) is handled by ``failed``:

- ``"baseline"``: it is scored as the baseline of the same repeat and learner (what a user
  falls back to), flagged in ``n_failed`` / ``failed_tables``;
- ``"drop"``: it stays missing; ranks and the Friedman test then use only the tables where
  every lane has a score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from synthetic_intelligence.core.experiment.scorecard import t_interval
from synthetic_intelligence.core.schema import BASELINE

FAILED_POLICIES = ("baseline", "drop")
#: ``feature_types`` of a table whose results lack the column (a run before the mixed-type tables).
NUMERIC_TABLE = "numeric"
KEYS = ["table", "learner", "lane"]
TABLE_INFO = ["n_rows", "n_features", "n_minority", "minority_share"]
#: Bands of the "kind of table" breakdown: minority share and rows.
MINORITY_BANDS = (0.0, 0.02, 0.05, 0.10, 0.20, 1.0)
MINORITY_LABELS = ("minority <= 2%", "2-5%", "5-10%", "10-20%", "> 20%")
ROW_BANDS = (0, 1000, 3000, 10000, np.inf)
ROW_LABELS = ("rows < 1,000", "1,000-3,000", "3,000-10,000", ">= 10,000")
#: The breakdowns of the "kind of table" output, in order.
KIND_BANDS = ("minority_band", "rows_band", "feature_types")


def _check(results: pd.DataFrame, failed: str) -> None:
    if failed not in FAILED_POLICIES:
        raise ValueError(f"benchmark.summary.failed must be one of {FAILED_POLICIES}, got {failed!r}")
    missing = sorted({*KEYS, "repeat", "status", "auprc", "error", *TABLE_INFO} - set(results.columns))
    if missing:
        raise ValueError(f"benchmark results lack column(s) {missing}")
    if results.empty:
        raise ValueError("benchmark results are empty")


def effective_scores(results: pd.DataFrame, failed: str = "baseline") -> pd.DataFrame:
    """``results`` plus ``score`` (AUPRC used by every statistic) and ``fallback`` (a failed cell filled)."""
    _check(results, failed)
    out = results.copy()
    out["score"] = out["auprc"].where(out["status"] == "ok")
    out["fallback"] = False
    if failed == "baseline":
        base = out[out["lane"] == BASELINE].set_index(["table", "repeat", "learner"])["score"]
        idx = pd.MultiIndex.from_frame(out[["table", "repeat", "learner"]])
        filler = pd.Series(base.reindex(idx).to_numpy(), index=out.index)
        fill = out["score"].isna() & filler.notna()
        out.loc[fill, "score"] = filler[fill]
        out.loc[fill, "fallback"] = True
    return out


def _interval(values: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """Mean and Student-t interval over repeats (NaN interval for fewer than two values)."""
    return t_interval(values, alpha)


def _verdict(low: float, high: float) -> str:
    if not np.isfinite(low):
        return "n/a"
    return "win" if low > 0 else "loss" if high < 0 else "tie"


def per_table(scored: pd.DataFrame, references=(BASELINE, "smote"), alpha: float = 0.05) -> pd.DataFrame:
    """One row per table x learner x lane: AUPRC over repeats and paired differences vs each reference."""
    rows = []
    for (table, learner, lane), g in scored.groupby(KEYS, sort=True):
        mean, low, high = _interval(g["score"].to_numpy(float), alpha)
        errors = sorted({e for e in g.loc[g["status"] != "ok", "error"].astype(str) if e})
        row = {"table": table, "learner": learner, "lane": lane, **g.iloc[0][TABLE_INFO].to_dict(),
               "feature_types": g.iloc[0]["feature_types"] if "feature_types" in g.columns else NUMERIC_TABLE,
               "n_repeats": len(g), "n_failed": int((g["status"] != "ok").sum()),
               "error": errors[0] if errors else "", "auprc_mean": mean, "auprc_ci_low": low, "auprc_ci_high": high,
               "auprc_sd": float(g["score"].std(ddof=1)) if g["score"].notna().sum() > 1 else np.nan}
        if "synthetic_share" in g:
            row["synthetic_share"] = float(g["synthetic_share"].mean())
        for ref in references:
            ref_g = scored[(scored["table"] == table) & (scored["learner"] == learner) & (scored["lane"] == ref)]
            pair = g.merge(ref_g[["repeat", "score"]], on="repeat", suffixes=("", "_ref"))
            diff = (pair["score"] - pair["score_ref"]).to_numpy(float)
            d_mean, d_low, d_high = _interval(diff, alpha)
            row.update({f"diff_vs_{ref}": d_mean, f"diff_vs_{ref}_ci_low": d_low, f"diff_vs_{ref}_ci_high": d_high,
                        f"verdict_vs_{ref}": "self" if lane == ref else _verdict(d_low, d_high)})
        rows.append(row)
    return pd.DataFrame(rows)


def wins_ties_losses(table_stats: pd.DataFrame, references=(BASELINE, "smote")) -> pd.DataFrame:
    """Across tables, per learner x lane x reference: wins / ties / losses (interval-based) and signs."""
    rows = []
    for (learner, lane), g in table_stats.groupby(["learner", "lane"], sort=True):
        for ref in references:
            if lane == ref:
                continue
            verdict, diff = g[f"verdict_vs_{ref}"], g[f"diff_vs_{ref}"]
            rows.append({"learner": learner, "lane": lane, "reference": ref, "wins": int((verdict == "win").sum()),
                         "ties": int((verdict == "tie").sum()), "losses": int((verdict == "loss").sum()),
                         "higher": int((diff > 0).sum()), "lower": int((diff < 0).sum()),
                         "mean_diff": float(diff.mean()), "median_diff": float(diff.median()),
                         "n_tables": int(diff.notna().sum()), "failed_tables": int((g["n_failed"] > 0).sum())})
    return pd.DataFrame(rows)


def score_matrix(scored: pd.DataFrame, learner: str) -> pd.DataFrame:
    """Tables x lanes mean AUPRC for ``learner``; tables with a missing lane are dropped."""
    sub = scored[scored["learner"] == learner]
    if sub.empty:
        raise ValueError(f"no benchmark results for learner {learner!r}")
    matrix = sub.groupby(["table", "lane"])["score"].mean().unstack("lane")
    return matrix.dropna(axis=0, how="any")


def mean_ranks(matrix: pd.DataFrame) -> pd.Series:
    """Mean rank per lane (1 = highest AUPRC; ties share the average rank)."""
    ranks = matrix.rank(axis=1, ascending=False, method="average")
    return ranks.mean(axis=0).sort_values()


def critical_difference(n_lanes: int, n_tables: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of mean ranks (Demsar 2006)."""
    q = stats.studentized_range.ppf(1 - alpha, n_lanes, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(n_lanes * (n_lanes + 1) / (6.0 * n_tables)))


def rank_tests(scored: pd.DataFrame, alpha: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per learner: mean ranks, Friedman test, Nemenyi post-hoc p-values.

    Returns ``(ranks, friedman, posthoc)``: ``ranks`` one row per learner x lane (mean rank,
    mean AUPRC, tables used); ``friedman`` one row per learner (statistic, p-value, lanes,
    tables, critical difference); ``posthoc`` one row per learner x pair of lanes (Nemenyi p).
    """
    rank_rows, friedman_rows, posthoc_rows = [], [], []
    for learner in sorted(scored["learner"].unique()):
        matrix = score_matrix(scored, learner)
        n_tables, n_lanes = matrix.shape
        ranks = mean_ranks(matrix) if n_tables else pd.Series(np.nan, index=matrix.columns)
        for lane, rank in ranks.items():
            rank_rows.append({"learner": learner, "lane": lane, "mean_rank": float(rank),
                              "mean_auprc": float(matrix[lane].mean()), "n_tables": n_tables})
        row = {"learner": learner, "n_tables": n_tables, "n_lanes": n_lanes, "alpha": alpha,
               "statistic": np.nan, "p_value": np.nan, "critical_difference": np.nan}
        if n_tables >= 2 and n_lanes >= 3:
            result = stats.friedmanchisquare(*[matrix[c].to_numpy() for c in matrix.columns])
            row.update(statistic=float(result.statistic), p_value=float(result.pvalue),
                       critical_difference=critical_difference(n_lanes, n_tables, alpha))
            import scikit_posthocs  # imports matplotlib: loaded only where the post-hoc test runs

            pvals = scikit_posthocs.posthoc_nemenyi_friedman(matrix.reset_index(drop=True))
            for a in pvals.index:
                for b in pvals.columns:
                    if a != b:
                        posthoc_rows.append({"learner": learner, "lane_a": a, "lane_b": b,
                                             "p_value": float(pvals.loc[a, b])})
        friedman_rows.append(row)
    posthoc = pd.DataFrame(posthoc_rows, columns=["learner", "lane_a", "lane_b", "p_value"])
    return pd.DataFrame(rank_rows), pd.DataFrame(friedman_rows), posthoc


def _band_rank_tests(table_stats: pd.DataFrame, alpha: float) -> dict:
    """Per learner x band: mean rank of every lane, Friedman p and Nemenyi p-values on that band's tables.

    The matrix is the band's tables x lanes of mean AUPRC over repeats (tables with a missing lane
    dropped), exactly as :func:`rank_tests` does for all tables."""
    out = {}
    for (learner, by, band), g in table_stats.groupby(["learner", "band_of", "band"], sort=True, observed=True):
        matrix = g.pivot_table(index="table", columns="lane", values="auprc_mean").dropna(axis=0, how="any")
        n_tables, n_lanes = matrix.shape
        ranks = mean_ranks(matrix) if n_tables else pd.Series(np.nan, index=matrix.columns)
        friedman_p, pvals = np.nan, None
        if n_tables >= 2 and n_lanes >= 3:
            friedman_p = float(stats.friedmanchisquare(*[matrix[c].to_numpy() for c in matrix.columns]).pvalue)
            import scikit_posthocs  # imports matplotlib: loaded only where the post-hoc test runs

            pvals = scikit_posthocs.posthoc_nemenyi_friedman(matrix.reset_index(drop=True))
        out[(learner, by, band)] = (ranks, friedman_p, pvals, n_tables)
    return out


def by_table_kind(table_stats: pd.DataFrame, references=(BASELINE, "smote"), alpha: float = 0.05) -> pd.DataFrame:
    """Per band of minority share, of table size and per kind of features (``feature_types``: numeric
    tables or mixed types, categorical / boolean / missing values): wins / ties / losses and mean
    difference against each reference, and the band's own rank test: the lane's and the reference's
    mean rank among all lanes on the band's tables, the band's Friedman p-value and the Nemenyi
    p-value of the pair (``significantly_worse``: the lane ranks below the reference and Nemenyi's
    p < ``alpha``)."""
    df = table_stats.copy()
    df["minority_band"] = pd.cut(df["minority_share"], MINORITY_BANDS, labels=MINORITY_LABELS, right=True)
    df["rows_band"] = pd.cut(df["n_rows"], ROW_BANDS, labels=ROW_LABELS, right=False)
    if "feature_types" not in df:  # results of a run before the mixed-type tables: every table numeric
        df["feature_types"] = NUMERIC_TABLE
    long = pd.concat([df.assign(band_of=by, band=df[by].astype(str)) for by in KIND_BANDS], ignore_index=True)
    long = long[long["band"] != "nan"]
    position = {label: i for i, label in enumerate((*MINORITY_LABELS, *ROW_LABELS))}
    long = long.assign(_band=long["band"].map(position).fillna(len(position)),
                       _of=long["band_of"].map({by: i for i, by in enumerate(KIND_BANDS)}))
    long = long.sort_values(["_of", "_band", "band", "learner", "lane"], kind="stable")
    tests = _band_rank_tests(long, alpha)
    rows = []
    for (learner, lane, by, band), g in long.groupby(["learner", "lane", "band_of", "band"], sort=False):
        ranks, friedman_p, pvals, n_ranked = tests[(learner, by, band)]
        for ref in references:
            if lane == ref:
                continue
            verdict = g[f"verdict_vs_{ref}"]
            lane_rank, ref_rank = float(ranks.get(lane, np.nan)), float(ranks.get(ref, np.nan))
            nemenyi_p = (float(pvals.loc[lane, ref]) if pvals is not None and lane in pvals.index
                         and ref in pvals.columns else np.nan)
            rows.append({"learner": learner, "lane": lane, "reference": ref, "band_of": by, "band": band,
                         "n_tables": len(g), "wins": int((verdict == "win").sum()),
                         "ties": int((verdict == "tie").sum()), "losses": int((verdict == "loss").sum()),
                         "mean_diff": float(g[f"diff_vs_{ref}"].mean()), "lane_mean_rank": lane_rank,
                         "reference_mean_rank": ref_rank, "n_tables_ranked": n_ranked, "friedman_p": friedman_p,
                         "nemenyi_p": nemenyi_p,
                         "significantly_worse": bool(lane_rank > ref_rank and nemenyi_p < alpha)})
    return pd.DataFrame(rows)


def summarise(results: pd.DataFrame, *, references=(BASELINE, "smote"), alpha: float = 0.05,
              failed: str = "baseline") -> dict[str, pd.DataFrame]:
    """Every summary table of a benchmark run, by name."""
    scored = effective_scores(results, failed)
    lanes = set(scored["lane"])
    missing = [r for r in references if r not in lanes]
    if missing:
        raise ValueError(f"benchmark.summary.references {missing} are not lanes of the results ({sorted(lanes)})")
    table_stats = per_table(scored, references, alpha)
    ranks, friedman, posthoc = rank_tests(scored, alpha)
    return {"per_table": table_stats, "wins_ties_losses": wins_ties_losses(table_stats, references),
            "ranks": ranks, "friedman": friedman, "posthoc": posthoc,
            "by_table_kind": by_table_kind(table_stats, references, alpha)}
