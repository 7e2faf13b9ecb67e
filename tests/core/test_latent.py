"""Tests for synthetic_intelligence.core.latent (autoencoder, fidelity metrics, figures)."""

from __future__ import annotations

import io
import logging
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from synthetic_intelligence.core.latent import (
    knn_class_auc,
    GROUP_MAJORITY,
    GROUP_MINORITY,
    GROUP_SYNTHETIC,
    Autoencoder,
    AutoencoderConfig,
    TrainedAutoencoder,
    cluster_coverage,
    detection_auc,
    distance_ratio,
    fidelity_report,
    make_groups,
    no_mans_land_rate,
    stratified_subsample,
    train_autoencoder,
    tsne_2d,
    tsne_panel,
    tsne_plotly,
    tsne_scatter,
)

SMALL = AutoencoderConfig(hidden=(32, 16), latent_dim=3, epochs=12, batch_size=128, lr=3e-3, patience=4, seed=0, device="cpu")


def _low_rank_frame(n: int = 2000, d: int = 10, rank: int = 3, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n, rank))
    loadings = rng.normal(size=(rank, d))
    X = factors @ loadings + 0.05 * rng.normal(size=(n, d))
    X = X * rng.uniform(0.5, 20, size=d) + rng.uniform(-50, 50, size=d)  # heterogeneous scales
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(d)])


@pytest.fixture(scope="module")
def ae_data():
    df = _low_rank_frame()
    return df.iloc[:1600].reset_index(drop=True), df.iloc[1600:].reset_index(drop=True)


@pytest.fixture(scope="module")
def trained(ae_data):
    X_train, X_val = ae_data
    return train_autoencoder(X_train, X_val, SMALL)


# ---------------------------------------------------------------------------- autoencoder


def test_default_architecture_for_40_inputs():
    model = Autoencoder(40)
    enc = [(m.in_features, m.out_features) for m in model.encoder if isinstance(m, torch.nn.Linear)]
    dec = [(m.in_features, m.out_features) for m in model.decoder if isinstance(m, torch.nn.Linear)]
    assert enc == [(40, 256), (256, 128), (128, 64), (64, 8)]
    assert dec == [(8, 64), (64, 128), (128, 256), (256, 40)]
    assert sum(isinstance(m, torch.nn.ReLU) for m in model.encoder) == 3
    assert not isinstance(list(model.encoder)[-1], torch.nn.ReLU)  # linear latent code
    cfg = AutoencoderConfig()
    assert Autoencoder(40, cfg.hidden, cfg.latent_dim)(torch.zeros(5, 40)).shape == (5, 40)


def test_training_reduces_validation_loss(trained):
    hist = trained.history
    assert 1 <= len(hist) <= SMALL.epochs
    assert [h["epoch"] for h in hist] == list(range(1, len(hist) + 1))
    first = hist[0]["val_loss"]
    best = min(h["val_loss"] for h in hist)
    assert best < 0.5 * first
    # low-rank data with rank == latent_dim reconstructs well (standardised units)
    assert best < 0.2
    assert all(math.isfinite(h["train_loss"]) for h in hist)


def test_best_weights_are_restored(trained, ae_data):
    _, X_val = ae_data
    err = float(trained.reconstruction_error(X_val).mean())
    best = min(h["val_loss"] for h in trained.history)
    assert err == pytest.approx(best, rel=1e-4)


def test_encode_shape_and_standardisation(trained, ae_data):
    X_train, X_val = ae_data
    Z = trained.encode(X_val)
    assert Z.shape == (len(X_val), SMALL.latent_dim)
    assert np.isfinite(Z).all()
    np.testing.assert_allclose(trained.mean, X_train.mean().to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(trained.scale, X_train.std(ddof=0).to_numpy(), rtol=1e-9)
    assert trained.feature_names == list(X_train.columns)
    # column order follows feature_names; ndarray input gives the same result
    np.testing.assert_array_equal(trained.encode(X_val[X_val.columns[::-1]]), Z)
    np.testing.assert_array_equal(trained.encode(X_val.to_numpy()), Z)
    assert trained.encode(X_val.iloc[:0]).shape == (0, SMALL.latent_dim)


def test_payload_round_trip(trained, ae_data, tmp_path):
    _, X_val = ae_data
    path = tmp_path / "ae.pt"
    torch.save(trained.to_payload(), path)
    payload = torch.load(path, weights_only=True)
    restored = TrainedAutoencoder.from_payload(payload)
    assert restored.input_dim == 10 and restored.latent_dim == 3 and tuple(restored.hidden) == (32, 16)
    assert restored.history == trained.history
    assert restored.feature_names == trained.feature_names
    np.testing.assert_array_equal(restored.encode(X_val), trained.encode(X_val))


def test_same_seed_same_encodings_other_seed_differs(trained, ae_data):
    X_train, X_val = ae_data
    again = train_autoencoder(X_train, X_val, SMALL)
    np.testing.assert_array_equal(again.encode(X_val), trained.encode(X_val))
    other = train_autoencoder(X_train, X_val, AutoencoderConfig(**{**SMALL.__dict__, "seed": 1, "epochs": 2}))
    assert not np.allclose(other.encode(X_val), trained.encode(X_val))


def test_training_logs_every_epoch(ae_data, caplog):
    X_train, X_val = ae_data
    cfg = AutoencoderConfig(hidden=(8,), latent_dim=2, epochs=3, batch_size=256, patience=10, device="cpu")
    with caplog.at_level(logging.INFO, logger="synthetic_intelligence.core.latent"):
        ae = train_autoencoder(X_train, X_val, cfg)
    msgs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("epoch ")]
    assert len(msgs) == 3 == len(ae.history)
    assert msgs[0].startswith("epoch 1/3 train_loss=") and "val_loss=" in msgs[0]


def test_constant_column_is_guarded():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    df["const"] = 7.0
    cfg = AutoencoderConfig(hidden=(8,), latent_dim=2, epochs=2, batch_size=64, device="cpu")
    ae = train_autoencoder(df.iloc[:200], df.iloc[200:], cfg)
    assert ae.scale[-1] == 1.0
    assert np.isfinite(ae.encode(df)).all()


# ---------------------------------------------------------------------------- metrics

CENTRES = np.array([[6, 6, 0, 0], [-6, 6, 0, 0], [6, -6, 0, 0], [-6, -6, 0, 0]], dtype=float)


def _minority(n: int, rng: np.random.Generator, centres: np.ndarray = CENTRES) -> np.ndarray:
    which = rng.integers(len(centres), size=n)
    return centres[which] + 0.7 * rng.normal(size=(n, centres.shape[1]))


@pytest.fixture(scope="module")
def real():
    rng = np.random.default_rng(42)
    Z_maj = 1.5 * rng.normal(size=(800, 4))
    Z_min = _minority(200, rng)
    Z_real = np.vstack([Z_maj, Z_min])
    y_real = np.r_[np.zeros(len(Z_maj), dtype=int), np.ones(len(Z_min), dtype=int)]
    heldout = _minority(200, rng)
    return Z_real, y_real, Z_min, heldout


def test_copies_of_real_minority_look_faithful(real):
    Z_real, y_real, Z_min, heldout = real
    rng = np.random.default_rng(1)
    syn = Z_min + 1e-3 * rng.normal(size=Z_min.shape)
    # judged against real minority the generator did not see: indistinguishable
    assert 0.35 < detection_auc(heldout, syn) < 0.65
    # judged against the very points that were copied, twins leak across folds: AUC << 0.5
    assert detection_auc(Z_min, syn) < 0.35
    assert no_mans_land_rate(syn, Z_real, y_real) < 0.1
    # copying shows up in the distance ratio instead
    assert distance_ratio(syn, Z_min, heldout) < 0.05


def test_points_in_majority_space_are_flagged(real):
    Z_real, y_real, Z_min, heldout = real
    rng = np.random.default_rng(2)
    syn = 1.0 * rng.normal(size=(200, 4))  # core of the majority blob
    assert detection_auc(Z_min, syn) > 0.9
    assert detection_auc(heldout, syn) > 0.9
    assert no_mans_land_rate(syn, Z_real, y_real) > 0.9


def test_detection_auc_balances_and_handles_tiny_sets(real):
    _, _, Z_min, _ = real
    rng = np.random.default_rng(3)
    far = rng.normal(size=(20, 4)) + 30
    assert detection_auc(Z_min, far) > 0.95  # 200 vs 20 -> subsampled to 20 vs 20
    assert math.isnan(detection_auc(Z_min, far[:1]))
    assert math.isnan(detection_auc(Z_min, np.zeros((0, 4))))


def test_distance_ratio(real):
    _, _, Z_min, heldout = real
    rng = np.random.default_rng(4)
    fresh = _minority(300, rng)
    assert 0.75 < distance_ratio(fresh, Z_min, heldout) < 1.33
    far = _minority(300, rng) + 25
    assert distance_ratio(far, Z_min, heldout) > 10
    assert math.isnan(distance_ratio(np.zeros((0, 4)), Z_min, heldout))


def test_cluster_coverage(real):
    _, _, Z_min, _ = real
    rng = np.random.default_rng(5)
    everywhere = _minority(400, rng)
    assert cluster_coverage(Z_min, everywhere, n_clusters=4) == 1.0
    one_mode = _minority(400, rng, centres=CENTRES[:1])
    assert cluster_coverage(Z_min, one_mode, n_clusters=4) == pytest.approx(0.25)
    # more clusters than modes: one mode still covers only a minority of them
    assert cluster_coverage(Z_min, one_mode, n_clusters=8) <= 0.5
    assert math.isnan(cluster_coverage(Z_min, np.zeros((0, 4))))


def test_fidelity_report(real):
    Z_real, y_real, Z_min, heldout = real
    rng = np.random.default_rng(6)
    syn = _minority(150, rng)
    rep = fidelity_report(syn, Z_real, y_real, heldout, n_clusters=4)
    assert set(rep) == {"n_synthetic", "no_mans_land_rate", "detection_auc", "distance_ratio", "cluster_coverage"}
    assert rep["n_synthetic"] == 150
    assert rep["no_mans_land_rate"] < 0.1
    assert 0.3 < rep["detection_auc"] < 0.7
    assert 0.7 < rep["distance_ratio"] < 1.4
    assert rep["cluster_coverage"] == 1.0

    copies = fidelity_report(Z_min[:150] + 1e-3 * rng.normal(size=(150, 4)), Z_real, y_real, heldout, n_clusters=4)
    assert 0.3 < copies["detection_auc"] < 0.7
    assert copies["distance_ratio"] < 0.05

    empty = fidelity_report(np.zeros((0, 4)), Z_real, y_real, heldout)
    assert empty["n_synthetic"] == 0
    for key in ("no_mans_land_rate", "detection_auc", "distance_ratio", "cluster_coverage"):
        assert math.isnan(empty[key])


# ---------------------------------------------------------------------------- subsample, t-SNE, figures


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


def _groups_and_emb(n_maj=50, n_min=20, n_syn=10, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n_maj, dtype=int), np.ones(n_min, dtype=int)]
    groups = make_groups(y, n_syn)
    return rng.normal(size=(len(groups), 2)), groups


def test_make_groups():
    groups = make_groups(np.array([0, 1, 0]), 2)
    assert groups.tolist() == [GROUP_MAJORITY, GROUP_MINORITY, GROUP_MAJORITY, GROUP_SYNTHETIC, GROUP_SYNTHETIC]


def test_matplotlib_figures_render():
    emb, groups = _groups_and_emb()
    fig = tsne_scatter(emb, groups, "baseline")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert len(fig.axes[0].collections) == 3  # one scatter per group
    fig.savefig(io.BytesIO(), format="png")

    emb_empty, groups_empty = _groups_and_emb(n_syn=0)
    panel = tsne_panel({"a": (emb, groups), "b": (emb_empty, groups_empty), "c": (emb, groups)})
    assert isinstance(panel, Figure) and len(panel.axes) == 3
    assert [ax.get_title() for ax in panel.axes] == ["a", "b", "c"]
    panel.savefig(io.BytesIO(), format="png")

    blank = tsne_scatter(np.zeros((0, 2)), pd.Series([], dtype=object), "nothing")
    blank.savefig(io.BytesIO(), format="png")


def test_plotly_figure_has_traces():
    emb, groups = _groups_and_emb()
    fig = tsne_plotly(emb, groups, "baseline")
    assert len(fig.data) == 3
    names = [t.name for t in fig.data]
    assert names[0].startswith(GROUP_MAJORITY) and names[-1].startswith(GROUP_SYNTHETIC)
    assert sum(len(t.x) for t in fig.data) == len(groups)
    emb0, groups0 = _groups_and_emb(n_syn=0)
    assert len(tsne_plotly(emb0, groups0, "no synthetic").data) == 2


def test_knn_class_auc_separable_vs_random_labels():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, size=(300, 4)), rng.normal(4, 1, size=(60, 4))]
    y = np.r_[np.zeros(300, dtype=int), np.ones(60, dtype=int)]
    assert knn_class_auc(X, y, k=10, seed=0, max_rows=1000) > 0.95
    shuffled = rng.permutation(y)
    assert abs(knn_class_auc(X, shuffled, k=10, seed=0, max_rows=1000) - 0.5) < 0.12
