"""Latent-space QA (pipelines/latent_qa): node tests, pipeline structure, config, sliced run.

The tiny world is the two_clusters demonstration world with its two informative features
only (``n_features=2``): with many equal-variance noise features an autoencoder has no
reason to keep the class signal (``latent_class_auc`` reports that), and the fidelity
ranking below would test the data, not the nodes.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from imblearn.over_sampling import SMOTE, RandomOverSampler
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset, Version
from kedro.runner import SequentialRunner
from kedro.validation.parameter_validator import ParameterValidator

from synthetic_intelligence import lanes, settings
from synthetic_intelligence.core.errors import ConfigurationError
from synthetic_intelligence.core.isolation import split as isolation
from synthetic_intelligence.core.latent import (
    GROUP_MAJORITY,
    GROUP_MINORITY,
    GROUP_SYNTHETIC,
    AutoencoderConfig,
    TrainedAutoencoder,
)
from synthetic_intelligence.core.schema import PROVENANCE, TARGET
from synthetic_intelligence.core.worlds import make_two_clusters
from synthetic_intelligence.datasets import TorchPayloadDataset
from synthetic_intelligence.pipelines.latent_qa import nodes as ln
from synthetic_intelligence.pipelines.latent_qa.pipeline import create_pipeline, synthetic_lanes
from tests.golden_numbers import assert_unchanged, needs_recording_torch

CONF = Path(__file__).resolve().parents[2] / "conf"
TINY_AE = {"hidden": [16, 8], "latent_dim": 2, "epochs": 20, "batch_size": 128, "lr": 3e-3,
           "patience": 5, "seed": 0, "device": "cpu"}
TINY_PROJECTION = {"size": 400, "real_share": 0.5, "perplexity": 15.0, "seed": 0}
TINY_FIDELITY = {"k": 10, "n_clusters": 4, "max_synthetic": None, "class_auc_rows": 2000, "seed": 0}
OUTPUTS = {"autoencoder", "autoencoder_history", "latent_embedding", "fidelity", "synthetic_neighbours"}


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Tiny networks gain nothing from threads, and lose a lot on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def splits():
    world, _ = make_two_clusters(n_samples=3000, n_new_world=10, n_features=2, seed=42)
    train, validation, _holdout = isolation.split_training_world(
        world, holdout_share=0.2, validation_share=0.2, seed=1)
    return {"train": train, "validation": validation}


@pytest.fixture(scope="module")
def trained(splits):
    return ln.train_autoencoder(splits["train"], splits["validation"], dict(TINY_AE))


def _lane_set(train: pd.DataFrame, synthetic: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([train.assign(**{PROVENANCE: False}), synthetic.assign(**{PROVENANCE: True})],
                     ignore_index=True)


@pytest.fixture(scope="module")
def fake_lanes(splits):
    """``copies``: jittered copies of real train minority (faithful); ``relabelled``: real
    majority rows relabelled as minority (points in no man's land)."""
    train = splits["train"]
    features = [c for c in train.columns if c != TARGET]
    rng = np.random.default_rng(0)
    minority, majority = train[train[TARGET] == 1], train[train[TARGET] == 0]
    n = 2 * len(minority)
    copies = minority.sample(n, replace=True, random_state=0).copy()
    copies[features] += 0.05 * rng.normal(size=(n, len(features)))
    relabelled = majority.sample(n, random_state=0).assign(**{TARGET: 1})
    return {"copies": _lane_set(train, copies), "relabelled": _lane_set(train, relabelled)}


# ---------------------------------------------------------------- autoencoder --

def test_autoencoder_trains_on_real_features_and_reloads(splits, trained, tmp_path):
    payload, history = trained
    train = splits["train"]
    assert payload["input_dim"] == 2 and payload["feature_names"] == [c for c in train.columns if c != TARGET]  # no target column
    assert payload["hidden"] == [16, 8] and payload["latent_dim"] == 2
    assert list(history.columns) == ["epoch", "train_loss", "val_loss", "best"]
    assert history["epoch"].tolist() == list(range(1, len(history) + 1))
    assert int(history["best"].sum()) == 1
    assert history.loc[history["best"], "val_loss"].item() == history["val_loss"].min()
    assert history["val_loss"].iloc[-1] < history["val_loss"].iloc[0]  # it learned
    assert np.isfinite(history[["train_loss", "val_loss"]].to_numpy()).all()

    ds = TorchPayloadDataset(filepath=str(tmp_path / "autoencoder.pt"), version=Version(None, None))
    ds.save(payload)
    reloaded = TorchPayloadDataset(filepath=str(tmp_path / "autoencoder.pt"), version=Version(None, None)).load()
    a, b = TrainedAutoencoder.from_payload(payload), TrainedAutoencoder.from_payload(reloaded)
    np.testing.assert_array_equal(a.encode(train), b.encode(train))
    assert b.encode(train).shape == (len(train), 2)


def test_autoencoder_ignores_provenance_and_is_seeded(splits, trained):
    payload, history = trained
    train = splits["train"].assign(**{PROVENANCE: False})  # a lane-style frame: provenance is not a feature
    again, history_again = ln.train_autoencoder(train, splits["validation"], AutoencoderConfig(**TINY_AE))
    assert again["feature_names"] == payload["feature_names"]
    pd.testing.assert_frame_equal(history, history_again)
    for key, value in payload["state_dict"].items():
        torch.testing.assert_close(value, again["state_dict"][key])


# ------------------------------------------------------------------- fidelity --

def test_fidelity_ranks_faithful_above_no_mans_land(splits, trained, fake_lanes):
    table = ln.fidelity_table(trained[0], splits["train"], splits["validation"], dict(TINY_FIDELITY), **fake_lanes)
    assert list(table.columns) == ln.FIDELITY_COLUMNS
    assert table["lane"].tolist() == ["copies", "relabelled"]
    good, bad = (table.set_index("lane").loc[lane] for lane in ("copies", "relabelled"))
    n_min = int((splits["train"][TARGET] == 1).sum())
    assert good["n_synthetic"] == bad["n_synthetic"] == good["n_evaluated"] == 2 * n_min  # synthetic rows only

    assert good["no_mans_land_rate"] < 0.5
    assert bad["no_mans_land_rate"] > 0.9
    # real side = validation minority (unseen): copies look real (~0.5), not memorised (<< 0.5)
    assert 0.35 < good["detection_auc"] < 0.65
    assert bad["detection_auc"] > 0.8
    assert good["distance_ratio"] < 1.0 < bad["distance_ratio"]
    assert good["cluster_coverage"] == 1.0 >= bad["cluster_coverage"]
    # context: the latent space keeps the class signal; real held-out minority is the reference
    assert good["latent_class_auc"] > 0.85 and good["input_class_auc"] > 0.85
    assert good["no_mans_land_rate"] < good["reference_no_mans_land_rate"] < bad["no_mans_land_rate"]
    assert (table["latent_class_auc"].nunique(), table["reference_no_mans_land_rate"].nunique()) == (1, 1)
    # memorisation: jittered copies sit closer to train rows than held-out rows do, but are not exact copies;
    # relabelled majority rows ARE training rows (the reference is every train row, either class)
    assert bad["dcr_synthetic_median"] == 0.0 and bad["dcr_ratio"] == 0.0 and bool(bad["memorised"])
    assert 0.25 < good["dcr_ratio"] < 1.0 and not good["memorised"]
    assert good["dcr_heldout_median"] == bad["dcr_heldout_median"] > 0


def test_fidelity_numbers_unchanged_by_the_split(splits, trained, fake_lanes):
    needs_recording_torch()
    full = ln.fidelity_table(trained[0], splits["train"], splits["validation"], dict(TINY_FIDELITY), **fake_lanes)
    assert_unchanged(full, "fidelity")
    capped = ln.fidelity_table(trained[0], splits["train"], splits["validation"], {**TINY_FIDELITY, "max_synthetic": 60},
                               copies=fake_lanes["copies"])
    assert_unchanged(capped, "fidelity_capped")


def test_memorisation_flags_a_copying_sampler_not_smote(splits, trained):
    """imbalanced-learn's RandomOverSampler duplicates train rows: memorised; SMOTE interpolates: not."""
    train = splits["train"]
    features = [c for c in train.columns if c != TARGET]
    lane_sets = {}
    for lane, sampler in (("ros", RandomOverSampler(random_state=0)), ("smote", SMOTE(random_state=0))):
        X_res, y_res = sampler.fit_resample(train[features], train[TARGET])
        resampled = X_res.assign(**{TARGET: y_res.to_numpy()}).iloc[len(train):]
        lane_sets[lane] = _lane_set(train, resampled)
    table = ln.fidelity_table(trained[0], train, splits["validation"], dict(TINY_FIDELITY), **lane_sets).set_index("lane")
    assert bool(table.loc["ros", "memorised"]) and table.loc["ros", "dcr_ratio"] == 0.0
    assert table.loc["ros", "dcr_share_below_heldout_p5"] == 1.0
    assert not table.loc["smote", "memorised"]
    assert 0.25 < table.loc["smote", "dcr_ratio"] < 1.0
    assert table.loc["smote", "dcr_share_below_heldout_p5"] < table.loc["ros", "dcr_share_below_heldout_p5"]
    # the limit is a parameter: above SMOTE's ratio, SMOTE is flagged too
    strict = ln.fidelity_table(trained[0], train, splits["validation"],
                               {**TINY_FIDELITY, "memorisation_ratio": 1.5}, smote=lane_sets["smote"])
    assert bool(strict.loc[0, "memorised"])


def test_fidelity_caps_synthetic_rows_with_a_seed(splits, trained, fake_lanes):
    params = {**TINY_FIDELITY, "max_synthetic": 60}
    a = ln.fidelity_table(trained[0], splits["train"], splits["validation"], params, copies=fake_lanes["copies"])
    b = ln.fidelity_table(trained[0], splits["train"], splits["validation"], ln.FidelityParams(**params),
                          copies=fake_lanes["copies"])
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, "n_evaluated"] == 60 < a.loc[0, "n_synthetic"]


def test_fidelity_needs_provenance(splits, trained):
    with pytest.raises(KeyError, match="is_synthetic"):
        ln.fidelity_table(trained[0], splits["train"], splits["validation"], TINY_FIDELITY, bare=splits["train"])


def test_unknown_parameter_key_is_refused(splits, trained, fake_lanes):
    with pytest.raises(ConfigurationError, match=r"qa\.fidelity\.max_synthetc: Extra inputs are not permitted"):
        ln.fidelity_table(trained[0], splits["train"], splits["validation"], {"max_synthetc": 10}, **fake_lanes)


# ----------------------------------------------------------------- projection --

def test_projection_one_shared_fit_is_one_table(splits, trained, fake_lanes):
    embedding = ln.latent_projection(trained[0], splits["train"], dict(TINY_PROJECTION), **fake_lanes)
    assert list(embedding.columns) == ["lane", "group", "tsne_x", "tsne_y"]
    assert list(embedding["lane"].cat.categories) == [ln.REAL_LANE, "copies", "relabelled"]
    real = embedding[embedding["lane"] == ln.REAL_LANE]
    assert set(real["group"]) == {GROUP_MAJORITY, GROUP_MINORITY}
    assert len(real) == 200  # size * real_share, class-stratified
    assert (real["group"] == GROUP_MINORITY).mean() == pytest.approx(
        (splits["train"][TARGET] == 1).mean(), abs=0.02)
    for lane in ("copies", "relabelled"):
        rows = embedding[embedding["lane"] == lane]
        assert len(rows) == 100 and set(rows["group"]) == {GROUP_SYNTHETIC}  # (size - real) / lanes
    assert np.isfinite(embedding[["tsne_x", "tsne_y"]].to_numpy()).all()

    # in the embedding, the relabelled rows lie among the majority, the copies among the minority
    centre = {g: real.loc[real["group"] == g, ["tsne_x", "tsne_y"]].to_numpy() for g in (GROUP_MAJORITY, GROUP_MINORITY)}

    def nearest_real_is_minority(lane):
        pts = embedding.loc[embedding["lane"] == lane, ["tsne_x", "tsne_y"]].to_numpy()
        d_min = np.min(np.linalg.norm(pts[:, None] - centre[GROUP_MINORITY][None], axis=2), axis=1)
        d_maj = np.min(np.linalg.norm(pts[:, None] - centre[GROUP_MAJORITY][None], axis=2), axis=1)
        return float((d_min < d_maj).mean())
    # (real minority is 8% of the real points: at random about 0.08 of them would be nearest)
    assert nearest_real_is_minority("copies") > 0.3
    assert nearest_real_is_minority("relabelled") < 0.15


def test_projection_is_seeded(splits, trained, fake_lanes):
    params = {**TINY_PROJECTION, "size": 150}
    a = ln.latent_projection(trained[0], splits["train"], params, copies=fake_lanes["copies"])
    b = ln.latent_projection(trained[0], splits["train"], ln.ProjectionParams(**params), copies=fake_lanes["copies"])
    pd.testing.assert_frame_equal(a, b)
    needs_recording_torch()
    assert_unchanged(a, "embedding_small")  # the same points as before the split


# ------------------------------------------------------------ pipeline object --

def test_pipeline_reads_the_synthetic_lanes():
    lane_names = ["baseline", "class_weighted", "smote", "smote_b", "model_driven"]
    assert synthetic_lanes(lane_names) == ["smote", "smote_b", "model_driven"]
    assert synthetic_lanes() == lanes.synthetic_lanes()
    pipe = create_pipeline(lane_names)
    by_name = {n.name: n for n in pipe.nodes}
    assert set(by_name) == {"train_autoencoder", "latent_projection", "fidelity_table", "synthetic_neighbours"}
    assert all({"qa", "latent_qa"} <= n.tags for n in pipe.nodes)
    lane_sets = ["smote.train_set", "smote_b.train_set", "model_driven.train_set"]
    assert by_name["train_autoencoder"].inputs == ["train", "validation", "params:qa.autoencoder"]
    assert by_name["latent_projection"].inputs == ["autoencoder", "train", "params:qa.projection", *lane_sets]
    assert by_name["fidelity_table"].inputs == [
        "autoencoder", "train", "validation", "params:qa.fidelity", *lane_sets]
    assert by_name["synthetic_neighbours"].inputs == ["params:qa.neighbours", *lane_sets]
    assert pipe.outputs() == OUTPUTS - {"autoencoder"}
    assert "baseline.train_set" not in pipe.inputs()
    assert not {"holdout_iid", "holdout_new_world"} & pipe.all_inputs()  # holdouts are for scoring only


def test_lane_name_clashing_with_an_argument_is_refused():
    with pytest.raises(ValueError, match="clash"):
        create_pipeline(["baseline", "train", "model_driven"])


# --------------------------------------------------------------------- config --

def _loader(env: str) -> OmegaConfigLoader:
    return OmegaConfigLoader(conf_source=str(CONF), env=env, **settings.CONFIG_LOADER_ARGS)


@pytest.mark.parametrize("env", ["base", "quick"])
def test_parameters_become_typed_configs(env):
    params = _loader(env)["parameters"]
    validated = ParameterValidator({"latent_qa": create_pipeline()}).validate_raw_params(params)
    qa = validated["qa"]
    assert isinstance(qa["autoencoder"], AutoencoderConfig)
    assert isinstance(qa["projection"], ln.ProjectionParams)
    assert isinstance(qa["fidelity"], ln.FidelityParams)
    assert isinstance(qa["neighbours"], ln.NeighbourParams) and qa["neighbours"].n_rows > 0
    # quick shrinks budgets, never the architecture
    assert list(qa["autoencoder"].hidden) == [256, 128, 64] and qa["autoencoder"].latent_dim == 8
    assert qa["autoencoder"].device == "auto"
    assert qa["fidelity"].memorisation_ratio == 0.25


def test_quick_only_shrinks_budgets():
    base = yaml.safe_load((CONF / "base" / "parameters_qa.yml").read_text())["qa"]
    quick = yaml.safe_load((CONF / "quick" / "parameters_qa.yml").read_text())["qa"]
    assert not {"hidden", "latent_dim"} & set(quick.get("autoencoder", {}))
    for section, values in quick.items():
        assert set(values) <= set(base[section]), section
    assert quick["autoencoder"]["epochs"] < base["autoencoder"]["epochs"]
    assert quick["projection"]["size"] < base["projection"]["size"]


# ----------------------------------------------------------------- sliced run --

def test_sliced_pipeline_runs_with_the_real_catalog_entries(splits, fake_lanes, tmp_path):
    """The pipeline on a catalog made of this project's catalog_latent_qa.yml entries (files
    under tmp_path) plus in-memory inputs; lanes given to the pipeline."""
    entries = yaml.safe_load((CONF / "base" / "catalog_latent_qa.yml").read_text())
    assert set(entries) == OUTPUTS
    for entry in entries.values():
        entry["filepath"] = str(tmp_path / entry["filepath"])
    catalog = DataCatalog.from_config(copy.deepcopy(entries))
    inputs = {
        "train": splits["train"], "validation": splits["validation"],
        "smote.train_set": fake_lanes["copies"], "model_driven.train_set": fake_lanes["relabelled"],
        "params:qa.autoencoder": dict(TINY_AE), "params:qa.projection": dict(TINY_PROJECTION),
        "params:qa.fidelity": dict(TINY_FIDELITY), "params:qa.neighbours": {"n_rows": 3, "seed": 0},
    }
    for name, value in inputs.items():
        catalog[name] = MemoryDataset(value)

    pipe = create_pipeline(["baseline", "smote", "model_driven"])
    SequentialRunner().run(pipe, catalog)

    for name, entry in entries.items():
        assert catalog.exists(name), name
        versions = list(Path(entry["filepath"]).iterdir())
        assert len(versions) == 1 and versions[0].is_dir(), name  # versioned

    fidelity = catalog.load("fidelity")
    assert fidelity["lane"].tolist() == ["smote", "model_driven"]
    assert fidelity.loc[0, "no_mans_land_rate"] < fidelity.loc[1, "no_mans_land_rate"]
    assert catalog.load("autoencoder_history")["best"].sum() == 1
    assert TrainedAutoencoder.from_payload(catalog.load("autoencoder")).latent_dim == 2
    assert fidelity["memorised"].tolist() == [False, True]  # relabelled majority rows are train rows
    embedding = catalog.load("latent_embedding")
    assert list(embedding["lane"].cat.categories) == [ln.REAL_LANE, "smote", "model_driven"]  # parquet keeps them
    neighbours = catalog.load("synthetic_neighbours")
    assert neighbours["lane"].tolist() == ["smote"] * 6 + ["model_driven"] * 6  # 3 pairs per lane
    # relabelled majority rows are train rows: each one's nearest real row is itself, a majority row
    md = neighbours[neighbours["lane"] == "model_driven"]
    assert md["distance"].max() == 0.0
    assert md.loc[md["row"] == "nearest real", "target"].tolist() == [0, 0, 0]


def test_a_failed_lane_empty_set_is_listed_with_no_numbers(splits, trained, fake_lanes):
    """A lane that could not build its training set (the empty sentinel) does not stop the latent QA."""
    from synthetic_intelligence.core.experiment.resample import failed_training_set

    autoencoder, _ = trained
    failed, _ = failed_training_set(splits["train"], "no candidate accepted")
    lanes_in = {"copies": fake_lanes["copies"], "failed": failed}
    table = ln.fidelity_table(autoencoder, splits["train"], splits["validation"], dict(TINY_FIDELITY), **lanes_in)
    row = table.set_index("lane").loc["failed"]
    assert row["n_synthetic"] == 0 and np.isnan(row["detection_auc"]) and np.isnan(row["dcr_ratio"])
    assert table.set_index("lane").loc["copies", "n_synthetic"] > 0
    embedding = ln.latent_projection(autoencoder, splits["train"], dict(TINY_PROJECTION), **lanes_in)
    assert "failed" in embedding["lane"].cat.categories and (embedding["lane"] == "failed").sum() == 0
