"""The benchmark: the project's experiment over many tables, every lane x the same learners x repeated splits.

One *split* of a table (repeat ``r``, seed ``benchmark.seed + r``) is the unit of work, and it is
the experiment the lanes and the repeated splits run (:func:`~synthetic_intelligence.core.experiment.registry.run_split`):

1. a stratified ``test`` part is set aside; it only grades (the holdout of the split);
2. the rest is split, stratified, into ``train`` and ``validation`` (``validation_size`` of it);
   features are standardised with a scaler fitted on ``train ∪ validation`` (never on ``test``);
3. every lane builds its training set from ``train`` as its kind in the lane registry says:
   ``baseline`` (raw), ``class_weighted``, one ``imblearn`` lane per entry of ``samplers``
   (:class:`~synthetic_intelligence.core.experiment.imblearn_lanes.ImblearnSamplerParams`: ``name``, ``kwargs``, ``seed``,
   as ``<lane>.sampler``), one ``imblearn_tuned`` lane per entry of ``tuned_samplers`` (a sampler whose
   keywords of ``grid`` are chosen on ``validation`` by a cheap ``learner``), and one ``model_driven_<strategy>`` lane per candidate strategy, with the
   ``generation`` parameters of the model_driven lane (:class:`GenerationParams`: its threshold and
   ratio chosen on ``validation`` by ``tuning.learner``) and an oracle (``model_driven.oracle``)
   fitted on ``train`` once per split;
4. every learner (:class:`~synthetic_intelligence.core.experiment.learners.LearnerConfig`, the same for every lane)
   is fitted on every lane's training set and scored on ``test`` (:func:`~synthetic_intelligence.core.experiment.metrics.auprc`).
5. every lane whose training set holds synthetic rows is diagnosed
   (:mod:`~synthetic_intelligence.core.benchmark.diagnostics`): amount, gate and acceptance, distances of its
   synthetic rows to real minority and majority rows, near-copies, and their place in the oracle's score range.

Seeds of the samplers, the generation, the oracle and the learners move by ``r`` in repeat ``r``,
as in the repeated splits. A lane that cannot build its training set from a split
(:data:`~synthetic_intelligence.core.experiment.resample.TRAINING_SET_ERRORS`) is recorded as failed with its
reason; anything else is a bug and stops the run. ``n_synthetic`` is the provenance rule's count
(:func:`~synthetic_intelligence.core.experiment.resample.resample`), right for samplers that also remove rows.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from synthetic_intelligence.core.benchmark import diagnostics as benchmark_diagnostics
from synthetic_intelligence.core.benchmark.tables import describe
from synthetic_intelligence.core.experiment import learners
from synthetic_intelligence.core.experiment import registry as experiment
from synthetic_intelligence.core.experiment.generation import GenerationParams
from synthetic_intelligence.core.experiment.imblearn_lanes import ImblearnSamplerParams
from synthetic_intelligence.core.experiment.learners import LearnerConfig
from synthetic_intelligence.core.experiment.registry import FAILED, OK, Lane
from synthetic_intelligence.core.experiment.resample import is_failed
from synthetic_intelligence.core.experiment.training_sets import TunedSamplerParams
from synthetic_intelligence.core.features import NUMERIC, feature_kinds
from synthetic_intelligence.core.sampling import CANDIDATE_STRATEGIES
from synthetic_intelligence.core.schema import BASELINE, CLASS_WEIGHTED, MODEL_DRIVEN, SMOTE, TARGET

__all__ = ["BenchmarkParams", "ModelDrivenParams", "SummaryParams", "DiagnosticParams", "model_driven_lane", "run_split",
           "run_benchmark", "OK", "FAILED"]

logger = logging.getLogger(__name__)

#: The benchmark's only holdout: each split's stratified test part.
TEST = "test"


#: the keys of ``generation`` a variant replaces whole (besides ``sampler`` and ``tuning``, merged)
_VARIANT_KEYS = ("class_prior",)


def model_driven_lane(strategy: str) -> str:
    return f"{MODEL_DRIVEN}_{strategy}"


def _sklearn_only(config: LearnerConfig, where: str) -> LearnerConfig:
    if config.engine != "sklearn":
        raise ValueError(f"{where} must be a scikit-learn learner (engine sklearn), got engine {config.engine}: "
                         "the benchmark fits thousands of models in worker processes")
    return config


def _hgb() -> LearnerConfig:
    return LearnerConfig(engine="sklearn", estimator="sklearn.ensemble.HistGradientBoostingClassifier",
                         estimator_kwargs={"max_iter": 100, "early_stopping": False, "random_state": 0})


class ModelDrivenParams(BaseModel):
    """``benchmark.model_driven``: one lane ``model_driven_<strategy>`` per candidate strategy, each built as the
    model_driven lane is (``generation``, the same keys as the top-level ``generation``; its
    ``sampler.candidates`` is the lane's strategy), with ``oracle`` (a scikit-learn :class:`LearnerConfig`, as
    ``repeats.oracle``) fitted on each split's ``train``."""

    model_config = ConfigDict(extra="forbid")

    strategies: list[str] = Field(default_factory=lambda: list(CANDIDATE_STRATEGIES))
    oracle: LearnerConfig = Field(default_factory=_hgb)
    generation: GenerationParams
    #: further lanes ``model_driven_<name>``: ``generation`` with these overrides (``sampler``: keywords added to
    #: ``generation.sampler``, ``candidates`` among them; ``tuning``: keys of ``generation.tuning`` replaced;
    #: ``class_prior``: replaced)
    variants: dict[str, dict] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _variants(self):
        for name in self.variants:
            if name in self.strategies:
                raise ValueError(f"variant {name!r} has the name of a strategy lane; rename it")
            unknown = sorted(set(self.variants[name]) - {"sampler", "tuning", *_VARIANT_KEYS})
            if unknown:
                raise ValueError(f"variants.{name}: unknown keys {unknown}; use sampler, tuning and "
                                 f"{', '.join(_VARIANT_KEYS)}")
            self.lane_generation(name)  # names a bad keyword or value
        return self

    @field_validator("strategies")
    @classmethod
    def _known(cls, names: list[str]) -> list[str]:
        bad = sorted(set(names) - set(CANDIDATE_STRATEGIES))
        if bad:
            raise ValueError(f"unknown candidate strategy {bad}; valid: {list(CANDIDATE_STRATEGIES)}")
        if len(set(names)) != len(names):
            raise ValueError(f"strategies must be unique; got {names}")
        return names

    @field_validator("oracle")
    @classmethod
    def _sklearn_oracle(cls, oracle: LearnerConfig) -> LearnerConfig:
        return _sklearn_only(oracle, "the oracle")

    @field_validator("generation")
    @classmethod
    def _numpy_and_no_candidates(cls, generation: GenerationParams) -> GenerationParams:
        if generation.backend != "numpy":
            raise ValueError("generation.backend must be numpy: the benchmark runs its splits in worker processes")
        if "candidates" in generation.sampler:
            raise ValueError("generation.sampler.candidates is set per lane by model_driven.strategies; remove it")
        return generation

    def lane_generation(self, strategy: str) -> GenerationParams:
        """The generation parameters of lane ``model_driven_<strategy>`` (a strategy or a variant's name)."""
        if strategy in self.variants:
            over = self.variants[strategy]
            base = self.generation.model_dump()
            return GenerationParams.model_validate({
                **base, "sampler": {**base["sampler"], **over.get("sampler", {})},
                "tuning": {**base["tuning"], **over.get("tuning", {})},
                **{k: over[k] for k in _VARIANT_KEYS if k in over}})
        return self.generation.model_copy(update={"sampler": {**self.generation.sampler, "candidates": strategy}})

    @property
    def lane_names(self) -> list[str]:
        """The strategies' and the variants' names, in that order (lane ``model_driven_<name>`` each)."""
        return [*self.strategies, *self.variants]


class SummaryParams(BaseModel):
    """``benchmark.summary``: the references of the paired comparisons, the interval level, and how a failed
    cell is scored (``baseline``: as the baseline of its table, repeat and learner; ``drop``: left out)."""

    model_config = ConfigDict(extra="forbid")

    references: list[str] = Field(default_factory=lambda: [BASELINE, SMOTE], min_length=1)
    alpha: float = Field(0.05, gt=0.0, lt=0.5)
    failed: str = BASELINE

    @field_validator("failed")
    @classmethod
    def _fallback(cls, value: str) -> str:
        if value not in (BASELINE, "drop"):
            raise ValueError(f"must be 'baseline' or 'drop', got {value!r}")
        return value


class DiagnosticParams(BaseModel):
    """``benchmark.diagnostics``: where each lane's synthetic rows sit (:mod:`.diagnostics`): at most
    ``max_rows`` synthetic rows measured per lane and split; a *near-copy* is nearer to a real row than
    ``near_copy`` times the median distance between real minority rows and their nearest other minority row."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    max_rows: int = Field(1000, ge=10)
    near_copy: float = Field(0.1, gt=0.0, lt=1.0)


class BenchmarkParams(BaseModel):
    """``benchmark``: the tables, the splits, the learners and the lanes (validated before the run).

    Lanes and learners use the project's own vocabulary: ``learners.<name>`` are
    :class:`LearnerConfig` (``engine: sklearn``, ``estimator``, ``estimator_kwargs``, ``scale``),
    ``samplers.<lane>`` are :class:`ImblearnSamplerParams` (``name``, ``kwargs``, ``seed``),
    ``tuned_samplers.<lane>`` :class:`TunedSamplerParams` (``sampler``, ``grid``, ``learner``) and
    ``model_driven`` is :class:`ModelDrivenParams`. An entry of ``learners`` or ``samplers`` set to
    ``null`` (also of ``tuned_samplers``) is dropped, so an environment can remove an entry of ``base`` (parameters merge key by key).
    """

    model_config = ConfigDict(extra="forbid")

    tables: list[str] = Field(min_length=1)
    min_minority_rows: int = Field(15, ge=2)
    repeats: int = Field(5, ge=2)
    seed: int = 0
    test_size: float = Field(0.3, gt=0.0, lt=1.0)
    validation_size: float = Field(0.25, gt=0.0, lt=1.0)
    standardize: bool = True
    n_jobs: int = 1
    learners: dict[str, LearnerConfig | None]
    class_weighted: bool = True
    samplers: dict[str, ImblearnSamplerParams | None] = Field(default_factory=dict)
    tuned_samplers: dict[str, TunedSamplerParams | None] = Field(default_factory=dict)
    model_driven: ModelDrivenParams
    summary: SummaryParams = Field(default_factory=SummaryParams)
    diagnostics: DiagnosticParams = Field(default_factory=DiagnosticParams)

    @field_validator("n_jobs")
    @classmethod
    def _nonzero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must be non-zero (-1 = all cores)")
        return value

    @field_validator("learners")
    @classmethod
    def _learners(cls, value: dict) -> dict:
        value = {k: v for k, v in value.items() if v is not None}
        if not value:
            raise ValueError("is empty: name at least one learner")
        for name, config in value.items():
            _sklearn_only(config, f"learners.{name}")
        return value

    @field_validator("samplers")
    @classmethod
    def _samplers(cls, value: dict) -> dict:
        value = {k: v for k, v in value.items() if v is not None}
        if SMOTE not in value:
            raise ValueError(f"must keep the reference lane {SMOTE!r}")
        return value

    @field_validator("tuned_samplers")
    @classmethod
    def _tuned(cls, value: dict) -> dict:
        value = {k: v for k, v in value.items() if v is not None}
        for name, tuned in value.items():
            _sklearn_only(tuned.learner, f"tuned_samplers.{name}.learner")
        return value

    @model_validator(mode="after")
    def _lanes(self):
        names = [lane.name for lane in self.lanes()]  # Lane refuses a bad name
        if len(set(names)) != len(names):
            raise ValueError(f"lane names must be unique: {names}")
        unknown = sorted(set(self.summary.references) - set(names))
        if unknown:
            raise ValueError(f"summary.references names {unknown}, which are not lanes; the lanes are {names}")
        return self

    def lanes(self) -> list[Lane]:
        """The lanes of every split, in order: baseline, class_weighted, the samplers', the model-driven ones."""
        return [Lane(BASELINE, experiment.RAW),
                *([Lane(CLASS_WEIGHTED, experiment.CLASS_WEIGHTED)] if self.class_weighted else []),
                *(Lane(name, experiment.IMBLEARN) for name in self.samplers),
                *(Lane(name, experiment.IMBLEARN_TUNED) for name in self.tuned_samplers),
                *(Lane(model_driven_lane(s), experiment.MODEL_DRIVEN) for s in self.model_driven.lane_names)]

    def lane_params(self) -> dict[str, object]:
        """Each lane's own parameters by name (the registry's ``params`` of :func:`experiment.run_split`)."""
        return {**self.samplers, **self.tuned_samplers,
                **{model_driven_lane(s): self.model_driven.lane_generation(s) for s in self.model_driven.lane_names}}


def _json(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


def outer_split(table: pd.DataFrame, params: BenchmarkParams, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(rest, test)``: the stratified test part of one split and the rest (train ∪ validation)."""
    return train_test_split(table, test_size=params.test_size, stratify=table[TARGET], random_state=seed)


def _parts(table: pd.DataFrame, params: BenchmarkParams, seed: int) -> tuple[pd.DataFrame, ...]:
    """``(train, validation, test)`` of one split: stratified, numeric features standardised on train ∪ validation
    (categorical and boolean columns of a mixed-type table are kept as they are; NaN stays NaN)."""
    rest, test = outer_split(table, params, seed)
    train, validation = train_test_split(rest, test_size=params.validation_size, stratify=rest[TARGET],
                                         random_state=seed)
    parts = [part.reset_index(drop=True) for part in (train, validation, test)]
    features = [c for c, kind in feature_kinds(table.drop(columns=[TARGET])).items() if kind == NUMERIC]
    if params.standardize and features:
        scaler = StandardScaler().fit(rest[features])
        for part in parts:
            part[features] = scaler.transform(part[features])
    return tuple(parts)


@contextlib.contextmanager
def _quiet():
    """One split is one progress line: the lanes' own INFO lines (resampling, the generation grid) are held
    back while it runs; warnings (a lane that failed) still show."""
    package = logging.getLogger("synthetic_intelligence.core")
    level = package.level
    package.setLevel(max(logging.WARNING, package.getEffectiveLevel()))
    try:
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        package.setLevel(level)


def run_split(name: str, table: pd.DataFrame, repeat: int,
              params: BenchmarkParams) -> tuple[list, list, list, float]:
    """Every lane x learner on one seeded split of one table; returns ``(rows, tuning_rows, diagnostics, seconds)``.

    ``rows``: one per lane x learner (AUPRC and ROC AUC on ``test``, status and reason, the lane's
    sampler and parameters, rows and synthetic rows of its training set, seconds). ``tuning_rows``:
    the validation grid of each lane that chooses on validation (model-driven: threshold, ratio; tuned
    samplers: their grid's keywords; validation AUPRC, ...). ``diagnostics``: one row per lane whose training
    set may hold synthetic rows (:func:`~synthetic_intelligence.core.benchmark.diagnostics.diagnose`: where its
    synthetic rows sit against train's real rows and in the oracle's score range); empty when
    ``diagnostics.enabled`` is false.
    """
    params = BenchmarkParams.model_validate(params)
    start = time.perf_counter()
    seed = params.seed + repeat
    info = describe(name, table)
    train, validation, test = _parts(table, params, seed)
    built: dict[str, tuple] = {}
    oracles: list = []

    def keep(lane, train_set, report, oracle, served=()):  # the synthetic lanes' sets, for the diagnostics
        if lane.synthetic and params.diagnostics.enabled:  # served: its learners when they differ by learner
            built[(lane.name, ",".join(served))] = (lane, train_set, report)
        if oracle is not None and not oracles:
            oracles.append(oracle)

    # One thread per split: parallelism comes from n_jobs (OpenMP spinning on a busy machine costs a lot).
    with _quiet():
        cells, reports = experiment.run_split(train, validation, {TEST: test}, lanes=params.lanes(),
                                              params=params.lane_params(), learners=params.learners,
                                              oracle=params.model_driven.oracle, offset=repeat, on_lane=keep)
        diagnostics = _diagnose(name, repeat, train, validation, built, oracles, params)
    rows = []
    for cell in cells:
        report = experiment.learner_report(reports[cell["lane"]], cell["learner"])
        choice = report.get("choice") or {}
        row = {**info, "repeat": repeat, "seed": seed, "lane": cell["lane"], "learner": cell["learner"],
               "learner_params": _json(learners.describe(params.learners[cell["learner"]])),
               "sampler": cell["sampler"], "sampler_params": _json(cell["sampler_params"]), "status": cell["status"],
               "error": cell["reason"] or "", "n_train": len(train), "n_validation": len(validation),
               "n_train_out": cell["n_train"] if cell["status"] == OK else np.nan, "n_synthetic": cell["n_synthetic"],
               "synthetic_share": cell["synthetic_share"] if cell["status"] == OK else np.nan,
               "n_test": len(test), "n_test_minority": int(test[TARGET].sum()), "auprc": cell["auprc"],
               "roc_auc": cell.get("roc_auc", np.nan), "resample_seconds": cell["resample_seconds"],
               "fit_seconds": cell["fit_seconds"]}
        if cell["kind"] in (experiment.MODEL_DRIVEN, experiment.IMBLEARN_TUNED):  # chosen on validation
            row["validation_auprc"] = choice.get("validation_auprc", np.nan)
        if cell["kind"] == experiment.MODEL_DRIVEN:
            row.update(threshold=choice.get("threshold", np.nan), ratio=choice.get("ratio", np.nan),
                       acceptance_rate=report.get("acceptance_rate", np.nan))
        rows.append(row)
    tuning = [{"table": name, "repeat": repeat, "seed": seed, "lane": lane, **point}
              for lane, report in reports.items() for point in report.get("validation_grid") or []]
    return rows, tuning, diagnostics, time.perf_counter() - start


def _diagnose(name: str, repeat: int, train: pd.DataFrame, validation: pd.DataFrame, built: dict, oracles: list,
              params: BenchmarkParams) -> list[dict]:
    """One diagnostic row per synthetic lane of a split; the oracle is the model-driven lanes' (fitted once per
    split; fitted here, as they would, when no model-driven lane ran)."""
    if not built:
        return []
    oracle = oracles[0] if oracles else learners.fit_learner(
        train, validation, experiment.reseed_learner(params.model_driven.oracle, repeat))[0]
    out = []
    for (lane_name, served), (lane, train_set, report) in _diagnosed_sets(built):
        failed = is_failed(report)
        row = {"table": name, "repeat": repeat, "lane": lane_name, "learner": served, "kind": lane.kind,
               "sampler": str(report.get("sampler_used") or report.get("sampler") or ""),
               "status": FAILED if failed else OK, "error": str(report.get("reason") or "") if failed else ""}
        if not failed:
            row.update(benchmark_diagnostics.diagnose(train, train_set, report, oracle,
                                                      max_rows=params.diagnostics.max_rows,
                                                      near_copy=params.diagnostics.near_copy, seed=params.seed + repeat))
        out.append(row)
    return out


def _diagnosed_sets(built: dict) -> list[tuple[tuple[str, str], tuple]]:
    """The sets a split's diagnostics describe: one per lane, labelled by no learner (``""``), unless the lane
    built several sets with synthetic rows for its learners (``per_learner``: each labelled by its learners). A
    set without synthetic rows beside one with them (a learner that declined them, ``tuning.confirm``, or chose
    none) has nothing to diagnose; so a lane's rows keep one label from split to split."""
    lanes: dict[str, list] = {}
    for (lane_name, served), entry in built.items():
        lanes.setdefault(lane_name, []).append((served, entry))
    out = []
    for lane_name, entries in lanes.items():
        used = [(served, entry) for served, entry in entries
                if is_failed(entry[2]) or int(entry[2].get("n_synthetic") or 0) > 0]
        if len(used) > 1:
            out += [((lane_name, served), entry) for served, entry in used]
        else:
            out.append(((lane_name, ""), (used or entries)[0][1]))
    return out


#: Fixed cost of a split (model-driven grid, clustering, fits) in the units of rows x sqrt(features);
#: measured: ~3 s for a 336 x 7 table, ~100 s for 13,086 x 216, on one core.
_SPLIT_OVERHEAD = 5000.0


def _cost(table: pd.DataFrame) -> float:
    """Relative cost of a split of ``table``; orders the work (largest first) and weighs the ETA."""
    return float(len(table) * np.sqrt(max(1, table.shape[1] - 1)) + _SPLIT_OVERHEAD)


def run_benchmark(
    tables: dict[str, pd.DataFrame], params: BenchmarkParams, *, log=logger
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """All tables x repeats, ``params.n_jobs`` splits at a time: ``(results, tuning, diagnostics)`` (the rows of
    :func:`run_split`); logs tables done, elapsed and ETA."""
    params = BenchmarkParams.model_validate(params)
    if not tables:
        raise ValueError("no benchmark tables to run")
    repeats = int(params.repeats)
    names = sorted(tables, key=lambda n: -_cost(tables[n]))  # the largest first: a short tail
    costs = {n: _cost(tables[n]) for n in names}
    total_cost = sum(costs.values()) * repeats
    tasks = [(n, r) for n in names for r in range(repeats)]
    log.info("benchmark: %d tables x %d repeats = %d splits, %d lanes x %d learners, n_jobs=%s",
             len(names), repeats, len(tasks), len(params.lanes()), len(params.learners), params.n_jobs)
    rows, tuning, diagnostics, left = [], [], [], {n: repeats for n in names}
    done_cost, start = 0.0, time.perf_counter()
    jobs = (delayed(run_split)(n, tables[n], r, params) for n, r in tasks)
    for split_rows, split_tuning, split_diagnostics, seconds in Parallel(n_jobs=params.n_jobs, return_as="generator_unordered")(jobs):
        name = split_rows[0]["table"]
        rows.extend(split_rows)
        tuning.extend(split_tuning)
        diagnostics.extend(split_diagnostics)
        left[name] -= 1
        done_cost += costs[name]
        elapsed = time.perf_counter() - start
        eta = elapsed * (total_cost - done_cost) / done_cost
        tables_done = sum(v == 0 for v in left.values())
        failed = sum(r["status"] == FAILED for r in split_rows)
        log.info("benchmark: %s repeat done (%.1f s, %d failed cells); tables done %d/%d; elapsed %.0f s; ETA %.0f s",
                 name, seconds, failed, tables_done, len(names), elapsed, eta)
    results = pd.DataFrame(rows).sort_values(["table", "repeat", "lane", "learner"], kind="stable")
    diagnostics = pd.DataFrame(diagnostics)
    if len(diagnostics):
        diagnostics = diagnostics.sort_values(["table", "repeat", "lane"], kind="stable").reset_index(drop=True)
    return results.reset_index(drop=True), pd.DataFrame(tuning), diagnostics
