"""Generation: the gate's validation grid and its choice, the generation report, synthetic rows vs nearest real."""

import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.reporting import generation as gen

o = state.outputs()
st.title("Generation")
st.markdown("The model-driven lane: candidates are generated, an oracle scores them, a gate keeps the likely "
            "minority ones. Threshold and ratio are chosen on **validation** (never on a holdout).")

choice = state.load(o, "model_driven.generation_choice")
grid = state.load(o, "model_driven.generation_grid")
if grid is None:
    state.missing(o, "generation grid (`model_driven.generation_grid`)", "model_driven")
else:
    state.source_caption(grid, choice)
    if choice is not None:
        st.success(gen.choice_summary(choice.data))
        if choice.data.get("no_oversampling_better_on_validation"):
            st.warning("On validation, no oversampling beat every grid point; the lane still oversamples with the "
                       "best one, so expect no gain from it on the holdouts.")
    if len(gen.grid_table(grid.data)) > 1:
        st.plotly_chart(gen.grid_figure(grid.data, choice.data if choice else None), width="stretch")
    st.dataframe(gen.grid_table(grid.data, choice.data if choice else None), width="stretch", hide_index=True,
                 column_config={"chosen": st.column_config.CheckboxColumn(help="the setting the lane used"),
                                "reference": st.column_config.CheckboxColumn(help="no oversampling")})

report = state.load(o, "model_driven.resample_report")
if report is not None:
    st.subheader("The lane's generation")
    state.source_caption(report)
    r = report.data
    cols = st.columns(4)
    cols[0].metric("Synthetic rows", f"{r.get('n_synthetic', 0):,}")
    cols[1].metric("Synthetic share", f"{r.get('synthetic_share', float('nan')):.1%}")
    if r.get("acceptance_rate") is not None:
        cols[2].metric("Acceptance rate", f"{r['acceptance_rate']:.1%}",
                       help=f"{r.get('n_accepted', 0):,} of {r.get('n_candidates', 0):,} candidates kept")
    cols[3].metric("Seconds", f"{r.get('seconds', float('nan')):.2f}")
    details = {k: r[k] for k in ("sampler", "candidates", "gate", "threshold", "ratio", "n_rounds") if k in r}
    st.caption(" · ".join(f"{k}: {v}" for k, v in details.items()))

st.subheader("Synthetic rows next to their nearest real rows")
neighbours = state.load(o, "synthetic_neighbours")
if neighbours is None:
    state.missing(o, "sample of synthetic rows with their nearest real rows (`synthetic_neighbours`)", "latent_qa")
else:
    state.source_caption(neighbours)
    table = neighbours.data
    lanes = list(dict.fromkeys(table["lane"].astype(str)))
    default = lanes.index("model_driven") if "model_driven" in lanes else 0
    lane = st.selectbox("Lane", lanes, index=default, key="neighbour_lane") if lanes else None
    part = table[table["lane"].astype(str) == lane].drop(columns="lane")
    st.caption("Each synthetic row (sampled, seeded) is followed by the closest real row of the lane's training "
               "set, either class; distance: Euclidean in the input space standardised by the real rows. "
               "A distance of 0 is a copy; a nearest real row with target 0 lies in majority territory.")
    st.dataframe(part.style.apply(lambda row: ["background-color: #fde2e2" if row["row"] == "synthetic" else ""]
                                  * len(row), axis=1).format(precision=3),
                 width="stretch", hide_index=True, height=35 * (len(part) + 1) + 3)
