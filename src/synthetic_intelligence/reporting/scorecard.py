"""The scorecard as Markdown, and the precision-recall curves, from the scorecard pipeline's tables.

* :func:`scorecard_markdown` - the ``scorecard`` table (one row per lane) as Markdown tables
  per holdout, a training table and plain-language verdicts;
* :func:`scorecard_report` - the same plus how to read it (bootstrap settings, threshold sets);
* :func:`pr_curve_figure` - the ``pr_curve_points`` table as one axis per holdout, one line per lane.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from synthetic_intelligence.core.schema import HOLDOUTS
from synthetic_intelligence.core.scorecard import BETTER, THRESHOLD_METRICS, TIE, WORSE
from synthetic_intelligence.reporting.common import message_figure

__all__ = ["HOLDOUT_LABELS", "scorecard_markdown", "scorecard_notes", "scorecard_report", "pr_curve_figure",
           "verdict_lines"]

HOLDOUT_LABELS = {
    "holdout_iid": "IID holdout",
    "holdout_new_world": "New-world holdout",
}


def _label(holdout: str) -> str:
    return HOLDOUT_LABELS.get(holdout, holdout)


# ---------------------------------------------------------------- markdown --

def _isnan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _f(v, digits: int = 3, signed: bool = False) -> str:
    if _isnan(v):
        return "—"
    return f"{v:+.{digits}f}" if signed else f"{v:.{digits}f}"


def _interval(point, lo, hi, signed: bool = False) -> str:
    if _isnan(point):
        return "—"
    return f"{_f(point, signed=signed)} [{_f(lo, signed=signed)}, {_f(hi, signed=signed)}]"


def _pipe_table(header: list[str], rows: list[list[str]]) -> str:
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header))] + [line(r) for r in rows])


def _refs_in(df: pd.DataFrame, holdout: str) -> list[str]:
    prefix = f"{holdout}_diff_vs_"
    return [
        c[len(prefix):] for c in df.columns
        if c.startswith(prefix) and not c.endswith(("_ci_low", "_ci_high"))
    ]


def _lane_sentence(row: pd.Series, holdouts: list[str], refs_by_h: dict) -> str | None:
    """Plain-language wins/losses/ties of one lane. A reference lane is only
    compared with references listed before it (avoids mirrored sentences)."""
    lane = row["lane"]
    parts, tally = [], {BETTER: 0, WORSE: 0, TIE: 0}
    for h in holdouts:
        refs = refs_by_h[h]
        if lane in refs:
            refs = refs[: refs.index(lane)]
        bits = []
        for r in refs:
            verdict = row.get(f"{h}_vs_{r}")
            if _isnan(verdict):
                continue
            ci = _interval(row[f"{h}_diff_vs_{r}"], row[f"{h}_diff_vs_{r}_ci_low"],
                           row[f"{h}_diff_vs_{r}_ci_high"], signed=True)
            tally[verdict] = tally.get(verdict, 0) + 1
            if verdict == TIE:
                bits.append(f"no clear difference vs {r} (ΔAUPRC {ci})")
            else:
                bits.append(f"{verdict} than {r} (ΔAUPRC {ci})")
        if bits:
            parts.append(f"{_label(h)}: " + ", ".join(bits))
    if not parts:
        return None
    n = sum(tally.values())
    summary = (f"wins {tally[BETTER]}, loses {tally[WORSE]}, "
               f"ties {tally[TIE]} of {n} comparison{'s' if n != 1 else ''}")
    return f"- **{lane}** ({summary}) — " + "; ".join(parts) + "."


def scorecard_markdown(df: pd.DataFrame, title: str = "Scorecard") -> str:
    """Render a scorecard DataFrame (from :func:`build_scorecard`) as Markdown."""
    holdouts = [h for h in HOLDOUTS if f"{h}_auprc" in df.columns]
    refs_by_h = {h: _refs_in(df, h) for h in holdouts}
    out = [f"# {title}", ""]

    for h in holdouts:
        refs = refs_by_h[h]
        header = ["Lane", "AUPRC [lo, hi]"] + [f"Δ vs {r} [lo, hi]" for r in refs]
        header += ["ROC AUC", "Precision", "Recall", "F1"]
        rows = []
        for _, row in df.iterrows():
            cells = [row["lane"], _interval(row[f"{h}_auprc"], row[f"{h}_auprc_ci_low"],
                                            row[f"{h}_auprc_ci_high"])]
            for r in refs:
                key = f"{h}_diff_vs_{r}"
                cell = _interval(row[key], row[f"{key}_ci_low"], row[f"{key}_ci_high"],
                                 signed=True)
                verdict = row.get(f"{h}_vs_{r}")
                if not _isnan(verdict):
                    cell += f" ({verdict})"
                cells.append(cell)
            cells += [_f(row.get(f"{h}_{k}")) for k in THRESHOLD_METRICS]
            rows.append(cells)
        out += [f"## {_label(h)}", "", _pipe_table(header, rows), ""]

    train_cols = [
        ("train_rows", "Train rows", lambda v: "—" if _isnan(v) else f"{int(v):,}"),
        ("train_minority_share", "Minority share", _f),
        ("synthetic_share", "Synthetic share", _f),
        ("resample_seconds", "Resample s", lambda v: _f(v, 2)),
        ("fit_seconds", "Fit s", lambda v: _f(v, 2)),
    ]
    train_cols = [t for t in train_cols if t[0] in df.columns]
    if train_cols:
        rows = [[row["lane"]] + [fmt(row[c]) for c, _, fmt in train_cols]
                for _, row in df.iterrows()]
        out += ["## Training", "",
                _pipe_table(["Lane"] + [name for _, name, _ in train_cols], rows), ""]

    sentences = verdict_lines(df, markdown=True)
    if sentences:
        out += ["## Verdicts", "",
                "Verdicts use the paired-bootstrap CI of the AUPRC difference: "
                "'better'/'worse' only when the interval excludes 0.", ""]
        out += sentences + [""]
    return "\n".join(out)


def verdict_lines(df: pd.DataFrame, *, markdown: bool = False) -> list[str]:
    """One plain-language line per lane: wins / losses / ties against the references, with the
    paired ΔAUPRC intervals (the ``Verdicts`` section of the Markdown; plain text unless ``markdown``)."""
    holdouts = [h for h in HOLDOUTS if f"{h}_auprc" in df.columns]
    refs_by_h = {h: _refs_in(df, h) for h in holdouts}
    lines = [s for _, row in df.iterrows() if (s := _lane_sentence(row, holdouts, refs_by_h)) is not None]
    return lines if markdown else [s.removeprefix("- ").replace("**", "") for s in lines]


def scorecard_notes(df: pd.DataFrame, *, n_boot: int, alpha: float) -> str:
    """"How to read this": the bootstrap settings and the sets the thresholds were chosen on."""
    if "threshold_source" in df.columns:
        sources = sorted({str(v) for v in df["threshold_source"]})
    else:
        sources = ["unknown"]
    notes = [
        "## How to read this", "",
        f"- AUPRC intervals are each lane's stratified-bootstrap {1 - alpha:.0%} intervals from its metrics.",
        f"- Δ columns: paired stratified bootstrap of the AUPRC difference on the same holdout rows "
        f"({n_boot} replicates, {1 - alpha:.0%} interval).",
        f"- Precision, recall and F1 use each lane's threshold chosen on: {', '.join(sources)}; "
        "no holdout feeds any fit or threshold.",
        "",
    ]
    return "\n".join(notes)


def scorecard_report(df: pd.DataFrame, *, n_boot: int, alpha: float, title: str = "Swimlane scorecard") -> str:
    """:func:`scorecard_markdown` followed by :func:`scorecard_notes`: the ``scorecard_md`` dataset."""
    return scorecard_markdown(df, title=title) + "\n" + scorecard_notes(df, n_boot=n_boot, alpha=alpha)


# ----------------------------------------------------------------- figures --

def pr_curve_figure(points: pd.DataFrame) -> Figure:
    """Precision-recall curves, one subplot per holdout, one line per lane (plus a dashed
    prevalence line), from the ``pr_curve_points`` table (see
    :func:`synthetic_intelligence.core.scorecard.pr_curve_points`)."""
    if points.empty:
        return message_figure("No precision-recall curves: no lane was scored on a holdout.")
    present = list(pd.unique(points["holdout"]))
    holdouts = [h for h in HOLDOUTS if h in present] + [h for h in present if h not in HOLDOUTS]
    fig = Figure(figsize=(6 * len(holdouts), 5), layout="constrained")
    axes = fig.subplots(1, len(holdouts), squeeze=False)[0]
    for ax, h in zip(axes, holdouts):
        on_h = points[points["holdout"] == h]
        for lane, curve in on_h.groupby("lane", sort=False):
            ax.plot(curve["recall"].to_numpy(), curve["precision"].to_numpy(), drawstyle="steps-post",
                    label=f"{lane} (AUPRC={float(curve['auprc'].iloc[0]):.3f})")
        prevalence = float(on_h["prevalence"].iloc[-1])
        ax.axhline(prevalence, color="grey", linestyle="--", linewidth=1, label=f"prevalence ({prevalence:.3f})")
        ax.set(title=_label(h), xlabel="Recall", ylabel="Precision", xlim=(0, 1), ylim=(0, 1.02))
        ax.legend(loc="upper right", fontsize="small")
    return fig
