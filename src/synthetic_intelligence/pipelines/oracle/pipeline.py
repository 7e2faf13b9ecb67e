from kedro.pipeline import Pipeline, node

from synthetic_intelligence.core.schema import H2O_TAG
from synthetic_intelligence.pipelines.oracle.nodes import train_oracle


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [node(train_oracle, ["train", "validation", "params:oracle", "params:evaluation"],
              ["oracle", "oracle_leaderboard", "oracle_report"], name="train_oracle", tags=H2O_TAG)],
        tags="oracle",
    )
