"""lanes.py: the lanes declared once (LANES, each with a registry kind) are the lanes every user builds."""

from __future__ import annotations

import pytest

from synthetic_intelligence import lanes
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.pipelines.baseline import create_pipeline as baseline
from synthetic_intelligence.pipelines.model_driven import create_pipeline as model_driven
from synthetic_intelligence.pipelines.repeats.pipeline import repeats_inputs
from synthetic_intelligence.pipelines.smote import create_pipeline as smote


def test_every_lane_has_a_kind_and_the_names_follow():
    assert lanes.swimlanes() == [lane.name for lane in lanes.LANES]
    assert [lane.kind for lane in lanes.LANES] == [experiment.RAW, experiment.CLASS_WEIGHTED,
                                                   *[experiment.IMBLEARN] * len(lanes.SMOTE_LANES),
                                                   experiment.MODEL_DRIVEN]
    assert lanes.REAL_LANES == ("baseline", "class_weighted")
    assert lanes.synthetic_lanes() == [*lanes.SMOTE_LANES, "model_driven"]
    assert lanes.lane("smote").kind == experiment.IMBLEARN
    with pytest.raises(KeyError, match="no lane 'x'"):
        lanes.lane("x")


def test_the_lane_pipelines_build_one_swimlane_per_declared_lane():
    namespaces = {n.namespace.split(".")[0] for p in (baseline(), smote(), model_driven()) for n in p.nodes}
    assert namespaces == set(lanes.swimlanes())


def test_the_repeats_read_each_lanes_own_parameters():
    inputs = repeats_inputs()
    assert {v for k, v in inputs.items() if k.startswith("params__")} == {
        "params:smote.sampler", "params:generation"}


def test_one_fan_in_key():
    assert lanes.input_key("scores", "smote") == "scores__smote"
    assert lanes.input_key("model", "smote", "hgb") == "model__smote__hgb"
    assert lanes.input_key("scores", "smote", None) == "scores__smote"
    got = lanes.fan_in({"scores__smote": 1, "metrics__smote": 2, "model__smote__hgb": 3},
                       ("scores", "metrics", "model"))
    assert got == {("smote",): {"scores": 1, "metrics": 2}, ("smote", "hgb"): {"model": 3}}
    with pytest.raises(TypeError, match="unexpected input 'other'"):
        lanes.fan_in({"other": 1}, ("scores",))
    with pytest.raises(TypeError, match="unexpected input 'scores__'"):
        lanes.fan_in({"scores__": 1}, ("scores",))
