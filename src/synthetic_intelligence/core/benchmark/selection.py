"""Choosing the model-driven default on validation only (issue 21 part 3): the benchmark's tables, its splits and
its code, with every test part discarded.

For each table and *selection* seed (disjoint from the benchmark's seeds): the benchmark's stratified split
(:func:`~synthetic_intelligence.core.benchmark.run.run_split` at that seed) is made and its test part dropped; the
rest (the benchmark's train ∪ validation) is handed to :func:`benchmark.run_split` as the table, with
``test_size = validation_size`` and the same seed, so that its first split reproduces the benchmark's
train / validation split exactly: the lanes tune on an inner validation carved out of the benchmark's
train, and every lane (candidates and references) is graded on the benchmark's validation part (the
"test" column of the rows is that outer validation). The summary is
:func:`~synthetic_intelligence.core.benchmark.stats.summarise` (mean ranks, wins / ties / losses).
"""

from __future__ import annotations

import logging
import time

import pandas as pd
from joblib import Parallel, delayed

from synthetic_intelligence.core.benchmark import run as benchmark
from synthetic_intelligence.core.benchmark import stats as benchmark_stats
from synthetic_intelligence.core.benchmark.run import BenchmarkParams

logger = logging.getLogger(__name__)

__all__ = ["SELECTION_SEEDS", "rank_table", "run_selection", "selection_params", "without_test"]

#: Selection seeds: the benchmark's splits use ``seed + repeat`` = 0..7, these never meet them.
SELECTION_SEEDS = (1000, 1001)


def without_test(table: pd.DataFrame, params: BenchmarkParams, seed: int) -> pd.DataFrame:
    """The benchmark's split of ``table`` at ``seed`` with its test part discarded (train ∪ validation)."""
    return benchmark.outer_split(table, params, seed)[0]


def selection_params(params: BenchmarkParams, candidates: dict[str, dict], *, keep_strategies: bool = True,
                     extra_samplers: tuple[str, ...] = ()) -> BenchmarkParams:
    """The benchmark's parameters for a selection run: ``test_size`` is the benchmark's ``validation_size`` (the
    outer validation grades), the model-driven ``candidates`` become lanes (``model_driven.variants``),
    diagnostics off; ``keep_strategies=False`` drops the strategy lanes of ``model_driven.strategies``."""
    params = BenchmarkParams.model_validate(params)
    data = params.model_dump()
    data["test_size"] = params.validation_size
    data["diagnostics"] = {**data["diagnostics"], "enabled": False}
    md = data["model_driven"]
    md["variants"] = {**md.get("variants", {}), **candidates}
    if not keep_strategies:
        md["strategies"] = []
    if extra_samplers:
        data["samplers"] = {k: v for k, v in data["samplers"].items() if k in (*extra_samplers, benchmark.SMOTE)}
    return BenchmarkParams.model_validate(data)


def _one(name: str, table: pd.DataFrame, seed: int, index: int, params: BenchmarkParams, selection: BenchmarkParams):
    rest = without_test(table, params, seed)
    rows, tuning, _, seconds = benchmark.run_split(name, rest, 0, selection.model_copy(update={"seed": seed}))
    for row in rows:
        row["repeat"] = index  # the selection seed's position (paired statistics pair on it)
        row["graded_on"] = "validation"
    return rows, seconds


def run_selection(tables: dict[str, pd.DataFrame], params: BenchmarkParams, candidates: dict[str, dict], *,
                  seeds=SELECTION_SEEDS, n_jobs: int = 1, keep_strategies: bool = True,
                  extra_samplers: tuple[str, ...] = (), log=logger) -> pd.DataFrame:
    """Every table x selection seed (see the module docstring): the rows of :func:`benchmark.run_split`, graded on
    the benchmark's validation part. A seed the benchmark uses (``params.seed`` .. ``+ repeats - 1``) is refused."""
    params = BenchmarkParams.model_validate(params)
    used = set(range(params.seed, params.seed + params.repeats))
    clash = sorted(set(seeds) & used)
    if clash:
        raise ValueError(f"selection seeds {clash} are benchmark seeds ({min(used)}..{max(used)}); use others")
    selection = selection_params(params, candidates, keep_strategies=keep_strategies, extra_samplers=extra_samplers)
    order = sorted(tables, key=lambda n: -benchmark._cost(tables[n]))
    tasks = [(n, s, i) for n in order for i, s in enumerate(seeds)]
    log.info("selection: %d tables x %d seeds, %d lanes", len(tables), len(seeds), len(selection.lanes()))
    out, start = [], time.perf_counter()
    jobs = (delayed(_one)(n, tables[n], s, i, params, selection) for n, s, i in tasks)
    for done, (rows, seconds) in enumerate(Parallel(n_jobs=n_jobs, return_as="generator_unordered")(jobs), 1):
        out.extend(rows)
        log.info("selection: %s seed done (%.1f s); %d/%d splits; elapsed %.0f s", rows[0]["table"], seconds, done,
                 len(tasks), time.perf_counter() - start)
    return pd.DataFrame(out).sort_values(["table", "repeat", "lane", "learner"], kind="stable").reset_index(drop=True)


def rank_table(results: pd.DataFrame, *, alpha: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(ranks, wtl)``: mean rank per lane per learner and their mean (``both``; 1 = best; a failed cell scored as
    the baseline), sorted by ``both``; wins / ties / losses (interval over seeds) and higher / lower per table
    against the baseline."""
    out = benchmark_stats.summarise(results, references=(benchmark.BASELINE,), alpha=alpha, failed="baseline")
    ranks = out["ranks"].pivot(index="lane", columns="learner", values="mean_rank").rename_axis(columns=None)
    ranks["both"] = ranks.mean(axis=1)
    wtl = out["wins_ties_losses"][["learner", "lane", "wins", "ties", "losses", "higher", "lower", "mean_diff"]]
    return ranks.sort_values("both"), wtl
