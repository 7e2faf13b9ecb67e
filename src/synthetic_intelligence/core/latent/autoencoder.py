"""The autoencoder of the latent-space QA: model, training with early stopping, encoding.

A small fully connected autoencoder fitted on real rows (standardised with the train
statistics); :class:`TrainedAutoencoder` keeps everything needed to encode new rows and
round-trips through a plain payload (``torch.load(weights_only=True)``).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from pydantic import BaseModel, ConfigDict
from torch import nn

from synthetic_intelligence.core.latent.mixed import InputLayout, needs_layout
from synthetic_intelligence.core.progress import Progress

__all__ = ["AutoencoderConfig", "Autoencoder", "TrainedAutoencoder", "train_autoencoder"]

log = logging.getLogger(__name__)

_PAYLOAD_FORMAT = "synthetic_intelligence.latent.autoencoder/v1"


class AutoencoderConfig(BaseModel):
    """Hyper-parameters of :func:`train_autoencoder` (``qa.autoencoder``)."""

    model_config = ConfigDict(extra="forbid")

    hidden: tuple[int, ...] = (256, 128, 64)  # encoder hidden sizes; decoder mirrors
    latent_dim: int = 8
    epochs: int = 30
    batch_size: int = 512
    lr: float = 1e-3
    patience: int | None = 5  # early stopping on validation loss (None: never)
    seed: int = 0
    device: str = "auto"  # "auto" -> cuda if available else cpu


def _mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers between consecutive ``sizes``, ReLU between them, none after the last."""
    layers: list[nn.Module] = []
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(d_in, d_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """Fully connected autoencoder.

    Encoder: ``input_dim -> hidden[0] -> ... -> hidden[-1] -> latent_dim``; the decoder
    mirrors it back to ``input_dim``. ReLU after every hidden layer; the latent code and
    the reconstruction are linear.
    """

    def __init__(self, input_dim: int, hidden: tuple[int, ...] = (256, 128, 64), latent_dim: int = 8):
        super().__init__()
        if input_dim < 1 or latent_dim < 1:
            raise ValueError("input_dim and latent_dim must be positive")
        self.input_dim = int(input_dim)
        self.hidden = tuple(int(h) for h in hidden)
        self.latent_dim = int(latent_dim)
        enc_sizes = [self.input_dim, *self.hidden, self.latent_dim]
        self.encoder = _mlp(enc_sizes)
        self.decoder = _mlp(enc_sizes[::-1])

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def _to_float_array(X: pd.DataFrame | np.ndarray, feature_names: list[str] | None = None) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        if feature_names:
            cols = [str(c) for c in X.columns]
            if cols != list(feature_names):
                missing = [f for f in feature_names if f not in set(cols)]
                if missing:
                    raise KeyError(f"missing feature columns: {missing[:10]}{'...' if len(missing) > 10 else ''}")
                X = X.set_axis(cols, axis=1)[list(feature_names)]
        arr = X.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    return arr


def _standardise(arr: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Standardise with given stats; missing / non-finite values become 0 (the train mean)."""
    Z = (arr - mean) / scale
    return np.nan_to_num(Z, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def _fit_scaler(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    finite = np.where(np.isfinite(arr), arr, np.nan)
    with np.errstate(all="ignore"):
        mean = np.nanmean(finite, axis=0) if len(arr) else np.zeros(arr.shape[1])
        std = np.nanstd(finite, axis=0) if len(arr) else np.ones(arr.shape[1])
    mean = np.nan_to_num(mean, nan=0.0)
    std = np.nan_to_num(std, nan=1.0)
    scale = np.where(std < 1e-12, 1.0, std)  # guard zero / near-zero variance
    return mean.astype(np.float64), scale.astype(np.float64)


@dataclass(eq=False)
class TrainedAutoencoder:
    """A trained autoencoder with everything needed to encode new rows."""

    state_dict: dict
    input_dim: int
    hidden: tuple
    latent_dim: int
    mean: np.ndarray  # standardisation stats from train
    scale: np.ndarray
    feature_names: list[str]
    history: list[dict]  # per epoch: epoch, train_loss, val_loss
    layout: InputLayout | None = None  # mixed-type input (one-hot, indicators); None: the plain numeric matrix
    _model: Autoencoder | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def best_epoch(self) -> int | None:
        """Epoch (1-based) whose weights were kept, i.e. the lowest validation loss."""
        if not self.history:
            return None
        best = min(self.history, key=lambda h: h["val_loss"])
        return int(best["epoch"])

    def build_model(self) -> Autoencoder:
        """The autoencoder on CPU, in eval mode, with the trained weights loaded."""
        if self._model is None:
            model = Autoencoder(self.input_dim, tuple(self.hidden), self.latent_dim)
            model.load_state_dict({k: torch.as_tensor(v).cpu() for k, v in self.state_dict.items()})
            model.eval()
            self._model = model
        return self._model

    def transform(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        """Standardise ``X`` with the train statistics (float32); a mixed-type layout first builds its design."""
        if self.layout is not None:
            if not isinstance(X, pd.DataFrame):
                raise TypeError("this autoencoder was trained on a mixed-type table: pass a DataFrame")
            arr = self.layout.design(X)
        else:
            arr = _to_float_array(X, self.feature_names)
        if arr.shape[1] != self.input_dim:
            raise ValueError(f"expected {self.input_dim} features, got {arr.shape[1]}")
        return _standardise(arr, self.mean, self.scale)

    def encode(self, X: pd.DataFrame | np.ndarray, batch_size: int = 8192) -> np.ndarray:
        """Latent codes of ``X``, shape ``(n, latent_dim)``; runs on CPU in batches."""
        Xs = self.transform(X)
        if len(Xs) == 0:
            return np.zeros((0, self.latent_dim), dtype=np.float32)
        model = self.build_model()
        out = []
        with torch.no_grad():
            for start in range(0, len(Xs), batch_size):
                xb = torch.from_numpy(Xs[start : start + batch_size])
                out.append(model.encode(xb).numpy())
        return np.concatenate(out, axis=0)

    def reconstruction_error(self, X: pd.DataFrame | np.ndarray, batch_size: int = 8192) -> np.ndarray:
        """Per-row mean squared reconstruction error (in standardised units)."""
        Xs = self.transform(X)
        if len(Xs) == 0:
            return np.zeros(0, dtype=np.float32)
        model = self.build_model()
        out = []
        with torch.no_grad():
            for start in range(0, len(Xs), batch_size):
                xb = torch.from_numpy(Xs[start : start + batch_size])
                out.append(((model(xb) - xb) ** 2).mean(dim=1).numpy())
        return np.concatenate(out, axis=0)

    def to_payload(self) -> dict:
        """Plain dict (tensors, lists, ints, floats, str) loadable with ``torch.load(weights_only=True)``."""
        return {
            "format": _PAYLOAD_FORMAT,
            "state_dict": {str(k): torch.as_tensor(v).detach().cpu().clone() for k, v in self.state_dict.items()},
            "input_dim": int(self.input_dim),
            "hidden": [int(h) for h in self.hidden],
            "latent_dim": int(self.latent_dim),
            "mean": torch.as_tensor(np.asarray(self.mean, dtype=np.float64)).clone(),
            "scale": torch.as_tensor(np.asarray(self.scale, dtype=np.float64)).clone(),
            "feature_names": [str(f) for f in self.feature_names],
            "history": [
                {"epoch": int(h["epoch"]), "train_loss": float(h["train_loss"]), "val_loss": float(h["val_loss"])}
                for h in self.history
            ],
            **({"layout": self.layout.to_payload()} if self.layout is not None else {}),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> TrainedAutoencoder:
        fmt = payload.get("format", _PAYLOAD_FORMAT)
        if fmt != _PAYLOAD_FORMAT:
            raise ValueError(f"unknown autoencoder payload format: {fmt!r}")

        def _arr(v: Any) -> np.ndarray:
            if isinstance(v, torch.Tensor):
                return v.detach().cpu().numpy().astype(np.float64)
            return np.asarray(v, dtype=np.float64)

        return cls(
            state_dict={str(k): torch.as_tensor(v).detach().cpu() for k, v in payload["state_dict"].items()},
            input_dim=int(payload["input_dim"]),
            hidden=tuple(int(h) for h in payload["hidden"]),
            latent_dim=int(payload["latent_dim"]),
            mean=_arr(payload["mean"]),
            scale=_arr(payload["scale"]),
            feature_names=[str(f) for f in payload.get("feature_names", [])],
            history=[dict(h) for h in payload.get("history", [])],
            layout=InputLayout.from_payload(payload.get("layout")),
        )


def _resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _mean_loss(model: nn.Module, X: torch.Tensor, batch_size: int) -> float:
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb = X[start : start + batch_size]
            total += float(nn.functional.mse_loss(model(xb), xb, reduction="sum"))
    return total / max(1, X.numel())


def _inputs(X_train, X_val) -> tuple:
    """``(train matrix, validation matrix, feature names, layout, mean, scale)`` of :func:`train_autoencoder`."""
    feature_names = [str(c) for c in X_train.columns] if isinstance(X_train, pd.DataFrame) else []
    layout = InputLayout.fit(X_train) if feature_names and needs_layout(X_train) else None
    if layout is not None:  # one-hot categoricals, numbers and missing indicators (core.latent.mixed)
        tr, va = layout.design(X_train), layout.design(X_val)
    else:
        tr = _to_float_array(X_train)
        va = _to_float_array(X_val, feature_names or None)
    if len(tr) == 0:
        raise ValueError("X_train is empty")
    if va.shape[1] != tr.shape[1]:
        raise ValueError(f"X_val has {va.shape[1]} features, X_train has {tr.shape[1]}")
    if not feature_names:
        feature_names = [f"x{i}" for i in range(tr.shape[1])]
    mean, scale = _fit_scaler(tr)
    if layout is not None:  # one-hot and indicator columns stay 0/1
        mean[~layout.scaled], scale[~layout.scaled] = 0.0, 1.0
    return tr, va, feature_names, layout, mean, scale


def train_autoencoder(  # noqa: PLR0915 - moved unchanged from core/latent.py so seeded numbers stay identical
    X_train: pd.DataFrame,
    X_val: pd.DataFrame,
    config: AutoencoderConfig,
    logger: logging.Logger | None = None,
) -> TrainedAutoencoder:
    """Train an :class:`Autoencoder` on ``X_train`` with early stopping on ``X_val``.

    Inputs are standardised with train statistics only (zero-variance columns get scale
    1, missing values become the train mean). A mixed-type DataFrame (boolean, categorical
    or missing values) first becomes the design of :class:`~.mixed.InputLayout`: numbers,
    missing indicators and one-hot categoricals (those two left 0/1). MSE loss, Adam, mini-batches shuffled with
    a seeded generator; the best weights by validation loss are restored. Training is
    seeded and uses deterministic algorithms; the global RNG state and the global
    determinism flag are restored afterwards. Runs on CUDA when available and
    ``config.device == "auto"``; the returned weights live on CPU.
    """
    logger = logger or log
    if config.epochs < 1:
        raise ValueError("config.epochs must be >= 1")
    tr, va, feature_names, layout, mean, scale = _inputs(X_train, X_val)
    tr_s = _standardise(tr, mean, scale)
    va_s = _standardise(va, mean, scale)

    device = _resolve_device(config.device)
    hidden = tuple(int(h) for h in config.hidden)
    batch_size = max(1, int(config.batch_size))
    input_dim = tr.shape[1]

    if device.type == "cuda":
        # needed by cuBLAS for deterministic results; only effective before cuBLAS starts
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    prev_det = torch.are_deterministic_algorithms_enabled()
    prev_det_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    fork_devices = [device.index or 0] if device.type == "cuda" else []
    history: list[dict] = []
    try:
        torch.use_deterministic_algorithms(True, warn_only=True)
        with torch.random.fork_rng(devices=fork_devices):
            torch.manual_seed(config.seed)
            model = Autoencoder(input_dim, hidden, config.latent_dim).to(device)
            optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
            gen = torch.Generator().manual_seed(config.seed)
            Xtr = torch.from_numpy(tr_s).to(device)
            Xva = torch.from_numpy(va_s).to(device)
            use_val = len(Xva) > 0
            if not use_val:
                logger.warning("X_val is empty: early stopping monitors the training loss")

            best_loss = math.inf
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            stale = 0
            n = len(Xtr)
            progress = Progress("autoencoder", config.epochs, unit="epochs", logger=logger,
                                upper_bound=config.patience is not None)
            for epoch in range(1, config.epochs + 1):
                model.train()
                perm = torch.randperm(n, generator=gen).to(device)
                total = 0.0
                for start in range(0, n, batch_size):
                    xb = Xtr[perm[start : start + batch_size]]
                    optimiser.zero_grad(set_to_none=True)
                    loss = nn.functional.mse_loss(model(xb), xb)
                    loss.backward()
                    optimiser.step()
                    total += float(loss.detach()) * len(xb)
                train_loss = total / n
                val_loss = _mean_loss(model, Xva, batch_size * 4) if use_val else train_loss
                history.append({"epoch": epoch, "train_loss": float(train_loss), "val_loss": float(val_loss)})
                progress.update(epoch, f"epoch {epoch}: train_loss={train_loss:.4f} val_loss={val_loss:.4f}")

                if val_loss < best_loss - 1e-12:
                    best_loss = val_loss
                    best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
                    stale = 0
                else:
                    stale += 1
                    if config.patience is not None and stale >= config.patience:
                        logger.info(
                            "early stopping at epoch %d: best val_loss=%.4f at epoch %d",
                            epoch,
                            best_loss,
                            min(history, key=lambda h: h["val_loss"])["epoch"],
                        )
                        break
    finally:
        torch.use_deterministic_algorithms(prev_det, warn_only=prev_det_warn)

    return TrainedAutoencoder(
        state_dict=best_state,
        input_dim=input_dim,
        hidden=hidden,
        latent_dim=int(config.latent_dim),
        mean=mean,
        scale=scale,
        feature_names=feature_names,
        history=history,
        layout=layout,
    )
