"""Latent QA on mixed-type tables: the autoencoder's input layout, per-column checks, Gower distances.

Stored splits hold numeric, boolean and categorical columns with missing values
(:mod:`synthetic_intelligence.core.features`). Here:

* :class:`InputLayout` - what the autoencoder sees: numeric and boolean columns as numbers
  (standardised by the autoencoder; a missing value becomes the train mean), a 0/1 missing
  indicator per numeric / boolean column that has missing values in train, and the one-hot
  of every categorical column over its train levels (a missing or unknown level is all
  zeros); one-hot and indicator columns are left unscaled. Used only for mixed tables
  (:func:`~synthetic_intelligence.core.features.is_mixed`): a numeric table without missing
  values keeps the plain standardised matrix, so its numbers do not change.
* :func:`unseen_combination_share` - share of synthetic rows whose combination of
  categorical (and boolean) values never occurs among the reference real rows.
* :func:`column_distances` - per column, synthetic vs real: total variation distance of
  the level shares for categorical / boolean columns (missing as a level), the
  Kolmogorov-Smirnov statistic of the present values for numeric ones, and the gap in
  missing share.
* :func:`gower_dcr` - distance to closest record in the input space with Gower's distance
  (numeric: ``|a - b| / range`` over the reference range, clipped to 1; categorical and
  boolean: 0 if equal else 1; a value missing on one side only: 1, on both: 0; averaged
  over the columns), found exactly with scikit-learn's ``NearestNeighbors`` on an L1
  embedding whose Manhattan distance divided by the number of columns is that Gower distance.

Plain library code (numpy, pandas, scikit-learn, scipy); no pipeline framework.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from synthetic_intelligence.core.features import BOOLEAN, CATEGORICAL, NUMERIC

__all__ = ["InputLayout", "column_distances", "gower_dcr", "gower_embedding", "kinds", "needs_layout",
           "unseen_combination_share"]


def _kind(series: pd.Series) -> str:
    """The column's kind (core.features' rule; text columns of a library user's frame are categorical)."""
    dtype = series.dtype
    if ptypes.is_bool_dtype(dtype):
        return BOOLEAN
    if isinstance(dtype, pd.CategoricalDtype) or not ptypes.is_numeric_dtype(dtype):
        return CATEGORICAL
    return NUMERIC


def kinds(frame: pd.DataFrame, columns=None) -> dict[str, str]:
    """``{column: kind}`` of ``columns`` (default: every column of ``frame``)."""
    return {c: _kind(frame[c]) for c in (frame.columns if columns is None else columns)}


def needs_layout(frame: pd.DataFrame) -> bool:
    """True for a mixed table: a boolean / categorical / text column, or a missing value anywhere."""
    if any(kind != NUMERIC for kind in kinds(frame).values()):
        return True
    return bool(frame.isna().to_numpy().any())


def _levels(series: pd.Series) -> list:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    if ptypes.is_bool_dtype(series.dtype):
        return [False, True]
    values = pd.unique(series.dropna())
    try:
        return sorted(values)
    except TypeError:
        return list(values)


def _numbers(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _codes(series: pd.Series, levels: list) -> np.ndarray:
    """Index of each value among ``levels``; -1 for missing or unknown."""
    if isinstance(series.dtype, pd.CategoricalDtype) and list(series.cat.categories) == list(levels):
        return series.cat.codes.to_numpy().astype(np.int64)
    values = series.astype(object) if ptypes.is_bool_dtype(series.dtype) else series
    return pd.Categorical(values, categories=levels).codes.astype(np.int64)


@dataclass
class InputLayout:
    """The autoencoder's input columns for a mixed-type table (module docstring); a plain-dict payload."""

    columns: list[dict] = field(default_factory=list)  # name, kind, levels (categorical), indicator (bool)

    @classmethod
    def fit(cls, frame: pd.DataFrame) -> InputLayout:
        columns = []
        for name in frame.columns:
            kind = _kind(frame[name])
            entry = {"name": str(name), "kind": kind}
            if kind == CATEGORICAL:
                entry["levels"] = [v.item() if isinstance(v, np.generic) else v for v in _levels(frame[name])]
            else:
                entry["indicator"] = bool(frame[name].isna().any())
            columns.append(entry)
        return cls(columns)

    @property
    def width(self) -> int:
        return sum(len(c["levels"]) if c["kind"] == CATEGORICAL else 1 + int(c["indicator"]) for c in self.columns)

    @property
    def scaled(self) -> np.ndarray:
        """Mask of the design columns the autoencoder standardises (numbers; not one-hot, not indicators)."""
        mask = []
        for c in self.columns:
            if c["kind"] == CATEGORICAL:
                mask += [False] * len(c["levels"])
            else:
                mask += [True] + [False] * int(c["indicator"])
        return np.asarray(mask, dtype=bool)

    def design(self, frame: pd.DataFrame) -> np.ndarray:
        """The float64 design matrix of ``frame`` (numbers keep NaN: the autoencoder sets them to the mean)."""
        missing = [c["name"] for c in self.columns if c["name"] not in set(map(str, frame.columns))]
        if missing:
            raise KeyError(f"missing feature columns: {missing[:10]}{'...' if len(missing) > 10 else ''}")
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
        blocks = []
        for c in self.columns:
            col = frame[c["name"]]
            if c["kind"] == CATEGORICAL:
                codes = _codes(col, c["levels"])
                blocks.append((codes[:, None] == np.arange(len(c["levels"]))[None, :]).astype(np.float64))
            else:
                values = _numbers(col)
                blocks.append(values[:, None])
                if c["indicator"]:
                    blocks.append(np.isnan(values).astype(np.float64)[:, None])
        return np.hstack(blocks) if blocks else np.zeros((len(frame), 0))

    def to_payload(self) -> list[dict]:
        return [dict(c) for c in self.columns]

    @classmethod
    def from_payload(cls, columns) -> InputLayout | None:
        return None if not columns else cls([dict(c) for c in columns])


# -- per-column checks ------------------------------------------------------------------------------------
def unseen_combination_share(synthetic: pd.DataFrame, reference: pd.DataFrame, columns: list[str]) -> float:
    """Share of ``synthetic`` rows whose values of ``columns`` (missing as a value) occur in no ``reference`` row.

    NaN when ``columns`` is empty or ``synthetic`` has no row.
    """
    if not columns or len(synthetic) == 0:
        return math.nan
    levels = {c: _levels(pd.concat([reference[c], synthetic[c]], ignore_index=True)) for c in columns}

    def keys(frame: pd.DataFrame) -> pd.MultiIndex:
        return pd.MultiIndex.from_arrays([_codes(frame[c], levels[c]) for c in columns])  # -1 = missing

    return float(np.mean(~keys(synthetic).isin(keys(reference))))


def column_distances(synthetic: pd.DataFrame, real: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Per column: ``column, kind, measure, distance, missing_share_gap`` (synthetic vs real).

    ``distance``: total variation (half the L1 distance of the level shares, missing a level of its own) for
    categorical and boolean columns; the two-sample Kolmogorov-Smirnov statistic of the present values for numeric
    ones (NaN when either side has none). ``missing_share_gap``: synthetic minus real missing share.
    """
    from scipy.stats import ks_2samp

    columns = list(real.columns) if columns is None else columns
    rows = []
    for c in columns:
        kind = _kind(real[c])
        gap = float(synthetic[c].isna().mean() - real[c].isna().mean()) if len(synthetic) and len(real) else math.nan
        if kind == NUMERIC:
            a, b = _numbers(synthetic[c]), _numbers(real[c])
            a, b = a[~np.isnan(a)], b[~np.isnan(b)]
            distance = float(ks_2samp(a, b).statistic) if len(a) and len(b) else math.nan
            measure = "ks"
        else:
            levels = _levels(pd.concat([real[c], synthetic[c]], ignore_index=True))
            shares = []
            for frame in (synthetic, real):
                codes = _codes(frame[c], levels) + 1
                shares.append(np.bincount(codes, minlength=len(levels) + 1) / max(1, len(codes)))
            distance = float(0.5 * np.abs(shares[0] - shares[1]).sum()) if len(synthetic) and len(real) else math.nan
            measure = "total_variation"
        rows.append({"column": str(c), "kind": kind, "measure": measure, "distance": distance,
                     "missing_share_gap": gap})
    return pd.DataFrame(rows, columns=["column", "kind", "measure", "distance", "missing_share_gap"])


# -- Gower's distance ---------------------------------------------------------------------------------------
def gower_embedding(frame: pd.DataFrame, reference: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Rows of ``frame`` embedded so that Manhattan distance / ``len(columns)`` is Gower's distance (module
    docstring); numeric ranges and levels come from ``reference``.

    A numeric value ``x`` (scaled to ``[0, 1]`` over the reference range, clipped) is ``(x/2, -x/2)``, a missing
    one ``(1/2, 1/2)``: present-present ``|a - b|``, present-missing 1, missing-missing 0. A categorical value is
    its one-hot over the reference levels plus a missing/unknown level, times 1/2: equal 0, different 1.
    """
    blocks = []
    for c in columns:
        if _kind(reference[c]) == NUMERIC:
            ref = _numbers(reference[c])
            lo, hi = (np.nanmin(ref), np.nanmax(ref)) if np.isfinite(ref).any() else (0.0, 1.0)
            span = hi - lo if hi > lo else 1.0
            x = np.clip((_numbers(frame[c]) - lo) / span, 0.0, 1.0)
            gone = np.isnan(x)
            blocks.append(np.column_stack([np.where(gone, 0.5, x / 2), np.where(gone, 0.5, -x / 2)]))
        else:
            levels = _levels(reference[c])
            codes = _codes(frame[c], levels)
            codes = np.where(codes < 0, len(levels), codes)
            blocks.append(0.5 * (codes[:, None] == np.arange(len(levels) + 1)[None, :]))
    return np.hstack(blocks).astype(np.float64) if blocks else np.zeros((len(frame), 0))


def gower_dcr(synthetic: pd.DataFrame, reference: pd.DataFrame, heldout: pd.DataFrame, columns: list[str], *,
              quantile: float = 0.05) -> dict:
    """Distance to closest record with Gower's distance: ``gower_dcr_synthetic_median``,
    ``gower_dcr_heldout_median``, ``gower_dcr_ratio`` (~1 faithful, 0 copies) and
    ``gower_dcr_share_below_heldout_p5``; NaN when a set is empty (ratio NaN when the held-out median is 0)."""
    from sklearn.neighbors import NearestNeighbors

    out = {"gower_dcr_synthetic_median": math.nan, "gower_dcr_heldout_median": math.nan, "gower_dcr_ratio": math.nan,
           "gower_dcr_share_below_heldout_p5": math.nan}
    if not columns or len(synthetic) == 0 or len(reference) == 0 or len(heldout) == 0:
        return out
    finder = NearestNeighbors(n_neighbors=1, metric="manhattan").fit(gower_embedding(reference, reference, columns))
    d_syn = finder.kneighbors(gower_embedding(synthetic, reference, columns))[0][:, 0] / len(columns)
    d_held = finder.kneighbors(gower_embedding(heldout, reference, columns))[0][:, 0] / len(columns)
    out["gower_dcr_synthetic_median"] = float(np.median(d_syn))
    out["gower_dcr_heldout_median"] = float(np.median(d_held))
    out["gower_dcr_share_below_heldout_p5"] = float(np.mean(d_syn < np.quantile(d_held, quantile)))
    if out["gower_dcr_heldout_median"] > 0:
        out["gower_dcr_ratio"] = out["gower_dcr_synthetic_median"] / out["gower_dcr_heldout_median"]
    return out
