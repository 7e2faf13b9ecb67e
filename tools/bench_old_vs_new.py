"""The sampler of an old commit vs the current one (uniform and adaptive proposals), interleaved in one process.

Used for docs/scaling.md's "against itself" figures (issue 19). Same world, oracle and gate for every code;
each repetition alternates the order; the first repetition checks that every accepted row scores at or
above the gate's cut and that old and uniform accept identical rows.

    python tools/bench_old_vs_new.py N_ROWS REPEATS SMOTE(0|1)

Inputs (environment):
- the old package importable as ``synthetic_intelligence_old``, e.g.
  ``git archive 6ae01ad src/synthetic_intelligence | tar -x -C /tmp/old && mv /tmp/old/src/synthetic_intelligence
  /tmp/oldpkg/synthetic_intelligence_old && grep -rl synthetic_intelligence /tmp/oldpkg | xargs sed -i
  's/synthetic_intelligence\b/synthetic_intelligence_old/g'``, then ``PYTHONPATH=src:/tmp/oldpkg``;
- ``WORLD`` / ``WORLD_ROWS``: a scaling world folder as ``core.scaling.measure`` writes it (``scaling.workdir``);
- ``ORACLE``: a pickled fitted oracle (the scaling pipeline's HistGradientBoosting);
- ``OUT``: folder of the JSON result (default ``.``).
"""

import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import synthetic_intelligence_old.core.sampling as old
from imblearn.over_sampling import SMOTE

import synthetic_intelligence.core.sampling as new
from synthetic_intelligence.core.scaling import measure as scaling

PARAMS = {"gate": "quantile", "threshold": 0.5, "candidates": "interpolate", "batch_size": 1048576, "max_rounds": 50}
CODES = [("old", old, {}), ("uniform", new, {"proposals": "uniform"}), ("adaptive", new, {"proposals": "adaptive"})]


def _timed(fn):
    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start, load, os.getloadavg()[0]


def _one(name, module, extra, X, y, oracle, rep, first):
    sampler = module.OracleRejectionSampler(oracle=oracle, random_state=0, **PARAMS, **extra)
    (X_res, _), wall, load_before, load_after = _timed(lambda: sampler.fit_resample(X, y))
    key = "uniform" if name == "old" else name  # old and uniform must accept the same rows
    first.setdefault(key, X_res)
    synthetic = X_res[len(X):]
    passes = bool(sampler.oracle_.predict_proba(synthetic)[:, 1].min() >= sampler.thresholds_[1]) if rep == 0 else None
    return {"code": name, "rep": rep, "wall": round(wall, 3), "generate": round(sampler.seconds_generate_, 3),
            "score": round(sampler.seconds_score_, 3),
            "rest": round(wall - sampler.seconds_generate_ - sampler.seconds_score_, 3),
            "candidates": sampler.n_candidates_, "synthetic": len(synthetic),
            "score_rows_s": round(sampler.n_candidates_ / sampler.seconds_score_),
            "acceptance": round(sampler.acceptance_rate_, 4),
            "rounds": [(r["candidates"], r["accepted"], round(r["acceptance_rate"], 4)) for r in sampler.rounds_],
            "identical_to_first_of_kind": bool(np.array_equal(first[key], X_res)), "all_pass_gate": passes,
            "load1_before": load_before, "load1_after": load_after}


def main(n_rows: int, reps: int, with_smote: bool) -> dict:
    world = {"folder": os.environ.get("WORLD", "/tmp/scal/world"), "n_rows": int(os.environ.get("WORLD_ROWS", n_rows))}
    X, y = scaling.load_world(world, n_rows)
    oracle = pickle.loads(Path(os.environ["ORACLE"]).read_bytes())
    out, first = {"n_rows": n_rows, "load_start": os.getloadavg(), "runs": []}, {}
    for rep in range(reps):
        for name, module, extra in CODES if rep % 2 == 0 else CODES[::-1]:
            out["runs"].append(_one(name, module, extra, X, y, oracle, rep, first))
            sys.stdout.write(json.dumps(out["runs"][-1]) + "\n")
    if with_smote:
        _, wall, load_before, load_after = _timed(lambda: SMOTE(k_neighbors=5, random_state=0).fit_resample(X, y))
        out["runs"].append({"code": "smote", "wall": round(wall, 3), "load1_before": load_before,
                            "load1_after": load_after})
    out["load_end"] = os.getloadavg()
    return out


if __name__ == "__main__":
    n = int(sys.argv[1])
    result = main(n, int(sys.argv[2]), sys.argv[3] == "1")
    (Path(os.environ.get("OUT", ".")) / f"old_vs_new_{n}.json").write_text(json.dumps(result, indent=1))
