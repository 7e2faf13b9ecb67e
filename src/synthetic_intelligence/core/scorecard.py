"""Swimlane scorecard: AUPRC with CIs, paired differences vs reference lanes,
plain-language verdicts, Markdown rendering and figures."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import precision_recall_curve, roc_auc_score

from synthetic_intelligence.core.metrics import (
    auprc,
    bootstrap_ci,
    paired_bootstrap_diff,
)

from synthetic_intelligence.core.schema import HOLDOUTS  # noqa: E402
HOLDOUT_LABELS = {
    "holdout_iid": "IID holdout",
    "holdout_new_world": "New-world holdout",
}
BETTER, WORSE, TIE = "better", "worse", "no clear difference"
_THRESHOLD_METRICS = ("roc_auc", "precision", "recall", "f1")


def _label(holdout: str) -> str:
    return HOLDOUT_LABELS.get(holdout, holdout)


def _verdict(ci_low: float, ci_high: float) -> str:
    if ci_low > 0:
        return BETTER
    if ci_high < 0:
        return WORSE
    return TIE


def _holdouts_in(scores: Mapping[str, Mapping[str, pd.DataFrame]]) -> list[str]:
    present = {h for lane_scores in scores.values() for h in lane_scores}
    return [h for h in HOLDOUTS if h in present]


def _check_aligned(scores, holdout: str, lanes: list[str]) -> np.ndarray:
    y_ref = None
    for lane in lanes:
        if holdout not in scores[lane]:
            raise ValueError(f"lane {lane!r} has no scores for {holdout!r}")
        y = np.asarray(scores[lane][holdout]["y_true"])
        if y_ref is None:
            y_ref, first = y, lane
        elif y.shape != y_ref.shape or not np.array_equal(y, y_ref):
            raise ValueError(
                f"{holdout}: y_true of lane {lane!r} differs from lane {first!r}; "
                "all lanes must be scored on the same rows in the same order"
            )
    return y_ref


def build_scorecard(
    scores: Mapping[str, Mapping[str, pd.DataFrame]],
    metrics: Mapping[str, Mapping],
    *,
    references: tuple[str, ...] = ("baseline", "smote"),
    n_boot: int = 1000,
    alpha: float = 0.05,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """One row per lane with AUPRC (+CI), paired AUPRC differences vs each
    reference lane (+CI and verdict), threshold metrics and training facts."""
    lanes = list(scores)
    refs = [r for r in references if r in scores]
    holdouts = _holdouts_in(scores)
    for h in holdouts:
        _check_aligned(scores, h, lanes)

    rows = []
    for lane in lanes:
        m = metrics.get(lane, {})
        row: dict = {"lane": lane}
        for h in holdouts:
            df = scores[lane][h]
            y, s = df["y_true"].to_numpy(), df["score"].to_numpy()
            hm = m.get(h)
            if hm is None:  # fall back to computing from the scores
                ci = bootstrap_ci(y, s, auprc, n_boot=n_boot, alpha=alpha,
                                  random_state=random_state)
                hm = {"auprc": ci["point"], "auprc_ci_low": ci["ci_low"],
                      "auprc_ci_high": ci["ci_high"]}
            row[f"{h}_auprc"] = float(hm["auprc"])
            row[f"{h}_auprc_ci_low"] = float(hm["auprc_ci_low"])
            row[f"{h}_auprc_ci_high"] = float(hm["auprc_ci_high"])
            for r in refs:
                key = f"{h}_diff_vs_{r}"
                if r == lane:
                    row[key] = row[f"{key}_ci_low"] = row[f"{key}_ci_high"] = math.nan
                    row[f"{h}_vs_{r}"] = None
                    continue
                d = paired_bootstrap_diff(
                    y, s, scores[r][h]["score"].to_numpy(), auprc,
                    n_boot=n_boot, alpha=alpha, random_state=random_state,
                )
                row[key] = d["diff"]
                row[f"{key}_ci_low"] = d["ci_low"]
                row[f"{key}_ci_high"] = d["ci_high"]
                row[f"{h}_vs_{r}"] = _verdict(d["ci_low"], d["ci_high"])
            for k in _THRESHOLD_METRICS:
                v = hm.get(k)
                row[f"{h}_{k}"] = math.nan if v is None else float(v)
        train = m.get("train", {}) or {}
        row["train_rows"] = train.get("rows")
        row["train_minority_share"] = train.get("minority_share")
        row["synthetic_share"] = train.get("synthetic_share")
        row["resample_seconds"] = train.get("resample_seconds")
        row["fit_seconds"] = m.get("fit_seconds")
        rows.append(row)

    out = pd.DataFrame(rows)
    for c in ("train_minority_share", "synthetic_share", "resample_seconds", "fit_seconds"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["train_rows"] = pd.to_numeric(out["train_rows"], errors="coerce").astype("Int64")
    return out


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
            cells += [_f(row.get(f"{h}_{k}")) for k in _THRESHOLD_METRICS]
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

    sentences = [s for _, row in df.iterrows()
                 if (s := _lane_sentence(row, holdouts, refs_by_h)) is not None]
    if sentences:
        out += ["## Verdicts", "",
                "Verdicts use the paired-bootstrap CI of the AUPRC difference: "
                "'better'/'worse' only when the interval excludes 0.", ""]
        out += sentences + [""]
    return "\n".join(out)


# ----------------------------------------------------------------- figures --

def pr_curve_figure(scores: Mapping[str, Mapping[str, pd.DataFrame]]) -> Figure:
    """Precision-recall curves, one subplot per holdout, one line per lane
    (plus a dashed prevalence line)."""
    holdouts = _holdouts_in(scores)
    fig = Figure(figsize=(6 * max(len(holdouts), 1), 5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, max(len(holdouts), 1), squeeze=False)[0])
    for ax, h in zip(axes, holdouts):
        prevalence = None
        for lane, lane_scores in scores.items():
            if h not in lane_scores:
                continue
            df = lane_scores[h]
            y, s = df["y_true"].to_numpy(), df["score"].to_numpy()
            precision, recall, _ = precision_recall_curve(y, s)
            ax.plot(recall, precision, drawstyle="steps-post",
                    label=f"{lane} (AUPRC={auprc(y, s):.3f})")
            prevalence = float(np.mean(y))
        if prevalence is not None:
            ax.axhline(prevalence, color="grey", linestyle="--", linewidth=1,
                       label=f"prevalence ({prevalence:.3f})")
        ax.set(title=_label(h), xlabel="Recall", ylabel="Precision",
               xlim=(0, 1), ylim=(0, 1.02))
        ax.legend(loc="upper right", fontsize="small")
    return fig


SWEEP_COLUMNS = ["lane", "severity", "n_rows", "n_minority", "prevalence",
                 "auprc", "auprc_ci_low", "auprc_ci_high", "roc_auc"]


def drift_sweep_table(new_world_base: pd.DataFrame, predictors: Mapping, severities, *, drift: dict,
                      n_boot: int = 1000, alpha: float = 0.05, random_state: int = 0) -> pd.DataFrame:
    """AUPRC (bootstrap CI) of each lane's predictor on the new world drifted to each severity.

    ``predictors`` maps lane -> ``f(X) -> P(minority)`` of an already trained
    model (nothing is refitted); ``drift`` holds ``apply_drift``'s other
    arguments, so the configured severity reproduces ``holdout_new_world``.
    """
    from synthetic_intelligence.core.synthetic import TARGET, apply_drift

    rows = []
    for severity in severities:
        drifted = apply_drift(new_world_base, float(severity), **drift)
        y = drifted[TARGET].to_numpy()
        X = drifted.drop(columns=TARGET)
        for lane, predict in predictors.items():
            s = predict(X)
            ci = bootstrap_ci(y, s, auprc, n_boot=n_boot, alpha=alpha, random_state=random_state)
            rows.append({"lane": lane, "severity": float(severity), "n_rows": int(y.size), "n_minority": int(y.sum()),
                         "prevalence": float(y.mean()), "auprc": ci["point"], "auprc_ci_low": ci["ci_low"],
                         "auprc_ci_high": ci["ci_high"], "roc_auc": float(roc_auc_score(y, s))})
    order = {lane: i for i, lane in enumerate(predictors)}
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    return table.sort_values(["lane", "severity"], key=lambda c: c.map(order) if c.name == "lane" else c,
                             kind="stable").reset_index(drop=True)


def drift_sweep_figure(sweep: pd.DataFrame) -> Figure:
    """AUPRC vs drift severity, one line per lane with its CI as a band."""
    fig = Figure(figsize=(7, 5), layout="constrained")
    ax = fig.subplots()
    for lane, g in sweep.groupby("lane", sort=False):
        g = g.sort_values("severity")
        (line,) = ax.plot(g["severity"], g["auprc"], marker="o", label=str(lane))
        ax.fill_between(g["severity"], g["auprc_ci_low"], g["auprc_ci_high"],
                        color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set(xlabel="Drift severity", ylabel="AUPRC", title="AUPRC under increasing drift")
    ax.legend(fontsize="small")
    return fig
