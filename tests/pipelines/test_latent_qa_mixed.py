"""The latent_qa nodes on a mixed-type table: the fidelity table's per-column and Gower columns, the picture."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic_intelligence.core.latent import AutoencoderConfig
from synthetic_intelligence.core.schema import PROVENANCE, TARGET
from tests.core.latent.test_mixed import frame


def test_fidelity_table_and_latent_picture_on_a_mixed_table():
    """A lane of copies of real minority rows: no unseen combination, Gower DCR 0; a lane whose categoricals are
    shuffled independently: unseen combinations and a positive total variation. The t-SNE picture still works."""
    from synthetic_intelligence.pipelines.latent_qa import nodes as ln

    rng = np.random.default_rng(0)
    train = frame(400).assign(**{TARGET: (rng.random(400) < 0.3).astype(int)})
    validation = frame(150, seed=1).assign(**{TARGET: (rng.random(150) < 0.3).astype(int)})
    minority = train.loc[train[TARGET] == 1]
    copies = pd.concat([train.assign(**{PROVENANCE: False}), minority.assign(**{PROVENANCE: True})],
                       ignore_index=True)
    shuffled = minority.assign(grade=pd.Categorical(rng.choice(list("ABCD"), len(minority)), categories=list("ABCD")),
                               term=minority["term"].sample(frac=1, random_state=0).to_numpy(),
                               flag=~minority["flag"])
    mixed_lane = pd.concat([train.assign(**{PROVENANCE: False}), shuffled.assign(**{PROVENANCE: True})],
                           ignore_index=True)
    payload, _ = ln.train_autoencoder(train, validation, AutoencoderConfig(hidden=(16,), latent_dim=3, epochs=2,
                                                                            batch_size=64, device="cpu"))
    table = ln.fidelity_table(payload, train, validation, ln.FidelityParams(n_clusters=3), copies=copies,
                              shuffled=mixed_lane).set_index("lane")
    assert list(table.reset_index().columns) == ln.FIDELITY_COLUMNS
    assert table.loc["copies", "unseen_combination_share"] == 0.0 and table.loc["copies", "gower_dcr_ratio"] == 0.0
    assert table.loc["copies", "categorical_tv_max"] == 0.0 and table.loc["copies", "numeric_ks_max"] == 0.0
    assert table.loc["shuffled", "unseen_combination_share"] > 0.2
    assert table.loc["shuffled", "categorical_tv_max"] > 0.1 and table.loc["shuffled", "categorical_tv_column"]
    assert 0 <= table.loc["shuffled", "reference_unseen_combination_share"] <= 1
    embedding = ln.latent_projection(payload, train, ln.ProjectionParams(size=200), copies=copies,
                                     shuffled=mixed_lane)
    assert np.isfinite(embedding[["tsne_x", "tsne_y"]].to_numpy()).all() and set(embedding["lane"]) == {
        "(real)", "copies", "shuffled"}
