import io
import json
import logging
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthetic_intelligence.core.engines import mojo
from synthetic_intelligence.core.engines.mojo import MojoOracle
from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.sampling import OracleRejectionSampler

MODELS = ("gbm", "se")


def _fake_mojo(path, *, category="Binomial", domains="5: 2 d000.txt", n_features=5):
    columns = "\n".join([f"x{i}" for i in range(5)] + ["target"])
    ini = (f"[info]\nalgo = gbm\ncategory = {category}\nsupervised = true\nn_features = {n_features}\n"
           f"n_classes = 2\n\n[columns]\n{columns}\n\n[domains]\n{domains}\n")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("model.ini", ini)
        zf.writestr("domains/d000.txt", "0\n1\n")
        zf.writestr("domains/d001.txt", "low\nmid\nhigh\n")
    return path


def test_metadata_is_read_without_a_jvm_and_bad_input_is_named(tmp_path):
    oracle = MojoOracle(_fake_mojo(tmp_path / "m.zip"), genmodel_jar=None)
    assert oracle.classes_.tolist() == [0, 1] and oracle.classes_.dtype == np.int64
    assert list(oracle.feature_names_in_) == [f"x{i}" for i in range(5)] and oracle.n_features_in_ == 5
    with pytest.raises(ValueError, match=r"lacks 2 feature column\(s\) of the MOJO: 'x1', 'x4'"):
        oracle.predict_proba(pd.DataFrame(np.zeros((3, 3)), columns=["x0", "x2", "x3"]))
    with pytest.raises(ValueError, match=r"column 'x2' has dtype"):
        oracle.predict_proba(pd.DataFrame({f"x{i}": (["a"] * 2 if i == 2 else [0.0, 1.0]) for i in range(5)}))
    with pytest.raises(ValueError, match=r"5 columns in feature_names_in_ order; got shape \(2, 4\)"):
        oracle.predict_proba(np.zeros((2, 4)))
    assert oracle.predict_proba(np.zeros((0, 5))).shape == (0, 2)  # nothing to score: no JVM needed


def test_categorical_features_map_to_the_domain_indices(tmp_path):
    """score0 takes a categorical feature as its level's index in the MOJO's domain: category, text and numeric
    columns are mapped by the level's text, an unseen level or a missing value is NaN (genmodel's NA path)."""
    oracle = MojoOracle(_fake_mojo(tmp_path / "c.zip", domains="2: 3 d001.txt\n5: 2 d000.txt"), genmodel_jar=None)
    assert oracle.domains_ == {"x2": ["low", "mid", "high"]}
    frame = pd.DataFrame({"x0": [0.5, 1.0, 2.0, 3.0], "x1": pd.array([1, None, 3, 4], dtype="Int64"),
                          "x2": pd.Categorical(["high", "low", None, "other"], categories=["other", "low", "high"]),
                          "x3": [0.0] * 4, "x4": [1.0] * 4})
    expected = np.array([[0.5, 1, 2, 0, 1], [1.0, np.nan, 0, 0, 1], [2.0, 3, np.nan, 0, 1], [3.0, 4, np.nan, 0, 1]])
    np.testing.assert_array_equal(oracle._as_matrix(frame), expected)
    as_text = frame.assign(x2=frame["x2"].astype(object))
    np.testing.assert_array_equal(oracle._as_matrix(as_text), expected)
    with pytest.raises(ValueError, match=r"column 'x3' has dtype .* but is numeric in the MOJO"):
        oracle._as_matrix(frame.assign(x3=["a", "b", "c", "d"]))


def test_bad_mojos_and_parameters_are_refused_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="mojo_path"):
        MojoOracle(tmp_path / "absent.zip")
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable H2O MOJO"):
        MojoOracle(tmp_path / "junk.zip")
    with pytest.raises(ValueError, match="needs a classification MOJO.*'Regression'"):
        MojoOracle(_fake_mojo(tmp_path / "r.zip", category="Regression", domains=""))
    with pytest.raises(FileNotFoundError, match="genmodel_jar"):
        MojoOracle(_fake_mojo(tmp_path / "m.zip"), genmodel_jar=tmp_path / "no.jar")
    for kwargs, message in (({"loop": "cuda"}, "loop must be one of"), ({"n_threads": 0}, "n_threads"),
                            ({"n_threads": True}, "n_threads")):
        with pytest.raises(ValueError, match=message):
            MojoOracle(_fake_mojo(tmp_path / "m.zip"), **kwargs)


@pytest.mark.h2o
@pytest.mark.parametrize("loop", ["java", "python"])
@pytest.mark.parametrize("name", MODELS)
def test_parity_with_h2o_predictions(tiny_h2o_models, name, loop):
    case = tiny_h2o_models[name]
    score = tiny_h2o_models["score"]
    oracle = MojoOracle(case["mojo"], loop=loop)
    shuffled = score[list(reversed(score.columns))].assign(extra=1.0)  # by name; extra columns ignored
    p = oracle.predict_proba(shuffled)
    assert oracle.uses_java_loop is (loop == "java")
    assert p.shape == (len(score), 2) and p.dtype == np.float64
    assert np.abs(p - case["p"]).max() <= 1e-9
    np.testing.assert_array_equal(oracle.predict_proba(score.to_numpy()), p)  # ndarray in model order
    np.testing.assert_array_equal(oracle.predict(score), oracle.classes_[np.argmax(p, axis=1)])
    # float32 rows are read as float32 by the Java loop (no copy) and score as their float64 values
    np.testing.assert_array_equal(oracle.predict_proba(score.astype(np.float32)),
                                  oracle.predict_proba(score.astype(np.float32).astype(np.float64)))


@pytest.mark.h2o
@pytest.mark.parametrize("name", MODELS)
def test_java_threads_give_the_same_numbers(tiny_h2o_models, name):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5000, 5)) * 2
    X[::11, 3] = np.nan
    one = MojoOracle(tiny_h2o_models[name]["mojo"], n_threads=1, loop="java").predict_proba(X)
    three = MojoOracle(tiny_h2o_models[name]["mojo"], n_threads=3, loop="java").predict_proba(X)
    np.testing.assert_array_equal(one, three)
    np.testing.assert_allclose(one.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.h2o
def test_pickle_carries_the_mojo_not_the_jvm(tiny_h2o_models, tmp_path):
    case = tiny_h2o_models["se"]
    score = tiny_h2o_models["score"]
    oracle = MojoOracle(case["mojo"], n_threads=2)
    oracle.predict_proba(score)  # JVM and models loaded: must not travel
    blob = pickle.dumps(oracle)
    mojo_size = Path(case["mojo"]).stat().st_size
    assert mojo_size <= len(blob) < mojo_size + 4096
    copy = pickle.loads(blob)
    assert copy.n_threads == 2 and copy.genmodel_jar == oracle.genmodel_jar
    assert np.abs(copy.predict_proba(score) - case["p"]).max() <= 1e-9
    # a fresh process (a Spark worker): the MOJO file itself is not needed there
    (tmp_path / "oracle.pkl").write_bytes(blob)
    score.to_parquet(tmp_path / "score.parquet")
    code = ("import pickle, sys, pandas as pd, numpy as np; o = pickle.load(open(sys.argv[1], 'rb')); "
            "np.save(sys.argv[3], o.predict_proba(pd.read_parquet(sys.argv[2])))")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "oracle.pkl"), str(tmp_path / "score.parquet"),
                    str(tmp_path / "p.npy")], check=True, timeout=120)
    assert np.abs(np.load(tmp_path / "p.npy") - case["p"]).max() <= 1e-9


@pytest.mark.h2o
def test_mojo_oracle_gates_the_sampler(tiny_h2o_models):
    train = tiny_h2o_models["train"]
    X, y = learners.split_xy(train)
    oracle = MojoOracle(tiny_h2o_models["gbm"]["mojo"])
    sampler = OracleRejectionSampler(oracle=oracle, gate="probability", threshold=0.6, sampling_strategy=0.5,
                                     random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.oracle_ is oracle
    synthetic = X_res.iloc[len(X):]
    assert len(synthetic) == int(0.5 * (y == 0).sum()) - int(y.sum()) > 0
    assert (oracle.predict_proba(synthetic)[:, 1] >= 0.6).all()
    np.testing.assert_array_equal(np.asarray(y_res)[len(X):], 1)
    # a plain array works too (features in the MOJO's order)
    X_arr, _ = OracleRejectionSampler(oracle=oracle, gate="probability", threshold=0.6, sampling_strategy=0.5,
                                      random_state=0).fit_resample(X.to_numpy(), y.to_numpy())
    assert (oracle.predict_proba(X_arr[len(X):])[:, 1] >= 0.6).all()


@pytest.mark.h2o
def test_as_oracle_scores_an_h2o_model_through_its_mojo(tiny_h2o_models):
    case = tiny_h2o_models["se"]
    features = tiny_h2o_models["features"]
    oracle = learners.as_oracle(case["model"], features)
    assert isinstance(oracle, MojoOracle)
    assert np.abs(oracle.predict_proba(tiny_h2o_models["score"]) - case["p"]).max() <= 1e-9
    assert learners.as_oracle(oracle, features) is oracle
    with pytest.raises(ValueError, match=r"trained on columns this table lacks: \['x4'\]"):
        learners.as_oracle(oracle, features[:4])


@pytest.mark.h2o
def test_without_a_compiler_the_python_loop_takes_over(tiny_h2o_models, tmp_path, monkeypatch, caplog):
    case = tiny_h2o_models["gbm"]
    broken = tmp_path / "MojoBatchScorer.java"
    broken.write_text("this is not java")
    monkeypatch.setattr(mojo, "_HELPER_SOURCE", broken)
    monkeypatch.setattr(mojo, "_helpers", {})
    monkeypatch.setenv(mojo.CACHE_ENV, str(tmp_path / "cache"))
    with caplog.at_level(logging.WARNING, logger=mojo.__name__):
        oracle = MojoOracle(case["mojo"])
        p = oracle.predict_proba(tiny_h2o_models["score"])
    assert not oracle.uses_java_loop
    assert "falls back to a Python loop" in caplog.text and "javac exit" in caplog.text
    assert np.abs(p - case["p"]).max() <= 1e-9
    with pytest.raises(RuntimeError, match="could not be compiled"):
        MojoOracle(case["mojo"], loop="java").predict_proba(tiny_h2o_models["score"])
    assert not list((tmp_path / "cache").iterdir())  # no half-compiled cache entry is left


@pytest.mark.h2o
def test_helper_is_compiled_once_into_the_cache(tiny_h2o_models, tmp_path, monkeypatch):
    monkeypatch.setattr(mojo, "_helpers", {})
    monkeypatch.setenv(mojo.CACHE_ENV, str(tmp_path / "cache"))
    MojoOracle(tiny_h2o_models["gbm"]["mojo"], loop="java").predict_proba(tiny_h2o_models["score"])
    (entry,) = (tmp_path / "cache").iterdir()
    assert entry.name.startswith("mojo-helper-") and list(entry.rglob("MojoBatchScorer.class"))
    info = json.dumps([p.name for p in (tmp_path / "cache").iterdir()])
    assert ".compiling-" not in info


def test_model_ini_parser_handles_sections_and_escapes():
    ini = "[info]\na = 1\nb = x = y\n\n[columns]\nc 1\nd=2\n"
    sections = mojo._ini_sections(ini)
    assert sections == {"info": ["a = 1", "b = x = y"], "columns": ["c 1", "d=2"]}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("model.ini", "[info]\ncategory = Binomial\nsupervised = true\nn_features = 1\nn_classes = 2\n"
                                 "escape_domain_values = true\n[columns]\nf\ny\n[domains]\n1: 2 d000.txt\n")
        zf.writestr("domains/d000.txt", "no\nyes\\nreally\n")
    info = mojo._read_model_ini(buf.getvalue(), "mem")
    assert info["features"] == ["f"] and info["classes"].tolist() == ["no", "yes\nreally"]


@pytest.mark.h2o
def test_categorical_mojo_matches_h2o_and_gates_a_mixed_frame(h2o_cluster, tmp_path):
    """An H2O GBM trained with an enum column: MojoOracle maps the category (and text) levels to the MOJO's
    domain and scores like H2O itself (a missing value and a level unseen in training included); the sampler
    then takes the mixed frame with this oracle and gives its dtypes back."""
    from h2o.estimators import H2OGradientBoostingEstimator

    from synthetic_intelligence.core.engines import h2o as h2o_utils

    rng = np.random.default_rng(5)
    n = 600
    grade = rng.choice(["A", "B", "C"], n)
    x = rng.normal(size=n)
    y = (((grade == "A") & (x > 0)) | (rng.random(n) < 0.05)).astype(int)
    X = pd.DataFrame({"x": x, "grade": pd.Categorical(grade, categories=["A", "B", "C"]),
                      "z": rng.normal(size=n)})
    X.loc[::13, "x"] = np.nan
    gbm = H2OGradientBoostingEstimator(ntrees=8, max_depth=3, seed=1)
    gbm.train(x=["x", "grade", "z"], y="target", training_frame=h2o_utils.to_h2o(X.assign(target=y), target="target"))
    oracle = MojoOracle(gbm.download_mojo(path=str(tmp_path), get_genmodel_jar=True))
    assert oracle.domains_ == {"grade": ["A", "B", "C"]}
    score = X.iloc[:40].copy()
    score["grade"] = pd.Categorical(["Q" if i % 7 == 0 else g for i, g in enumerate(score["grade"].astype(str))])
    score.loc[3, "grade"] = np.nan
    expected = gbm.predict(h2o_utils.to_h2o(score)).as_data_frame(use_pandas=True)[["p0", "p1"]].to_numpy()
    assert np.abs(oracle.predict_proba(score) - expected).max() <= 1e-9
    assert np.abs(oracle.predict_proba(score.assign(grade=score["grade"].astype(object))) - expected).max() <= 1e-9
    sampler = OracleRejectionSampler(oracle=oracle, sampling_strategy=0.5, random_state=0, batch_size=2048)
    X_res, _ = sampler.fit_resample(X, y)
    assert list(X_res.dtypes) == list(X.dtypes) and len(X_res) > n
    assert set(X_res["grade"].iloc[n:]) <= set(X.loc[y == 1, "grade"])
