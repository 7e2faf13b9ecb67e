"""Tests for synthetic_intelligence.core.latent.autoencoder (model, training, payload)."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
import pytest
import torch

from synthetic_intelligence.core.latent import Autoencoder, AutoencoderConfig, TrainedAutoencoder, train_autoencoder

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
    msgs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("autoencoder: ")]
    assert len(msgs) == 3 == len(ae.history)
    # progress: epoch of epochs, elapsed, an upper bound of the time left (early stopping), the losses
    assert msgs[0].startswith("autoencoder: 1 of 3 epochs (33%), ") and " elapsed, at most " in msgs[0]
    assert "epoch 1: train_loss=" in msgs[0] and "val_loss=" in msgs[0]
    assert msgs[-1].startswith("autoencoder: 3 of 3 epochs (100%), ") and " left" not in msgs[-1]


def test_constant_column_is_guarded():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    df["const"] = 7.0
    cfg = AutoencoderConfig(hidden=(8,), latent_dim=2, epochs=2, batch_size=64, device="cpu")
    ae = train_autoencoder(df.iloc[:200], df.iloc[200:], cfg)
    assert ae.scale[-1] == 1.0
    assert np.isfinite(ae.encode(df)).all()

