"""Versioned Kedro dataset for trained models.

An H2O model is saved as a MOJO (``model.zip``) with the ``h2o-genmodel.jar``
that scores it (portable: no cluster needed), plus the binary model
(``model.bin``, reloads into a running cluster with the full API).  A
scikit-learn model (the learner or oracle switched by parameter) is saved with
joblib (``model.joblib``).  ``meta.json`` says which, and for an H2O model the
feature columns it was given (``features_given``: H2O keeps only those that vary in
its training frame; the compatibility checks compare the given ones, see
:func:`~synthetic_intelligence.core.engines.h2o.record_features_given`).  A save is
atomic: the version folder appears complete, or not at all.

Loading (``load_args``):

- ``as: model`` (default): the H2O model in the running cluster (the project
  hook starts one; the binary is preferred, the MOJO is the fallback), or the
  scikit-learn model.
- ``as: mojo``: a :class:`~synthetic_intelligence.core.engines.mojo.MojoOracle` over the
  saved MOJO: ``predict_proba`` in this process, no cluster.  Other
  ``load_args`` (``n_threads``, ``loop``) go to ``MojoOracle``.  A
  scikit-learn model loads as itself.

Example catalog entries::

    "{namespace}.learner":
      type: synthetic_intelligence.datasets.H2OModelDataset
      filepath: data/06_models/{namespace}/learner
      versioned: true

    oracle:                       # saved from the cluster, loaded as a MojoOracle
      type: synthetic_intelligence.datasets.H2OModelDataset
      filepath: data/06_models/oracle
      versioned: true
      load_args: {as: mojo, n_threads: -1}
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import joblib
from kedro.io import AbstractVersionedDataset, DatasetError, Version

from synthetic_intelligence.core.engines.h2o import features_given, is_h2o_model, record_features_given
from synthetic_intelligence.datasets._atomic import atomic_save

_META = "meta.json"
_MOJO = "model.zip"
_JAR = "h2o-genmodel.jar"
LOAD_AS = ("model", "mojo")


class H2OModelDataset(AbstractVersionedDataset[Any, Any]):
    def __init__(
        self,
        *,
        filepath: str,
        version: Version | None = None,
        save_mojo: bool = True,
        save_binary: bool = True,
        save_genmodel_jar: bool = True,
        load_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ):
        super().__init__(filepath=PurePosixPath(filepath), version=version)
        if not (save_mojo or save_binary):
            raise DatasetError("H2OModelDataset needs save_mojo or save_binary")
        load_args = dict(load_args or {})
        self._load_as = load_args.pop("as", "model")
        if self._load_as not in LOAD_AS:
            raise DatasetError(f"H2OModelDataset load_args 'as' must be one of {LOAD_AS}; got {self._load_as!r}")
        if load_args and self._load_as != "mojo":
            raise DatasetError(f"H2OModelDataset load_args {sorted(load_args)} apply to 'as: mojo' only")
        self._mojo_args = load_args
        self._save_mojo = save_mojo
        self._save_binary = save_binary
        self._save_jar = save_genmodel_jar
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath, "version": self._version, "save_mojo": self._save_mojo,
                "load_as": self._load_as}

    def save(self, data: Any) -> None:
        with atomic_save(Path(self._get_save_path().as_posix()), versioned=self._version is not None) as target:
            target.mkdir()
            if is_h2o_model(data):
                meta = _save_h2o(data, target, binary=self._save_binary, mojo=self._save_mojo, jar=self._save_jar)
                given = features_given(data)  # H2O keeps only the columns that vary: record those it was given
                if given is not None:
                    meta["features_given"] = given
            else:
                joblib.dump(data, target / "model.joblib")
                meta = {"kind": "sklearn", "class": f"{type(data).__module__}.{type(data).__name__}",
                        "files": {"joblib": "model.joblib"}}
            (target / _META).write_text(json.dumps(meta, indent=2))

    def load(self) -> Any:
        source = Path(self._get_load_path().as_posix())
        meta_path = source / _META
        if not meta_path.exists():
            raise DatasetError(f"no model at {source} ({_META} missing)")
        meta = json.loads(meta_path.read_text())
        files = meta["files"]
        if meta["kind"] == "sklearn":
            return joblib.load(source / files["joblib"])
        if self._load_as == "mojo":
            if "mojo" not in files:
                raise DatasetError(f"{source} holds no MOJO (saved with save_mojo=false); cannot load 'as: mojo'")
            from synthetic_intelligence.core.engines.mojo import MojoOracle

            jar = source / files["genmodel_jar"] if "genmodel_jar" in files else None
            return _given(MojoOracle(source / files["mojo"], genmodel_jar=jar, **self._mojo_args), meta)
        import h2o

        if "binary" in files:
            try:
                return _given(h2o.load_model(str(source / files["binary"])), meta)
            except Exception:
                if "mojo" not in files:
                    raise
        return _given(h2o.import_mojo(str(source / files["mojo"])), meta)

    def _exists(self) -> bool:
        try:
            path = self._get_load_path()
        except DatasetError:
            return False
        return (Path(path.as_posix()) / _META).exists()


def _given(model, meta: dict):
    """``model`` with the feature columns it was given (``meta.json``), where they were recorded."""
    if meta.get("features_given") is not None:
        record_features_given(model, meta["features_given"])
    return model


def _save_h2o(model, target: Path, *, binary: bool, mojo: bool, jar: bool) -> dict:
    """Write the model's files into ``target`` (on this machine, also from a remote cluster)."""
    import h2o

    files = {}
    if binary:
        files["binary"] = Path(h2o.download_model(model, path=str(target), filename="model.bin")).name
    if mojo:
        written = Path(model.download_mojo(path=str(target), get_genmodel_jar=jar, genmodel_name=_JAR))
        written.rename(target / _MOJO)
        files["mojo"] = _MOJO
        if jar:
            files["genmodel_jar"] = _JAR
    return {"kind": "h2o", "model_id": model.model_id, "algo": model.algo, "files": files}
