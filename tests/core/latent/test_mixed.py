"""Latent QA on mixed-type tables: the autoencoder's layout, per-column checks, Gower's distance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.latent import AutoencoderConfig, TrainedAutoencoder, nearest_real_rows
from synthetic_intelligence.core.latent import train_autoencoder as fit_autoencoder
from synthetic_intelligence.core.latent.mixed import (
    InputLayout,
    column_distances,
    gower_dcr,
    gower_embedding,
    needs_layout,
    unseen_combination_share,
)
from synthetic_intelligence.core.schema import PROVENANCE, TARGET


def frame(n=300, seed=0):
    rng = np.random.default_rng(seed)
    out = pd.DataFrame({
        "amount": rng.normal(size=n),
        "grade": pd.Categorical(rng.choice(list("ABC"), n), categories=list("ABCD")),
        "flag": rng.random(n) < 0.4,
        "term": pd.Categorical(rng.choice(["36m", "60m"], n)),
    })
    out.loc[::7, "amount"] = np.nan
    return out


def gower_brute(a: pd.DataFrame, b: pd.DataFrame, reference: pd.DataFrame) -> np.ndarray:
    """Gower's distance (missing on one side: 1, on both: 0; numeric range from ``reference``), row by row."""
    out = np.zeros((len(a), len(b)))
    for i in range(len(a)):
        for j in range(len(b)):
            total = 0.0
            for c in a.columns:
                x, y = a[c].iloc[i], b[c].iloc[j]
                if pd.isna(x) or pd.isna(y):
                    total += 0.0 if (pd.isna(x) and pd.isna(y)) else 1.0
                elif c == "amount":
                    lo, hi = reference[c].min(), reference[c].max()
                    total += min(1.0, abs(float(np.clip((x - lo) / (hi - lo), 0, 1))
                                          - float(np.clip((y - lo) / (hi - lo), 0, 1))))
                else:
                    total += float(x != y)
            out[i, j] = total / len(a.columns)
    return out


def test_gower_embedding_gives_gowers_distance():
    ref = frame(40)
    other = frame(12, seed=1)
    other.loc[3, "grade"] = np.nan
    ea, eb = gower_embedding(other, ref, list(ref.columns)), gower_embedding(ref, ref, list(ref.columns))
    manhattan = np.abs(ea[:, None, :] - eb[None, :, :]).sum(-1) / ref.shape[1]
    np.testing.assert_allclose(manhattan, gower_brute(other, ref, ref), atol=1e-12)


def test_gower_dcr_flags_copies_and_reads_one_for_fresh_rows():
    train, held = frame(400), frame(200, seed=1)
    copies = train.iloc[:100]
    report = gower_dcr(copies, train, held, list(train.columns))
    assert report["gower_dcr_synthetic_median"] == 0.0 and report["gower_dcr_ratio"] == 0.0
    fresh = gower_dcr(frame(200, seed=2), train, held, list(train.columns))
    assert 0.6 < fresh["gower_dcr_ratio"] < 1.6


def test_unseen_combinations_and_column_distances():
    real = pd.DataFrame({"g": pd.Categorical(["a", "a", "b", None], categories=["a", "b", "c"]),
                         "f": [True, False, True, True], "x": [1.0, 2.0, np.nan, 4.0]})
    syn = pd.DataFrame({"g": pd.Categorical(["a", "b", "c", None], categories=["a", "b", "c"]),
                        "f": [True, True, True, True], "x": [1.0, 2.0, 3.0, 4.0]})
    # (a, True) and (NaN, True) occur in real; (b, True) occurs; (c, True) does not
    assert unseen_combination_share(syn, real, ["g", "f"]) == 0.25
    assert np.isnan(unseen_combination_share(syn, real, []))
    table = column_distances(syn, real).set_index("column")
    assert table.loc["g", "measure"] == "total_variation" and table.loc["g", "distance"] == pytest.approx(0.25)
    assert table.loc["f", "distance"] == pytest.approx(0.25)
    assert table.loc["x", "measure"] == "ks" and table.loc["x", "missing_share_gap"] == pytest.approx(-0.25)


def test_autoencoder_on_a_mixed_table_one_hot_indicators_and_payload_round_trip():
    train, val = frame(300), frame(100, seed=1)
    assert needs_layout(train) and not needs_layout(train[["amount"]].fillna(0.0))
    layout = InputLayout.fit(train)
    design = layout.design(train)
    assert design.shape == (300, 1 + 1 + 4 + 1 + 2) == (300, layout.width)  # amount, NaN flag, grade, flag, term
    assert layout.scaled.tolist() == [True, False, False, False, False, False, True, False, False]
    np.testing.assert_array_equal(design[:, 2:6].sum(axis=1), 1.0)
    config = AutoencoderConfig(hidden=(16,), latent_dim=3, epochs=3, batch_size=64, seed=0, device="cpu")
    model = fit_autoencoder(train, val, config)
    assert model.input_dim == layout.width and model.layout is not None
    Z = model.encode(val)
    assert Z.shape == (100, 3) and np.isfinite(Z).all()
    again = TrainedAutoencoder.from_payload(model.to_payload())
    np.testing.assert_array_equal(again.encode(val), Z)
    unseen = val.assign(grade=pd.Categorical(["D"] * 100, categories=list("ABCD")))
    assert np.isfinite(model.encode(unseen)).all()  # a level never seen in train: all-zero one-hot


def test_nearest_real_rows_on_a_mixed_table_use_gowers_distance():
    train = frame(200).assign(**{TARGET: 0, PROVENANCE: False})
    copy = train.iloc[[5]].assign(**{PROVENANCE: True})
    table = nearest_real_rows(pd.concat([train, copy], ignore_index=True), n_rows=1)
    assert table["distance"].tolist() == [0.0, 0.0] and table["grade"].iloc[0] == train["grade"].iloc[5]

