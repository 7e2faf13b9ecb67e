"""Tests for synthetic_intelligence.core.latent.projection (subsampling, groups, one shared t-SNE)
and for the package's public names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic_intelligence.core import latent
from synthetic_intelligence.core.latent import (
    GROUP_MAJORITY,
    GROUP_MINORITY,
    GROUP_SYNTHETIC,
    REAL_LANE,
    make_groups,
    seeded_sample,
    shared_tsne,
    stratified_subsample,
    tsne_2d,
)


def test_stratified_subsample_keeps_shares_and_small_groups():
    groups = pd.Series(["maj"] * 1000 + ["min"] * 60 + ["syn"] * 3, index=np.arange(1063) + 500)
    idx = stratified_subsample(groups, 100, random_state=0)
    assert len(idx) == len(np.unique(idx))
    assert idx.min() >= 0 and idx.max() < len(groups)
    counts = groups.iloc[idx].value_counts()
    assert counts["syn"] == 3  # floor keeps the whole tiny group
    assert counts["min"] >= 5
    assert 85 <= counts["maj"] <= 95
    assert 98 <= len(idx) <= 102
    np.testing.assert_array_equal(idx, stratified_subsample(groups, 100, random_state=0))
    np.testing.assert_array_equal(stratified_subsample(groups, 5000, random_state=0), np.arange(len(groups)))


def test_tsne_2d_shapes():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(60, 8))
    emb = tsne_2d(Z, random_state=0)
    assert emb.shape == (60, 2) and np.isfinite(emb).all()
    assert tsne_2d(Z[:8]).shape == (8, 2)  # perplexity clamped
    assert tsne_2d(Z[:2]).shape == (2, 2)
    assert tsne_2d(Z[:0]).shape == (0, 2)


def test_make_groups():
    groups = make_groups(np.array([0, 1, 0]), 2)
    assert groups.tolist() == [GROUP_MAJORITY, GROUP_MINORITY, GROUP_MAJORITY, GROUP_SYNTHETIC, GROUP_SYNTHETIC]




def test_seeded_sample():
    a = seeded_sample(100, 10, seed=0, salt=1)
    assert len(a) == 10 == len(np.unique(a)) and (np.diff(a) > 0).all()
    np.testing.assert_array_equal(a, seeded_sample(100, 10, seed=0, salt=1))
    assert not np.array_equal(a, seeded_sample(100, 10, seed=0, salt=2))  # one stream per lane
    np.testing.assert_array_equal(seeded_sample(5, None, seed=0, salt=1), np.arange(5))
    np.testing.assert_array_equal(seeded_sample(5, 50, seed=0, salt=1), np.arange(5))


class _Identity:
    """Stands in for a trained autoencoder: the 'latent code' is the row itself."""

    def encode(self, X: pd.DataFrame) -> np.ndarray:
        return X.to_numpy(dtype=np.float64)


def test_shared_tsne_is_one_table_with_real_points_first():
    rng = np.random.default_rng(0)
    real = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
    y = np.r_[np.zeros(180, dtype=int), np.ones(20, dtype=int)]
    synthetic = {"smote": real.iloc[:40] + 0.1, "empty": real.iloc[:0], "model_driven": real.iloc[:50] - 0.1}
    table = shared_tsne(_Identity(), real, y, synthetic, size=120, real_share=0.5, perplexity=10.0, seed=0)
    assert list(table.columns) == latent.EMBEDDING_COLUMNS
    assert list(table["lane"].cat.categories) == [REAL_LANE, "smote", "empty", "model_driven"]
    lanes = table["lane"].astype(str).tolist()
    assert lanes == [REAL_LANE] * 60 + ["smote"] * 20 + ["model_driven"] * 20  # (120 - 60) // 3 lanes each
    real_rows = table[table["lane"] == REAL_LANE]
    assert set(real_rows["group"]) == {GROUP_MAJORITY, GROUP_MINORITY}
    assert (real_rows["group"] == GROUP_MINORITY).sum() == 6  # class-stratified: 10% of 60
    assert set(table.loc[table["lane"] != REAL_LANE, "group"]) == {GROUP_SYNTHETIC}
    assert np.isfinite(table[["tsne_x", "tsne_y"]].to_numpy()).all()
    again = shared_tsne(_Identity(), real, y, synthetic, size=120, real_share=0.5, perplexity=10.0, seed=0)
    pd.testing.assert_frame_equal(table, again)


# ------------------------------------------------------------------ the package's shape


def test_public_names_are_exported():
    from synthetic_intelligence.core.latent import autoencoder, fidelity, neighbours, projection

    modules = (autoencoder, fidelity, neighbours, projection)
    assert sorted(latent.__all__) == sorted({name for m in modules for name in m.__all__})
    for name in latent.__all__:
        assert getattr(latent, name) is not None
    public = {name for m in modules for name, value in vars(m).items()
              if not name.startswith("_") and callable(value) and getattr(value, "__module__", None) == m.__name__}
    assert public <= set(latent.__all__)  # no public function left out of __all__
