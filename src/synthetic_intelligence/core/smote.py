"""imbalanced-learn samplers by name: the factory and the typed lane settings (resampling is in core.resample)."""

from __future__ import annotations

import inspect

from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import (
    ADASYN,
    SMOTE,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
    RandomOverSampler,
)
from pydantic import BaseModel, ConfigDict, Field, model_validator

from synthetic_intelligence.core.errors import TrainingSetError

SAMPLERS: dict[str, type] = {
    "SMOTE": SMOTE,
    "BorderlineSMOTE": BorderlineSMOTE,
    "SVMSMOTE": SVMSMOTE,
    "ADASYN": ADASYN,
    "KMeansSMOTE": KMeansSMOTE,
    "RandomOverSampler": RandomOverSampler,
    "SMOTETomek": SMOTETomek,
    "SMOTEENN": SMOTEENN,
}


def make_sampler(name: str, kwargs: dict | None = None, random_state: int | None = None):
    """Instantiate the imblearn sampler ``name`` with validated keyword arguments.

    ``random_state`` is applied when the class accepts it and ``kwargs`` does not
    already set it.
    """
    if name not in SAMPLERS:
        raise ValueError(f"unknown sampler {name!r}; valid names: {', '.join(SAMPLERS)}")
    cls = SAMPLERS[name]
    kwargs = dict(kwargs or {})
    valid = [p for p in inspect.signature(cls).parameters if p != "self"]
    bad = sorted(set(kwargs) - set(valid))
    if bad:
        raise ValueError(
            f"unknown keyword(s) for {name}: {', '.join(bad)}; "
            f"valid keywords: {', '.join(valid)}"
        )
    if random_state is not None and "random_state" in valid and "random_state" not in kwargs:
        kwargs["random_state"] = random_state
    return cls(**kwargs)


class ImblearnSamplerParams(BaseModel):
    """One SMOTE-family lane's sampler (``<lane>.sampler`` in parameters_smote.yml), checked before the run.

    ``name``: an imbalanced-learn class of :data:`SAMPLERS`; ``kwargs``: its keyword arguments
    (checked against its signature); ``seed``: its ``random_state`` unless ``kwargs`` sets one.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    kwargs: dict = Field(default_factory=dict)
    seed: int = 0

    @model_validator(mode="after")
    def _known(self):
        # raises naming the bad name, keyword or value (scikit-learn's own parameter constraints)
        make_sampler(self.name, self.kwargs, self.seed)._validate_params()
        return self

    def build(self):
        return make_sampler(self.name, self.kwargs, random_state=self.seed)

    def check_fits(self, n_minority: int, where: str) -> None:
        """Refuse a neighbour count the minority rows cannot supply, naming the parameter and the count."""
        sampler = self.build()
        k = getattr(sampler, "k_neighbors", None)
        if isinstance(k, int) and n_minority <= k:
            raise TrainingSetError(
                f"{where}.kwargs.k_neighbors is {k} but train holds only {n_minority} minority row(s); "
                f"{self.name} needs at least k_neighbors + 1: lower {where}.kwargs.k_neighbors or raise "
                "data_isolation.source.min_minority_rows")
