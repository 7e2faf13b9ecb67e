import pandas as pd

from synthetic_intelligence.core.learners import PROVENANCE


def raw_train_set(train: pd.DataFrame) -> pd.DataFrame:
    """The baseline trains on ``train`` unchanged; it only gains the provenance column (all real)."""
    return train.assign(**{PROVENANCE: False})
