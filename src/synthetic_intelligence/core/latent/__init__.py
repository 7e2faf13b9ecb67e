"""Model-independent view of synthetic minority points in an autoencoder's latent space.

Four modules, one concern each (plain library code: no Kedro, no plotting):

* :mod:`.autoencoder` - the autoencoder trained on real rows, its payload, encoding;
* :mod:`.projection` - seeded subsampling, group labels, one t-SNE shared by every lane,
  returned as a table (figures: :mod:`synthetic_intelligence.reporting.latent`);
* :mod:`.fidelity` - fidelity numbers (no-man's-land rate, detection AUC, distance ratio,
  cluster coverage, distance to closest record) and the k-NN class-AUC diagnostic;
* :mod:`.neighbours` - a sample of synthetic rows next to their nearest real rows (input space).

The public names of all four are importable from here. The autoencoder's (the one module that imports
torch) load on first use, so that the figures and the dashboard, which import :mod:`.projection`, never
load torch (tests/test_architecture.py).
"""

from typing import Any

from synthetic_intelligence.core.latent.fidelity import (
    DCR_QUANTILE,
    MEMORISATION_RATIO,
    cluster_coverage,
    detection_auc,
    distance_ratio,
    distance_to_closest_record,
    fidelity_report,
    knn_class_auc,
    no_mans_land_rate,
)
from synthetic_intelligence.core.latent.neighbours import (
    NEAREST_REAL_ROW,
    NEIGHBOUR_COLUMNS,
    RESERVED,
    SYNTHETIC_ROW,
    feature_column,
    nearest_real_rows,
)
from synthetic_intelligence.core.latent.projection import (
    EMBEDDING_COLUMNS,
    GROUP_MAJORITY,
    GROUP_MINORITY,
    GROUP_SYNTHETIC,
    GROUPS,
    REAL_LANE,
    make_groups,
    seeded_sample,
    shared_tsne,
    stratified_subsample,
    tsne_2d,
)

__all__ = [
    # autoencoder
    "AutoencoderConfig",
    "Autoencoder",
    "TrainedAutoencoder",
    "train_autoencoder",
    # projection
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
    # fidelity
    "DCR_QUANTILE",
    "MEMORISATION_RATIO",
    "no_mans_land_rate",
    "detection_auc",
    "distance_ratio",
    "cluster_coverage",
    "distance_to_closest_record",
    "fidelity_report",
    "knn_class_auc",
    # neighbours
    "NEIGHBOUR_COLUMNS",
    "SYNTHETIC_ROW",
    "NEAREST_REAL_ROW",
    "RESERVED",
    "feature_column",
    "nearest_real_rows",
]

#: The names of :mod:`.autoencoder`, imported (with torch) on first access.
_AUTOENCODER = ("Autoencoder", "AutoencoderConfig", "TrainedAutoencoder", "train_autoencoder")


def __getattr__(name: str) -> Any:
    if name in _AUTOENCODER:
        from synthetic_intelligence.core.latent import autoencoder

        return getattr(autoencoder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
