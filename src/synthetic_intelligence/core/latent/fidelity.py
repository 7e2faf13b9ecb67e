"""Fidelity numbers of synthetic minority points, computed in the autoencoder's latent space.

Five questions that do not depend on any downstream model:

* :func:`no_mans_land_rate` - share of synthetic points whose real neighbourhood is
  mostly majority class (points placed in "no man's land").
* :func:`detection_auc` - classifier two-sample test: cross-validated ROC-AUC of an
  independent judge telling real minority from synthetic (0.5 = indistinguishable).
* :func:`distance_ratio` - how far synthetic points sit from the real minority,
  relative to how far held-out real minority points sit (~1 faithful, >>1 far away,
  <<1 copying).
* :func:`cluster_coverage` - share of real-minority clusters that the synthetic
  points populate (mode coverage).
* :func:`distance_to_closest_record` - memorisation check: how close synthetic points
  lie to their nearest real training row compared with held-out real rows.

:func:`knn_class_auc` says whether the space keeps the class signal at all.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from synthetic_intelligence.core.latent.projection import make_groups, stratified_subsample

__all__ = [
    "DCR_QUANTILE",
    "MEMORISATION_RATIO",
    "no_mans_land_rate",
    "detection_auc",
    "distance_ratio",
    "cluster_coverage",
    "distance_to_closest_record",
    "fidelity_report",
    "knn_class_auc",
]

#: Quantile of the held-out distances to the closest record below which a synthetic point
#: counts as "closer than real held-out rows get" (a faithful generator puts ~5% there).
DCR_QUANTILE = 0.05
#: A lane is flagged as memorising when its median distance to the closest training row is
#: below this share of the held-out rows' median (copies score 0, interpolation ~0.5 to 1).
MEMORISATION_RATIO = 0.25


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


def distance_to_closest_record(
    Z_syn: np.ndarray,
    Z_ref: np.ndarray,
    Z_heldout: np.ndarray,
    *,
    quantile: float = DCR_QUANTILE,
    memorisation_ratio: float = MEMORISATION_RATIO,
) -> dict:
    """Memorisation check by distance to closest record (DCR).

    Each synthetic point's and each held-out real point's Euclidean distance to its nearest
    reference point (the real training rows; sklearn ``NearestNeighbors``). Held-out rows
    were never seen by the generator, so their distances are what "as close as real data
    gets" looks like. Returns

    * ``dcr_synthetic_median`` / ``dcr_heldout_median``: the two medians;
    * ``dcr_ratio``: their ratio (~1 faithful; 0 when the synthetic rows are copies);
    * ``dcr_share_below_heldout_p5``: share of synthetic points closer to a training row
      than the ``quantile`` (5th percentile) of the held-out distances (~``quantile`` for
      a faithful generator, 1 for copies);
    * ``memorised``: ``dcr_ratio < memorisation_ratio``.

    NaN numbers (and ``memorised`` False) when a set is empty; ``dcr_ratio`` is NaN when the
    held-out median is 0 (real held-out rows duplicate training rows).
    """
    from sklearn.neighbors import NearestNeighbors

    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must be in (0, 1), got {quantile!r}")
    S, R, H = _as_2d(Z_syn), _as_2d(Z_ref), _as_2d(Z_heldout)
    out = {"dcr_synthetic_median": math.nan, "dcr_heldout_median": math.nan, "dcr_ratio": math.nan,
           "dcr_share_below_heldout_p5": math.nan, "memorised": False}
    if len(S) == 0 or len(R) == 0 or len(H) == 0:
        return out
    nn_ = NearestNeighbors(n_neighbors=1).fit(R)
    d_syn = nn_.kneighbors(S)[0][:, 0]
    d_held = nn_.kneighbors(H)[0][:, 0]
    out["dcr_synthetic_median"] = float(np.median(d_syn))
    out["dcr_heldout_median"] = float(np.median(d_held))
    out["dcr_share_below_heldout_p5"] = float(np.mean(d_syn < np.quantile(d_held, quantile)))
    if out["dcr_heldout_median"] > 0:
        out["dcr_ratio"] = out["dcr_synthetic_median"] / out["dcr_heldout_median"]
        out["memorised"] = bool(out["dcr_ratio"] < memorisation_ratio)
    return out


def fidelity_report(
    Z_syn: np.ndarray,
    Z_real: np.ndarray,
    y_real: np.ndarray,
    Z_real_min_heldout: np.ndarray,
    *,
    k: int = 10,
    n_clusters: int = 8,
    random_state: int = 0,
    memorisation_ratio: float = MEMORISATION_RATIO,
) -> dict:
    """All four fidelity numbers plus ``n_synthetic`` and the memorisation check.

    ``Z_real``/``y_real`` are the real (training) points the synthetic ones were made from;
    their minority rows (``y_real == 1``) are the reference real minority for the
    no-man's-land rate, the distance ratio and the cluster coverage.
    ``Z_real_min_heldout`` is real minority not seen by the generator: it is the denominator
    of the distance ratio and the real side of the detection test (see :func:`detection_auc`
    for why the training minority would bias that test).
    The memorisation check (:func:`distance_to_closest_record`) measures distances to all of
    ``Z_real`` (any training row can be copied) against ``Z_real_min_heldout``: the held-out
    rows of the class the synthetic rows imitate, whose density sets the scale.
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
        **distance_to_closest_record(Z_syn, Z_real, Z_real_min_heldout, memorisation_ratio=memorisation_ratio),
    }


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
