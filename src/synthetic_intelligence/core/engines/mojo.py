"""Score an H2O MOJO in this Python process, with no H2O cluster.

:class:`MojoOracle` loads a MOJO (``model.download_mojo(...)``) with
``h2o-genmodel.jar`` in a JVM hosted by this process through JPype, and scores
rows with ``GenModel.score0``.  genmodel has no batch API (``score0`` is one
row), so the rows go to a small Java loop, ``java/MojoBatchScorer.java``, as a
direct buffer over the caller's float32 or float64 matrix (no copy); the
probabilities come back the same way.  That class ships as source and is
compiled at first use with the JVM's own compiler (``javax.tools``) into a
per-user cache; where the JVM has no compiler (a JRE), rows are looped from
Python instead (same numbers, slower) and a warning says so.

The JVM starts on the first :meth:`MojoOracle.predict_proba`, once per
process; a pickled oracle carries the MOJO's bytes, never the JVM, so a Spark
executor can unpickle it and load the model once per Python worker.

Categorical (enum) features: ``score0`` takes the index of the level in the
column's domain (read from the MOJO, :attr:`MojoOracle.domains_`).  A DataFrame's
``category``, text or boolean column is mapped to those indices by the level's
text (a level the MOJO never saw, or a missing value, is ``NaN``: genmodel's NA
path); a 2-D array must hold the indices already.

``preds[1 + k]`` of ``score0`` is the probability of the k-th value of the
model's sorted response domain; :attr:`MojoOracle.classes_` is that domain, as
ints where every value is an integer (the project's target: ``[0, 1]``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: File name H2O gives the genmodel jar (``download_mojo(..., get_genmodel_jar=True)``).
GENMODEL_JAR = "h2o-genmodel.jar"
#: Extra JVM options (e.g. ``-Xmx2g``), space separated, read when the JVM starts.
JVM_OPTIONS_ENV = "SI_MOJO_JVM_OPTIONS"
#: Where the compiled helper class is cached (default: ``$XDG_CACHE_HOME/synthetic_intelligence``).
CACHE_ENV = "SI_MOJO_CACHE"
LOOPS = ("auto", "java", "python")

_HELPER_SOURCE = Path(__file__).with_name("java") / "MojoBatchScorer.java"
_HELPER_CLASS = "synthetic_intelligence.mojo.MojoBatchScorer"
_MAX_BUFFER_BYTES = 1 << 30  # a Java buffer holds < 2 GiB: score larger inputs in chunks

_jvm_lock = threading.RLock()
_loaders: dict[str, object] = {}  # jar path -> class loader that sees genmodel
_helpers: dict[str, object] = {}  # jar path -> helper class, or None where it cannot be built


class MojoOracle:
    """A binary or multinomial H2O MOJO with a scikit-learn style ``predict_proba``.

    Parameters
    ----------
    mojo_path : str or Path
        The MOJO zip (``model.download_mojo(path)``).
    genmodel_jar : str or Path, optional
        ``h2o-genmodel.jar``.  Default: the one next to the MOJO, else the
        ``h2o.jar`` of the installed ``h2o`` package (it contains genmodel).
    n_threads : int, default 1
        Java threads per :meth:`predict_proba` call (one model copy each);
        ``-1`` uses every core.  Keep 1 where the caller already runs one task
        per core (Spark executors).
    loop : {"auto", "java", "python"}, default "auto"
        ``"java"``: the compiled Java loop (an error where it cannot be built);
        ``"python"``: ``score0`` called row by row from Python; ``"auto"``: Java,
        else Python with a warning.

    A prefit model, not an estimator: there is no ``fit``.  Metadata
    (``classes_``, ``feature_names_in_``, ``domains_``: ``{feature: levels}`` of the
    categorical features) is read from the MOJO's ``model.ini`` without a JVM.
    """

    def __init__(self, mojo_path, genmodel_jar=None, *, n_threads: int = 1, loop: str = "auto"):
        path = Path(mojo_path)
        if not path.is_file():
            raise FileNotFoundError(f"mojo_path: no MOJO file at {path}")
        self._setup(path.read_bytes(), str(path), _find_jar(path, genmodel_jar), n_threads, loop)

    def _setup(self, mojo: bytes, mojo_path: str, jar: str | None, n_threads: int, loop: str) -> None:
        if loop not in LOOPS:
            raise ValueError(f"loop must be one of {LOOPS}; got {loop!r}")
        if not isinstance(n_threads, int) or isinstance(n_threads, bool) or (n_threads < 1 and n_threads != -1):
            raise ValueError(f"n_threads must be a positive integer or -1; got {n_threads!r}")
        self.mojo_path = mojo_path
        self.genmodel_jar = jar
        self.n_threads = n_threads
        self.loop = loop
        self._mojo = mojo
        info = _read_model_ini(mojo, mojo_path)
        self.algo = info["algo"]
        self.feature_names_in_ = np.asarray(info["features"], dtype=object)
        self.n_features_in_ = len(info["features"])
        self.classes_ = info["classes"]
        self.domains_ = info["domains"]
        self._lock = threading.Lock()
        self._models = None  # Java models (one per thread for the Java loop)
        self._scorer = None  # Java helper instance, or None for the Python loop

    @classmethod
    def from_h2o(cls, model, **kwargs) -> MojoOracle:
        """The MOJO of a fitted H2O model (downloaded from its cluster once), scored in this process.

        The genmodel classes come from the installed ``h2o`` package's jar.
        """
        if not getattr(model, "have_mojo", False):
            raise ValueError(f"H2O model {model.model_id!r} ({model.algo}) has no MOJO export")
        with tempfile.TemporaryDirectory(prefix="si-mojo-") as tmp:
            path = Path(model.download_mojo(path=tmp))
            oracle = cls(path, **kwargs)
        oracle.mojo_path = f"{model.model_id}.zip (from the H2O cluster)"
        return oracle

    # -- pickling: the MOJO's bytes travel, the JVM does not ------------------
    def __getstate__(self) -> dict:
        return {"mojo": self._mojo, "mojo_path": self.mojo_path, "genmodel_jar": self.genmodel_jar,
                "n_threads": self.n_threads, "loop": self.loop}

    def __setstate__(self, state: dict) -> None:
        jar = state["genmodel_jar"]
        if jar is None or not Path(jar).is_file():
            jar = _find_jar(None, None)
        self._setup(state["mojo"], state["mojo_path"], jar, state["n_threads"], state["loop"])

    def __repr__(self) -> str:
        return (f"MojoOracle({self.mojo_path!r}, algo={self.algo!r}, n_features={self.n_features_in_}, "
                f"classes={self.classes_.tolist()}, n_threads={self.n_threads}, loop={self.loop!r})")

    # -- scoring --------------------------------------------------------------
    @property
    def uses_java_loop(self) -> bool:
        """True once loaded with the compiled Java loop, False with the Python loop."""
        self._load()
        return self._scorer is not None

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape ``(n_rows, len(classes_))``, columns in ``classes_`` order.

        ``X``: a DataFrame holding every feature of the model (by name; extra
        columns are ignored), or a 2-D array with the features in
        ``feature_names_in_`` order.  Missing values are NaN.
        """
        data = self._as_matrix(X)
        n_out = len(self.classes_)
        out = np.empty((data.shape[0], n_out), dtype=np.float64)
        if data.shape[0] == 0:
            return out
        self._load()
        with self._lock:
            if self._scorer is not None:
                self._score_java(data, out)
            else:
                self._score_python(data, out)
        return out

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row (``classes_`` values)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _as_matrix(self, X) -> np.ndarray:
        names = [str(n) for n in self.feature_names_in_]
        if isinstance(X, pd.DataFrame):
            columns = [str(c) for c in X.columns]
            missing = [n for n in names if n not in columns]
            if missing:
                shown = ", ".join(repr(m) for m in missing[:10]) + (" ..." if len(missing) > 10 else "")
                raise ValueError(f"X lacks {len(missing)} feature column(s) of the MOJO: {shown}")
            # the sampler's frames already hold the features in order over one C array: no copy then
            frame = X if columns == names else X.set_axis(columns, axis=1)[names]
            if self.domains_:
                return self._mixed_matrix(frame)
            dtypes = list(frame.dtypes)
            bad = [c for c, t in zip(names, dtypes) if not (pd.api.types.is_numeric_dtype(t)
                                                          and not pd.api.types.is_complex_dtype(t))]
            if bad:
                raise ValueError(f"MojoOracle scores numeric columns only; column {bad[0]!r} has dtype "
                                 f"{frame[bad[0]].dtype}")
            dtype = np.float32 if all(t == np.float32 for t in dtypes) else np.float64
            return np.ascontiguousarray(frame.to_numpy(dtype=dtype, na_value=np.nan))
        array = np.asarray(X)
        if array.ndim != 2 or array.shape[1] != len(names):
            raise ValueError(f"X must be 2-D with {len(names)} columns in feature_names_in_ order; "
                             f"got shape {array.shape}")
        if array.dtype not in (np.float32, np.float64):
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"X must be numeric; got dtype {array.dtype}: {exc}") from exc
        return np.ascontiguousarray(array)

    def _mixed_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """float64 rows for a MOJO with categorical features: level indices in their columns, NaN for missing."""
        out = np.empty(frame.shape, dtype=np.float64)
        for k, name in enumerate(str(c) for c in frame.columns):
            col = frame.iloc[:, k]
            if name in self.domains_:
                out[:, k] = _level_indices(col, self.domains_[name])
            elif pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_complex_dtype(col.dtype):
                out[:, k] = col.to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                raise ValueError(f"MojoOracle: column {name!r} has dtype {col.dtype} but is numeric in the MOJO")
        return out

    def _load(self) -> None:
        if self._models is not None:
            return
        with self._lock:
            if self._models is not None:
                return
            loader = _genmodel_loader(self.genmodel_jar)
            helper = None if self.loop == "python" else _helper_class(self.genmodel_jar, loader)
            if helper is None and self.loop == "java":
                raise RuntimeError("loop='java': the Java scoring loop could not be compiled (see the log); "
                                   "use loop='auto' or 'python'")
            threads = (os.cpu_count() or 1) if self.n_threads == -1 else self.n_threads
            models = [_load_model(self._mojo, loader) for _ in range(threads if helper is not None else 1)]
            self._check_model(models[0])
            if helper is not None:
                import jpype

                array = jpype.JArray(jpype.JClass("hex.genmodel.GenModel", loader=loader))(models)
                self._scorer = helper(array, self.n_features_in_, len(self.classes_))
            self._models = models

    def _check_model(self, model) -> None:
        names = [str(n) for n in model.getNames()][: int(model.nfeatures())]
        if names != [str(n) for n in self.feature_names_in_]:
            raise ValueError(f"{self.mojo_path}: genmodel reads features {names[:5]}..., model.ini "
                             f"{list(self.feature_names_in_[:5])}...")
        if bool(model.requiresOffset()):
            raise ValueError(f"{self.mojo_path}: the model needs an offset column; MojoOracle does not pass one")

    def _score_java(self, data: np.ndarray, out: np.ndarray) -> None:
        import jpype.nio

        wide = data.dtype == np.float64
        step = max(1, _MAX_BUFFER_BYTES // (data.shape[1] * data.itemsize))
        for start in range(0, data.shape[0], step):
            rows = data[start:start + step]
            dst = out[start:start + step]
            self._scorer.score(jpype.nio.convertToDirectBuffer(rows), wide,
                               jpype.nio.convertToDirectBuffer(dst), rows.shape[0])

    def _score_python(self, data: np.ndarray, out: np.ndarray) -> None:
        import jpype

        model = self._models[0]
        row = jpype.JArray(jpype.JDouble)(data.shape[1])
        preds = jpype.JArray(jpype.JDouble)(int(model.getPredsSize()))
        stop = 1 + out.shape[1]
        score0 = model.score0
        for i in range(data.shape[0]):
            row[:] = data[i]
            score0(row, preds)
            out[i] = preds[1:stop]


def _level_text(value) -> str:
    """A level as H2O writes it in a domain: integral numbers without a decimal point."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _level_indices(col: pd.Series, domain: list[str]) -> np.ndarray:
    """The column's values as indices into ``domain`` (by their text), NaN for missing or unseen levels."""
    categorical = col.array if isinstance(col.dtype, pd.CategoricalDtype) else pd.Categorical(col)
    index = {level: k for k, level in enumerate(domain)}
    lower = {level.lower(): k for k, level in enumerate(domain)}  # H2O may write booleans as true / false
    lookup = np.asarray([index.get(_level_text(c), lower.get(_level_text(c).lower(), np.nan))
                         for c in categorical.categories] + [np.nan], dtype=np.float64)
    return lookup[categorical.codes]  # code -1 (missing) -> the trailing NaN


# -- MOJO metadata without a JVM ----------------------------------------------
def _read_model_ini(mojo: bytes, where: str) -> dict:
    """``algo``, ``features``, ``classes`` and ``domains`` (of categorical features) from ``model.ini``."""
    try:
        with zipfile.ZipFile(io.BytesIO(mojo)) as zf:
            text = zf.read("model.ini").decode("utf-8")
            sections = _ini_sections(text)
            info = dict(line.split(" = ", 1) for line in sections.get("info", []) if " = " in line)
            columns = sections.get("columns", [])
            domains = {}
            for line in sections.get("domains", []):
                index, rest = line.split(":", 1)
                domains[int(index)] = f"domains/{rest.split()[1]}"
            response = len(columns) - 1
            domain = zf.read(domains[response]).decode("utf-8").splitlines() if response in domains else []
            n_features = int(info["n_features"])
            levels = {columns[i]: zf.read(domains[i]).decode("utf-8").splitlines()
                      for i in sorted(domains) if i < n_features}
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError) as exc:
        raise ValueError(f"{where} is not a readable H2O MOJO: {exc}") from exc
    if info.get("supervised") != "true" or info.get("category") not in ("Binomial", "Multinomial"):
        raise ValueError(f"{where}: MojoOracle needs a classification MOJO; this one is "
                         f"{info.get('category')!r} ({info.get('algo')})")
    if info.get("escape_domain_values") == "true":
        domain = [v.replace("\\n", "\n") for v in domain]
        levels = {name: [v.replace("\\n", "\n") for v in values] for name, values in levels.items()}
    if len(domain) != int(info["n_classes"]):
        raise ValueError(f"{where}: response domain has {len(domain)} values, n_classes is {info['n_classes']}")
    try:
        classes = np.asarray([int(v) for v in domain], dtype=np.int64)
    except ValueError:
        classes = np.asarray(domain, dtype=object)
    return {"algo": info.get("algo", "?"), "features": columns[:n_features], "classes": classes, "domains": levels}


def _ini_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line and current is not None:
            current.append(line)
    return sections


# -- the JVM, genmodel and the helper class (once per process) -----------------
def _find_jar(mojo_path: Path | None, genmodel_jar) -> str | None:
    if genmodel_jar is not None:
        jar = Path(genmodel_jar)
        if not jar.is_file():
            raise FileNotFoundError(f"genmodel_jar: no file at {jar}")
        return str(jar)
    if mojo_path is not None and (mojo_path.parent / GENMODEL_JAR).is_file():
        return str(mojo_path.parent / GENMODEL_JAR)
    try:
        import h2o
    except ImportError:
        return None
    bundled = Path(h2o.__file__).parent / "backend" / "bin" / "h2o.jar"
    return str(bundled) if bundled.is_file() else None


def _genmodel_loader(jar: str | None):
    """The class loader that sees genmodel, starting the JVM with ``jar`` on its class path."""
    import jpype

    if jar is None:
        raise RuntimeError(f"no {GENMODEL_JAR}: save the MOJO with download_mojo(path, get_genmodel_jar=True), "
                           "pass genmodel_jar=, or install the h2o package")
    with _jvm_lock:
        if jar in _loaders:
            return _loaders[jar]
        if not jpype.isJVMStarted():
            options = ["-Djava.awt.headless=true", *os.environ.get(JVM_OPTIONS_ENV, "").split()]
            jpype.startJVM(*options, classpath=[jar], convertStrings=False)
            logger.info("Started an in-process JVM for MOJO scoring (genmodel from %s)", jar)
        try:
            loader = jpype.JClass("hex.genmodel.MojoModel").class_.getClassLoader()
        except Exception:  # noqa: BLE001 - JVM started elsewhere without genmodel: load the jar beside it
            loader = _url_loader([jar], jpype.JClass("java.lang.ClassLoader").getSystemClassLoader())
        _loaders[jar] = loader
        return loader


def _url_loader(paths: list[str], parent):
    import jpype

    url = jpype.JClass("java.net.URL")
    urls = jpype.JArray(url)([jpype.JClass("java.io.File")(p).toURI().toURL() for p in paths])
    return jpype.JClass("java.net.URLClassLoader")(urls, parent)


def _load_model(mojo: bytes, loader):
    import jpype

    factory = jpype.JClass("hex.genmodel.MojoReaderBackendFactory", loader=loader)
    stream = jpype.JClass("java.io.ByteArrayInputStream")(jpype.JArray(jpype.JByte)(mojo))
    backend = factory.createReaderBackend(stream, factory.CachingStrategy.MEMORY)
    return jpype.JClass("hex.genmodel.MojoModel", loader=loader).load(backend)


def cache_dir() -> Path:
    """Per-user folder for the compiled helper class."""
    root = os.environ.get(CACHE_ENV)
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "synthetic_intelligence"


def _helper_class(jar: str, loader):
    """The compiled Java loop (compiled once per user, loaded once per process), or None."""
    import jpype

    with _jvm_lock:
        if jar in _helpers:
            return _helpers[jar]
        helper = None
        try:
            source = _HELPER_SOURCE.read_bytes()
            target = cache_dir() / f"mojo-helper-{hashlib.sha256(source).hexdigest()[:16]}"
            if not (target / (_HELPER_CLASS.replace(".", "/") + ".class")).is_file():
                _compile_helper(jar, target)
            helper = jpype.JClass(_HELPER_CLASS, loader=_url_loader([str(target)], loader))
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the (slower) Python loop
            logger.warning("MOJO scoring falls back to a Python loop over score0 (about 0.4-0.8x the speed): "
                           "the Java loop could not be built: %s", exc)
        _helpers[jar] = helper
        return helper


def _compile_helper(jar: str, target: Path) -> None:
    """Compile the helper with the JVM's own ``javax.tools`` compiler into ``target``, atomically."""
    import jpype

    compiler = jpype.JClass("javax.tools.ToolProvider").getSystemJavaCompiler()
    if compiler is None:
        raise RuntimeError("this Java runtime has no compiler (a JRE, not a JDK)")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".compiling-", dir=target.parent))
    try:
        errors = jpype.JClass("java.io.ByteArrayOutputStream")()
        args = ["--release", "11", "-nowarn", "-classpath", jar, "-d", str(work), str(_HELPER_SOURCE)]
        rc = compiler.run(None, None, errors, jpype.JArray(jpype.JString)(args))
        if rc != 0:
            raise RuntimeError(f"javac exit {rc}: {str(errors.toString()).strip()[:2000]}")
        try:
            os.rename(work, target)  # another process may have won the race: its copy is as good
        except OSError:
            if not target.is_dir():
                raise
        logger.info("Compiled the MOJO scoring loop into %s", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
