"""Benchmark figures and markdown, built from the summary tables only (no computation of results).

- :func:`cd_diagram`: the critical-difference diagram per learner (scikit-posthocs), mean ranks
  with the Nemenyi critical difference; lanes joined by a bar are not significantly different;
- :func:`rank_plot`: mean rank per lane, one marker per learner, with the critical difference;
- :func:`summary_markdown`: ranks, Friedman p, wins / ties / losses and where model-driven loses;
- :func:`diagnostic_plot`: where each lane's synthetic rows sit (the diagnostic table), one box per lane.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scikit_posthocs
from matplotlib.figure import Figure

MODEL_DRIVEN_PREFIX = "model_driven"


def _message(fig: Figure, ax, text: str) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)


def cd_diagram(ranks: pd.DataFrame, posthoc: pd.DataFrame, friedman: pd.DataFrame) -> Figure:
    """One critical-difference diagram per learner (rows of ``friedman``)."""
    learners = list(friedman["learner"])
    fig = Figure(figsize=(12, 2.8 * max(1, len(learners))))
    fig.subplots_adjust(left=0.25, right=0.75, top=0.9, bottom=0.05, hspace=0.6)  # room for the lane labels
    axes = fig.subplots(max(1, len(learners)), 1, squeeze=False)[:, 0]
    for ax, (_, f) in zip(axes, friedman.iterrows(), strict=False):
        learner = f["learner"]
        r = ranks[ranks["learner"] == learner].set_index("lane")["mean_rank"]
        p = posthoc[posthoc["learner"] == learner]
        if p.empty or r.isna().any():
            _message(fig, ax, f"{learner}: not enough tables or lanes for a Friedman / Nemenyi test")
            continue
        sig = p.pivot(index="lane_a", columns="lane_b", values="p_value").reindex(index=r.index, columns=r.index)
        sig = sig.fillna(1.0)
        scikit_posthocs.critical_difference_diagram(r, sig, ax=ax, alpha=float(f["alpha"]))
        ax.set_title(f"{learner}: mean rank over {int(f['n_tables'])} tables (1 = best AUPRC); "
                     f"Friedman p = {f['p_value']:.2g}; Nemenyi CD = {f['critical_difference']:.2f}; "
                     "a bar joins lanes not significantly different", fontsize=10, pad=22)
    return fig


def rank_plot(ranks: pd.DataFrame, friedman: pd.DataFrame) -> Figure:
    """Mean rank per lane (best at the top), one marker per learner; the bar is the critical difference."""
    order = ranks.groupby("lane")["mean_rank"].mean().sort_values(ascending=False).index.tolist()
    fig = Figure(figsize=(9, 0.45 * len(order) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = {lane: i for i, lane in enumerate(order)}
    markers = ["o", "s", "^", "D", "v"]
    for k, (learner, g) in enumerate(ranks.groupby("learner", sort=True)):
        offset = (k - (ranks["learner"].nunique() - 1) / 2) * 0.15
        ax.scatter(g["mean_rank"], [y[lane] + offset for lane in g["lane"]], marker=markers[k % len(markers)],
                   label=learner, zorder=3)
        cd = friedman.loc[friedman["learner"] == learner, "critical_difference"]
        if len(cd) and np.isfinite(cd.iloc[0]):
            best = g["mean_rank"].min()
            ax.errorbar([best + cd.iloc[0] / 2], [-0.8 + offset], xerr=[[cd.iloc[0] / 2], [cd.iloc[0] / 2]],
                        capsize=3, fmt="none", color=f"C{k}")
            ax.annotate(f"CD {cd.iloc[0]:.2f} ({learner})", (best + cd.iloc[0], -0.8 + offset), xytext=(4, -3),
                        textcoords="offset points", fontsize=8, color=f"C{k}")
    ax.set_yticks(range(len(order)), order)
    ax.set_ylim(-1.3, len(order) - 0.5)
    ax.set_xlim(0.5, len(order) + 0.5)
    ax.set_xlabel("mean rank over tables (1 = highest AUPRC)\nbars: Nemenyi critical difference from each learner's best lane")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(title="learner", loc="best")
    return fig


def _fmt(x, digits: int = 3) -> str:
    return "" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join(_fmt(v) if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(lines)


def summary_markdown(tables: pd.DataFrame, ranks: pd.DataFrame, friedman: pd.DataFrame, wtl: pd.DataFrame,
                     per_table: pd.DataFrame, by_kind: pd.DataFrame, *, repeats: int, failed: str) -> str:
    """The benchmark's summary as markdown: what ran, ranks, Friedman, W/T/L, failures, losses by kind of table."""
    out = ["# Benchmark summary", ""]
    out.append(f"{len(tables)} public tables ({int(tables['n_rows'].min())} to {int(tables['n_rows'].max())} rows, "
               f"minority {tables['minority_share'].min():.2%} to {tables['minority_share'].max():.2%}), "
               f"{repeats} repeated stratified splits each; AUPRC on each split's test part. "
               + (f"{int((tables['feature_types'] != 'numeric').sum())} of them with mixed types (categorical, "
                  "boolean or missing values, as they are: SMOTENC / SMOTEN in the SMOTE lanes). "
                  if "feature_types" in tables else "")
               + f"Failed cells: {'scored as the baseline (fallback)' if failed == 'baseline' else 'dropped'}.")
    out += ["", "## Mean ranks (1 = best) and Friedman test", ""]
    pivot = ranks.pivot(index="lane", columns="learner", values="mean_rank")
    pivot = pivot.loc[pivot.mean(axis=1).sort_values().index].reset_index()
    out.append(_md_table(pivot.rename(columns=lambda c: c if c == "lane" else f"rank ({c})")))
    out.append("")
    for _, f in friedman.iterrows():
        out.append(f"- **{f['learner']}**: Friedman chi2 = {_fmt(f['statistic'], 2)}, p = {f['p_value']:.3g} "
                   f"over {int(f['n_tables'])} tables and {int(f['n_lanes'])} lanes; Nemenyi critical difference "
                   f"{_fmt(f['critical_difference'], 2)} (alpha {f['alpha']}).")
    out += ["", "## Wins / ties / losses across tables", "",
            ("A win or loss needs the 95% interval of the paired difference over repeats to exclude 0; "
            "`higher`/`lower` count the sign of the mean difference only."), ""]
    view = wtl[["learner", "lane", "reference", "wins", "ties", "losses", "higher", "lower", "mean_diff",
                "failed_tables"]]
    out.append(_md_table(view))
    failures = per_table[per_table["n_failed"] > 0]
    out += ["", "## Failed cells", ""]
    if failures.empty:
        out.append("No lane failed on any table.")
    else:
        view = failures[["table", "learner", "lane", "n_failed", "n_repeats", "error"]].copy()
        view["error"] = view["error"].str.slice(0, 160)
        out.append(_md_table(view))
    md = by_kind[by_kind["lane"].str.startswith(MODEL_DRIVEN_PREFIX)]
    out += ["", "## Model-driven lanes by kind of table", "",
            "Wins / ties / losses and mean AUPRC difference per band of minority share, of table size and of "
            "feature types (numeric tables or mixed types); the band's own rank test: mean ranks of the lane and "
            "the reference among all lanes on the band's tables and the Nemenyi p-value of the pair.", ""]
    if md.empty:
        out.append("No model-driven lane in this run.")
    else:
        cols = ["learner", "lane", "reference", "band_of", "band", "n_tables", "wins", "ties", "losses", "mean_diff",
                "lane_mean_rank", "reference_mean_rank", "nemenyi_p"]
        out.append(_md_table(md[[c for c in cols if c in md.columns]]))
        worse = md[md["significantly_worse"]] if "significantly_worse" in md else md.iloc[:0]
        out += ["", "Significantly worse than a reference in a band (Nemenyi, alpha as above): "
                + ("none." if worse.empty else "; ".join(
                    f"{r.lane} vs {r.reference} ({r.learner}, {r.band_of} {r.band}: ranks {r.lane_mean_rank:.2f} vs "
                    f"{r.reference_mean_rank:.2f}, p = {r.nemenyi_p:.3g})" for r in worse.itertuples()) + ".")]
        losses = per_table[per_table["lane"].str.startswith(MODEL_DRIVEN_PREFIX)
                           & ((per_table.get("verdict_vs_baseline") == "loss")
                              | (per_table.get("verdict_vs_smote") == "loss"))]
        out += ["", "### Tables where a model-driven lane loses (interval below 0)", ""]
        if losses.empty:
            out.append("None.")
        else:
            cols = ["table", "n_rows", "n_features", "feature_types", "minority_share", "learner", "lane", "diff_vs_baseline",
                    "verdict_vs_baseline", "diff_vs_smote", "verdict_vs_smote"]
            out.append(_md_table(losses[[c for c in cols if c in losses.columns]]))
    return "\n".join(out) + "\n"


#: The panels of :func:`diagnostic_plot`: column of the diagnostic table, title, reference line (None: none).
DIAGNOSTIC_PANELS = (
    ("synthetic_per_minority", "synthetic rows per real minority row (amount)", None),
    ("acceptance_rate", "acceptance rate (model-driven: accepted / proposed)", None),
    ("d_minority_relative", "nearest real minority row, median distance\n(x real minority's own nearest-minority distance)",
     1.0),
    ("closer_to_majority_share", "share nearer a real majority row than a minority row\n"
     "(line: the same for real minority rows, mean over tables)", "real_closer_to_majority_share"),
    ("near_copy_share", "share of near-copies of a real row", None),
    ("oracle_percentile_median", "oracle score: median percentile among real minority rows' scores\n(50: a typical real minority row)",
     50.0),
)


def diagnostic_plot(table: pd.DataFrame) -> Figure:
    """Where each lane's synthetic rows sit: one box per lane over the tables of the diagnostic table
    (``benchmark_diagnostic_table``: the mean over repeats per table and lane), one panel per measure."""
    fig = Figure(figsize=(17, 9), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    ok = table[table["n_repeats"] > 0] if "n_repeats" in table.columns else table
    if "learner" in ok.columns:  # a lane that chooses per learner: one box per lane and learner
        served = ok["learner"].fillna("").astype(str)
        ok = ok.assign(lane=ok["lane"].where(served == "", ok["lane"] + " / " + served))
    lanes = sorted(ok["lane"].unique()) if len(ok) else []
    for ax, (column, title, reference) in zip(axes, DIAGNOSTIC_PANELS, strict=True):
        data = [ok.loc[ok["lane"] == lane, column].dropna().to_numpy() for lane in lanes]
        shown = [(lane, d) for lane, d in zip(lanes, data, strict=True) if len(d)]
        if not shown:
            _message(fig, ax, f"{column}: no values (no lane with synthetic rows, or not a gated lane)")
            continue
        ax.boxplot([d for _, d in shown], vert=False, widths=0.6)
        ax.set_yticks(range(1, len(shown) + 1), [lane for lane, _ in shown], fontsize=8)
        if isinstance(reference, str):
            value = ok[reference].mean()
            if np.isfinite(value):
                ax.axvline(value, color="C3", linestyle="--", linewidth=1)
        elif reference is not None:
            ax.axvline(reference, color="C3", linestyle="--", linewidth=1)
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    n_tables = ok["table"].nunique() if len(ok) else 0
    fig.suptitle(f"Where the synthetic rows sit: one box per lane over {n_tables} tables (each the mean over "
                 "repeats; distances in standardised feature units)", fontsize=11)
    return fig
