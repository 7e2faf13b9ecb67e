import numpy as np
import pytest

from synthetic_intelligence.core import worlds as synthetic


def test_make_world_sizes_prevalence_and_reproducible():
    spec = synthetic.WorldSpec(n_samples=5000, n_new_world=1000, n_features=40, seed=5)
    world, new = synthetic.make_world(spec)
    assert world.shape == (5000, 41) and new.shape == (1000, 41)
    assert world.columns[-1] == "target" and set(world["target"].unique()) == {0, 1}
    assert 0.06 < world["target"].mean() < 0.11
    again, _ = synthetic.make_world(spec)
    assert world.equals(again)


def test_world_spec_rejects_bad_share():
    with pytest.raises(ValueError, match="minority_share"):
        synthetic.WorldSpec(minority_share=0.7)


def test_drift_zero_is_identity_and_one_moves_both_covariates_and_labels():
    _, base = synthetic.make_world(synthetic.WorldSpec(n_samples=2000, n_new_world=3000, seed=1))
    assert synthetic.apply_drift(base, 0.0).equals(base)
    drifted = synthetic.apply_drift(base, 1.0, seed=4)
    features = [c for c in base.columns if c != "target"]
    shift = np.linalg.norm(drifted[features].mean() - base[features].mean())
    assert shift > 0.5
    changed = (drifted["target"] != base["target"]).sum()
    n_min = int(base["target"].sum())
    assert changed == 2 * round(0.3 * n_min)  # k minority -> majority and k majority -> minority
    assert drifted["target"].sum() == n_min   # prevalence preserved
    half = synthetic.apply_drift(base, 0.5, seed=4)
    assert (half["target"] != base["target"]).sum() < changed


@pytest.mark.parametrize("severity", [-0.1, 1.5])
def test_drift_severity_out_of_range(severity):
    _, base = synthetic.make_world(synthetic.WorldSpec(n_samples=200, n_new_world=50))
    with pytest.raises(ValueError, match="severity"):
        synthetic.apply_drift(base, severity)


def test_two_clusters_minority_is_bimodal_with_majority_in_the_gap():
    world, new = synthetic.make_two_clusters(n_samples=4000, n_new_world=500, n_features=5, rotate=False, seed=0)
    minority = world[world["target"] == 1]
    assert ((minority["x00"] < -1.5) | (minority["x00"] > 1.5)).mean() > 0.95
    gap = world[(world["x00"].abs() < 1.0) & (world["x01"].abs() < 1.0)]
    assert gap["target"].mean() < 0.05 and len(gap) > 100
    assert len(new) == 500


def test_two_clusters_rotation_keeps_distances_and_spreads_the_signal():
    plain, _ = synthetic.make_two_clusters(n_samples=500, n_new_world=50, n_features=10, rotate=False, seed=0)
    rotated, _ = synthetic.make_two_clusters(n_samples=500, n_new_world=50, n_features=10, rotate=True, seed=0)
    features = [c for c in plain.columns if c != "target"]
    d_plain = np.linalg.norm(plain[features].to_numpy()[:50, None] - plain[features].to_numpy()[None, :50], axis=2)
    d_rot = np.linalg.norm(rotated[features].to_numpy()[:50, None] - rotated[features].to_numpy()[None, :50], axis=2)
    np.testing.assert_allclose(d_plain, d_rot, atol=1e-8)
    # every rotated column now differs between the classes more than pure noise would
    assert (rotated[features].std() > 0.3).sum() >= 5
