"""Thin nodes over :mod:`synthetic_intelligence.core.latent`: latent-space manifold QA (tables only).

* :func:`train_autoencoder` - an autoencoder fitted on the REAL ``train`` rows only,
  early-stopped on ``validation``.
* :func:`latent_projection` - real majority, real minority and every synthetic lane's
  synthetic rows encoded, subsampled (seeded) and laid out by ONE t-SNE fit shared by all
  lanes, returned as the table ``latent_embedding`` (the reporting pipeline draws it, so
  restyling a picture never re-runs t-SNE).
* :func:`synthetic_neighbours` - a seeded sample of each lane's synthetic rows, each next to its
  nearest real ``train`` row (standardised input space), as one table (the dashboard's
  *Generation* page shows it).
* :func:`fidelity_table` - one row per synthetic lane: no-man's-land rate, detection AUC
  (independent RandomForest judge), distance ratio, cluster coverage and the
  memorisation check (distance to closest record), all in latent space; per-column checks
  (unseen category combinations, worst total variation / KS column) and, on mixed-type
  tables, a Gower distance to closest record in the input space. The held-out
  real minority is ``validation``'s minority (never a holdout).
  Context columns say how to read them: the held-out real minority's own no-man's-land
  rate, and whether the latent space keeps the class signal at all (k-NN class AUC in
  latent vs input space; an autoencoder keeps variance, not labels).

Lane train sets arrive as keyword arguments named after their lane (``smote=...,
model_driven=...``), in lane order; only their ``is_synthetic`` rows are used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict

from synthetic_intelligence.core import latent
from synthetic_intelligence.core.latent import REAL_LANE, AutoencoderConfig, TrainedAutoencoder
from synthetic_intelligence.core.latent import mixed as mixed_checks
from synthetic_intelligence.core.latent.neighbours import NEIGHBOUR_COLUMNS
from synthetic_intelligence.core.params import as_model
from synthetic_intelligence.core.schema import PROVENANCE, TARGET

logger = logging.getLogger(__name__)

__all__ = ["REAL_LANE", "FIDELITY_COLUMNS", "ProjectionParams", "FidelityParams", "NeighbourParams",
           "train_autoencoder", "latent_projection", "fidelity_table", "synthetic_neighbours"]

FIDELITY_COLUMNS = [
    "lane", "n_synthetic", "n_evaluated", "no_mans_land_rate", "detection_auc", "distance_ratio", "cluster_coverage",
    "dcr_synthetic_median", "dcr_heldout_median", "dcr_ratio", "dcr_share_below_heldout_p5", "memorised",
    "reference_no_mans_land_rate", "latent_class_auc", "input_class_auc",
    # per-column checks in the input space (core.latent.mixed); the categorical ones are NaN without categoricals
    "unseen_combination_share", "reference_unseen_combination_share", "categorical_tv_max", "categorical_tv_column",
    "numeric_ks_max", "numeric_ks_column",
    # distance to closest record with Gower's distance in the input space (mixed-type tables only, else NaN)
    "gower_dcr_synthetic_median", "gower_dcr_heldout_median", "gower_dcr_ratio", "gower_dcr_share_below_heldout_p5",
]


class ProjectionParams(BaseModel):
    """``qa.projection``: the t-SNE picture."""

    model_config = ConfigDict(extra="forbid")

    size: int = 6000  # points in the single t-SNE fit (real + all lanes' synthetic)
    real_share: float = 0.5  # share of ``size`` for the real points; the rest is split evenly over lanes
    perplexity: float = 30.0
    seed: int = 0


class FidelityParams(BaseModel):
    """``qa.fidelity``: the latent-space fidelity numbers."""

    model_config = ConfigDict(extra="forbid")

    k: int = 10  # neighbours for the no-man's-land rate
    n_clusters: int = 8  # real-minority KMeans clusters for the coverage
    max_synthetic: int | None = 20000  # seeded cap on the synthetic rows scored per lane (None: all)
    class_auc_rows: int = 20000  # real train rows (class-stratified) for the latent_class_auc diagnostic
    memorisation_ratio: float = latent.MEMORISATION_RATIO  # dcr_ratio below it: the lane is flagged ``memorised``
    gower_max_synthetic: int = 1000  # seeded cap on the synthetic (and held-out) rows of the Gower DCR (mixed tables)
    seed: int = 0


class NeighbourParams(BaseModel):
    """``qa.neighbours``: synthetic rows shown next to their nearest real rows."""

    model_config = ConfigDict(extra="forbid")

    n_rows: int = 8  # synthetic rows sampled per lane
    seed: int = 0


def _features(df: pd.DataFrame) -> list[str]:
    return [str(c) for c in df.columns if c not in (TARGET, PROVENANCE)]


def _model(autoencoder: Mapping | TrainedAutoencoder) -> TrainedAutoencoder:
    if isinstance(autoencoder, TrainedAutoencoder):
        return autoencoder
    return TrainedAutoencoder.from_payload(autoencoder)


def _synthetic_rows(lane: str, train_set: pd.DataFrame) -> pd.DataFrame:
    if PROVENANCE not in train_set.columns:
        raise KeyError(f"{lane}.train_set has no {PROVENANCE!r} column: synthetic rows must carry provenance")
    return train_set.loc[train_set[PROVENANCE].astype(bool).to_numpy()]


# --------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------


def train_autoencoder(
    train: pd.DataFrame, validation: pd.DataFrame, params: AutoencoderConfig
) -> tuple[dict, pd.DataFrame]:
    """Fit the autoencoder on the real ``train`` features, early-stopped on ``validation``.

    Features are every column but ``target`` / ``is_synthetic``. Returns the payload
    (plain dict, see :meth:`TrainedAutoencoder.to_payload`) and the per-epoch history
    (``epoch, train_loss, val_loss, best``).
    """
    config = as_model(AutoencoderConfig, params, "qa.autoencoder")
    features = _features(train)
    start = time.perf_counter()
    logger.info(
        "autoencoder: %d train x %d features (val %d rows), hidden=%s latent=%d, <= %d epochs",
        len(train), len(features), len(validation), list(config.hidden), config.latent_dim, config.epochs,
    )
    model = latent.train_autoencoder(train[features], validation[features], config, logger=logger)
    history = pd.DataFrame(model.history, columns=["epoch", "train_loss", "val_loss"])
    history["best"] = history["epoch"] == model.best_epoch
    logger.info(
        "autoencoder: %d epochs in %.1f s, best epoch %s (val_loss %.4f)",
        len(history), time.perf_counter() - start, model.best_epoch,
        float(history["val_loss"].min()) if len(history) else float("nan"),
    )
    return model.to_payload(), history


def latent_projection(
    autoencoder: dict, train: pd.DataFrame, params: ProjectionParams, **lane_sets: pd.DataFrame
) -> pd.DataFrame:
    """One t-SNE of the latent codes of real rows and every lane's synthetic rows, as a table.

    Real rows: a seeded class-stratified subsample of ``train`` of ``size * real_share``
    rows, shared by every lane. Each lane: a seeded random subsample of its synthetic rows
    of ``(size - n_real) / n_lanes`` rows. All are embedded by ONE t-SNE fit, so the
    per-lane pictures are comparable. Returns ``lane, group, tsne_x, tsne_y`` (real rows
    have lane ``(real)``; ``lane`` is categorical in lane order); the figures are drawn by
    :func:`synthetic_intelligence.reporting.latent.latent_figures`.
    """
    p = as_model(ProjectionParams, params, "qa.projection")
    model = _model(autoencoder)
    start = time.perf_counter()
    embedding = latent.shared_tsne(
        model, train, train[TARGET].astype(int).to_numpy(),
        {lane: _synthetic_rows(lane, train_set) for lane, train_set in lane_sets.items()},
        size=int(p.size), real_share=float(p.real_share), perplexity=float(p.perplexity), seed=int(p.seed),
        real_lane=REAL_LANE,
    )
    counts = embedding["lane"].value_counts(sort=False)
    logger.info(
        "latent t-SNE: %d real + %s synthetic points in %.1f s", int(counts.get(REAL_LANE, 0)),
        ", ".join(f"{lane} {int(counts[lane])}" for lane in lane_sets) or "no", time.perf_counter() - start,
    )
    return embedding


def fidelity_table(
    autoencoder: dict, train: pd.DataFrame, validation: pd.DataFrame, params: FidelityParams,
    **lane_sets: pd.DataFrame,
) -> pd.DataFrame:
    """One row per synthetic lane with the four latent-space fidelity numbers.

    Reference real points: all of ``train`` (its minority for the distance ratio and the
    coverage). Real minority unseen by the generators: ``validation``'s minority (the
    real side of the detection test and the distance ratio's denominator). Each lane's
    synthetic rows are scored in full or, above ``max_synthetic``, on a seeded subsample
    (``n_evaluated``); ``n_synthetic`` is the lane's full count.

    Memorisation check (distance to closest record, in latent space): each lane's
    ``dcr_synthetic_median`` (median distance of its synthetic rows to the nearest real
    ``train`` row, either class) against ``dcr_heldout_median`` (the same for
    ``validation``'s real minority), their ``dcr_ratio`` (~1 faithful, 0 copies), the
    ``dcr_share_below_heldout_p5`` (share of synthetic rows closer than the 5th percentile
    of the held-out distances; ~0.05 faithful, 1 copies) and ``memorised``
    (``dcr_ratio < memorisation_ratio``); see
    :func:`~synthetic_intelligence.core.latent.distance_to_closest_record`.

    Context columns, the same in every row: ``reference_no_mans_land_rate`` is the rate of
    the held-out real minority itself (what a faithful generator scores; the detection
    AUC's reference is 0.5 and the distance ratio's 1 by construction);
    ``latent_class_auc`` / ``input_class_auc`` are cross-validated
    k-NN AUCs of the real train classes in latent and in standardised input space: when
    the latent one is near 0.5 the autoencoder has dropped the class signal and the
    neighbourhood-based numbers say little (see :func:`~synthetic_intelligence.core.latent.knn_class_auc`).

    Per-column checks in the input space (:mod:`synthetic_intelligence.core.latent.mixed`), synthetic rows
    against ``train``'s real minority: ``unseen_combination_share`` (synthetic rows whose combination of
    categorical / boolean values no real minority row has; ``reference_unseen_combination_share`` is the
    held-out real minority's, what a faithful generator scores; NaN without categoricals), the worst
    column's total variation distance (``categorical_tv_max`` / ``_column``) and Kolmogorov-Smirnov statistic
    (``numeric_ks_max`` / ``_column``). On a mixed-type table the memorisation check is repeated in the
    input space with Gower's distance (``gower_dcr_*``, on at most ``gower_max_synthetic`` seeded rows per
    lane and of the held-out minority; NaN on numeric tables, whose latent numbers are unchanged).
    """
    p = as_model(FidelityParams, params, "qa.fidelity")
    model = _model(autoencoder)
    y = train[TARGET].astype(int).to_numpy()
    Z_real = model.encode(train)
    Z_held = model.encode(validation.loc[validation[TARGET].astype(int).to_numpy() == 1])
    context = {
        "reference_no_mans_land_rate": latent.no_mans_land_rate(Z_held, Z_real, y, k=p.k),
        "latent_class_auc": latent.knn_class_auc(Z_real, y, p.k, p.seed, p.class_auc_rows),
        "input_class_auc": latent.knn_class_auc(model.transform(train), y, p.k, p.seed, p.class_auc_rows),
    }
    logger.info(
        "fidelity: held-out real minority no-man's-land rate %.3f; k-NN class AUC of the real train rows "
        "%.3f in latent space, %.3f in input space", context["reference_no_mans_land_rate"],
        context["latent_class_auc"], context["input_class_auc"],
    )
    if context["latent_class_auc"] < 0.6:
        logger.warning(
            "the autoencoder's latent space barely separates the real classes (k-NN AUC %.3f): "
            "the neighbourhood-based fidelity numbers say little on this data", context["latent_class_auc"],
        )
    features = _features(train)
    train_min = train.loc[y == 1]
    held_min = validation.loc[validation[TARGET].astype(int).to_numpy() == 1]
    categorical = [c for c, kind in mixed_checks.kinds(train, features).items() if kind != "numeric"]
    mixed = mixed_checks.needs_layout(train[features])
    context["reference_unseen_combination_share"] = mixed_checks.unseen_combination_share(
        held_min, train_min, categorical)
    records = []
    for salt, (lane, train_set) in enumerate(lane_sets.items(), start=1):
        start = time.perf_counter()
        syn = _synthetic_rows(lane, train_set)
        idx = latent.seeded_sample(len(syn), p.max_synthetic, p.seed, salt)
        report = latent.fidelity_report(
            model.encode(syn.iloc[idx]), Z_real, y, Z_held, k=p.k, n_clusters=p.n_clusters, random_state=p.seed,
            memorisation_ratio=float(p.memorisation_ratio),
        )
        report.update(lane=lane, n_synthetic=int(len(syn)), n_evaluated=int(len(idx)), **context)
        report.update(_input_space_checks(syn.iloc[idx], train, train_min, held_min, features, categorical, mixed, p,
                                          salt))
        records.append(report)
        logger.info(
            "fidelity %s: %d synthetic (%d scored) no_mans_land=%.3f detection_auc=%.3f distance_ratio=%.3f "
            "coverage=%.3f dcr_ratio=%.3f in %.1f s",
            lane, report["n_synthetic"], report["n_evaluated"], report["no_mans_land_rate"],
            report["detection_auc"], report["distance_ratio"], report["cluster_coverage"], report["dcr_ratio"],
            time.perf_counter() - start,
        )
        if report["memorised"]:
            logger.warning(
                "fidelity %s: synthetic rows sit %.2fx as close to a training row as held-out real rows do "
                "(%.0f%% closer than the held-out 5th percentile): the sampler copies its training rows",
                lane, report["dcr_ratio"], 100 * report["dcr_share_below_heldout_p5"],
            )
    return pd.DataFrame.from_records(records, columns=FIDELITY_COLUMNS)


def _input_space_checks(syn: pd.DataFrame, train: pd.DataFrame, train_min: pd.DataFrame, held_min: pd.DataFrame,
                        features: list[str], categorical: list[str], mixed: bool, p: FidelityParams,
                        salt: int) -> dict:
    """The per-column checks of one lane's (evaluated) synthetic rows against the real train minority and, for a
    mixed-type table, the Gower distance to closest record (a seeded subsample of ``gower_max_synthetic`` rows)."""
    distances = mixed_checks.column_distances(syn, train_min, features)
    out = {"unseen_combination_share": mixed_checks.unseen_combination_share(syn, train_min, categorical)}
    for name, kind in (("categorical_tv", "total_variation"), ("numeric_ks", "ks")):
        part = distances.loc[(distances["measure"] == kind) & distances["distance"].notna()]
        worst = part.loc[part["distance"].idxmax()] if len(part) else None
        out[f"{name}_max"] = float(worst["distance"]) if worst is not None else float("nan")
        out[f"{name}_column"] = str(worst["column"]) if worst is not None else None
    if mixed:
        pick = latent.seeded_sample(len(syn), p.gower_max_synthetic, p.seed, salt)
        held = held_min.iloc[latent.seeded_sample(len(held_min), p.gower_max_synthetic, p.seed, 0)]
        out.update(mixed_checks.gower_dcr(syn.iloc[pick], train[features], held, features))
    else:
        out.update(dict.fromkeys(("gower_dcr_synthetic_median", "gower_dcr_heldout_median", "gower_dcr_ratio",
                                  "gower_dcr_share_below_heldout_p5"), float("nan")))
    return out


def synthetic_neighbours(params: NeighbourParams, **lane_sets: pd.DataFrame) -> pd.DataFrame:
    """``n_rows`` seeded synthetic rows of every lane, each followed by its nearest real row.

    One table: ``lane`` then the columns of
    :func:`~synthetic_intelligence.core.latent.nearest_real_rows` (``pair``, ``row``,
    ``distance``, ``train_index``, ``target``, the features). Lanes in lane order.
    """
    p = as_model(NeighbourParams, params, "qa.neighbours")
    parts = [latent.nearest_real_rows(train_set, n_rows=int(p.n_rows), seed=int(p.seed), salt=salt).assign(lane=lane)
             for salt, (lane, train_set) in enumerate(lane_sets.items(), start=1)]
    if not parts:
        return pd.DataFrame(columns=["lane", *NEIGHBOUR_COLUMNS])
    table = pd.concat(parts, ignore_index=True)
    return table[["lane", *[c for c in table.columns if c != "lane"]]]
