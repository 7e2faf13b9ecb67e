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


def make_credit_table(n_rows: int = 12_000, *, bad_share: float = 0.08, seed: int = 0) -> pd.DataFrame:
    """A credit-like loan table as a user would download it: the worked example of ``conf/example_mixed``.

    Columns (as read from CSV: strings, booleans, numbers, ISO dates, missing values):
    ``loan_id`` (an id: one value per row), ``issue_d`` (the loan's issue date, 2019-2023: the new-world
    cut), ``loan_amnt``, ``int_rate``, ``annual_inc`` (about 6% missing), ``dti``, ``revol_util`` (about 3%
    missing), ``term`` (" 36 months" / " 60 months"), ``grade`` (A-G), ``home_ownership`` (4 levels, one
    of them rare), ``purpose`` (8 levels, and a ninth, ``green_energy``, only on loans issued after 2023-03-01),
    ``emp_length`` ("< 1 year" ... "10+ years", about 5% missing),
    ``addr_state`` (20 levels), ``verified`` and ``has_mortgage`` (booleans), ``earliest_cr_line`` (a date
    feature) and the label ``loan_status`` ("Charged Off" is the minority, about ``bad_share`` of rows).

    The label depends on numbers, categories and their combination (a higher risk for grade F/G on
    60-month loans), so a learner that ignores the categorical columns loses information.
    """
    if not 0.0 < bad_share < 0.5:
        raise ConfigurationError(f"bad_share must be in (0, 0.5), got {bad_share}")
    if n_rows < 200:
        raise ConfigurationError(f"n_rows must be at least 200, got {n_rows}")
    rng = np.random.default_rng(seed)
    grades = np.array(list("ABCDEFG"))
    grade = grades[np.minimum(rng.poisson(1.6, n_rows), 6)]
    g = np.searchsorted(grades, grade).astype(np.float64)
    term = np.where(rng.random(n_rows) < 0.3 + 0.05 * g, " 60 months", " 36 months")
    long_term = term == " 60 months"
    home = rng.choice(["MORTGAGE", "RENT", "OWN", "OTHER"], n_rows, p=[0.48, 0.40, 0.1195, 0.0005])
    purposes = ["debt_consolidation", "credit_card", "home_improvement", "other", "major_purchase",
                "small_business", "car", "medical"]
    purpose = rng.choice(purposes, n_rows, p=[0.5, 0.2, 0.07, 0.08, 0.05, 0.03, 0.04, 0.03])
    emp = np.array(["< 1 year"] + [f"{k} year{'s' if k > 1 else ''}" for k in range(1, 10)] + ["10+ years"],
                   dtype=object)
    emp_length = emp[rng.integers(0, len(emp), n_rows)]
    states = ["CA", "NY", "TX", "FL", "IL", "NJ", "PA", "OH", "GA", "VA", "NC", "MI", "MD", "AZ", "MA", "WA",
              "CO", "MN", "IN", "TN"]
    addr_state = rng.choice(states, n_rows)
    annual_inc = np.round(np.exp(rng.normal(11.0, 0.5, n_rows)), -2)
    loan_amnt = np.round(np.clip(rng.lognormal(9.4, 0.6, n_rows), 1000, 40000), -2)
    int_rate = np.round(6.0 + 3.2 * g + rng.normal(0, 1.2, n_rows) + 1.5 * long_term, 2)
    dti = np.round(np.clip(rng.normal(18, 8, n_rows), 0, 45), 2)
    revol_util = np.round(np.clip(rng.normal(50, 22, n_rows), 0, 120), 1)
    verified = rng.random(n_rows) < 0.6
    has_mortgage = (home == "MORTGAGE") | (rng.random(n_rows) < 0.05)
    issue = pd.Timestamp("2019-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 5 * 365, n_rows)), unit="D")
    earliest = issue - pd.to_timedelta(rng.integers(3 * 365, 30 * 365, n_rows), unit="D")
    risk = (0.45 * g + 0.9 * (long_term & (g >= 5)) + 0.6 * (purpose == "small_business")
            + 0.35 * (home == "RENT") - 0.4 * (emp_length == "10+ years") + 0.03 * (dti - 18)
            + 0.012 * (revol_util - 50) - 0.6 * (np.log(annual_inc) - 11.0) + 0.25 * ~verified
            + 0.9 * rng.normal(size=n_rows))
    bad = risk >= np.quantile(risk, 1.0 - bad_share)
    # a product launched in March 2023: a level that only the newest loans (the new world) hold
    purpose = np.where((issue > pd.Timestamp("2023-03-01")) & (np.arange(n_rows) % 50 == 0), "green_energy", purpose)
    table = pd.DataFrame({
        "loan_id": [f"L{seed:02d}{i:07d}" for i in range(n_rows)],
        "issue_d": issue.strftime("%Y-%m-%d"),
        "loan_amnt": loan_amnt,
        "int_rate": int_rate,
        "annual_inc": np.where(rng.random(n_rows) < 0.06, np.nan, annual_inc),
        "dti": dti,
        "revol_util": np.where(rng.random(n_rows) < 0.03, np.nan, revol_util),
        "term": term,
        "grade": grade,
        "home_ownership": home,
        "purpose": purpose,
        "emp_length": np.where(rng.random(n_rows) < 0.05, None, emp_length),
        "addr_state": addr_state,
        "verified": verified,
        "has_mortgage": has_mortgage,
        "earliest_cr_line": earliest.strftime("%Y-%m-%d"),
        "loan_status": np.where(bad, "Charged Off", "Fully Paid"),
    })
    return table.sample(frac=1.0, random_state=seed).reset_index(drop=True)
