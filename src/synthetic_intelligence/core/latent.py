"""Model-independent view of synthetic minority points in an autoencoder's latent space.

The module trains a small fully connected autoencoder on real data, encodes real and
synthetic rows into its latent space, and judges there where the synthetic minority
points lie, with four numbers that do not depend on any downstream model:

* :func:`no_mans_land_rate` - share of synthetic points whose real neighbourhood is
  mostly majority class (points placed in "no man's land").
* :func:`detection_auc` - classifier two-sample test: cross-validated ROC-AUC of an
  independent judge telling real minority from synthetic (0.5 = indistinguishable).
* :func:`distance_ratio` - how far synthetic points sit from the real minority,
  relative to how far held-out real minority points sit (~1 faithful, >>1 far away,
  <<1 copying).
* :func:`cluster_coverage` - share of real-minority clusters that the synthetic
  points populate (mode coverage).

It also offers t-SNE helpers and figures (matplotlib and plotly). Plain library code:
no kedro imports.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
import torch
from torch import nn

__all__ = [
    "GROUP_MAJORITY",
    "GROUP_MINORITY",
    "GROUP_SYNTHETIC",
    "GROUP_COLOURS",
    "AutoencoderConfig",
    "Autoencoder",
    "TrainedAutoencoder",
    "train_autoencoder",
    "tsne_2d",
    "stratified_subsample",
    "make_groups",
    "no_mans_land_rate",
    "detection_auc",
    "distance_ratio",
    "cluster_coverage",
    "fidelity_report",
    "tsne_scatter",
    "tsne_panel",
    "tsne_plotly",
]

log = logging.getLogger(__name__)

#: Group labels used by the figures (see :func:`make_groups`).
GROUP_MAJORITY = "real majority"
GROUP_MINORITY = "real minority"
GROUP_SYNTHETIC = "synthetic"

#: Colours of the three groups: real majority light grey, real minority blue, synthetic red.
GROUP_COLOURS: dict[str, str] = {
    GROUP_MAJORITY: "#c8c8c8",
    GROUP_MINORITY: "#1f5fbf",
    GROUP_SYNTHETIC: "#d62728",
}
_GROUP_ORDER = (GROUP_MAJORITY, GROUP_MINORITY, GROUP_SYNTHETIC)
_FALLBACK_COLOURS = ("#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")

_PAYLOAD_FORMAT = "synthetic_intelligence.latent.autoencoder/v1"


# --------------------------------------------------------------------------------------
# Autoencoder
# --------------------------------------------------------------------------------------


@dataclass
class AutoencoderConfig:
    """Hyper-parameters of :func:`train_autoencoder`."""

    hidden: tuple[int, ...] = (256, 128, 64)  # encoder hidden sizes; decoder mirrors
    latent_dim: int = 8
    epochs: int = 30
    batch_size: int = 512
    lr: float = 1e-3
    patience: int = 5  # early stopping on validation loss
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
        """Standardise ``X`` with the train statistics (float32)."""
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
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "TrainedAutoencoder":
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


def train_autoencoder(
    X_train: pd.DataFrame,
    X_val: pd.DataFrame,
    config: AutoencoderConfig,
    logger: logging.Logger | None = None,
) -> TrainedAutoencoder:
    """Train an :class:`Autoencoder` on ``X_train`` with early stopping on ``X_val``.

    Inputs are standardised with train statistics only (zero-variance columns get scale
    1, missing values become the train mean). MSE loss, Adam, mini-batches shuffled with
    a seeded generator; the best weights by validation loss are restored. Training is
    seeded and uses deterministic algorithms; the global RNG state and the global
    determinism flag are restored afterwards. Runs on CUDA when available and
    ``config.device == "auto"``; the returned weights live on CPU.
    """
    logger = logger or log
    if config.epochs < 1:
        raise ValueError("config.epochs must be >= 1")
    feature_names = [str(c) for c in X_train.columns] if isinstance(X_train, pd.DataFrame) else []
    tr = _to_float_array(X_train)
    va = _to_float_array(X_val, feature_names or None)
    if len(tr) == 0:
        raise ValueError("X_train is empty")
    if va.shape[1] != tr.shape[1]:
        raise ValueError(f"X_val has {va.shape[1]} features, X_train has {tr.shape[1]}")
    if not feature_names:
        feature_names = [f"x{i}" for i in range(tr.shape[1])]
    mean, scale = _fit_scaler(tr)
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
                logger.info("epoch %d/%d train_loss=%.4f val_loss=%.4f", epoch, config.epochs, train_loss, val_loss)

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
    )


# --------------------------------------------------------------------------------------
# t-SNE and subsampling
# --------------------------------------------------------------------------------------


def tsne_2d(Z: np.ndarray, random_state: int = 0, perplexity: float = 30.0) -> np.ndarray:
    """2-D t-SNE embedding of ``Z`` (openTSNE when importable, else scikit-learn).

    Perplexity is clamped to ``(n - 1) / 3`` for small ``n``; fewer than 4 points are
    laid out without t-SNE (first two standardised coordinates) since t-SNE is
    meaningless there.
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim == 1:
        Z = Z.reshape(-1, 1)
    n = len(Z)
    if n == 0:
        return np.zeros((0, 2))
    if n < 4:
        out = np.zeros((n, 2))
        k = min(2, Z.shape[1])
        out[:, :k] = Z[:, :k] - Z[:, :k].mean(axis=0)
        return out
    perp = float(max(1.0, min(perplexity, (n - 1) / 3.0)))
    try:
        import openTSNE
    except ImportError:  # pragma: no cover - depends on the environment
        openTSNE = None
    if openTSNE is not None:
        emb = openTSNE.TSNE(n_components=2, perplexity=perp, random_state=random_state, n_jobs=1, verbose=False).fit(Z)
        return np.asarray(emb, dtype=np.float64)
    from sklearn.manifold import TSNE  # pragma: no cover

    return TSNE(n_components=2, perplexity=perp, random_state=random_state, init="pca").fit_transform(Z)  # pragma: no cover


def stratified_subsample(groups: pd.Series, n: int, random_state: int, min_per_group: int = 5) -> np.ndarray:
    """Positional indices of a subsample of size ~``n`` keeping each group's share.

    Every non-empty group keeps at least ``min(len(group), min_per_group)`` rows (so the
    result can exceed ``n`` slightly when there are many tiny groups). Returns all
    indices when ``n >= len(groups)``. Indices are sorted.
    """
    values = pd.Series(groups).reset_index(drop=True)
    total = len(values)
    if n >= total:
        return np.arange(total)
    rng = np.random.default_rng(random_state)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    sizes = np.bincount(codes, minlength=len(uniques))
    floors = np.minimum(sizes, min_per_group)
    raw = sizes / total * max(n, 0)
    quota = np.floor(raw).astype(int)
    # largest remainder to reach n
    short = max(n, 0) - quota.sum()
    if short > 0:
        order = np.argsort(-(raw - quota), kind="stable")
        quota[order[:short]] += 1
    quota = np.clip(np.maximum(quota, floors), 0, sizes)
    # give back the excess created by the floors, taking from groups above their floor
    excess = quota.sum() - max(n, int(floors.sum()))
    while excess > 0:
        slack = quota - floors
        g = int(np.argmax(slack))
        if slack[g] <= 0:
            break
        take = min(excess, slack[g])
        quota[g] -= take
        excess -= take
    picked = [rng.choice(np.flatnonzero(codes == g), size=int(q), replace=False) for g, q in enumerate(quota) if q > 0]
    if not picked:
        return np.zeros(0, dtype=int)
    return np.sort(np.concatenate(picked))


def make_groups(y_real: np.ndarray | pd.Series, n_synthetic: int) -> pd.Series:
    """Group labels for ``[real rows..., synthetic rows...]`` stacked in that order."""
    y = np.asarray(y_real).astype(int)
    labels = np.where(y == 1, GROUP_MINORITY, GROUP_MAJORITY).tolist() + [GROUP_SYNTHETIC] * int(n_synthetic)
    return pd.Series(labels, name="group", dtype=object)


# --------------------------------------------------------------------------------------
# Fidelity metrics
# --------------------------------------------------------------------------------------


def _as_2d(Z: Any) -> np.ndarray:
    arr = np.asarray(Z, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1) if arr.size else arr.reshape(0, 0)
    return arr


def no_mans_land_rate(Z_syn: np.ndarray, Z_real: np.ndarray, y_real: np.ndarray, k: int = 10) -> float:
    """Share of synthetic points whose ``k`` nearest real neighbours are mostly (> half) majority.

    Majority means ``y_real == 0``. NaN when there are no synthetic or no real points.
    """
    from sklearn.neighbors import NearestNeighbors

    Z_syn, Z_real = _as_2d(Z_syn), _as_2d(Z_real)
    y = np.asarray(y_real).astype(int).ravel()
    if len(Z_syn) == 0 or len(Z_real) == 0:
        return float("nan")
    if len(y) != len(Z_real):
        raise ValueError("y_real and Z_real lengths differ")
    k = int(max(1, min(k, len(Z_real))))
    nn_ = NearestNeighbors(n_neighbors=k).fit(Z_real)
    idx = nn_.kneighbors(Z_syn, return_distance=False)
    majority_share = (y[idx] == 0).mean(axis=1)
    return float((majority_share > 0.5).mean())


def detection_auc(Z_real_min: np.ndarray, Z_syn: np.ndarray, random_state: int = 0, cv: int = 5) -> float:
    """Classifier two-sample test: cross-validated ROC-AUC of a judge separating real minority
    (label 0) from synthetic (label 1).

    The judge is a scikit-learn ``RandomForestClassifier`` independent of any model under
    study. The larger set is subsampled to the size of the smaller one. 0.5 means
    indistinguishable, 1.0 trivially separable. NaN when either set has fewer than 2 points.

    Pass real minority points that were *not* used to generate ``Z_syn`` (a held-out set):
    against the generator's own training points, near-copies leak across the CV folds (a
    test point's twin sits in the training fold with the other label) and the AUC drops far
    below 0.5 - itself a sign of memorisation, but not the "indistinguishable" 0.5.
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    A, B = _as_2d(Z_real_min), _as_2d(Z_syn)
    m = min(len(A), len(B))
    if m < 2:
        return float("nan")
    rng = np.random.default_rng(random_state)
    if len(A) > m:
        A = A[rng.choice(len(A), size=m, replace=False)]
    if len(B) > m:
        B = B[rng.choice(len(B), size=m, replace=False)]
    X = np.vstack([A, B])
    y = np.r_[np.zeros(m, dtype=int), np.ones(m, dtype=int)]
    folds = StratifiedKFold(n_splits=int(max(2, min(cv, m))), shuffle=True, random_state=random_state)
    judge = RandomForestClassifier(n_estimators=200, min_samples_leaf=2, random_state=random_state, n_jobs=1)
    proba = cross_val_predict(judge, X, y, cv=folds, method="predict_proba")[:, 1]
    return float(roc_auc_score(y, proba))


def distance_ratio(Z_syn: np.ndarray, Z_real_min_ref: np.ndarray, Z_real_min_heldout: np.ndarray) -> float:
    """Median nearest-neighbour distance synthetic -> reference real minority, divided by the same
    statistic for held-out real minority -> reference real minority.

    ~1 faithful, >>1 far away, <<1 copying the reference points. NaN when a set is empty or the
    held-out statistic is 0.
    """
    from sklearn.neighbors import NearestNeighbors

    S, R, H = _as_2d(Z_syn), _as_2d(Z_real_min_ref), _as_2d(Z_real_min_heldout)
    if len(S) == 0 or len(R) == 0 or len(H) == 0:
        return float("nan")
    nn_ = NearestNeighbors(n_neighbors=1).fit(R)
    d_syn = float(np.median(nn_.kneighbors(S)[0][:, 0]))
    d_held = float(np.median(nn_.kneighbors(H)[0][:, 0]))
    if d_held <= 0:
        return float("nan")
    return d_syn / d_held


def cluster_coverage(
    Z_real_min: np.ndarray,
    Z_syn: np.ndarray,
    n_clusters: int = 8,
    random_state: int = 0,
    tolerance: float = 0.5,
) -> float:
    """Share of real-minority KMeans clusters that the synthetic points cover.

    Synthetic points are assigned to the nearest real-minority cluster centre; a cluster is
    covered when its synthetic share is at least ``tolerance`` times its real share. NaN when
    either set is empty.
    """
    from sklearn.cluster import KMeans

    R, S = _as_2d(Z_real_min), _as_2d(Z_syn)
    if len(R) == 0 or len(S) == 0:
        return float("nan")
    k = int(max(1, min(n_clusters, len(np.unique(R, axis=0)))))
    km = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit(R)
    real_share = np.bincount(km.labels_, minlength=k) / len(R)
    syn_share = np.bincount(km.predict(S), minlength=k) / len(S)
    covered = syn_share >= tolerance * real_share
    return float(covered[real_share > 0].mean())


def fidelity_report(
    Z_syn: np.ndarray,
    Z_real: np.ndarray,
    y_real: np.ndarray,
    Z_real_min_heldout: np.ndarray,
    *,
    k: int = 10,
    n_clusters: int = 8,
    random_state: int = 0,
) -> dict:
    """All four fidelity numbers plus ``n_synthetic``.

    ``Z_real``/``y_real`` are the real (training) points the synthetic ones were made from;
    their minority rows (``y_real == 1``) are the reference real minority for the
    no-man's-land rate, the distance ratio and the cluster coverage.
    ``Z_real_min_heldout`` is real minority not seen by the generator: it is the denominator
    of the distance ratio and the real side of the detection test (see :func:`detection_auc`
    for why the training minority would bias that test).
    """
    Z_syn, Z_real = _as_2d(Z_syn), _as_2d(Z_real)
    y = np.asarray(y_real).astype(int).ravel()
    Z_real_min = Z_real[y == 1] if len(Z_real) else Z_real
    return {
        "n_synthetic": int(len(Z_syn)),
        "no_mans_land_rate": no_mans_land_rate(Z_syn, Z_real, y, k=k),
        "detection_auc": detection_auc(Z_real_min_heldout, Z_syn, random_state=random_state),
        "distance_ratio": distance_ratio(Z_syn, Z_real_min, Z_real_min_heldout),
        "cluster_coverage": cluster_coverage(Z_real_min, Z_syn, n_clusters=n_clusters, random_state=random_state),
    }


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def _ordered_groups(groups: pd.Series) -> list:
    present = list(pd.unique(pd.Series(groups).astype(object)))
    known = [g for g in _GROUP_ORDER if g in present]
    return known + [g for g in present if g not in known]


def _colour_map(labels: list) -> dict:
    colours: dict = {}
    extra = iter(_FALLBACK_COLOURS * (1 + len(labels) // len(_FALLBACK_COLOURS)))
    for g in labels:
        colours[g] = GROUP_COLOURS.get(g) or next(extra)
    return colours


def _style(g: Any) -> dict:
    if g == GROUP_MAJORITY:
        return {"s": 3, "alpha": 0.35}
    if g == GROUP_MINORITY:
        return {"s": 6, "alpha": 0.7}
    return {"s": 6, "alpha": 0.7}


def _draw(ax, emb: np.ndarray, groups: pd.Series, title: str, colours: dict | None = None) -> None:
    emb = np.asarray(emb, dtype=np.float64).reshape(-1, 2) if np.size(emb) else np.zeros((0, 2))
    g = pd.Series(groups).astype(object).to_numpy()
    if len(g) != len(emb):
        raise ValueError(f"emb has {len(emb)} rows, groups has {len(g)}")
    labels = _ordered_groups(pd.Series(g))
    colours = colours or _colour_map(labels)
    for lab in labels:
        mask = g == lab
        ax.scatter(
            emb[mask, 0], emb[mask, 1], c=colours[lab], label=f"{lab} ({int(mask.sum())})", linewidths=0, **_style(lab)
        )
    if len(emb) == 0:
        ax.text(0.5, 0.5, "no points", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    if labels:
        ax.legend(loc="best", fontsize="small", markerscale=2, frameon=False)


def tsne_scatter(emb: np.ndarray, groups: pd.Series, title: str):
    """Scatter of a 2-D embedding coloured by group (real majority light grey, real minority
    blue, synthetic red). Returns a ``matplotlib.figure.Figure`` built without pyplot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 6), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    _draw(ax, emb, groups, title)
    return fig


def tsne_panel(embeddings: Mapping[str, tuple[np.ndarray, pd.Series]]):
    """Side-by-side scatters, one axis per entry (e.g. per swimlane), titled by key."""
    from matplotlib.figure import Figure

    n = max(1, len(embeddings))
    fig = Figure(figsize=(5 * n, 5), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    if not embeddings:
        axes[0].text(0.5, 0.5, "no embeddings", ha="center", va="center", transform=axes[0].transAxes)
        axes[0].set_xticks([])
        axes[0].set_yticks([])
        return fig
    all_labels: list = []
    for _, groups in embeddings.values():
        for lab in _ordered_groups(groups):
            if lab not in all_labels:
                all_labels.append(lab)
    colours = _colour_map(all_labels)
    for ax, (name, (emb, groups)) in zip(axes, embeddings.items()):
        _draw(ax, emb, groups, str(name), colours)
    return fig


def tsne_plotly(emb: np.ndarray, groups: pd.Series, title: str):
    """Interactive version of :func:`tsne_scatter`: one trace per group."""
    import plotly.graph_objects as go

    emb = np.asarray(emb, dtype=np.float64).reshape(-1, 2) if np.size(emb) else np.zeros((0, 2))
    g = pd.Series(groups).astype(object).to_numpy()
    if len(g) != len(emb):
        raise ValueError(f"emb has {len(emb)} rows, groups has {len(g)}")
    labels = _ordered_groups(pd.Series(g))
    colours = _colour_map(labels)
    fig = go.Figure()
    for lab in labels:
        mask = g == lab
        size = 3 if lab == GROUP_MAJORITY else 5
        opacity = 0.4 if lab == GROUP_MAJORITY else 0.8
        fig.add_trace(
            go.Scattergl(
                x=emb[mask, 0],
                y=emb[mask, 1],
                mode="markers",
                name=f"{lab} ({int(mask.sum())})",
                marker={"color": colours[lab], "size": size, "opacity": opacity},
            )
        )
    fig.update_layout(
        title=title,
        template="plotly_white",
        xaxis={"showticklabels": False, "title": "t-SNE 1"},
        yaxis={"showticklabels": False, "title": "t-SNE 2"},
        legend={"itemsizing": "constant"},
    )
    return fig


def knn_class_auc(X: np.ndarray, y: np.ndarray, k: int, seed: int, max_rows: int) -> float:
    """Cross-validated ROC-AUC of a k-NN classifier separating the real classes in ``X``.

    A diagnostic of the space the fidelity numbers live in: when the latent space keeps
    the class signal, its AUC is close to the same test on the standardised inputs; near
    0.5 the neighbourhood-based numbers (no-man's-land rate above all) say little.
    """
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.neighbors import KNeighborsClassifier

    idx = stratified_subsample(make_groups(y, 0), int(max_rows), random_state=seed)
    X, y = np.asarray(X)[idx], np.asarray(y)[idx]
    n_min = int(min(np.bincount(y, minlength=2)))
    if n_min < 2:
        return float("nan")
    folds = StratifiedKFold(n_splits=min(5, n_min), shuffle=True, random_state=seed)
    knn = KNeighborsClassifier(n_neighbors=int(max(1, min(k, len(y) - len(y) // folds.n_splits - 1))))
    proba = cross_val_predict(knn, X, y, cv=folds, method="predict_proba")[:, 1]
    return float(roc_auc_score(y, proba))


def seeded_sample(n_total: int, n: int | None, seed: int, salt: int) -> np.ndarray:
    """Sorted positional indices of a seeded random sample of ``min(n, n_total)`` rows."""
    if n is None or n >= n_total:
        return np.arange(n_total)
    rng = np.random.default_rng([int(seed), int(salt)])
    return np.sort(rng.choice(n_total, size=max(0, int(n)), replace=False))


def shared_tsne(model: "TrainedAutoencoder", real: pd.DataFrame, y_real: np.ndarray,
                synthetic: dict[str, pd.DataFrame], *, size: int, real_share: float, perplexity: float,
                seed: int, real_lane: str = "(real)"):
    """Encode real rows and each lane's synthetic rows and lay them out with ONE t-SNE fit.

    Real rows: a seeded class-stratified subsample of ``size * real_share`` rows, shared by
    every lane; each lane: a seeded subsample of ``(size - n_real) / n_lanes`` synthetic rows.
    Returns ``(panels, embedding, real_emb, real_groups)`` where ``panels[lane]`` is
    ``(coordinates, groups)`` of the real points plus that lane's synthetic points and
    ``embedding`` the table ``lane, group, tsne_x, tsne_y``.
    """
    n_real = int(min(len(real), round(size * real_share)))
    per_lane = max(0, (int(size) - n_real) // max(1, len(synthetic)))
    real_idx = stratified_subsample(make_groups(y_real, 0), n_real, random_state=seed)
    real_groups = make_groups(y_real[real_idx], 0)
    blocks = [model.encode(real.iloc[real_idx])]
    counts: dict[str, int] = {}
    for salt, (lane, syn) in enumerate(synthetic.items(), start=1):
        idx = seeded_sample(len(syn), per_lane, seed, salt)
        blocks.append(model.encode(syn.iloc[idx]))
        counts[lane] = len(idx)
    emb = tsne_2d(np.vstack(blocks), random_state=seed, perplexity=perplexity)

    real_emb = emb[: len(real_idx)]
    rows = [pd.DataFrame({"lane": real_lane, "group": real_groups.to_numpy(),
                          "tsne_x": real_emb[:, 0], "tsne_y": real_emb[:, 1]})]
    panels: dict[str, tuple[np.ndarray, pd.Series]] = {}
    offset = len(real_idx)
    for lane, n_syn in counts.items():
        lane_emb = emb[offset : offset + n_syn]
        offset += n_syn
        rows.append(pd.DataFrame({"lane": lane, "group": GROUP_SYNTHETIC,
                                  "tsne_x": lane_emb[:, 0], "tsne_y": lane_emb[:, 1]}))
        panels[lane] = (np.vstack([real_emb, lane_emb]), make_groups(y_real[real_idx], n_syn))
    return panels, pd.concat(rows, ignore_index=True), real_emb, real_groups
