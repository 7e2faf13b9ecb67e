"""kedro-viz: every catalog entry has a layer, the layers follow the data flow, tables and figures preview."""

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from kedro.config import OmegaConfigLoader
from kedro.framework.project import configure_project
from kedro.io import DataCatalog

from synthetic_intelligence import lanes
from synthetic_intelligence.pipeline_registry import register_pipelines

ROOT = Path(__file__).resolve().parents[1]
#: The layers in data-flow order (kedro-viz draws them left to right in the horizontal orientation).
LAYERS = ["raw", "intermediate", "primary", "selection", "model_input", "models", "model_output", "reporting"]
_ATOMIC = "synthetic_intelligence.datasets.atomic."  # kedro-datasets' classes with atomic versioned saves
TABLES = ("pandas.", f"{_ATOMIC}CSVDataset", f"{_ATOMIC}ParquetDataset")
FIGURES = ("matplotlib.", "plotly.", f"{_ATOMIC}MatplotlibDataset", f"{_ATOMIC}PlotlyJSONDataset")


def catalog_entries() -> dict[str, dict]:
    entries = {}
    for path in sorted((ROOT / "conf" / "base").glob("catalog*.yml")):
        for name, entry in (yaml.safe_load(path.read_text()) or {}).items():
            if name.startswith("_"):  # a template for other entries (Kedro drops it from the catalog)
                continue
            entries[name] = {**entry, "_file": path.name}
    return entries


def test_every_catalog_entry_has_a_known_layer_and_tables_and_figures_preview():
    entries = catalog_entries()
    assert "{namespace}.train_set" in entries  # dataset factories are checked too
    for name, entry in entries.items():
        viz = (entry.get("metadata") or {}).get("kedro-viz") or {}
        assert viz.get("layer") in LAYERS, f"{entry['_file']}: {name} has no kedro-viz layer in {LAYERS}"
        kind = entry["type"]
        if kind.startswith(TABLES):
            assert viz.get("preview_args", {}).get("nrows", 0) > 0, f"{name}: a table without preview rows"
        if kind.startswith(FIGURES) and viz.get("preview") is False:
            assert name == "latent_tsne_figures", f"{name}: a figure without preview"


def _layer_graph():
    configure_project("synthetic_intelligence")
    pipelines = register_pipelines()
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base")
    catalog = DataCatalog.from_config(loader["catalog"])
    nodes, deps, tasks = {}, {}, set()
    for pipe in pipelines.values():
        for node in pipe.nodes:
            tasks.add(node.name)
            nodes[node.name] = SimpleNamespace(layer=None)
            deps.setdefault(node.name, set()).update(node.outputs)
            for ds in node.inputs + node.outputs:
                if ds.startswith("params:") or ds == "parameters":
                    continue
                dataset = catalog.get(ds)
                layer = ((getattr(dataset, "metadata", None) or {}).get("kedro-viz") or {}).get("layer")
                nodes[ds] = SimpleNamespace(layer=layer)
                deps.setdefault(ds, set())
            for ds in node.inputs:
                if ds in deps:
                    deps[ds].add(node.name)
    # kedro-viz also draws each namespace (swimlane) as one node, from the datasets it reads to those it
    # writes for the rest of the DAG: its layers must not form a cycle through that node either
    default = pipelines["__default__"]
    for lane in lanes.swimlanes():
        inside = default.only_nodes_with_namespaces([lane])
        outside_inputs = {ds for n in default.nodes if n not in inside.nodes for ds in n.inputs}
        written = {ds for n in inside.nodes for ds in n.outputs}
        node_id = f"namespace:{lane}"
        nodes[node_id] = SimpleNamespace(layer=None)
        tasks.add(node_id)
        deps[node_id] = {ds for ds in written if ds in outside_inputs or ds in inside.outputs()}
        for ds in inside.inputs():
            if ds in deps:
                deps[ds].add(node_id)
    return nodes, deps, tasks


def test_layers_follow_the_data_flow_without_a_cycle():
    from kedro_viz.services.layers import sort_layers

    nodes, deps, tasks = _layer_graph()
    unlayered = sorted(n for n, v in nodes.items() if v.layer is None and n not in tasks)
    # every dataset of every registered pipeline (benchmark included) is in the catalog with a layer
    assert not unlayered
    assert sort_layers(nodes, deps) == LAYERS  # a CycleError when a dataset feeds an earlier layer


@pytest.mark.parametrize("name", ["train", "baseline.train_set", "scorecard", "pr_curves", "latent_tsne_plotly",
                                  "oracle", "model_driven.generation_choice", "learners.hgb.spec",
                                  "model_driven.accepted_rows@spark", "model_driven.accepted_rows@pandas"])
def test_factories_and_entries_resolve_to_their_layer(name):
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base")
    catalog = DataCatalog.from_config(loader["catalog"])
    layer = catalog.get(name).metadata["kedro-viz"]["layer"]
    expected = {"train": "primary", "baseline.train_set": "model_input", "scorecard": "reporting",
                "pr_curves": "reporting", "latent_tsne_plotly": "reporting", "oracle": "selection",
                "model_driven.generation_choice": "selection", "learners.hgb.spec": "selection",
                "model_driven.accepted_rows@spark": "model_input", "model_driven.accepted_rows@pandas": "model_input"}[name]
    assert layer == expected
