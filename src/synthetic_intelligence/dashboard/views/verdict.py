"""Verdict: the scorecard (lanes x holdouts, or lane x learner), paired differences, verdicts in words."""

import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.reporting import scorecard as sc
from synthetic_intelligence.reporting import verdict as vd

o = state.outputs()
st.title("Verdict")
st.markdown("Does synthetic minority data help? Each lane's AUPRC on holdouts the training world never saw, and "
            "paired bootstrap differences: a lane is **better** or **worse** than a reference only when the "
            "interval of the difference excludes 0.")

loaded = state.load(o, "scorecard")
if loaded is None:
    state.missing(o, "scorecard", "scorecard", "It needs every lane's scores: the default run makes them.")
    st.stop()
card = loaded.data
state.source_caption(loaded)

if vd.by_learner(card):
    holdout = st.selectbox("Holdout", vd.holdouts_of(card), format_func=lambda h: sc.HOLDOUT_LABELS.get(h, h),
                           key="verdict_holdout")
    st.subheader("AUPRC [95% interval]: lane x learner")
    st.dataframe(vd.auprc_matrix(card, holdout), width="stretch")
    learner = st.selectbox("Learner for the comparisons below", list(dict.fromkeys(card[vd.LEARNER].astype(str))),
                           key="verdict_learner")
    card = card[card[vd.LEARNER].astype(str) == learner]
else:
    st.subheader("AUPRC [95% interval]: lanes x holdouts")
    st.dataframe(vd.auprc_matrix(card), width="stretch")

diffs = vd.difference_table(card)
st.subheader("In words")
sentences = sc.verdict_sentences(card)
if sentences:
    st.markdown("\n".join(sentences))
else:
    st.write("No lane has a reference to be compared with (the scorecard has no difference columns).")

if not diffs.empty:
    counts = vd.verdict_counts(diffs)
    cols = st.columns(len(counts))
    for col, (_, row) in zip(cols, counts.iterrows()):
        col.metric(str(row["lane"]), f"{row['wins']} win · {row['ties']} tie · {row['losses']} loss")
    st.subheader("Paired differences")
    st.plotly_chart(vd.difference_figure(diffs), width="stretch")
    with st.expander("Table of paired differences"):
        st.dataframe(diffs, width="stretch", hide_index=True)

train_cols = [c for c in ("lane", "train_rows", "train_minority_share", "synthetic_share", "resample_seconds",
                          "fit_seconds", "threshold_source") if c in card.columns]
with st.expander("Training sets and thresholds"):
    st.dataframe(card[train_cols], width="stretch", hide_index=True)

repeats = state.load(o, "repeats_summary")
if repeats is not None and not repeats.data.empty:
    summary = repeats.data
    st.subheader(f"Repeated splits (k = {int(summary['n_repeats'].max())})")
    st.markdown("Every lane re-run on re-splits of train + validation (holdouts fixed), with fixed scikit-learn "
                "learners and a fixed scikit-learn oracle for model_driven (not the single split's AutoML oracle). "
                "Mean AUPRC and paired differences pooled over the repeats, with t-intervals over repeats.")
    state.source_caption(repeats)
    rep_holdout = st.selectbox("Holdout (repeats)", vd.repeats_holdouts(summary), format_func=lambda h: sc.HOLDOUT_LABELS.get(h, h),
                               key="repeats_holdout")
    st.dataframe(vd.repeats_table(summary, rep_holdout), width="stretch", hide_index=True)
