"""Runs: two runs side by side (parameters, seeds, metrics), each as it was written (exact versions)."""

import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.dashboard.outputs import run_label
from synthetic_intelligence.reporting import runs as rr

o = state.outputs()
st.title("Runs")
st.markdown("A run is one `kedro run`: every versioned output it wrote carries the run's timestamp. Pick two runs "
            "to compare what each of them wrote (nothing is taken from another run here).")

all_runs = state.runs(o)
if not all_runs:
    state.missing(o, "run", None)
    st.stop()
if len(all_runs) == 1:
    st.info(f"Only one run so far ({run_label(all_runs[0])}). Make another one to compare, e.g. with other seeds: "
            f"`{state.kedro_command(o)} --params data_isolation.split.seed=8,generation.seed=1`.", icon=":material/info:")
# by default the two newest runs that wrote a scorecard (a `--pipeline benchmark` run, say, has none)
scored = [r for r in all_runs if r in o.versions("scorecard")]
pair = scored[:2] if len(scored) >= 2 else all_runs[:2]
left, right = st.columns(2)
run_a = left.selectbox("Run A", all_runs, index=all_runs.index(pair[-1]), format_func=run_label, key="run_a")
run_b = right.selectbox("Run B", all_runs, index=all_runs.index(pair[0]), format_func=run_label, key="run_b")
labels = (f"A {run_label(run_a)}", f"B {run_label(run_b)}")

wrote_a, wrote_b = o.written_by(run_a), o.written_by(run_b)
left.caption(f"wrote {len(wrote_a)} dataset(s)")
right.caption(f"wrote {len(wrote_b)} dataset(s)")
with st.expander("Datasets each run wrote"):
    st.dataframe(rr.side_by_side({n: "✓" for n in wrote_a}, {n: "✓" for n in wrote_b}, labels),
                 width="stretch", hide_index=True)

st.header("Parameters")
params = [state.load_exact(o, "run_parameters", r) for r in (run_a, run_b)]
flat = [rr.flatten((p.data or {}).get("parameters")) if p else {} for p in params]
for p, r in zip(params, (run_a, run_b)):
    if p is None:
        st.caption(f"Run {run_label(r)} recorded no `run_parameters` (a run records them when its catalog "
                   "declares that dataset; runs from before the record have none).")
if any(params):
    only = st.toggle("Only parameters that differ", value=True)
    st.dataframe(rr.side_by_side(flat[0], flat[1], labels, only_differences=only), width="stretch", hide_index=True)
    run_info = [rr.flatten((p.data or {}).get("run")) if p else {} for p in params]
    with st.expander("How each run was started (env, pipelines, --params)"):
        st.dataframe(rr.side_by_side(run_info[0], run_info[1], labels), width="stretch", hide_index=True)

st.header("Seeds")
reports = {}
for i, r in enumerate((run_a, run_b)):
    found = dict(rr.seeds(flat[i]))
    for lane in o.lanes:
        rep = state.load_exact(o, f"{lane}.resample_report", r)
        if rep is not None:
            found.update({f"{lane}.resample_report.{k}": v for k, v in rr.seeds(rr.flatten(rep.data)).items()})
    reports[i] = found
if reports[0] or reports[1]:
    seed_table = rr.side_by_side(reports[0], reports[1], labels)
    st.dataframe(seed_table, width="stretch", hide_index=True, height=35 * (len(seed_table) + 1) + 3)
else:
    st.write("Neither run recorded a seed.")

st.header("Metrics")
cards = [state.load_exact(o, "scorecard", r) for r in (run_a, run_b)]
if any(cards):
    st.subheader("AUPRC per lane and holdout (scorecard)")
    st.dataframe(rr.metrics_side_by_side(*(c.data if c else None for c in cards), labels=labels),
                 width="stretch", hide_index=True)
keep = ("auprc", "roc_auc", "precision", "recall", "f1", "synthetic_share", "minority_share", "rows", "fit_seconds")
lane_metrics = [{}, {}]
for i, r in enumerate((run_a, run_b)):
    for lane in o.lanes:
        m = state.load_exact(o, f"{lane}.metrics", r)
        if m is not None:
            lane_metrics[i].update({f"{lane}.{k}": v for k, v in rr.flatten(m.data).items()
                                    if k.rsplit(".", 1)[-1] in keep})
if lane_metrics[0] or lane_metrics[1]:
    st.subheader("Each lane's metrics (validation and holdouts) and training set")
    st.dataframe(rr.side_by_side(lane_metrics[0], lane_metrics[1], labels), width="stretch", hide_index=True)
if not any(cards) and not (lane_metrics[0] or lane_metrics[1]):
    st.write("Neither run wrote metrics (a run of e.g. `--pipeline reporting` only redraws figures).")

st.header("Reports")
for name in ("model_driven.generation_choice", "isolation_report", "oracle_report"):
    pair = [state.load_exact(o, name, r) for r in (run_a, run_b)]
    if any(pair):
        with st.expander(f"`{name}`"):
            st.dataframe(rr.side_by_side(*(rr.flatten(p.data) if p else {} for p in pair), labels),
                         width="stretch", hide_index=True)
