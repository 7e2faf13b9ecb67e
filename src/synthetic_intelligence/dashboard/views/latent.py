"""Latent space: the shared t-SNE of real and synthetic rows (``latent_embedding``) and the fidelity table."""

import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.reporting.latent import embedding_lanes, tsne_plotly_lanes

o = state.outputs()
st.title("Latent space")
st.markdown("Real rows and each lane's synthetic rows, encoded by an autoencoder trained on real rows only and laid "
            "out by **one** t-SNE fit, so lanes are comparable. Click a legend entry to hide or show a group; "
            "hover a point to see its group.")

embedding = state.load(o, "latent_embedding")
if embedding is None:
    state.missing(o, "latent embedding (`latent_embedding`)", "latent_qa")
else:
    state.source_caption(embedding)
    lanes = embedding_lanes(embedding.data)
    shown = st.multiselect("Synthetic lanes", lanes, default=lanes, key="latent_lanes")
    st.plotly_chart(tsne_plotly_lanes(embedding.data, shown).update_layout(height=650), width="stretch")

st.header("Fidelity")
fidelity = state.load(o, "fidelity")
if fidelity is None:
    state.missing(o, "fidelity table (`fidelity`)", "latent_qa")
else:
    state.source_caption(fidelity)
    help_ = {
        "no_mans_land_rate": "share of synthetic rows whose real neighbours are mostly majority "
                             "(compare reference_no_mans_land_rate, the held-out real minority's own rate)",
        "detection_auc": "cross-validated AUC of an independent judge telling real minority from synthetic "
                         "(0.5 = indistinguishable)",
        "distance_ratio": "distance of synthetic rows to the real minority relative to held-out real minority "
                          "(~1 faithful, >>1 far away, <<1 copying)",
        "cluster_coverage": "share of real-minority clusters the synthetic rows populate",
        "dcr_synthetic_median": "median distance of synthetic rows to their closest real training row",
        "dcr_heldout_median": "the same for held-out real minority rows",
        "dcr_ratio": "dcr_synthetic_median / dcr_heldout_median (~1 faithful, 0 copies)",
        "dcr_share_below_heldout_p5": "share of synthetic rows closer than the held-out 5th percentile "
                                      "(~0.05 faithful, 1 copies)",
        "memorised": "dcr_ratio below the memorisation ratio: the sampler copies its training rows",
        "unseen_combination_share": "share of synthetic rows whose combination of categorical values occurs in no "
                                    "real minority row (compare reference_unseen_combination_share)",
        "reference_unseen_combination_share": "the same for held-out real minority rows",
        "categorical_tv_max": "largest total variation distance of a categorical column's level shares, synthetic "
                              "vs real minority (column: categorical_tv_column)",
        "numeric_ks_max": "largest Kolmogorov-Smirnov statistic of a numeric column, synthetic vs real minority "
                          "(column: numeric_ks_column)",
        "gower_dcr_ratio": "distance to closest record with Gower's distance in the input space (mixed-type "
                           "tables): synthetic median / held-out median (~1 faithful, 0 copies)",
    }
    config = {c: st.column_config.Column(help=h) for c, h in help_.items() if c in fidelity.data.columns}
    st.dataframe(fidelity.data, width="stretch", hide_index=True, column_config=config)
    flagged = fidelity.data.loc[fidelity.data.get("memorised", False) == True, "lane"].tolist()  # noqa: E712
    if flagged:
        st.warning(f"Memorisation: {', '.join(map(str, flagged))} place synthetic rows closer to training rows "
                   "than held-out real rows get: the sampler copies its training rows.")
    elif "memorised" in fidelity.data.columns:
        st.success("Memorisation check: no lane copies its training rows (distance to closest record).")
