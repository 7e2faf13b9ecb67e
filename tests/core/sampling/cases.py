"""Shared helpers of the sampler tests: seeded configurations and their fingerprints, toy data, oracles.

The fingerprints were recorded with the single-module sampler (before the
package reshape, commit e63c140) and must stay byte-identical with
``gate="probability"`` and the same threshold: see ``test_fingerprints.py``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits


class LogisticOnFirstFeature:
    """Not a scikit-learn estimator (no fit, no classes_): P(1 | x) = sigmoid(2 x0)."""

    def predict_proba(self, X):
        p = 1.0 / (1.0 + np.exp(-2.0 * np.asarray(X, dtype=np.float64)[:, 0]))
        return np.column_stack([1.0 - p, p])


def _binary(n=3000, seed=0):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=3, weights=[0.9], class_sep=1.0,
                               random_state=seed)
    return X, y


def _lr(X, y):
    return LogisticRegression(max_iter=1000).fit(X, y)


def _frame():
    X, y = _binary(seed=1)
    rng = np.random.RandomState(1)
    df = pd.DataFrame({
        "f32": X[:, 0].astype(np.float32),
        "f64": X[:, 1],
        "count": rng.randint(0, 7, size=len(X)).astype(np.int64),
        "small": (X[:, 2] * 3).round().astype(np.int32),
        "f4": X[:, 3],
    })
    return df, pd.Series(y, name="target")


def _multiclass():
    X, y = make_classification(n_samples=2400, n_features=5, n_informative=3, n_classes=3, n_clusters_per_class=1,
                               weights=[0.8, 0.12, 0.08], random_state=3)
    labels = np.array(["maj", "b", "c"])[y]
    return X, labels


def case_data(name):  # noqa: PLR0911 - one return per named case
    """``(X, y, sampler kwargs)`` of the named case; oracles are fitted here."""
    if name in ("interpolate", "cluster_interpolate", "gaussian"):
        X, y = _binary()
        return X, y, dict(oracle=_lr(X, y), threshold=0.6, candidates=name, n_clusters=4, batch_size=4096,
                          random_state=11)
    if name == "dataframe_integer_columns":
        X, y = _frame()
        return X, y, dict(oracle=_lr(X, y), threshold=0.55, sampling_strategy=0.5, batch_size=2048, random_state=5)
    if name == "dataframe_gaussian_float_ratio":
        X, y = _frame()
        return X, y, dict(oracle=_lr(X, y), threshold=0.5, candidates="gaussian", sampling_strategy=0.3,
                          batch_size=1024, random_state=2)
    if name == "multiclass_dict":
        X, y = _multiclass()
        return X, y, dict(oracle=_lr(X, y), threshold=0.5, sampling_strategy={"b": 700, "c": 600},
                          candidates="cluster_interpolate", batch_size=2048, random_state=4)
    if name == "default_hgb_oracle":
        X, y = _binary(n=1500, seed=7)
        return X, y, dict(threshold=0.6, batch_size=2048, random_state=0)
    if name == "unfitted_lr_cloned":
        X, y = _binary(seed=8)
        return X, y, dict(oracle=LogisticRegression(max_iter=1000), threshold=0.7, batch_size=512, random_state=9)
    if name == "non_sklearn_oracle_float32":
        X, y = _binary(seed=2)
        return X.astype(np.float32), y, dict(oracle=LogisticOnFirstFeature(), threshold=0.8, batch_size=1000,
                                             random_state=3)
    raise KeyError(name)


CASES = (
    "interpolate",
    "cluster_interpolate",
    "gaussian",
    "dataframe_integer_columns",
    "dataframe_gaussian_float_ratio",
    "multiclass_dict",
    "default_hgb_oracle",
    "unfitted_lr_cloned",
    "non_sklearn_oracle_float32",
)


def _sha(array) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def fingerprint(sampler, X_res, y_res) -> dict:
    """sha256 of the output bytes (per column for DataFrames) plus the headline attributes."""
    if isinstance(X_res, pd.DataFrame):
        digest = hashlib.sha256()
        for name in X_res.columns:
            digest.update(f"{name}:{X_res[name].dtype}".encode())
            digest.update(np.ascontiguousarray(X_res[name].to_numpy()).tobytes())
        x_hash = digest.hexdigest()
    else:
        x_hash = _sha(X_res) + f":{X_res.dtype}:{X_res.shape}"
    y = np.asarray(y_res)
    return {
        "X": x_hash,
        "y": _sha(y) + f":{y.dtype}:{y.shape}",
        "acceptance_rate": float(sampler.acceptance_rate_),
        "n_rounds": int(sampler.n_rounds_),
    }


# --------------------------------------------------------------------------- #
# shared fixtures of the sampler tests
# --------------------------------------------------------------------------- #
def make_toy(seed: int = 0):
    """Two minority blobs at (-4, 0) and (4, 0) in a majority background that
    is uniform over a box and denser in the gap around (0, 0)."""
    rng = np.random.RandomState(seed)
    minority = np.vstack([rng.normal((-4.0, 0.0), 0.6, size=(100, 2)), rng.normal((4.0, 0.0), 0.6, size=(100, 2))])
    background = rng.uniform((-8.0, -4.0), (8.0, 4.0), size=(1200, 2))
    gap = rng.normal((0.0, 0.0), 1.0, size=(800, 2))
    X = np.vstack([background, gap, minority])
    y = np.concatenate([np.zeros(2000, dtype=int), np.ones(200, dtype=int)])
    return X, y


class ConstantOracle:
    """Not a scikit-learn estimator; always predicts P(class 1) = p."""

    def __init__(self, p: float):
        self.p = p

    def predict_proba(self, X):
        n = len(X)
        return np.column_stack([np.full(n, 1.0 - self.p), np.full(n, self.p)])


class HalfOracle:
    """Accepts candidates with x0 > 0 (about half of them on the toy)."""

    classes_ = np.array([0, 1])

    def predict_proba(self, X):
        p = (np.asarray(X)[:, 0] > 0).astype(float)
        return np.column_stack([1 - p, p])


@pytest.fixture(autouse=True)
def single_thread():
    """One BLAS / OpenMP thread: the shared 2-core machine makes threaded fits crawl (output is the same)."""
    with threadpool_limits(1):
        yield
