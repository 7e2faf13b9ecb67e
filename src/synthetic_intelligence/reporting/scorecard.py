"""The scorecard as Markdown, and the precision-recall curves, from the scorecard pipeline's tables.

* :func:`scorecard_markdown` - the ``scorecard`` table (one row per lane x learner) as Markdown:
  failed lanes with their reasons, an AUPRC matrix (lanes x learners) and a table per learner
  for each holdout, a training table, the provenance and plain-language verdicts;
* :func:`scorecard_report` - the same plus how to read it (bootstrap settings, threshold sets) and,
  given the ``repeats_summary`` table, the repeated splits (:func:`repeats_markdown`);
* :func:`pr_curve_figure` - the ``pr_curve_points`` table as one axis per learner and holdout,
  one line per lane.

A table without a ``learner`` column (one learner, written before lanes fitted several)
renders as one learner.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from synthetic_intelligence.core.experiment.scorecard import BETTER, FAILED, THRESHOLD_METRICS, TIE, WORSE
from synthetic_intelligence.core.schema import HOLDOUTS
from synthetic_intelligence.reporting.common import message_figure

__all__ = ["HOLDOUT_LABELS", "verdict_sentences", "scorecard_markdown", "scorecard_notes", "scorecard_report",
           "repeats_markdown", "repeats_references", "pr_curve_figure"]

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


def _learners(df: pd.DataFrame) -> list:
    return list(pd.unique(df["learner"])) if "learner" in df.columns else [None]


def _rows_of(df: pd.DataFrame, learner) -> pd.DataFrame:
    return df if learner is None else df[df["learner"] == learner]


def _failed(row: pd.Series) -> bool:
    return str(row.get("status", "ok")) == FAILED


def _name(row: pd.Series) -> str:
    learner = row.get("learner")
    return str(row["lane"]) if _isnan(learner) else f"{row['lane']} / {learner}"


def _lane_sentence(row: pd.Series, holdouts: list[str], refs_by_h: dict) -> str | None:
    """Plain-language wins/losses/ties of one lane x learner. A reference lane is only
    compared with references listed before it (avoids mirrored sentences)."""
    lane = row["lane"]
    if _failed(row):
        return None
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
    return f"- **{_name(row)}** ({summary}) — " + "; ".join(parts) + "."


def _auprc_cell(row: pd.Series, h: str) -> str:
    if _failed(row):
        return "failed"
    return _interval(row[f"{h}_auprc"], row[f"{h}_auprc_ci_low"], row[f"{h}_auprc_ci_high"])


def _holdout_section(df: pd.DataFrame, h: str, refs: list[str], learners: list) -> list[str]:
    out = [f"## {_label(h)}", ""]
    if learners != [None]:
        header = ["Lane"] + [f"{learner} AUPRC [lo, hi]" for learner in learners]
        rows = []
        for lane in pd.unique(df["lane"]):
            cells = [lane]
            for learner in learners:
                match = df[(df["lane"] == lane) & (df["learner"] == learner)]
                cells.append(_auprc_cell(match.iloc[0], h) if len(match) else "—")
            rows.append(cells)
        out += [_pipe_table(header, rows), ""]
    for learner in learners:
        header = ["Lane", "AUPRC [lo, hi]"] + [f"Δ vs {r} [lo, hi]" for r in refs]
        header += ["ROC AUC", "Precision", "Recall", "F1"]
        rows = []
        for _, row in _rows_of(df, learner).iterrows():
            cells = [row["lane"], _auprc_cell(row, h)]
            for r in refs:
                key = f"{h}_diff_vs_{r}"
                cell = _interval(row[key], row[f"{key}_ci_low"], row[f"{key}_ci_high"], signed=True)
                verdict = row.get(f"{h}_vs_{r}")
                if not _isnan(verdict):
                    cell += f" ({verdict})"
                cells.append(cell)
            cells += [_f(row.get(f"{h}_{k}")) for k in THRESHOLD_METRICS]
            rows.append(cells)
        if learner is not None:
            out += [f"### {learner} ({_label(h)})", ""]
        out += [_pipe_table(header, rows), ""]
    return out


def _training_section(df: pd.DataFrame, learners: list) -> list[str]:
    train_cols = [
        ("train_rows", "Train rows", lambda v: "—" if _isnan(v) else f"{int(v):,}"),
        ("train_minority_share", "Minority share", _f),
        ("synthetic_share", "Synthetic share", _f),
        ("resample_seconds", "Resample s", lambda v: _f(v, 2)),
        ("fit_seconds", "Fit s", lambda v: _f(v, 2)),
    ]
    train_cols = [t for t in train_cols if t[0] in df.columns]
    if not train_cols:
        return []
    first = ["Lane"] if learners == [None] else ["Lane", "Learner"]
    rows = [[row["lane"], *([] if learners == [None] else [row["learner"]])] + [fmt(row[c]) for c, _, fmt in train_cols]
            for _, row in df.iterrows()]
    return ["## Training", "", _pipe_table(first + [name for _, name, _ in train_cols], rows), ""]


def _text(v) -> str:
    """A cell as written: whole numbers (seeds read back from CSV as floats) without a decimal point."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _unique(df: pd.DataFrame, column: str) -> str:
    if column not in df.columns:
        return "—"
    values = [_text(v) for v in pd.unique(df[column]) if not _isnan(v)]
    return ", ".join(values) or "—"


def _provenance_section(df: pd.DataFrame) -> list[str]:
    """Which sampler made each lane's set, which learner was fitted, and the dataset versions."""
    if "sampler" not in df.columns:
        return []
    lane_rows = []
    for lane, rows in df.groupby("lane", sort=False):
        lane_rows.append([lane, _unique(rows, "sampler"), _unique(rows, "sampler_params"),
                          _unique(rows, "sampler_seed"), _unique(rows, "version_train_set")])
    out = ["## Provenance", "",
           _pipe_table(["Lane", "Sampler", "Sampler parameters", "Seed", "Training set version"], lane_rows), ""]
    if "learner" in df.columns and "learner_model" in df.columns:
        learner_rows = []
        for learner, rows in df.groupby("learner", sort=False):
            learner_rows.append([learner, _unique(rows, "learner_engine"), _unique(rows, "learner_model"),
                                 _unique(rows, "learner_params"), _unique(rows, "learner_seed")])
        out += [_pipe_table(["Learner", "Engine", "Model", "Parameters", "Seed"], learner_rows), ""]
    versions = [f"{split} {_unique(df, f'version_{split}')}" for split in
                ("train", "validation", "holdout_iid", "holdout_new_world") if f"version_{split}" in df.columns]
    if versions:
        out += [f"Run {_unique(df, 'run_id')}; input versions: " + "; ".join(versions) + ".", ""]
    return out


def verdict_sentences(df: pd.DataFrame) -> list[str]:
    """One Markdown line per lane (x learner) with a comparison: wins, losses and ties in words, with the
    paired ΔAUPRC intervals; a failed lane gets a line saying so (the dashboard shows these alone)."""
    holdouts = [h for h in HOLDOUTS if f"{h}_auprc" in df.columns]
    refs_by_h = {h: _refs_in(df, h) for h in holdouts}
    failed = df[df["status"] == FAILED] if "status" in df.columns else df.iloc[:0]
    sentences = [s for _, row in df.iterrows() if (s := _lane_sentence(row, holdouts, refs_by_h)) is not None]
    return sentences + [f"- **{lane}** — failed to build its training set (see Failed lanes): no verdict."
                        for lane in pd.unique(failed["lane"])]


def scorecard_markdown(df: pd.DataFrame, title: str = "Scorecard") -> str:
    """Render a scorecard DataFrame (from :func:`~.core.experiment.scorecard.build_scorecard`) as Markdown."""
    holdouts = [h for h in HOLDOUTS if f"{h}_auprc" in df.columns]
    refs_by_h = {h: _refs_in(df, h) for h in holdouts}
    learners = _learners(df)
    out = [f"# {title}", ""]
    if learners != [None]:
        out += [f"Lanes x learners ({', '.join(map(str, learners))}): every learner, with fixed algorithm and "
                "hyper-parameters, is fitted on every lane's training set; differences are measured within a "
                "learner, so they are the training sets'.", ""]
    failed = df[df["status"] == FAILED] if "status" in df.columns else df.iloc[:0]
    if len(failed):
        rows = [[lane, str(rows["failure_reason"].iloc[0])] for lane, rows in failed.groupby("lane", sort=False)]
        out += ["## Failed lanes", "", "These lanes could not build their training set on this data; "
                "the other lanes completed.", "", _pipe_table(["Lane", "Reason"], rows), ""]
    for h in HOLDOUTS:
        if h not in holdouts:  # no rows to score, e.g. data_isolation.source.new_world.kind: none
            out += [f"## {_label(h)}", "", f"n/a: {h} has no rows, so no lane is scored on it "
                    "(data_isolation.source.new_world.kind: none means in-distribution only).", ""]
            continue
        out += _holdout_section(df, h, refs_by_h[h], learners)
    out += _training_section(df, learners)
    out += _provenance_section(df)
    sentences = verdict_sentences(df)
    if sentences:
        out += ["## Verdicts", "",
                "Verdicts use the paired-bootstrap CI of the AUPRC difference within a learner: "
                "'better'/'worse' only when the interval excludes 0.", ""]
        out += sentences + [""]
    return "\n".join(out)


def scorecard_notes(df: pd.DataFrame, *, n_boot: int, alpha: float) -> str:
    """"How to read this": the bootstrap settings and the sets the thresholds were chosen on."""
    if "threshold_source" in df.columns:
        sources = sorted({str(v) for v in df["threshold_source"] if str(v) not in ("none", "nan")}) or ["none"]
    else:
        sources = ["unknown"]
    notes = [
        "## How to read this", "",
        f"- AUPRC intervals are each lane's stratified-bootstrap {1 - alpha:.0%} intervals from its metrics.",
        f"- Δ columns: paired stratified bootstrap of the AUPRC difference on the same holdout rows "
        f"({n_boot} replicates, {1 - alpha:.0%} interval).",
        f"- Precision, recall and F1 use each lane x learner's threshold chosen on: {', '.join(sources)}; "
        "no holdout feeds any fit or threshold.",
        "- Each learner is fixed once (an AutoML leader is chosen on train against validation) and refitted "
        "on every lane; the provenance lists the sampler, its parameters and seed, and the dataset versions.",
        "",
    ]
    return "\n".join(notes)


def repeats_references(summary: pd.DataFrame) -> list[str]:
    """The reference lanes of a ``repeats_summary`` table (its ``diff_vs_<reference>`` columns), in order."""
    return [c[len("diff_vs_"):] for c in summary.columns
            if c.startswith("diff_vs_") and not c.endswith(("_ci_low", "_ci_high"))]


def _repeat_diff_cell(row: pd.Series, ref: str) -> str:
    if row["lane"] == ref or _isnan(row.get(f"diff_vs_{ref}")):
        return "—"
    cell = _interval(row[f"diff_vs_{ref}"], row[f"diff_vs_{ref}_ci_low"], row[f"diff_vs_{ref}_ci_high"], signed=True)
    wins, ties, losses = (int(row.get(f"{k}_vs_{ref}", 0)) for k in ("wins", "ties", "losses"))
    verdict = row.get(f"vs_{ref}")
    return cell + (f" ({verdict})" if not _isnan(verdict) else "") + f"; {wins}/{ties}/{losses}"


def repeats_markdown(summary: pd.DataFrame | None, *, alpha: float, learners: list[str] | None = None,
                     oracle: str | None = None) -> str:
    """The "Repeated splits (k = ...)" section from the ``repeats_summary`` table
    (:func:`synthetic_intelligence.core.experiment.scorecard.repeats_summary`); ``learners`` and ``oracle``
    (``repeats.learners``, ``repeats.oracle``'s estimator) are quoted in its notes."""
    if summary is None or summary.empty:
        return "\n".join(["## Repeated splits", "", "Not run (`repeats.k: 0`): the verdicts above rest on one split.",
                           ""])
    k = int(summary["n_repeats"].max())
    refs = repeats_references(summary)
    out = [f"## Repeated splits (k = {k})", "",
           f"Every lane re-run on {k} stratified re-splits of train + validation (the holdouts stay fixed and only "
           "grade), with samplers and learners re-seeded per repeat. AUPRC: mean over the repeats with its "
           f"Student-t {1 - alpha:.0%} interval. Δ vs a reference: the mean of the per-repeat AUPRC differences on "
           f"the same holdout rows with its t-interval over repeats, the verdict (better / worse only when the "
           "interval excludes 0) and wins/ties/losses over repeats.", ""]
    notes = []
    if learners:
        notes.append(f"learners {', '.join(learners)} (fixed scikit-learn learners, as in the single split)")
    notes.append(f"model_driven's oracle in every repeat: a fixed {oracle or 'scikit-learn'} fitted on the repeat's "
                 "train, NOT the single split's AutoML oracle; its gate setting is chosen on the repeat's validation")
    out += ["Repeats use " + "; ".join(notes) + ".", ""]
    failed = summary[summary["n_failed"] > 0]
    if len(failed):
        rows = [[r["lane"], r["learner"], _label(r["holdout"]), f"{int(r['n_failed'])} of {int(r['n_repeats'])}",
                 str(r.get("failure_reason") or "—")] for _, r in failed.iterrows()]
        out += ["Lanes that failed in some repeats (their means use the repeats where they built a set):", "",
                _pipe_table(["Lane", "Learner", "Holdout", "Failed", "First reason"], rows), ""]
    for h in HOLDOUTS:
        on_h = summary[summary["holdout"] == h]
        out += [f"### {_label(h)} over {k} repeats", ""]
        if on_h.empty:
            out += [f"n/a: {h} has no rows.", ""]
            continue
        header = ["Lane", "Learner", "AUPRC mean [lo, hi]", "ok"] + [f"Δ vs {r} [lo, hi] (verdict); W/T/L" for r in refs]
        rows = []
        for _, r in on_h.iterrows():
            auprc = _interval(r["auprc_mean"], r["auprc_ci_low"], r["auprc_ci_high"]) if int(r["n_ok"]) else "failed"
            rows.append([r["lane"], r["learner"], auprc, f"{int(r['n_ok'])}/{int(r['n_repeats'])}"]
                        + [_repeat_diff_cell(r, ref) for ref in refs])
        out += [_pipe_table(header, rows), ""]
    return "\n".join(out)


def scorecard_report(df: pd.DataFrame, *, n_boot: int, alpha: float, title: str = "Swimlane scorecard",
                     repeats: str | None = None) -> str:
    """:func:`scorecard_markdown`, then ``repeats`` (the :func:`repeats_markdown` section) when given, then
    :func:`scorecard_notes`: the ``scorecard_md`` dataset."""
    parts = [scorecard_markdown(df, title=title)]
    if repeats:
        parts.append(repeats)
    return "\n".join(parts) + "\n" + scorecard_notes(df, n_boot=n_boot, alpha=alpha)


# ----------------------------------------------------------------- figures --

def pr_curve_figure(points: pd.DataFrame) -> Figure:
    """Precision-recall curves: one subplot per learner (row) and holdout (column), one line per lane
    (plus a dashed prevalence line), from the ``pr_curve_points`` table (see
    :func:`synthetic_intelligence.core.experiment.scorecard.pr_curve_points`); a table without a
    ``learner`` column is one row of subplots."""
    if points.empty:
        return message_figure("No precision-recall curves: no lane was scored on a holdout.")
    present = list(pd.unique(points["holdout"]))
    holdouts = [h for h in HOLDOUTS if h in present] + [h for h in present if h not in HOLDOUTS]
    learners = list(pd.unique(points["learner"])) if "learner" in points.columns else [None]
    fig = Figure(figsize=(6 * len(holdouts), 5 * len(learners)), layout="constrained")
    grid = fig.subplots(len(learners), len(holdouts), squeeze=False)
    for axes, learner in zip(grid, learners):
        rows = points if learner is None else points[points["learner"] == learner]
        for ax, h in zip(axes, holdouts):
            on_h = rows[rows["holdout"] == h]
            for lane, curve in on_h.groupby("lane", sort=False):
                ax.plot(curve["recall"].to_numpy(), curve["precision"].to_numpy(), drawstyle="steps-post",
                        label=f"{lane} (AUPRC={float(curve['auprc'].iloc[0]):.3f})")
            if len(on_h):
                prevalence = float(on_h["prevalence"].iloc[-1])
                ax.axhline(prevalence, color="grey", linestyle="--", linewidth=1,
                           label=f"prevalence ({prevalence:.3f})")
                ax.legend(loc="upper right", fontsize="small")
            title = _label(h) if learner is None else f"{learner}: {_label(h)}"
            ax.set(title=title, xlabel="Recall", ylabel="Precision", xlim=(0, 1), ylim=(0, 1.02))
    return fig
