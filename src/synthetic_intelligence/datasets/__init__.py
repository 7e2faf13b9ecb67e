"""Custom Kedro datasets."""

from synthetic_intelligence.datasets.absent_dataset import AbsentDataset
from synthetic_intelligence.datasets.h2o_model_dataset import H2OModelDataset
from synthetic_intelligence.datasets.torch_payload_dataset import TorchPayloadDataset

__all__ = ["AbsentDataset", "H2OModelDataset", "TorchPayloadDataset"]
