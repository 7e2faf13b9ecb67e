"""Issue 21 part 3: the model-driven method's options (near-copy guard, zero amount chosen on validation), the
variant lanes of the benchmark and the selection protocol (validation only, the test part discarded)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from synthetic_intelligence.core.benchmark import run as bm
from synthetic_intelligence.core.benchmark import selection as method_selection
from synthetic_intelligence.core.experiment import generation, training_sets
from synthetic_intelligence.core.sampling import OracleRejectionSampler
from synthetic_intelligence.core.sampling.strategies import ClusterInterpolate, Interpolate, make_strategy
from synthetic_intelligence.core.schema import TARGET
from synthetic_intelligence.pipelines.model_driven import nodes as md_nodes
from tests.core.benchmark.test_run import FAST, HGB, _table

# --------------------------------------------------------------------------- near-copy guard: interpolation gap


def _segment_weights(strategy, rows, n=4000, seed=0):
    """The interpolation weight of every candidate on the 1-D segment [0, 1] (two rows, 0 and 1)."""
    strategy.fit(rows, seed=0)
    cand = strategy.generate(np.random.default_rng(seed), n)
    return cand[:, 0]


@pytest.mark.parametrize("cls", [Interpolate, ClusterInterpolate])
def test_interpolation_gap_keeps_every_candidate_away_from_both_parents(cls):
    rows = np.array([[0.0, 5.0], [1.0, 5.0]])
    u = _segment_weights(cls(gap=0.2), rows)
    assert u.min() >= 0.2 - 1e-12 and u.max() <= 0.8 + 1e-12
    assert u.min() < 0.22 and u.max() > 0.78  # the whole band is used
    plain = _segment_weights(cls(), rows)
    assert plain.min() < 0.05 and plain.max() > 0.95


def test_interpolation_gap_zero_draws_exactly_the_old_rows():
    rows = np.random.default_rng(1).normal(size=(30, 4))
    a = Interpolate().fit(rows).generate(np.random.default_rng(5), 500)
    b = make_strategy("interpolate", n_clusters=8, gap=0.0).fit(rows).generate(np.random.default_rng(5), 500)
    np.testing.assert_array_equal(a, b)


def test_interpolation_gap_is_reproducible_picklable_and_checked():
    rows = np.random.default_rng(1).normal(size=(30, 4))
    strategy = make_strategy("cluster_interpolate", n_clusters=4, gap=0.1).fit(rows, seed=3)
    shipped = pickle.loads(pickle.dumps(strategy))  # the spark executor pickles the fitted strategy
    np.testing.assert_array_equal(strategy.generate(np.random.default_rng(9), 300),
                                  shipped.generate(np.random.default_rng(9), 300))
    with pytest.raises(ValueError, match="gap"):
        Interpolate(gap=0.5)


def test_sampler_interpolation_gap_reaches_the_strategy_and_keeps_the_gate():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (200, 3)), rng.normal(2, 1, (40, 3))])
    y = np.r_[np.zeros(200, int), np.ones(40, int)]
    oracle = LogisticRegression().fit(X, y)
    kw = {"oracle": oracle, "threshold": 0.5, "sampling_strategy": 0.5, "random_state": 4, "batch_size": 512}
    s1 = OracleRejectionSampler(interpolation_gap=0.25, **kw)
    Xa, ya = s1.fit_resample(X, y)
    Xb, _ = OracleRejectionSampler(interpolation_gap=0.25, **kw).fit_resample(X, y)
    np.testing.assert_array_equal(Xa, Xb)  # reproducible for a seed
    synthetic = Xa[len(X):]
    assert (oracle.predict_proba(synthetic)[:, 1] >= s1.thresholds_[1] - 1e-12).all()  # at/above the cut
    X0, _ = OracleRejectionSampler(**kw).fit_resample(X, y)
    assert not np.array_equal(X0, Xa)
    with pytest.raises(ValueError, match="interpolation_gap"):
        OracleRejectionSampler(interpolation_gap=0.6, **kw).fit_resample(X, y)


# --------------------------------------------------------------------------- zero amount chosen on validation


def _separable(n=400, seed=0) -> pd.DataFrame:
    """A table no synthetic row can help: the classes are perfectly separated by one feature."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    frame = pd.DataFrame({"f0": y * 10.0 + rng.normal(0, 0.1, n), "f1": rng.normal(size=n)})
    frame[TARGET] = y
    return frame


def _generation(allow_none: bool) -> dict:
    return {"seed": 0, "sampler": {"batch_size": 1024, "max_rounds": 5},
            "tuning": {"allow_none": allow_none, "thresholds": [0.5], "ratios": [0.5], "learner": HGB}}


@pytest.fixture(scope="module")
def separable():
    table = _separable()
    train, validation = train_test_split(table, test_size=0.3, stratify=table[TARGET], random_state=0)
    train, validation = train.reset_index(drop=True), validation.reset_index(drop=True)
    oracle = LogisticRegression().fit(train[["f0", "f1"]], train[TARGET])
    return train, validation, oracle


def test_allow_none_chooses_no_synthetic_rows_when_nothing_beats_the_raw_train(separable):
    train, validation, oracle = separable
    grid, choice = training_sets.choose_generation(train, validation, oracle, _generation(True))
    assert generation.is_none(choice) and choice["threshold"] is None
    assert "no synthetic rows" in choice["reason"]
    train_set, report = training_sets.generate(train, oracle, choice, _generation(True))
    assert report["n_synthetic"] == 0 and report["no_synthetic_rows"] is True
    assert not train_set["is_synthetic"].any()
    pd.testing.assert_frame_equal(train_set.drop(columns="is_synthetic"), train)
    # the same through the Kedro nodes (the model_driven pipeline's two steps)
    table, plan = md_nodes.generate(train, oracle, choice, _generation(True))
    node_set, node_report = md_nodes.build_train_set(train, table, plan)
    pd.testing.assert_frame_equal(node_set, train_set)
    assert node_report["no_synthetic_rows"] is True


def test_without_allow_none_the_lane_still_oversamples(separable):
    train, validation, oracle = separable
    _, choice = training_sets.choose_generation(train, validation, oracle, _generation(False))
    assert not generation.is_none(choice) and choice["threshold"] == 0.5
    _, report = training_sets.generate(train, oracle, choice, _generation(False))
    assert report["n_synthetic"] > 0


# --------------------------------------------------------------------------- variant lanes and the selection


def _variants() -> dict:
    return {"gapnone": {"sampler": {"candidates": "interpolate", "interpolation_gap": 0.15},
                        "tuning": {"allow_none": True}}}


def test_variant_lanes_carry_their_overrides_and_bad_ones_are_named():
    params = bm.BenchmarkParams.model_validate({**FAST, "model_driven": {**FAST["model_driven"],
                                                                          "variants": _variants()}})
    assert [lane.name for lane in params.lanes()][-1] == "model_driven_gapnone"
    gen = params.lane_params()["model_driven_gapnone"]
    assert gen.sampler["interpolation_gap"] == 0.15 and gen.tuning.allow_none
    assert gen.sampler["batch_size"] == 2048  # the shared keywords stay
    with pytest.raises(ValidationError, match="variants.bad"):
        bm.BenchmarkParams.model_validate({**FAST, "model_driven": {**FAST["model_driven"],
                                                                     "variants": {"bad": {"samplr": {}}}}})


def test_selection_grades_on_the_benchmarks_validation_and_never_sees_its_test_part():
    table = _table(n=500, weight=0.9)
    params = bm.BenchmarkParams.model_validate({**FAST, "model_driven": {**FAST["model_driven"], "strategies": []}})
    seed = 1000
    rest = method_selection.without_test(table, params, seed)
    train, validation, test = bm._parts(table, params.model_copy(update={"standardize": False}), seed)
    assert len(rest) == len(train) + len(validation)
    assert not set(map(tuple, test.to_numpy())) & set(map(tuple, rest.to_numpy()))
    results = method_selection.run_selection({"t": table}, params, _variants(), seeds=[seed])
    assert set(results["lane"]) >= {"baseline", "smote", "model_driven_gapnone"}
    assert (results["n_test"] == len(validation)).all()  # graded on the benchmark's validation part
    assert (results["n_train"] + results["n_validation"] == len(train)).all()  # tuned inside its train
    ranks, wtl = method_selection.rank_table(results)
    assert list(ranks.columns) == ["logistic", "both"] and ranks["both"].between(1, len(ranks)).all()
    assert set(wtl["lane"]) == set(results["lane"]) - {"baseline"}
    with pytest.raises(ValueError, match="benchmark seeds"):
        method_selection.run_selection({"t": table}, params, _variants(), seeds=[1])


@pytest.mark.spark
def test_interpolation_gap_numpy_and_spark_backends_accept_statistically_the_same_set(spark):
    """The spark executor pickles the fitted strategy, gap included: the same accepted set, statistically."""
    from sklearn.datasets import make_classification

    from synthetic_intelligence.core.sampling.spark_executor import SparkExecutor

    X, y = make_classification(n_samples=3000, n_features=6, n_informative=4, weights=[0.9], random_state=0)
    oracle = LogisticRegression().fit(X, y)
    kw = {"oracle": oracle, "gate": "probability", "threshold": 0.6, "batch_size": 4096, "random_state": 5,
          "interpolation_gap": 0.3, "proposals": "uniform"}  # uniform: one distribution on both backends
    numpy_sampler = OracleRejectionSampler(backend="numpy", **kw)
    spark_sampler = OracleRejectionSampler(backend=SparkExecutor(spark, n_partitions=3), **kw)
    syn_n = numpy_sampler.fit_resample(X, y)[0][len(X):]
    syn_s = spark_sampler.fit_resample(X, y)[0][len(X):]
    assert len(syn_n) == len(syn_s) and oracle.predict_proba(syn_s)[:, 1].min() >= 0.6
    p_n, p_s = numpy_sampler.acceptance_rate_, spark_sampler.acceptance_rate_
    se = np.sqrt(p_n * (1 - p_n) / numpy_sampler.n_candidates_ + p_s * (1 - p_s) / spark_sampler.n_candidates_)
    assert abs(p_n - p_s) < 4 * se, (p_n, p_s)
    sd = np.sqrt(syn_n.var(axis=0) / len(syn_n) + syn_s.var(axis=0) / len(syn_s))
    assert np.all(np.abs(syn_n.mean(axis=0) - syn_s.mean(axis=0)) < 4 * sd)


# --------------------------------------------------------------------------- the amount chosen over several learners

LOGISTIC = {"engine": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression",
            "estimator_kwargs": {"max_iter": 200}}


def _grid_kw(**over) -> dict:
    kw = {"thresholds": [0.25, 0.5, 0.75], "ratios": [0.3, 0.6], "random_state": 2, "candidates": "interpolate",
          "batch_size": 1024, "max_rounds": 10, "gate": "quantile",
          "learner": generation.learners.LearnerConfig.model_validate(HGB)}
    return {**kw, **over}


@pytest.fixture(scope="module")
def noisy():
    """A table where synthetic rows can help one learner and hurt another (overlapping classes)."""
    table = _table(n=700, weight=0.9)
    train, validation = train_test_split(table, test_size=0.35, stratify=table[TARGET], random_state=1)
    train, validation = train.reset_index(drop=True), validation.reset_index(drop=True)
    X = train.drop(columns=TARGET)
    return train, validation, LogisticRegression(max_iter=500).fit(X, train[TARGET])


@pytest.mark.parametrize("combine", ["mean", "min"])
def test_several_tuning_learners_choose_the_point_of_largest_combined_gain(noisy, combine):
    train, validation, oracle = noisy
    more = {"logistic": generation.learners.LearnerConfig.model_validate(LOGISTIC)}
    grid, choice = generation.tune(train, validation, oracle, more_learners=more, combine=combine, **_grid_kw())
    ref = grid[grid["reference"]].iloc[0]
    points = grid[~grid["reference"] & grid["validation_auprc"].notna()]
    gains = np.c_[points["validation_auprc"] - ref["validation_auprc"],
                  points["validation_auprc_logistic"] - ref["validation_auprc_logistic"]]
    expected = gains.mean(axis=1) if combine == "mean" else gains.min(axis=1)
    np.testing.assert_allclose(points["validation_gain"], expected, rtol=0, atol=1e-12)
    best = points.iloc[int(np.argmax(points["validation_gain"].to_numpy()))]
    assert choice["validation_gain"] == pytest.approx(best["validation_gain"])
    assert (choice["threshold"], choice["ratio"]) in set(zip(points["threshold"], points["ratio"], strict=True))
    assert choice["validation_gain"] == pytest.approx(points["validation_gain"].max())
    assert choice["tuning_learners"] == ["learner", "logistic"] and choice["combine"] == combine


def test_one_tuning_learner_named_twice_chooses_as_that_learner_alone(noisy):
    """The combined gain of a learner with itself orders the grid as its AUPRC: the same choice as before."""
    train, validation, oracle = noisy
    _, alone = generation.tune(train, validation, oracle, **_grid_kw())
    twice = {"again": generation.learners.LearnerConfig.model_validate(HGB)}
    _, both = generation.tune(train, validation, oracle, more_learners=twice, combine="min", **_grid_kw())
    assert (both["threshold"], both["ratio"]) == (alone["threshold"], alone["ratio"])
    assert "validation_gain" not in alone  # one learner: the grid and the choice keep their old columns


def test_allow_none_over_several_learners_says_which_gain_it_compared(separable):
    train, validation, oracle = separable
    params = _generation(True)
    params["tuning"]["more_learners"] = {"logistic": LOGISTIC}
    params["tuning"]["combine"] = "min"
    grid, choice = training_sets.choose_generation(train, validation, oracle, params)
    assert generation.is_none(choice)
    assert "min gain over the learners (learner, logistic)" in choice["reason"]
    assert {"validation_auprc_logistic", "validation_gain"} <= set(grid.columns)


def test_more_learners_are_checked_and_reseeded():
    from synthetic_intelligence.core.experiment import registry

    base = _generation(True)
    with pytest.raises(ValidationError, match="cheap scikit-learn learner"):
        generation.GenerationParams.model_validate(
            {**base, "tuning": {**base["tuning"], "more_learners": {"automl": {"engine": "h2o_automl"}}}})
    with pytest.raises(ValidationError, match="combine"):
        generation.GenerationParams.model_validate({**base, "tuning": {**base["tuning"], "combine": "max"}})
    seeded = {**HGB, "estimator_kwargs": {**HGB["estimator_kwargs"], "random_state": 5}}
    params = generation.GenerationParams.model_validate(
        {**base, "tuning": {**base["tuning"], "more_learners": {"hgb2": seeded}}})
    moved = registry._reseed_generation(params, 3)
    assert moved.tuning.more_learners["hgb2"].estimator_kwargs["random_state"] == 8


# --------------------------------------------------------------------------- one training set per learner


def _config(spec: dict):
    return generation.learners.LearnerConfig.model_validate(spec)


@pytest.mark.parametrize("allow_none", [False, True])
def test_each_learner_chooses_as_it_would_alone_from_one_grid(noisy, allow_none):
    """tune_each scores every point once per learner; each learner's choice is tune()'s with it alone."""
    train, validation, oracle = noisy
    kw = {k: v for k, v in _grid_kw(allow_none=allow_none).items() if k != "learner"}
    served = {"hgb": _config(HGB), "logistic": _config(LOGISTIC)}
    grid, choices = generation.tune_each(train, validation, oracle, served=served, **kw)
    assert {"validation_auprc_hgb", "validation_auprc_logistic"} <= set(grid.columns)
    assert len(grid) == 1 + len(kw["thresholds"]) * len(kw["ratios"])  # one grid, not one per learner
    for name, config in served.items():
        alone_grid, alone = generation.tune(train, validation, oracle, **{**kw, "learner": config})
        np.testing.assert_allclose(grid[f"validation_auprc_{name}"], alone_grid["validation_auprc"])
        assert choices[name]["tuning_learner"] == name
        assert (choices[name]["threshold"], choices[name]["ratio"]) == (alone["threshold"], alone["ratio"])
        assert generation.is_none(choices[name]) == generation.is_none(alone)
        assert choices[name]["validation_auprc"] == pytest.approx(alone["validation_auprc"])


def test_per_learner_lane_trains_each_learner_on_its_own_choice(noisy):
    """run_split with generation.tuning.per_learner: each learner's row comes from the set chosen with it; a
    learner of another engine takes tuning.learner's choice; per_learner false: one set for all."""
    from synthetic_intelligence.core.experiment import registry

    train, validation, oracle_unused = noisy
    lane = registry.Lane("model_driven", registry.MODEL_DRIVEN)
    base = {"seed": 2, "sampler": {"batch_size": 1024, "max_rounds": 10},
            "tuning": {"thresholds": [0.25, 0.75], "ratios": [0.3, 0.6], "learner": HGB}}
    served = {"hgb": _config(HGB), "logistic": _config(LOGISTIC)}
    per = {**base, "tuning": {**base["tuning"], "per_learner": True}}
    fitted, _ = generation.learners.fit_learner(train, validation, _config(HGB))
    sets = registry.build_training_sets(lane, train, validation, per, oracle=fitted, served=served)
    report = registry.lane_report(sets)
    grid = pd.DataFrame(report["validation_grid"])
    for name in served:
        train_set, own = sets[name]
        best = grid[~grid["reference"]].sort_values([f"validation_auprc_{name}", "ratio", "threshold"],
                                                      ascending=[False, True, False]).iloc[0]
        assert (own["choice"]["threshold"], own["choice"]["ratio"]) == (best["threshold"], best["ratio"])
        assert registry.learner_report(report, name) is own and own["choice"]["tuning_learner"] == name
        assert int(train_set["is_synthetic"].sum()) == own["n_synthetic"] > 0
    shared = registry.build_training_sets(lane, train, validation, base, oracle=fitted, served=served)
    assert shared["hgb"] is shared["logistic"] and "per_learner" not in registry.lane_report(shared)
    # an H2O learner is not refitted per grid point: it takes tuning.learner's (HGB's) choice
    automl = {**served, "automl": generation.learners.LearnerConfig.model_validate({"engine": "h2o_automl"})}
    grid_each, choices = generation.choose_each(train, validation, fitted, generation.GenerationParams.model_validate(
        per), automl)
    _, alone = generation.tune(train, validation, fitted, thresholds=[0.25, 0.75], ratios=[0.3, 0.6],
                               learner=_config(HGB), random_state=2, batch_size=1024, max_rounds=10)
    assert (choices["automl"]["threshold"], choices["automl"]["ratio"]) == (alone["threshold"], alone["ratio"])
    assert "validation_auprc_learner" in grid_each.columns


def test_per_learner_rows_in_the_benchmark_and_the_tuned_sampler():
    """The benchmark's rows carry each learner's own choice; the tuned SMOTE lane per learner picks each
    learner's best point of one grid."""
    table = _table(n=500, weight=0.9)
    md = {**FAST["model_driven"], "strategies": [], "variants": {"each": {"tuning": {"per_learner": True,
                                                                                      "ratios": [0.3, 1.0]}}}}
    tuned = {"smote_tuned": {"sampler": {"name": "SMOTE", "kwargs": {"k_neighbors": 3}},
                             "grid": {"sampling_strategy": [0.3, 1.0]}, "learner": HGB, "per_learner": True}}
    params = bm.BenchmarkParams.model_validate({**FAST, "learners": {"logistic": LOGISTIC, "hgb": HGB},
                                                "model_driven": md, "tuned_samplers": tuned,
                                                "diagnostics": {"enabled": True, "max_rows": 200}})
    rows, tuning, diagnostics, _ = bm.run_split("t", table, 0, params)
    rows = pd.DataFrame(rows)
    for lane in ("model_driven_each", "smote_tuned"):
        grid = pd.DataFrame([t for t in tuning if t["lane"] == lane and not t.get("reference")])
        for learner in ("logistic", "hgb"):
            row = rows[(rows["lane"] == lane) & (rows["learner"] == learner)].iloc[0]
            assert row["validation_auprc"] == pytest.approx(grid[f"validation_auprc_{learner}"].max())
    served = {d["learner"] for d in diagnostics if d["lane"] == "model_driven_each"}
    assert served == {"logistic", "hgb"}  # one diagnostic row per learner's set
    assert {d["learner"] for d in diagnostics if d["lane"] == "smote"} == {""}


def test_per_learner_and_more_learners_are_one_or_the_other():
    base = _generation(True)
    with pytest.raises(ValidationError, match="per_learner"):
        generation.GenerationParams.model_validate(
            {**base, "tuning": {**base["tuning"], "per_learner": True, "more_learners": {"logistic": LOGISTIC}}})


# --------------------------------------------------------------------------- the class prior kept


def test_keep_class_prior_gives_each_class_its_weight_in_the_real_rows(noisy):
    train, validation, oracle = noisy
    kw = {k: v for k, v in _grid_kw().items() if k not in ("learner", "thresholds", "ratios")}
    shifted, plain = generation.oversample(train, oracle, threshold=0.5, ratio=0.6, **kw)
    kept, report = generation.oversample(train, oracle, threshold=0.5, ratio=0.6, class_prior="keep", **kw)
    assert "sample_weight" not in shifted.columns and plain.get("class_prior") is None
    pd.testing.assert_frame_equal(kept.drop(columns="sample_weight"), shifted)  # the same rows, only weighed
    n_real = train[TARGET].value_counts()
    totals = kept.groupby(TARGET)["sample_weight"].sum()
    np.testing.assert_allclose(totals.sort_index(), n_real.sort_index().astype(float))
    assert kept.loc[kept[TARGET] == 0, "sample_weight"].eq(1.0).all()  # the majority gains no synthetic row
    minority = kept.loc[kept[TARGET] == 1, "sample_weight"]
    assert minority.nunique() == 1 and minority.iloc[0] < 1.0
    assert report["class_prior"] == "keep" and report["class_weights"]["1"] == pytest.approx(minority.iloc[0])
    with pytest.raises(ValueError, match="class_prior"):
        generation.oversample(train, oracle, threshold=0.5, ratio=0.6, class_prior="flat", **kw)


def test_keep_class_prior_reaches_the_learner_and_the_lane_pipeline(noisy):
    """The grid scores the weighed sets; the lane pipeline's table route (generate_table, build_from_table)
    weighs the same way as oversample; the benchmark's variants may set class_prior."""
    train, validation, oracle = noisy
    kw = {k: v for k, v in _grid_kw().items() if k not in ("learner", "thresholds", "ratios")}
    direct, _ = generation.oversample(train, oracle, threshold=0.5, ratio=0.6, class_prior="keep", **kw)
    table, plan = generation.generate_table(train, oracle, threshold=0.5, ratio=0.6, class_prior="keep", **kw)
    built, report = generation.build_from_table(train, table, plan)
    pd.testing.assert_frame_equal(built, direct)
    assert report["class_prior"] == "keep"
    shift_grid, _ = generation.tune(train, validation, oracle, **_grid_kw())
    keep_grid, _ = generation.tune(train, validation, oracle, class_prior="keep", **_grid_kw())
    assert (shift_grid["n_synthetic"] == keep_grid["n_synthetic"]).all()  # the same rows ...
    assert not np.allclose(shift_grid["validation_auprc"].iloc[1:], keep_grid["validation_auprc"].iloc[1:])  # weighed
    md = {**FAST["model_driven"], "variants": {"kept": {"class_prior": "keep"}}}
    params = bm.BenchmarkParams.model_validate({**FAST, "model_driven": md})
    assert params.model_driven.lane_generation("kept").class_prior == "keep"
    assert params.model_driven.lane_generation("interpolate").class_prior == "shift"
    with pytest.raises(ValidationError, match="unknown keys"):
        bm.BenchmarkParams.model_validate({**FAST, "model_driven": {**md, "variants": {"x": {"seed": 3}}}})


def test_the_lane_pipeline_says_it_builds_one_set_when_per_learner_is_set(noisy, caplog):
    train, validation, oracle = noisy
    params = _generation(False)
    params["tuning"]["per_learner"] = True
    with caplog.at_level("WARNING"):
        _, choice = md_nodes.choose_setting(train, validation, oracle, params)
    assert "one training set, chosen with generation.tuning.learner" in caplog.text
    _, alone = training_sets.choose_generation(train, validation, oracle, _generation(False))
    assert (choice["threshold"], choice["ratio"]) == (alone["threshold"], alone["ratio"])


# --------------------------------------------------------------------------- synthetic rows only when validation is sure


@pytest.mark.parametrize("level", [0.05, 0.6, 0.995])
def test_min_confidence_keeps_the_point_only_when_bootstrap_resamples_agree(noisy, level):
    train, validation, oracle = noisy
    _, plain = generation.tune(train, validation, oracle, **_grid_kw(allow_none=True))
    assert not generation.is_none(plain)  # this data: a point beats no oversampling on validation
    _, sure = generation.tune(train, validation, oracle, min_confidence=level, **_grid_kw(allow_none=True))
    share = sure["validation_confidence"]
    assert 0.0 <= share <= 1.0
    assert generation.is_none(sure) == (share < level)
    assert not sure["no_oversampling_better_on_validation"]  # the point scored higher, surely or not
    if generation.is_none(sure):
        assert "bootstrap resamples of validation" in sure["reason"] and f"{level:.0%}" in sure["reason"]
    else:
        assert (sure["threshold"], sure["ratio"]) == (plain["threshold"], plain["ratio"])
    served = {"hgb": _config(HGB), "logistic": _config(LOGISTIC)}
    kw = {k: v for k, v in _grid_kw(allow_none=True).items() if k != "learner"}
    _, each = generation.tune_each(train, validation, oracle, served=served, min_confidence=level, **kw)
    assert each["hgb"]["validation_confidence"] == pytest.approx(share)  # the same grid rows, the same resamples
    for choice in each.values():
        if "validation_confidence" in choice:
            assert generation.is_none(choice) == (choice["validation_confidence"] < level)


def test_min_confidence_is_checked():
    base = _generation(True)
    for bad, match in (({"min_confidence": 1.0}, "less than 1"), ({"min_confidence": 0.9, "allow_none": False},
                                                                   "allow_none"),
                       ({"min_confidence": 0.9, "more_learners": {"logistic": LOGISTIC}}, "more_learners")):
        with pytest.raises(ValidationError, match=match):
            generation.GenerationParams.model_validate({**base, "tuning": {**base["tuning"], **bad}})


@pytest.mark.parametrize("level", [0.05, 0.995])
def test_confirm_lets_another_kind_of_learner_decline_the_chosen_rows(noisy, level):
    """tuning.confirm: the tuning learner's kind keeps the choice; logistic regression keeps it only when its
    own bootstrap share on validation reaches the level, else trains on the unresampled train."""
    from synthetic_intelligence.core.experiment import registry

    train, validation, _ = noisy
    params = {"seed": 2, "sampler": {"batch_size": 1024, "max_rounds": 10},
              "tuning": {"thresholds": [0.25, 0.75], "ratios": [0.3, 0.6], "learner": HGB, "allow_none": True,
                         "confirm": level}}
    served = {"hgb": _config(HGB), "logistic": _config(LOGISTIC)}
    fitted, _ = generation.learners.fit_learner(train, validation, _config(HGB))
    plain_params = {**params, "tuning": {**params["tuning"], "confirm": None}}
    _, plain = generation.choose(train, validation, fitted, generation.GenerationParams.model_validate(plain_params))
    assert not generation.is_none(plain)
    _, choices = generation.choose_each(train, validation, fitted, generation.GenerationParams.model_validate(params),
                                        served)
    assert (choices["hgb"]["threshold"], choices["hgb"]["ratio"]) == (plain["threshold"], plain["ratio"])
    declined = generation.is_none(choices["logistic"])
    assert declined == (level > 0.5)  # this table: logistic regression is not surely helped, nor surely harmed
    if declined:
        assert "logistic did not confirm the chosen point" in choices["logistic"]["reason"]
        assert choices["logistic"]["validation_confidence"] < level
    else:
        assert choices["logistic"] is choices["hgb"]
    sets = registry.build_training_sets(registry.Lane("model_driven", registry.MODEL_DRIVEN), train, validation,
                                        params, oracle=fitted, served=served)
    assert sets["hgb"][1]["n_synthetic"] > 0
    assert sets["logistic"][1]["n_synthetic"] == (0 if declined else sets["hgb"][1]["n_synthetic"])
    with pytest.raises(ValidationError, match="confirm"):
        generation.GenerationParams.model_validate({**params, "tuning": {**params["tuning"], "per_learner": True}})


def test_diagnostics_describe_the_synthetic_rows_once_when_a_learner_declined_them():
    """A learner that declined the synthetic rows (confirm) trains on the real rows: nothing to diagnose, and the
    lane's row keeps the label "" it has in splits where every learner shares one set."""
    lane = object()
    with_rows, without = (lane, None, {"n_synthetic": 5}), (lane, None, {"n_synthetic": 0})
    sets = bm._diagnosed_sets({("md", "hgb"): with_rows, ("md", "logistic"): without, ("smote", ""): with_rows})
    assert sets == [(("md", ""), with_rows), (("smote", ""), with_rows)]
    both = bm._diagnosed_sets({("md", "hgb"): with_rows, ("md", "logistic"): with_rows})
    assert [key for key, _ in both] == [("md", "hgb"), ("md", "logistic")]  # per_learner: two amounts
    assert bm._diagnosed_sets({("md", "a"): without, ("md", "b"): without}) == [(("md", ""), without)]
