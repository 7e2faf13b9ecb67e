"""Latent-space manifold QA: autoencoder on real train rows -> t-SNE pictures + fidelity table.

The synthetic lanes (every swimlane but ``baseline``) are read from
:func:`synthetic_intelligence.lanes.swimlanes` when the pipeline is created; each lane's
``<lane>.train_set`` is passed to the projection and fidelity nodes as a keyword
argument named after the lane.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.pipelines.qa import latent_nodes

TAGS = ["qa", "latent_qa"]
_RESERVED = {"autoencoder", "train", "validation", "params"}  # the nodes' own argument names


def synthetic_lanes(params: dict | None = None) -> list[str]:
    """Swimlanes that add synthetic rows: all but ``baseline``, in swimlane order."""
    return lanes.synthetic_lanes()


def create_latent_pipeline(params: dict | None = None) -> Pipeline:
    """``train``/``validation``/``<lane>.train_set`` -> ``autoencoder``, ``latent_tsne_*``,
    ``latent_embedding``, ``fidelity`` (``params`` defaults to the project's parameters)."""
    synthetic = synthetic_lanes(params)
    clash = sorted(_RESERVED & set(synthetic))
    if clash:
        raise ValueError(f"lane name(s) {clash} clash with the latent QA nodes' arguments; rename the lane(s)")
    lane_inputs = {lane: f"{lane}.train_set" for lane in synthetic}
    return Pipeline(
        [
            node(
                latent_nodes.train_autoencoder,
                ["train", "validation", "params:qa.autoencoder"],
                ["autoencoder", "autoencoder_history"],
                name="train_autoencoder",
            ),
            node(
                latent_nodes.latent_projection,
                {"autoencoder": "autoencoder", "train": "train", "params": "params:qa.projection", **lane_inputs},
                ["latent_tsne_panel", "latent_tsne_figures", "latent_tsne_plotly", "latent_embedding"],
                name="latent_projection",
            ),
            node(
                latent_nodes.fidelity_table,
                {
                    "autoencoder": "autoencoder", "train": "train", "validation": "validation",
                    "params": "params:qa.fidelity", **lane_inputs,
                },
                "fidelity",
                name="fidelity_table",
            ),
        ],
        tags=TAGS,
    )
