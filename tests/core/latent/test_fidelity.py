"""Tests for synthetic_intelligence.core.latent.fidelity: the fidelity numbers, the memorisation
check (distance to closest record) and the k-NN class-AUC diagnostic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler

from synthetic_intelligence.core.latent import (
    MEMORISATION_RATIO,
    cluster_coverage,
    detection_auc,
    distance_ratio,
    distance_to_closest_record,
    fidelity_report,
    knn_class_auc,
    no_mans_land_rate,
)
from tests.golden_numbers import RECORDED

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
    assert set(rep) == {"n_synthetic", "no_mans_land_rate", "detection_auc", "distance_ratio", "cluster_coverage",
                        "dcr_synthetic_median", "dcr_heldout_median", "dcr_ratio", "dcr_share_below_heldout_p5",
                        "memorised"}
    assert rep["n_synthetic"] == 150
    assert rep["no_mans_land_rate"] < 0.1
    assert 0.3 < rep["detection_auc"] < 0.7
    assert 0.7 < rep["distance_ratio"] < 1.4
    assert rep["cluster_coverage"] == 1.0
    assert rep["memorised"] is False and 0.7 < rep["dcr_ratio"] < 1.4

    copies = fidelity_report(Z_min[:150] + 1e-3 * rng.normal(size=(150, 4)), Z_real, y_real, heldout, n_clusters=4)
    assert 0.3 < copies["detection_auc"] < 0.7
    assert copies["distance_ratio"] < 0.05
    assert copies["memorised"] is True and copies["dcr_share_below_heldout_p5"] == 1.0

    empty = fidelity_report(np.zeros((0, 4)), Z_real, y_real, heldout)
    assert empty["n_synthetic"] == 0
    for key in ("no_mans_land_rate", "detection_auc", "distance_ratio", "cluster_coverage", "dcr_ratio"):
        assert math.isnan(empty[key])
    assert empty["memorised"] is False


def test_fidelity_report_numbers_unchanged_by_the_split(real):
    """The numbers of :func:`test_fidelity_report`'s faithful sample, recorded before core.latent was split."""
    Z_real, y_real, _, heldout = real
    rep = fidelity_report(_minority(150, np.random.default_rng(6)), Z_real, y_real, heldout, n_clusters=4)
    recorded = RECORDED["core_fidelity_report"]
    assert {key: rep[key] for key in recorded} == pytest.approx(recorded, rel=1e-12)


# ---------------------------------------------------------------------------- memorisation


def test_dcr_of_copies_interpolation_and_fresh_draws(real):
    Z_real, y_real, Z_min, heldout = real
    rng = np.random.default_rng(7)
    copies = Z_min[rng.integers(len(Z_min), size=300)]
    dup = distance_to_closest_record(copies, Z_real, heldout)
    assert dup["dcr_synthetic_median"] == 0.0 < dup["dcr_heldout_median"]
    assert dup["dcr_ratio"] == 0.0 and dup["dcr_share_below_heldout_p5"] == 1.0 and dup["memorised"] is True

    fresh = distance_to_closest_record(_minority(300, rng), Z_real, heldout)  # new draws of the same process
    assert 0.75 < fresh["dcr_ratio"] < 1.33
    assert fresh["dcr_share_below_heldout_p5"] < 0.15  # ~0.05 by construction
    assert fresh["memorised"] is False

    a, b = Z_min[rng.integers(len(Z_min), size=300)], Z_min[rng.integers(len(Z_min), size=300)]
    between = distance_to_closest_record(a + rng.random((300, 1)) * (b - a), Z_real, heldout)
    assert between["dcr_ratio"] > MEMORISATION_RATIO and between["memorised"] is False


def test_dcr_flags_a_copying_sampler_and_not_interpolation():
    """RandomOverSampler duplicates training rows: flagged; SMOTE interpolates between neighbours: not."""
    rng = np.random.default_rng(11)
    X = np.r_[rng.normal(0, 1, size=(900, 3)), rng.normal(2.5, 0.8, size=(100, 3))]
    y = np.r_[np.zeros(900, dtype=int), np.ones(100, dtype=int)]
    heldout = rng.normal(2.5, 0.8, size=(100, 3))  # real minority the samplers never saw
    reports = {}
    for name, sampler in (("ros", RandomOverSampler(random_state=0)), ("smote", SMOTE(random_state=0))):
        X_res, _ = sampler.fit_resample(X, y)
        reports[name] = distance_to_closest_record(X_res[len(X):], X, heldout)
    assert reports["ros"]["memorised"] is True and reports["ros"]["dcr_ratio"] == 0.0
    assert reports["ros"]["dcr_share_below_heldout_p5"] == 1.0
    assert reports["smote"]["memorised"] is False
    assert MEMORISATION_RATIO < reports["smote"]["dcr_ratio"] < 1.0  # closer than real rows, but not copies
    assert reports["smote"]["dcr_share_below_heldout_p5"] < 1.0


def test_dcr_edge_cases(real):
    Z_real, _, Z_min, heldout = real
    empty = distance_to_closest_record(np.zeros((0, 4)), Z_real, heldout)
    assert math.isnan(empty["dcr_ratio"]) and empty["memorised"] is False
    # held-out rows that duplicate training rows: no scale to compare with
    dup_held = distance_to_closest_record(Z_min[:10], Z_real, Z_min[:20])
    assert dup_held["dcr_heldout_median"] == 0.0 and math.isnan(dup_held["dcr_ratio"])
    assert dup_held["memorised"] is False
    with pytest.raises(ValueError, match="quantile"):
        distance_to_closest_record(Z_min, Z_real, heldout, quantile=5)
    # the limit is a parameter
    assert distance_to_closest_record(_minority(200, np.random.default_rng(8)), Z_real, heldout,
                                      memorisation_ratio=2.0)["memorised"] is True


def test_knn_class_auc_separable_vs_random_labels():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, size=(300, 4)), rng.normal(4, 1, size=(60, 4))]
    y = np.r_[np.zeros(300, dtype=int), np.ones(60, dtype=int)]
    assert knn_class_auc(X, y, k=10, seed=0, max_rows=1000) > 0.95
    shuffled = rng.permutation(y)
    assert abs(knn_class_auc(X, shuffled, k=10, seed=0, max_rows=1000) - 0.5) < 0.12
