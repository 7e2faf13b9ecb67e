"""Where the QA's points are laid out: seeded subsampling, group labels and one shared t-SNE.

The result of :func:`shared_tsne` is a table (``lane, group, tsne_x, tsne_y``); the
figures are drawn from it by :mod:`synthetic_intelligence.reporting.latent`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from synthetic_intelligence.core.latent.autoencoder import TrainedAutoencoder

__all__ = [
    "GROUP_MAJORITY",
    "GROUP_MINORITY",
    "GROUP_SYNTHETIC",
    "GROUPS",
    "REAL_LANE",
    "EMBEDDING_COLUMNS",
    "tsne_2d",
    "stratified_subsample",
    "make_groups",
    "seeded_sample",
    "shared_tsne",
]

#: Group labels of the points (see :func:`make_groups`).
GROUP_MAJORITY = "real majority"
GROUP_MINORITY = "real minority"
GROUP_SYNTHETIC = "synthetic"
#: The groups in drawing order.
GROUPS: tuple[str, ...] = (GROUP_MAJORITY, GROUP_MINORITY, GROUP_SYNTHETIC)
#: ``lane`` value of the real points shared by every lane in the embedding table; no lane
#: name can contain parentheses, so it never collides with one.
REAL_LANE = "(real)"
#: Columns of the embedding table written by :func:`shared_tsne`.
EMBEDDING_COLUMNS = ["lane", "group", "tsne_x", "tsne_y"]


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


def seeded_sample(n_total: int, n: int | None, seed: int, salt: int) -> np.ndarray:
    """Sorted positional indices of a seeded random sample of ``min(n, n_total)`` rows."""
    if n is None or n >= n_total:
        return np.arange(n_total)
    rng = np.random.default_rng([int(seed), int(salt)])
    return np.sort(rng.choice(n_total, size=max(0, int(n)), replace=False))


def shared_tsne(model: TrainedAutoencoder, real: pd.DataFrame, y_real: np.ndarray,
                synthetic: dict[str, pd.DataFrame], *, size: int, real_share: float, perplexity: float,
                seed: int, real_lane: str = REAL_LANE) -> pd.DataFrame:
    """Encode real rows and each lane's synthetic rows and lay them out with ONE t-SNE fit.

    Real rows: a seeded class-stratified subsample of ``size * real_share`` rows, shared by
    every lane; each lane: a seeded subsample of ``(size - n_real) / n_lanes`` synthetic rows.
    Returns the table ``lane, group, tsne_x, tsne_y``: the real points first (lane
    ``real_lane``, group real majority / real minority), then each lane's synthetic points
    in lane order. ``lane`` is categorical with the categories ``[real_lane, *synthetic]``,
    so a lane with no synthetic row is still listed.
    """
    n_real = int(min(len(real), round(size * real_share)))
    per_lane = max(0, (int(size) - n_real) // max(1, len(synthetic)))
    real_idx = stratified_subsample(make_groups(y_real, 0), n_real, random_state=seed)
    real_groups = make_groups(y_real[real_idx], 0)
    blocks = [model.encode(real.iloc[real_idx])]
    lane_labels = [real_lane] * len(real_idx)
    for salt, (lane, syn) in enumerate(synthetic.items(), start=1):
        idx = seeded_sample(len(syn), per_lane, seed, salt)
        blocks.append(model.encode(syn.iloc[idx]))
        lane_labels += [lane] * len(idx)
    emb = tsne_2d(np.vstack(blocks), random_state=seed, perplexity=perplexity)
    groups = real_groups.tolist() + [GROUP_SYNTHETIC] * (len(emb) - len(real_idx))
    return pd.DataFrame({
        "lane": pd.Categorical(lane_labels, categories=[real_lane, *synthetic]),
        "group": groups,
        "tsne_x": emb[:, 0],
        "tsne_y": emb[:, 1],
    })
