"""latent_qa: autoencoder on real train rows -> t-SNE embedding table + fidelity table.

The synthetic lanes (every swimlane but the real-row ones, :data:`synthetic_intelligence.lanes.REAL_LANES`:
``baseline`` and ``class_weighted``) are read from :func:`synthetic_intelligence.lanes.swimlanes` when the
pipeline is created (or given as ``lane_names``); each lane's ``<lane>.train_set`` is passed to the projection and
fidelity nodes as a keyword argument named after the lane. The pictures are drawn by the
reporting pipeline from ``latent_embedding``.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from synthetic_intelligence import lanes
from synthetic_intelligence.pipelines.latent_qa import nodes

TAGS = ["qa", "latent_qa"]
_RESERVED = {"autoencoder", "train", "validation", "params"}  # the nodes' own argument names


def synthetic_lanes(lane_names: list[str] | None = None) -> list[str]:
    """Swimlanes that add synthetic rows: all but ``baseline``, in swimlane order."""
    names = lanes.swimlanes() if lane_names is None else lane_names
    return [lane for lane in names if lane not in lanes.REAL_LANES]


def create_pipeline(lane_names: list[str] | None = None, **kwargs) -> Pipeline:
    """``train``/``validation``/``<lane>.train_set`` -> ``autoencoder``, ``autoencoder_history``,
    ``latent_embedding``, ``synthetic_neighbours``, ``fidelity`` (``lane_names`` defaults to the project's swimlanes)."""
    synthetic = synthetic_lanes(lane_names)
    clash = sorted(_RESERVED & set(synthetic))
    if clash:
        raise ValueError(f"lane name(s) {clash} clash with the latent QA nodes' arguments; rename the lane(s)")
    lane_inputs = {lane: f"{lane}.train_set" for lane in synthetic}
    return Pipeline(
        [
            node(
                nodes.train_autoencoder,
                ["train", "validation", "params:qa.autoencoder"],
                ["autoencoder", "autoencoder_history"],
                name="train_autoencoder",
            ),
            node(
                nodes.latent_projection,
                {"autoencoder": "autoencoder", "train": "train", "params": "params:qa.projection", **lane_inputs},
                "latent_embedding",
                name="latent_projection",
            ),
            node(
                nodes.synthetic_neighbours,
                {"params": "params:qa.neighbours", **lane_inputs},
                "synthetic_neighbours",
                name="synthetic_neighbours",
            ),
            node(
                nodes.fidelity_table,
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
