"""A sample of a lane's synthetic rows next to their nearest real training rows (input space).

The per-row face of the memorisation check: a reader sees, feature by feature, how a
synthetic row differs from the closest real row of the training set it was made from
(either class, so a synthetic minority row whose nearest real row is a majority row
shows up as such). Distances are Euclidean in the input space standardised by the
real rows' mean and standard deviation (a mixed-type table: Gower's distance, see
:mod:`.mixed`); scikit-learn's ``NearestNeighbors`` finds them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic_intelligence.core.latent.mixed import gower_embedding, needs_layout
from synthetic_intelligence.core.latent.projection import seeded_sample
from synthetic_intelligence.core.schema import NON_FEATURES, PROVENANCE, TARGET

__all__ = ["NEIGHBOUR_COLUMNS", "RESERVED", "feature_column", "SYNTHETIC_ROW", "NEAREST_REAL_ROW", "nearest_real_rows"]

#: Columns before the feature columns of :func:`nearest_real_rows`' table.
NEIGHBOUR_COLUMNS = ["pair", "row", "distance", "train_index", TARGET]
#: Names a feature column cannot keep in that table (``lane`` is added per lane by the latent_qa pipeline).
RESERVED = frozenset({"lane", *NEIGHBOUR_COLUMNS})


def feature_column(name: str) -> str:
    """The table's column for feature ``name``: the name itself, or ``feature_<name>`` when it is one of the
    table's own columns (a user's table may well have a feature called ``distance``)."""
    return f"feature_{name}" if name in RESERVED else name
SYNTHETIC_ROW, NEAREST_REAL_ROW = "synthetic", "nearest real"


def nearest_real_rows(train_set: pd.DataFrame, *, n_rows: int = 8, seed: int = 0, salt: int = 0) -> pd.DataFrame:
    """``n_rows`` seeded synthetic rows of ``train_set``, each followed by its nearest real row.

    ``train_set`` is a lane's training set with the ``is_synthetic`` provenance column.
    Returns two rows per pair: ``pair`` (0, 1, ...), ``row`` (``synthetic`` / ``nearest real``),
    ``distance`` (standardised Euclidean, the same on both rows), ``train_index`` (the row's
    index in ``train_set``), ``target`` and every feature column (named by :func:`feature_column`). Empty (same columns) when
    the lane has no synthetic or no real row.
    """
    from sklearn.neighbors import NearestNeighbors

    if PROVENANCE not in train_set.columns:
        raise KeyError(f"train_set has no {PROVENANCE!r} column: synthetic rows must carry provenance")
    if n_rows < 0:
        raise ValueError(f"n_rows must be >= 0, got {n_rows}")
    features = [c for c in train_set.columns if c not in NON_FEATURES]
    synthetic_mask = train_set[PROVENANCE].astype(bool).to_numpy()
    real, synthetic = train_set.loc[~synthetic_mask], train_set.loc[synthetic_mask]
    columns = [*NEIGHBOUR_COLUMNS, *map(feature_column, features)]
    if real.empty or synthetic.empty or n_rows == 0:
        return pd.DataFrame(columns=columns)
    picked = synthetic.iloc[seeded_sample(len(synthetic), n_rows, seed, salt)]
    if needs_layout(real[features]):  # mixed types: Gower's distance (core.latent.mixed)
        finder = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(gower_embedding(real, real, features))
        distance, nearest = finder.kneighbors(gower_embedding(picked, real, features))
        distance = distance / len(features)
    else:
        X_real = real[features].to_numpy(dtype=np.float64)
        centre, scale = X_real.mean(axis=0), X_real.std(axis=0)
        scale[scale == 0] = 1.0
        finder = NearestNeighbors(n_neighbors=1).fit((X_real - centre) / scale)
        distance, nearest = finder.kneighbors((picked[features].to_numpy(dtype=np.float64) - centre) / scale)
    rows = []
    for pair, (syn_index, d, j) in enumerate(zip(picked.index, distance[:, 0], nearest[:, 0])):
        for kind, index, source in ((SYNTHETIC_ROW, syn_index, picked), (NEAREST_REAL_ROW, real.index[j], real)):
            record = source.loc[index]
            rows.append({"pair": pair, "row": kind, "distance": float(d), "train_index": index,
                         TARGET: int(record[TARGET]), **{feature_column(f): record[f] for f in features}})
    return pd.DataFrame(rows, columns=columns)
