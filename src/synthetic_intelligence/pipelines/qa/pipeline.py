"""qa: an alias for the QA's tables, the scorecard and latent_qa pipelines together (no nodes of its own).

It is a folder (not a sum in the registry) so that ``kedro run --pipeline qa`` works with
Kedro's selective pipeline loading. The pictures come from the reporting pipeline:
``kedro run --pipeline qa`` then ``kedro run --pipeline reporting``.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline

from synthetic_intelligence.pipelines import latent_qa, scorecard


def create_pipeline(**kwargs) -> Pipeline:
    return scorecard.create_pipeline() + latent_qa.create_pipeline()
