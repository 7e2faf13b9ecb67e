"""The verdict views of the ``scorecard`` table: AUPRC matrices, paired differences, wins/ties/losses.

Builders over the table written by the scorecard pipeline (one row per lane, or per lane
and learner once the table has a ``learner`` column); nothing here recomputes a number,
it only reshapes and draws what the table holds. The dashboard's *Verdict* page shows them.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from synthetic_intelligence.core.experiment.scorecard import BETTER, TIE, WORSE
from synthetic_intelligence.core.schema import HOLDOUTS
from synthetic_intelligence.reporting.scorecard import (
    HOLDOUT_LABELS,
    _interval,
    _isnan,
    _refs_in,
    _repeat_diff_cell,
    repeats_references,
)

__all__ = ["LEARNER", "VERDICT_COLOURS", "holdouts_of", "auprc_matrix", "difference_table", "verdict_counts",
           "difference_figure", "repeats_holdouts", "repeats_table"]

#: Optional scorecard column: one row per lane x learner when present.
LEARNER = "learner"
VERDICT_COLOURS = {BETTER: "#2ca02c", WORSE: "#d62728", TIE: "#7f7f7f"}


def by_learner(table: pd.DataFrame) -> bool:
    """Whether the table has a learner dimension to show: a ``learner`` column with two or more learners
    (a scorecard of one learner reads best as lanes x holdouts)."""
    return LEARNER in table.columns and table[LEARNER].nunique(dropna=False) > 1


def holdouts_of(card: pd.DataFrame) -> list[str]:
    """The holdouts the scorecard has AUPRC columns for, in the project's order."""
    return [h for h in HOLDOUTS if f"{h}_auprc" in card.columns]


def _cell(row: pd.Series, holdout: str) -> str:
    return _interval(row[f"{holdout}_auprc"], row[f"{holdout}_auprc_ci_low"], row[f"{holdout}_auprc_ci_high"])


def auprc_matrix(card: pd.DataFrame, holdout: str | None = None) -> pd.DataFrame:
    """AUPRC with its interval, as text cells: lanes x holdouts, or lanes x learners on ``holdout``.

    Without a ``learner`` column the rows are lanes and the columns holdouts (``holdout`` is
    ignored). With one, ``holdout`` (default: the first) is chosen and the columns are learners.
    """
    holdouts = holdouts_of(card)
    if not by_learner(card):
        out = pd.DataFrame({HOLDOUT_LABELS.get(h, h): [_cell(r, h) for _, r in card.iterrows()] for h in holdouts},
                           index=pd.Index(card["lane"].astype(str), name="lane"))
        return out
    h = holdout or (holdouts[0] if holdouts else None)
    if h not in holdouts:
        raise KeyError(f"holdout {h!r} is not in the scorecard; it has {holdouts}")
    cells = card.assign(_cell=[_cell(r, h) for _, r in card.iterrows()])
    lanes = list(pd.unique(card["lane"].astype(str)))
    learners = list(pd.unique(card[LEARNER].astype(str)))
    out = cells.assign(lane=cells["lane"].astype(str), **{LEARNER: cells[LEARNER].astype(str)}).pivot(
        index="lane", columns=LEARNER, values="_cell")
    return out.reindex(index=lanes, columns=learners).fillna("—")


def difference_table(card: pd.DataFrame) -> pd.DataFrame:
    """Every paired AUPRC difference of the scorecard as one long table.

    Columns: ``lane``, (``learner``,) ``holdout``, ``reference``, ``diff``, ``ci_low``,
    ``ci_high``, ``verdict``. A lane is not compared with itself, and a reference lane only with the
    references listed before it (baseline vs smote is not repeated as smote's mirror image), as in
    :func:`~synthetic_intelligence.reporting.scorecard.verdict_sentences`.
    """
    rows = []
    for _, row in card.iterrows():
        for h in holdouts_of(card):
            refs = _refs_in(card, h)
            if row["lane"] in refs:  # a reference only against the references before it (no mirrored pairs)
                refs = refs[: refs.index(row["lane"])]
            for ref in refs:
                key = f"{h}_diff_vs_{ref}"
                if _isnan(row.get(key)):
                    continue
                rows.append({
                    "lane": row["lane"], **({LEARNER: row[LEARNER]} if LEARNER in card.columns else {}),
                    "holdout": h, "reference": ref, "diff": float(row[key]), "ci_low": float(row[f"{key}_ci_low"]),
                    "ci_high": float(row[f"{key}_ci_high"]), "verdict": row.get(f"{h}_vs_{ref}"),
                })
    columns = ["lane", *([LEARNER] if LEARNER in card.columns else []), "holdout", "reference", "diff", "ci_low",
               "ci_high", "verdict"]
    return pd.DataFrame(rows, columns=columns)


def verdict_counts(diffs: pd.DataFrame) -> pd.DataFrame:
    """Wins, ties and losses per lane (and learner) from :func:`difference_table`."""
    keys = ["lane", *([LEARNER] if by_learner(diffs) else [])]
    if diffs.empty:
        return pd.DataFrame(columns=[*keys, "wins", "ties", "losses"])
    counts = diffs.assign(
        wins=diffs["verdict"].eq(BETTER).astype(int), ties=diffs["verdict"].eq(TIE).astype(int),
        losses=diffs["verdict"].eq(WORSE).astype(int),
    )
    return counts.groupby(keys, sort=False)[["wins", "ties", "losses"]].sum().reset_index()


def difference_figure(diffs: pd.DataFrame, title: str = "Paired AUPRC differences (95% interval)") -> go.Figure:
    """A forest plot of :func:`difference_table`: one panel per holdout, one bar per lane vs reference,
    coloured by its verdict; the vertical line is no difference."""
    holdouts = [h for h in HOLDOUTS if h in set(diffs["holdout"])] + [
        h for h in pd.unique(diffs["holdout"]) if h not in HOLDOUTS]
    fig = make_subplots(rows=1, cols=max(1, len(holdouts)), shared_yaxes=True,
                        subplot_titles=[HOLDOUT_LABELS.get(h, h) for h in holdouts] or [""])
    shown: set = set()
    for col, h in enumerate(holdouts, start=1):
        part = diffs[diffs["holdout"] == h]
        for _, r in part.iterrows():
            label = f"{r['lane']} vs {r['reference']}"
            if LEARNER in diffs.columns:
                label = f"{label} ({r[LEARNER]})"
            verdict = r["verdict"] if r["verdict"] in VERDICT_COLOURS else TIE
            fig.add_trace(go.Scatter(
                x=[r["diff"]], y=[label], mode="markers", name=verdict, legendgroup=verdict,
                showlegend=verdict not in shown, marker={"color": VERDICT_COLOURS[verdict], "size": 10},
                error_x={"type": "data", "symmetric": False, "array": [r["ci_high"] - r["diff"]],
                         "arrayminus": [r["diff"] - r["ci_low"]]},
                hovertemplate=(f"{label}<br>{HOLDOUT_LABELS.get(h, h)}<br>ΔAUPRC %{{x:+.3f}} "
                               f"[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]<br>{verdict}<extra></extra>"),
            ), row=1, col=col)
            shown.add(verdict)
        fig.add_vline(x=0, line_dash="dash", line_color="grey", row=1, col=col)
        fig.update_xaxes(title_text="ΔAUPRC", row=1, col=col)
    fig.update_layout(title=title, template="plotly_white", height=140 + 45 * max(1, len(diffs) // max(1, len(
        holdouts))), legend_title_text="verdict", margin={"l": 10, "r": 10})
    return fig


def repeats_holdouts(summary: pd.DataFrame) -> list[str]:
    """The holdouts a ``repeats_summary`` table has rows for, in the project's order."""
    return [h for h in HOLDOUTS if h in set(summary["holdout"])]


def repeats_table(summary: pd.DataFrame, holdout: str | None = None) -> pd.DataFrame:
    """The ``repeats_summary`` table as text cells, one row per lane x learner on ``holdout`` (default: the
    first): repeats ok, mean AUPRC [t-interval over repeats], and per reference the pooled paired
    difference [interval] (verdict); wins/ties/losses over repeats."""
    present = repeats_holdouts(summary)
    h = holdout or (present[0] if present else None)
    rows = summary[summary["holdout"] == h]
    refs = repeats_references(summary)
    out = pd.DataFrame({
        "lane": rows["lane"].astype(str).to_numpy(),
        LEARNER: rows[LEARNER].astype(str).to_numpy(),
        "repeats ok": [f"{int(r['n_ok'])} of {int(r['n_repeats'])}" for _, r in rows.iterrows()],
        "AUPRC mean [lo, hi]": [_interval(r["auprc_mean"], r["auprc_ci_low"], r["auprc_ci_high"])
                                for _, r in rows.iterrows()],
        **{f"Δ vs {ref} (W/T/L)": [_repeat_diff_cell(r, ref) for _, r in rows.iterrows()] for ref in refs},
    })
    return out
