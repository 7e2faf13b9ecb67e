"""Versioned Kedro dataset for trained models.

An H2O model is saved as a MOJO (``model.zip``, portable, needs no cluster to
score with ``h2o-genmodel``) plus the binary model (``model.bin``, reloads into
a running cluster with full API).  A scikit-learn model (the learner or oracle
switched by parameter) is saved with joblib (``model.joblib``).  ``meta.json``
says which.  Loading an H2O model needs a running H2O cluster (the project hook
starts one); the binary is preferred and the MOJO is the fallback.

Example catalog entry::

    "{namespace}.learner":
      type: synthetic_intelligence.datasets.H2OModelDataset
      filepath: data/06_models/{namespace}/learner
      versioned: true
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import joblib
from kedro.io import AbstractVersionedDataset, DatasetError, Version

from synthetic_intelligence.core.h2o_utils import is_h2o_model

_META = "meta.json"


class H2OModelDataset(AbstractVersionedDataset[Any, Any]):
    def __init__(
        self,
        *,
        filepath: str,
        version: Version | None = None,
        save_mojo: bool = True,
        save_binary: bool = True,
        metadata: dict[str, Any] | None = None,
    ):
        super().__init__(filepath=PurePosixPath(filepath), version=version)
        if not (save_mojo or save_binary):
            raise DatasetError("H2OModelDataset needs save_mojo or save_binary")
        self._save_mojo = save_mojo
        self._save_binary = save_binary
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath, "version": self._version, "save_mojo": self._save_mojo}

    def save(self, data: Any) -> None:
        target = Path(self._get_save_path().as_posix())
        if target.exists():
            raise DatasetError(f"refusing to overwrite existing model at {target}")
        target.mkdir(parents=True)
        try:
            if is_h2o_model(data):
                import h2o

                files = {}
                if self._save_binary:
                    files["binary"] = Path(h2o.save_model(data, path=str(target), filename="model.bin", force=False)).name
                if self._save_mojo:
                    mojo = Path(data.download_mojo(path=str(target)))
                    mojo.rename(target / "model.zip")
                    files["mojo"] = "model.zip"
                meta = {"kind": "h2o", "model_id": data.model_id, "algo": data.algo, "files": files}
            else:
                joblib.dump(data, target / "model.joblib")
                meta = {"kind": "sklearn", "class": f"{type(data).__module__}.{type(data).__name__}",
                        "files": {"joblib": "model.joblib"}}
            (target / _META).write_text(json.dumps(meta, indent=2))
        except Exception:
            shutil.rmtree(target, ignore_errors=True)
            raise

    def load(self) -> Any:
        source = Path(self._get_load_path().as_posix())
        meta_path = source / _META
        if not meta_path.exists():
            raise DatasetError(f"no model at {source} ({_META} missing)")
        meta = json.loads(meta_path.read_text())
        if meta["kind"] == "sklearn":
            return joblib.load(source / meta["files"]["joblib"])
        import h2o

        files = meta["files"]
        if "binary" in files:
            try:
                return h2o.load_model(str(source / files["binary"]))
            except Exception:  # noqa: BLE001 - binary is tied to the H2O version; MOJO is portable
                if "mojo" not in files:
                    raise
        return h2o.import_mojo(str(source / files["mojo"]))

    def _exists(self) -> bool:
        try:
            path = self._get_load_path()
        except DatasetError:
            return False
        return (Path(path.as_posix()) / _META).exists()
