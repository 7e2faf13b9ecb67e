"""Curves: precision-recall curves per holdout (``pr_curve_points``) and the drift sweep (``drift_sweep``)."""

import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.reporting.drift import drift_sweep_figure
from synthetic_intelligence.reporting.scorecard import pr_curve_figure

o = state.outputs()
st.title("Curves")

st.header("Precision-recall curves")
points = state.load(o, "pr_curve_points")
if points is None:
    state.missing(o, "precision-recall curves (`pr_curve_points`)", "scorecard")
else:
    state.source_caption(points)
    table = points.data
    lanes = list(dict.fromkeys(table["lane"].astype(str)))
    shown = st.multiselect("Lanes", lanes, default=lanes, key="pr_lanes")
    st.pyplot(pr_curve_figure(table[table["lane"].astype(str).isin(shown)]), width="stretch")
    st.caption("One panel per holdout; the dashed line is the holdout's prevalence (a chance scorer's AUPRC).")

st.header("Drift sweep")
sweep = state.load(o, "drift_sweep")
if sweep is None:
    state.missing(o, "drift sweep (`drift_sweep`)", "scorecard")
else:
    state.source_caption(sweep)
    table = sweep.data
    if len(table):
        lanes = list(dict.fromkeys(table["lane"].astype(str)))
        shown = st.multiselect("Lanes", lanes, default=lanes, key="sweep_lanes")
        table = table[table["lane"].astype(str).isin(shown)]
    st.pyplot(drift_sweep_figure(table), width="content")
    st.caption("Each lane's trained model on the new world drifted to increasing severity (nothing refitted); "
               "bands are bootstrap intervals, the dotted line marks the severity of `holdout_new_world`.")
    with st.expander("Drift sweep table"):
        st.dataframe(sweep.data, width="stretch", hide_index=True)
