"""Synthetic training worlds and the concept drift that makes a "New World".

Two generators, both returning a ``target`` column (1 = minority) and numeric
features ``x00 .. x{d-1}``:

* :func:`make_world` wraps scikit-learn's ``make_classification`` (several
  Gaussian clusters per class on the vertices of a hypercube, redundant and
  noise features, label noise ``flip_y``).  One call draws the training world
  *and* the undrifted new-world rows from the same generating process, so they
  differ only by what :func:`apply_drift` does to the latter.
* :func:`make_two_clusters` is the demonstration world: a minority in two
  well-separated clusters inside a majority background, with majority mass in
  the gap between them.  Straight lines between minority points of different
  clusters (SMOTE's interpolation) cross majority territory.

Drift (:func:`apply_drift`) is a documented transformation of the generating
process with one knob, ``severity`` in [0, 1] (0 = no drift):

1. *Covariate shift of the clusters*: every row of class ``c`` moves by
   ``severity * shift_scale * s * u_c``, where ``u_c`` is a random unit
   direction drawn per class and ``s`` the median feature standard deviation.
   The two classes move in different directions, so their overlap changes.
2. *Change of the label function*: let ``w`` be a random unit direction and
   ``z = x @ w`` (on the undrifted features).  The ``k = round(severity *
   relabel_share * n_minority)`` minority rows with the lowest ``z`` become
   majority and the ``k`` majority rows with the highest ``z`` become minority.
   Prevalence is unchanged; the boundary is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

from synthetic_intelligence.core.errors import ConfigurationError  # noqa: E402
from synthetic_intelligence.core.schema import TARGET  # noqa: E402


def feature_names(n_features: int) -> list[str]:
    width = max(2, len(str(n_features - 1)))
    return [f"x{i:0{width}d}" for i in range(n_features)]


@dataclass(frozen=True)
class WorldSpec:
    """Parameters of :func:`make_world` (``make_classification`` plus sizes)."""

    n_samples: int = 128_000
    n_new_world: int = 20_000
    n_features: int = 40
    n_informative: int = 16
    n_redundant: int = 8
    n_clusters_per_class: int = 3
    minority_share: float = 0.08
    flip_y: float = 0.01
    class_sep: float = 1.0
    seed: int = 42

    def __post_init__(self) -> None:
        if not 0.0 < self.minority_share < 0.5:
            raise ConfigurationError(f"minority_share must be in (0, 0.5), got {self.minority_share}")
        if self.n_samples < 100 or self.n_new_world < 10:
            raise ConfigurationError(
                f"n_samples >= 100 and n_new_world >= 10 required, got {self.n_samples}, {self.n_new_world}"
            )


def _frame(X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame(X.astype(np.float64), columns=feature_names(X.shape[1]))
    df[TARGET] = y.astype(np.int64)
    return df


def make_world(spec: WorldSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw ``(training_world, new_world_base)`` from one ``make_classification`` process."""
    n_total = spec.n_samples + spec.n_new_world
    X, y = make_classification(
        n_samples=n_total,
        n_features=spec.n_features,
        n_informative=spec.n_informative,
        n_redundant=spec.n_redundant,
        n_clusters_per_class=spec.n_clusters_per_class,
        weights=[1.0 - spec.minority_share],
        flip_y=spec.flip_y,
        class_sep=spec.class_sep,
        shuffle=True,
        random_state=spec.seed,
    )
    df = _frame(X, y)
    return df.iloc[: spec.n_samples].reset_index(drop=True), df.iloc[spec.n_samples :].reset_index(drop=True)


def make_two_clusters(
    n_samples: int = 20_000,
    n_new_world: int = 4_000,
    n_features: int = 40,
    minority_share: float = 0.08,
    separation: float = 6.0,
    noise_scale: float = 0.3,
    rotate: bool = True,
    seed: int = 42,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Minority in two clusters at ``±separation/2`` on one axis, majority around and between them.

    In the two informative dimensions the majority is a broad Gaussian (std 3)
    plus a dense band at the midpoint of the two minority clusters (std 0.6),
    so the segment joining them runs through majority territory.  The other
    ``n_features - 2`` dimensions are small noise (std ``noise_scale``).  With
    ``rotate`` a seeded random rotation mixes the plane into every feature, so
    no single column carries the structure alone (distances are unchanged).
    """
    if n_features < 2:
        raise ConfigurationError(f"two_clusters needs n_features >= 2, got {n_features}")
    rng = np.random.default_rng(seed)
    n_total = n_samples + n_new_world
    n_min = int(round(n_total * minority_share))
    n_maj = n_total - n_min
    X = noise_scale * rng.normal(size=(n_total, n_features))
    half = separation / 2.0
    side = np.where(rng.random(n_min) < 0.5, -half, half)
    X[:n_min, 0] = side + 0.6 * rng.normal(size=n_min)
    X[:n_min, 1] = 0.6 * rng.normal(size=n_min)
    n_gap = int(0.3 * n_maj)
    X[n_min:, :2] = 3.0 * rng.normal(size=(n_maj, 2))
    X[n_min : n_min + n_gap, 0] = 0.6 * rng.normal(size=n_gap)
    X[n_min : n_min + n_gap, 1] = 1.2 * rng.normal(size=n_gap)
    order = rng.permutation(n_total)
    if rotate and n_features > 2:
        q, _ = np.linalg.qr(rng.normal(size=(n_features, n_features)))
        X = X @ q
    y = np.r_[np.ones(n_min, dtype=np.int64), np.zeros(n_maj, dtype=np.int64)]
    df = _frame(X[order], y[order])
    return df.iloc[:n_samples].reset_index(drop=True), df.iloc[n_samples:].reset_index(drop=True)


def apply_drift(
    df: pd.DataFrame,
    severity: float,
    *,
    shift_scale: float = 2.0,
    relabel_share: float = 0.3,
    seed: int = 0,
    target: str = TARGET,
) -> pd.DataFrame:
    """Return a drifted copy of ``df`` (see the module docstring); ``severity=0`` returns an equal copy."""
    if not 0.0 <= float(severity) <= 1.0:
        raise ConfigurationError(f"drift severity must be in [0, 1], got {severity}")
    out = df.copy()
    if severity == 0:
        return out
    features = [c for c in df.columns if c != target]
    X = df[features].to_numpy(dtype=np.float64)
    y = df[target].to_numpy()
    rng = np.random.default_rng(seed)
    scale = float(np.median(X.std(axis=0))) or 1.0
    for cls in (0, 1):
        u = rng.normal(size=X.shape[1])
        u /= np.linalg.norm(u)
        mask = y == cls
        out.loc[mask, features] = X[mask] + severity * shift_scale * scale * u
    w = rng.normal(size=X.shape[1])
    z = X @ (w / np.linalg.norm(w))
    minority = np.flatnonzero(y == 1)
    majority = np.flatnonzero(y == 0)
    k = int(round(severity * relabel_share * len(minority)))
    k = min(k, len(majority))
    if k:
        to_majority = minority[np.argsort(z[minority])[:k]]
        to_minority = majority[np.argsort(z[majority])[-k:]]
        new_y = y.copy()
        new_y[to_majority] = 0
        new_y[to_minority] = 1
        out[target] = new_y
    return out
