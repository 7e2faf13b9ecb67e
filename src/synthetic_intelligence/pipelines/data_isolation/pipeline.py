from kedro.pipeline import Pipeline, node

from synthetic_intelligence.pipelines.data_isolation import nodes


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                nodes.build_source,
                ["raw_table", "params:data_isolation.source", "params:data_isolation.generators"],
                ["training_world", "new_world_base", "new_world_info"],
                name="build_source",
            ),
            node(
                nodes.split_training_world,
                ["training_world", "params:data_isolation.split"],
                ["train_unchecked", "validation_unchecked", "holdout_iid_unchecked"],
                name="split_training_world",
            ),
            node(
                nodes.make_new_world,
                ["new_world_base", "params:data_isolation.source", "params:data_isolation.drift"],
                "holdout_new_world_unchecked",
                name="make_new_world",
            ),
            node(
                nodes.check_isolation,
                ["train_unchecked", "validation_unchecked", "holdout_iid_unchecked", "holdout_new_world_unchecked",
                 "params:data_isolation.source", "new_world_info"],
                ["train", "validation", "holdout_iid", "holdout_new_world", "isolation_report"],
                name="check_isolation",
            ),
        ],
        tags="data_isolation",
    )
